import {Decimal, str} from './decimal.js'
import {usageError} from './errors.js'
import {FillLedger} from './fills.js'
import type {ExchangeOrder, OrderType, Side} from './exchange/types.js'
import {type DayBuy, utcDay} from './limits.js'
import type {Store, Tx} from './store.js'

export type TradeStatus = 'pending' | 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'failed' | 'unknown'
export const TRADE_STATUSES: TradeStatus[] = [
  'pending',
  'open',
  'filled',
  'cancelled',
  'expired',
  'rejected',
  'failed',
  'unknown',
]

/** One row of the journal, as the SPEC's trade record. */
export interface TradeRecord {
  id: number
  broker: string
  trade_type: string
  symbol: string
  side: Side
  order_type: OrderType
  quantity: string
  price: string | null
  total_value: string | null
  status: TradeStatus
  filled_quantity: string | null
  filled_price: string | null
  /** the exact sum of fill quantity x price (total_value is what was asked) */
  filled_value: string | null
  fees: string | null
  fee_currency: string | null
  client_order_id: string
  exchange_order_id: string | null
  created_at: string
  executed_at: string | null
  error_message: string | null
  notes: string | null
}

export const TRADE_FIELDS: (keyof TradeRecord)[] = [
  'id',
  'broker',
  'trade_type',
  'symbol',
  'side',
  'order_type',
  'quantity',
  'price',
  'total_value',
  'status',
  'filled_quantity',
  'filled_price',
  'filled_value',
  'fees',
  'fee_currency',
  'client_order_id',
  'exchange_order_id',
  'created_at',
  'executed_at',
  'error_message',
  'notes',
]

const COLUMNS = TRADE_FIELDS.join(', ')

export interface NewTrade {
  broker: string
  /** the USD price of the quote when the order was placed (1 for a USD stable), null when unknown */
  quote_usd: string | null
  /** in the form the broker's exchange accepts (ExchangeGateway.newClientOrderId) */
  client_order_id: string
  symbol: string
  side: Side
  order_type: OrderType
  quantity: string
  price: string | null
  total_value: string | null
  notes: string | null
}

export interface HistoryFilter {
  symbol?: string
  side?: Side
  status?: TradeStatus
  since?: string
  until?: string
  broker?: string
  limit?: number
}

/**
 * The journal of every order this tool sent or tried to send, for one profile. Rows are never
 * deleted; each is written before its order leaves the machine and updated with what came back.
 */
export class TradeJournal {
  /** the executions of the journal's orders, and the history imported beside them */
  readonly fills: FillLedger

  constructor(
    private readonly store: Store,
    readonly profile: string,
  ) {
    this.fills = new FillLedger(store, profile)
  }

  /**
   * Writes the row of an order about to be sent. `check` runs first in the same write transaction,
   * which holds the journal's write lock (Store.write): what it reads no other writer can change until
   * the row is committed, and if it throws, no row is written.
   */
  async recordPending(trade: NewTrade, check?: (tx: Tx) => Promise<void>): Promise<TradeRecord> {
    const now = new Date().toISOString()
    const row = {
      ...trade,
      profile: this.profile,
      trade_type: 'manual',
      status: 'pending',
      created_at: now,
      updated_at: now,
    }
    const id = await this.store.write(async (tx) => {
      if (check) await check(tx)
      const [inserted] = await tx('trades').insert(row).returning<{id: number}[]>('id')
      return inserted.id
    })
    return this.reread(id)
  }

  /** Records what the exchange says of the order: status, fills, average price, fees. */
  async recordOrder(id: number, order: ExchangeOrder): Promise<TradeRecord> {
    const status = tradeStatusOf(order)
    const filled = new Decimal(order.filled || '0')
    const average = order.average ?? (order.cost && !filled.isZero() ? str(new Decimal(order.cost).div(filled)) : null)
    const value = filled.isZero() ? null : (order.cost ?? (average ? str(filled.mul(average)) : null))
    const now = new Date().toISOString()
    await this.store.write(async (tx) => {
      const current = await tx('trades')
        .where({id, profile: this.profile})
        .first<Pick<TradeRecord, 'executed_at' | 'fees' | 'fee_currency' | 'notes'> | undefined>(
          'executed_at',
          'fees',
          'fee_currency',
          'notes',
        )
      // What the exchange says of the execution joins the trader's note, once.
      const notes = current?.notes ?? null
      const noted =
        order.note && !(notes ?? '').includes(order.note) ? (notes ? `${notes}; ${order.note}` : order.note) : notes
      await tx('trades')
        .where({id, profile: this.profile})
        .update({
          status,
          exchange_order_id: order.id,
          filled_quantity: str(filled),
          filled_price: filled.isZero() ? null : average,
          filled_value: value,
          // An answer without fees (some lookups carry none) never erases fees already known.
          fees: order.fee ?? current?.fees ?? null,
          fee_currency: order.fee === null ? (current?.fee_currency ?? null) : order.feeCurrency,
          executed_at:
            current?.executed_at ??
            (filled.isZero() ? null : order.timestamp ? new Date(order.timestamp).toISOString() : now),
          error_message: null,
          notes: noted,
          updated_at: now,
        })
      await this.fills.recordOrder(tx, id, order.trades)
    })
    return this.reread(id)
  }

  async recordProblem(id: number, status: 'rejected' | 'failed' | 'unknown', message: string): Promise<TradeRecord> {
    await this.store.write(async (tx) => {
      await tx('trades')
        .where({id, profile: this.profile})
        .update({status, error_message: message, updated_at: new Date().toISOString()})
    })
    return this.reread(id)
  }

  async get(id: number): Promise<TradeRecord | null> {
    // Not an id the table can hold: PostgreSQL would fail on an out-of-range integer, SQLite finds nothing.
    if (!isRowId(id)) return null
    const rows = await this.store.query(`SELECT ${COLUMNS} FROM trades WHERE id = ? AND profile = ?`, [
      id,
      this.profile,
    ])
    return rows.length > 0 ? toRecord(rows[0]) : null
  }

  /** A row this journal has just written, read back as it now is. */
  private async reread(id: number): Promise<TradeRecord> {
    const record = await this.get(id)
    if (!record) throw new Error(`trade ${String(id)} is not in the journal of profile ${this.profile}`)
    return record
  }

  /** Newest first; every filter is served by an index that starts with (profile, ...). */
  async list(filter: HistoryFilter): Promise<TradeRecord[]> {
    const symbols = filter.symbol ? await this.symbolsNamed(filter.symbol) : undefined
    if (symbols?.length === 0) return []
    const conditions: [string, unknown][] = [
      ['profile = ?', this.profile],
      ['broker = ?', filter.broker],
      ['symbol = ?', symbols?.length === 1 ? symbols[0] : undefined],
      [`symbol IN (${(symbols ?? []).map(() => '?').join(', ')})`, symbols && symbols.length > 1 ? symbols : undefined],
      ['side = ?', filter.side],
      ['status = ?', filter.status],
      ['created_at >= ?', filter.since],
      ['created_at < ?', filter.until],
    ]
    const given = conditions.filter(([, value]) => value)
    const where = given.map(([clause]) => clause)
    const bindings = given.flatMap(([, value]) => value)
    let sql = `SELECT ${COLUMNS} FROM trades WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC`
    if (filter.limit) {
      sql += ' LIMIT ?'
      bindings.push(filter.limit)
    }

    return (await this.store.query(sql, bindings)).map(toRecord)
  }

  /**
   * The journal's symbols a user's spelling names, as every command accepts them: BTC/USDT,
   * btc/usdt, BTC-USDT, or BTCUSDT (matched against the symbols this profile has traded).
   */
  private async symbolsNamed(text: string): Promise<string[]> {
    const wanted = text.trim().toUpperCase()
    const parts = wanted.split(/[/_-]/)
    if (parts.length === 2 && parts.every(Boolean)) return [`${parts[0]}/${parts[1]}`]
    const rows = await this.store.query<{symbol: string}>('SELECT DISTINCT symbol FROM trades WHERE profile = ?', [
      this.profile,
    ])
    return rows.map((r) => r.symbol).filter((s) => s.replace('/', '') === wanted)
  }

  /** The symbols a broker's rows name, tradedesk's own orders and imported ones alike. */
  async symbolsTraded(broker: string): Promise<string[]> {
    const rows = await this.store.query<{symbol: string}>(
      'SELECT DISTINCT symbol FROM trades WHERE profile = ? AND broker = ? ORDER BY symbol',
      [this.profile, broker],
    )
    return rows.map((r) => r.symbol)
  }

  /** The broker's rows with these client order ids. */
  async byClientOrderIds(broker: string, ids: string[]): Promise<TradeRecord[]> {
    if (ids.length === 0) return []
    const rows = await this.store.query(
      `SELECT ${COLUMNS} FROM trades WHERE profile = ? AND broker = ? AND client_order_id IN (${ids.map(() => '?').join(', ')})`,
      [this.profile, broker, ...ids],
    )
    return rows.map(toRecord)
  }

  /** The broker's buys made on the UTC day of `at`, read in a write transaction when `tx` is given. */
  async buysOfDay(broker: string, at: Date, tx?: Tx): Promise<DayBuy[]> {
    const {start, end} = utcDay(at)
    const columns = ['symbol', 'status', 'total_value', 'filled_value', 'quote_usd']
    if (tx) {
      return tx('trades')
        .where({profile: this.profile, broker, side: 'buy'})
        .where('created_at', '>=', start)
        .where('created_at', '<', end)
        .select<DayBuy[]>(columns)
    }

    return this.store.query<DayBuy>(
      `SELECT ${columns.join(', ')} FROM trades WHERE profile = ? AND broker = ? AND side = 'buy' AND created_at >= ? AND created_at < ?`,
      [this.profile, broker, start, end],
    )
  }

  /** Rows of a broker whose outcome is not settled: open, unknown and pending. */
  async unsettled(broker: string): Promise<TradeRecord[]> {
    const rows = await this.store.query(
      `SELECT ${COLUMNS} FROM trades WHERE profile = ? AND broker = ? AND status IN ('open', 'unknown', 'pending') ORDER BY id`,
      [this.profile, broker],
    )
    return rows.map(toRecord)
  }
}

/** A trade id as a user typed it, or a usage error: an `order cancel ID` or `history show ID` argument. */
export function parseTradeId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw usageError(`ID must be a trade id from \`tradedesk history\` (got "${text}")`)
  return Number(text)
}

/** An id an `increments()` column can hold (a 32-bit integer on PostgreSQL): 1 to 2^31 - 1. */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647
}

export function tradeStatusOf(order: ExchangeOrder): TradeStatus {
  switch (order.status) {
    case 'open':
      return 'open'
    case 'closed':
      return new Decimal(order.filled || '0').isZero() ? 'cancelled' : 'filled'
    case 'canceled':
      return 'cancelled'
    case 'expired':
      return 'expired'
    case 'rejected':
      return 'rejected'
  }
}

function toRecord(row: Record<string, unknown>): TradeRecord {
  const record = {} as Record<string, unknown>
  for (const f of TRADE_FIELDS) record[f] = row[f] ?? null
  record.id = Number(row.id)
  return record as unknown as TradeRecord
}
