import {createHash} from 'node:crypto'
import {Decimal, str} from './decimal.js'
import type {ExchangeTrade, Side} from './exchange/types.js'
import type {Store, Tx} from './store.js'
import {isUsdStable} from './usd.js'

/**
 * One execution in the journal's fills table: the source of truth for fees, realized P&L, open lots
 * and tax exports. Every number is an exact decimal string.
 */
export interface FillRecord {
  /** row id */
  id: number
  broker: string
  /** the exchange's trade id, unique per broker; `order:<client order id>` for an order whose fills the exchange did not list */
  trade_id: string
  /** the exchange's order id, when known */
  order_id: string | null
  /** the journal's trade row the fill belongs to (tradedesk's own order, or the `external` row of an imported order) */
  trade_row: number | null
  symbol: string
  side: Side
  /** base quantity executed */
  amount: string
  price: string
  /** quote exchanged (amount x price as the exchange states it) */
  cost: string
  fee: string | null
  fee_currency: string | null
  /** the quote's USD price at the fill (1 for a USD stable); null when unknown: the fill is unpriced */
  quote_usd: string | null
  /** the fee's USD value ('0' when no fee); null when the fee has no known USD value */
  fee_usd: string | null
  /** ISO 8601 UTC */
  executed_at: string
  /** `tradedesk`: recorded as tradedesk's own order settled; `import`: brought in by journal import */
  source: 'tradedesk' | 'import'
}

/** The trade id of the fill that stands for what an order executed beyond the fills the exchange listed. */
export const orderFillId = (clientOrderId: string) => `order:${clientOrderId}`

export const FILL_FIELDS: (keyof FillRecord)[] = [
  'id',
  'broker',
  'trade_id',
  'order_id',
  'trade_row',
  'symbol',
  'side',
  'amount',
  'price',
  'cost',
  'fee',
  'fee_currency',
  'quote_usd',
  'fee_usd',
  'executed_at',
  'source',
]

/**
 * The USD value of a fill's fee: in the base at the fill's price, in the quote at the quote's rate,
 * a USD stable at 1, another currency at `otherRate` (its USD price at the fill) when known.
 * '0' without a fee; null when it cannot be valued.
 */
export function feeUsd(
  fill: Pick<FillRecord, 'symbol' | 'amount' | 'cost' | 'fee' | 'fee_currency'>,
  quoteUsd: Decimal | null,
  otherRate: Decimal | null = null,
): string | null {
  const fee = new Decimal(fill.fee ?? 0)
  if (fee.isZero()) return '0'
  const [base, quote] = fill.symbol.split('/')
  const currency = fill.fee_currency ?? ''
  if (isUsdStable(currency)) return str(fee)
  if (currency === quote) return quoteUsd ? str(fee.mul(quoteUsd)) : null
  if (currency === base) {
    const amount = new Decimal(fill.amount)
    return quoteUsd && !amount.isZero() ? str(fee.mul(fill.cost).div(amount).mul(quoteUsd)) : null
  }

  return otherRate ? str(fee.mul(otherRate)) : null
}

/** The rate a fill's quote had: 1 for a USD stable, else the rate given (null: unknown). */
export function quoteRate(symbol: string, known: string | null): Decimal | null {
  const quote = symbol.split('/')[1] ?? ''
  if (isUsdStable(quote)) return new Decimal(1)
  return known ? new Decimal(known) : null
}

export interface FillFilter {
  /** only these brokers (all of the profile's when absent) */
  brokers?: string[]
  /** ISO, inclusive */
  since?: string
  /** ISO, exclusive */
  until?: string
}

/** What an import page did: trades added, and trades the journal already had. */
export interface PageOutcome {
  imported: number
  skipped: number
}

/** USD rates of an imported trade, found before its page is written (they may need the network). */
export interface TradeRates {
  quoteUsd: Decimal | null
  /** the USD price of a fee paid in neither the base nor the quote */
  feeCurrencyUsd: Decimal | null
}

/** The columns of a journal row that its fills are reconciled with. */
interface TradeRow {
  id: number
  broker: string
  trade_type: string
  symbol: string
  side: Side
  order_type: string
  client_order_id: string
  exchange_order_id: string | null
  filled_quantity: string | null
  filled_price: string | null
  filled_value: string | null
  fees: string | null
  fee_currency: string | null
  quote_usd: string | null
  created_at: string
  executed_at: string | null
}

const TRADE_ROW_FIELDS: (keyof TradeRow)[] = [
  'id',
  'broker',
  'trade_type',
  'symbol',
  'side',
  'order_type',
  'client_order_id',
  'exchange_order_id',
  'filled_quantity',
  'filled_price',
  'filled_value',
  'fees',
  'fee_currency',
  'quote_usd',
  'created_at',
  'executed_at',
]

/**
 * The fills table of one profile: the executions of tradedesk's own orders, recorded as they
 * settle, and the account's history brought in by `journal import`. A trade id is stored once per
 * broker, so reading the same history twice adds nothing.
 */
export class FillLedger {
  constructor(
    private readonly store: Store,
    readonly profile: string,
  ) {}

  /** Every fill of the profile, oldest first (plain SQL: a read that never loads the query builder). */
  async list(filter: FillFilter = {}): Promise<FillRecord[]> {
    if (filter.brokers?.length === 0) return []
    const conditions: [string, unknown[]][] = [['profile = ?', [this.profile]]]
    if (filter.brokers) conditions.push([`broker IN (${filter.brokers.map(() => '?').join(', ')})`, filter.brokers])
    if (filter.since) conditions.push(['executed_at >= ?', [filter.since]])
    if (filter.until) conditions.push(['executed_at < ?', [filter.until]])
    const rows = await this.store.query(
      `SELECT ${FILL_FIELDS.join(', ')} FROM fills WHERE ${conditions.map(([c]) => c).join(' AND ')} ORDER BY executed_at, id`,
      conditions.flatMap(([, values]) => values),
    )
    return rows.map(toFill)
  }

  /** The trade ids among these that the broker's fills already hold. */
  async known(broker: string, tradeIds: string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (let i = 0; i < tradeIds.length; i += 500) {
      const rows = await this.store
        .db('fills')
        .where({profile: this.profile, broker})
        .whereIn('trade_id', tradeIds.slice(i, i + 500))
        .select<{trade_id: string}[]>('trade_id')
      for (const r of rows) found.add(r.trade_id)
    }

    return found
  }

  /**
   * Writes one page of the account's history in one transaction: each trade not yet known becomes a
   * fill, linked to the journal's row of its order: tradedesk's own (found by the exchange's order
   * id), or an `external` row made for an order placed elsewhere and kept up to date with its fills.
   */
  async importPage(broker: string, trades: ExchangeTrade[], rates: Map<string, TradeRates>): Promise<PageOutcome> {
    return this.store.write(async (tx) => {
      const known = await this.knownIn(
        tx,
        broker,
        trades.map((t) => t.id),
      )
      const fresh = uniqueById(trades).filter((t) => !known.has(t.id))
      const rows = new Map<string, TradeRow>()
      const touched = new Set<number>()
      for (const trade of fresh) {
        const key = orderKey(trade)
        let row = rows.get(key) ?? (await this.orderRow(tx, broker, trade))
        const rate = row?.trade_type === 'external' || !row ? rates.get(trade.id) : undefined
        const quoteUsd =
          row && row.trade_type !== 'external' ? quoteRate(trade.symbol, row.quote_usd) : (rate?.quoteUsd ?? null)
        row ??= await this.insertExternal(tx, broker, trade, quoteUsd)
        rows.set(key, row)
        touched.add(row.id)
        await tx('fills').insert(this.fillRow(broker, trade, row.id, quoteUsd, rate?.feeCurrencyUsd ?? null, 'import'))
      }

      for (const id of touched) await this.settle(tx, id)
      return {imported: fresh.length, skipped: trades.length - fresh.length}
    })
  }

  /**
   * Records the fills of one of tradedesk's orders as it settles (inside the journal's transaction):
   * the executions the exchange listed, and one fill (`order:<client id>`) for what the order
   * executed beyond them, so that every quantity the journal holds as filled is in the fills table.
   */
  async recordOrder(tx: Tx, rowId: number, trades: ExchangeTrade[] | undefined): Promise<void> {
    const row = await this.tradeRow(tx, rowId)
    if (!row) return
    const quoteUsd = quoteRate(row.symbol, row.quote_usd)
    const listed = uniqueById(trades ?? [])
    const known = await this.knownIn(
      tx,
      row.broker,
      listed.map((t) => t.id),
    )
    for (const trade of listed.filter((t) => !known.has(t.id)))
      await tx('fills').insert(this.fillRow(row.broker, trade, row.id, quoteUsd, null, 'tradedesk'))
    await this.settle(tx, rowId)
  }

  /** How far the broker's history has been read for a scope (a symbol, or `*`): milliseconds, or null. */
  async cursor(broker: string, scope: string): Promise<number | null> {
    const row = await this.store
      .db('import_cursors')
      .where({profile: this.profile, broker, scope})
      .first<{since_ms: number | string} | undefined>('since_ms')
    return row ? Number(row.since_ms) : null
  }

  /** Moves a scope's cursor forward to the newest trade time read; never back. */
  async advanceCursor(broker: string, scope: string, sinceMs: number): Promise<void> {
    await this.store.write(async (tx) => {
      const key = {profile: this.profile, broker, scope}
      const current = await tx('import_cursors').where(key).first<{since_ms: number | string} | undefined>('since_ms')
      const updated_at = new Date().toISOString()
      if (!current) await tx('import_cursors').insert({...key, since_ms: sinceMs, updated_at})
      else if (Number(current.since_ms) < sinceMs)
        await tx('import_cursors').where(key).update({since_ms: sinceMs, updated_at})
    })
  }

  /** The scopes whose history has been read before: symbols the account traded. */
  async scopes(broker: string): Promise<string[]> {
    const rows = await this.store
      .db('import_cursors')
      .where({profile: this.profile, broker})
      .select<{scope: string}[]>('scope')
    return rows.map((r) => r.scope)
  }

  private async knownIn(tx: Tx, broker: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await tx('fills')
        .where({profile: this.profile, broker})
        .whereIn('trade_id', ids.slice(i, i + 500))
        .select<{trade_id: string}[]>('trade_id')
      for (const r of rows) found.add(r.trade_id)
    }

    return found
  }

  private fillRow(
    broker: string,
    trade: ExchangeTrade,
    tradeRow: number,
    quoteUsd: Decimal | null,
    feeCurrencyUsd: Decimal | null,
    source: FillRecord['source'],
  ) {
    const fill = {
      symbol: trade.symbol,
      amount: trade.amount,
      cost: trade.cost,
      fee: trade.fee,
      fee_currency: trade.feeCurrency,
    }
    return {
      profile: this.profile,
      broker,
      trade_id: trade.id,
      order_id: trade.orderId,
      trade_row: tradeRow,
      side: trade.side,
      price: trade.price,
      ...fill,
      quote_usd: quoteUsd ? str(quoteUsd) : null,
      fee_usd: feeUsd(fill, quoteUsd, feeCurrencyUsd),
      executed_at: new Date(trade.timestamp).toISOString(),
      source,
      created_at: new Date().toISOString(),
    }
  }

  private async tradeRow(tx: Tx, id: number): Promise<TradeRow | null> {
    const row = await tx('trades')
      .where({id, profile: this.profile})
      .first<(Omit<TradeRow, 'id'> & {id: number | string}) | undefined>(TRADE_ROW_FIELDS)
    return row ? {...row, id: Number(row.id)} : null
  }

  /** The journal's row of the order a trade executed: tradedesk's own, or one made by an earlier import. */
  private async orderRow(tx: Tx, broker: string, trade: ExchangeTrade): Promise<TradeRow | null> {
    if (trade.orderId !== null) {
      const own = await tx('trades')
        .where({profile: this.profile, broker, exchange_order_id: trade.orderId})
        .orderBy('id')
        .first<{id: number | string} | undefined>('id')
      if (own) return this.tradeRow(tx, Number(own.id))
    }

    const external = await tx('trades')
      .where({client_order_id: externalClientId(this.profile, broker, trade)})
      .first<{id: number | string} | undefined>('id')
    return external ? this.tradeRow(tx, Number(external.id)) : null
  }

  /** A journal row for an order placed outside tradedesk: `external`, filled, its figures from its fills. */
  private async insertExternal(
    tx: Tx,
    broker: string,
    trade: ExchangeTrade,
    quoteUsd: Decimal | null,
  ): Promise<TradeRow> {
    const time = new Date(trade.timestamp).toISOString()
    const [inserted] = await tx('trades')
      .insert({
        profile: this.profile,
        broker,
        trade_type: 'external',
        symbol: trade.symbol,
        side: trade.side,
        order_type: trade.orderType ?? (trade.takerOrMaker === 'maker' ? 'limit' : 'market'),
        quantity: trade.amount,
        price: null,
        total_value: null,
        status: 'filled',
        client_order_id: externalClientId(this.profile, broker, trade),
        exchange_order_id: trade.orderId,
        quote_usd: quoteUsd ? str(quoteUsd) : null,
        created_at: time,
        executed_at: time,
        notes: 'imported: placed outside tradedesk',
        updated_at: new Date().toISOString(),
      })
      .returning<{id: number | string}[]>('id')
    const row = await this.tradeRow(tx, Number(inserted.id))
    if (!row) throw new Error('the external row just written cannot be read back')
    return row
  }

  /**
   * Brings a journal row and its fills into agreement. An external row takes its figures from its
   * fills. One of tradedesk's rows keeps the figures the exchange gave for the order, takes its fees
   * from the fills when the order stated none, and has one fill (`order:<client id>`) for what it
   * executed beyond the listed fills: none once they cover it.
   */
  private async settle(tx: Tx, rowId: number): Promise<void> {
    const row = await this.tradeRow(tx, rowId)
    if (!row) return
    const fills = (
      await tx('fills')
        .where({profile: this.profile, trade_row: rowId})
        .orderBy([{column: 'executed_at'}, {column: 'id'}])
        .select<Record<string, unknown>[]>(FILL_FIELDS)
    ).map(toFill)
    const synthetic = orderFillId(row.client_order_id)
    const listed = fills.filter((f) => f.trade_id !== synthetic)
    const sum = (key: 'amount' | 'cost') => listed.reduce((s, f) => s.plus(f[key]), new Decimal(0))
    const fee = sumFees(listed)
    const now = new Date().toISOString()
    if (row.trade_type === 'external') {
      const amount = sum('amount')
      const cost = sum('cost')
      await tx('trades')
        .where({id: rowId})
        .update({
          quantity: str(amount),
          filled_quantity: str(amount),
          filled_price: amount.isZero() ? null : str(cost.div(amount)),
          filled_value: str(cost),
          fees: fee.cost,
          fee_currency: fee.currency,
          created_at: listed[0]?.executed_at ?? row.created_at,
          executed_at: listed[0]?.executed_at ?? row.executed_at,
          updated_at: now,
        })
      return
    }

    if (row.fees === null && fee.cost !== null)
      await tx('trades').where({id: rowId}).update({fees: fee.cost, fee_currency: fee.currency, updated_at: now})
    const filled = new Decimal(row.filled_quantity ?? 0)
    const rest = filled.minus(sum('amount'))
    await tx('fills').where({profile: this.profile, broker: row.broker, trade_id: synthetic}).delete()
    if (rest.lte(0) || !row.filled_price) return
    const value = new Decimal(row.filled_value ?? filled.mul(row.filled_price))
    const restCost = Decimal.max(value.minus(sum('cost')), 0)
    const orderFee = row.fees !== null && (fee.currency === null || fee.currency === row.fee_currency)
    const restFee = orderFee ? Decimal.max(new Decimal(row.fees ?? 0).minus(fee.cost ?? 0), 0) : new Decimal(0)
    const trade: ExchangeTrade = {
      id: synthetic,
      orderId: row.exchange_order_id,
      symbol: row.symbol,
      side: row.side,
      amount: str(rest),
      price: str(restCost.div(rest)),
      cost: str(restCost),
      fee: restFee.isZero() ? null : str(restFee),
      feeCurrency: restFee.isZero() ? null : row.fee_currency,
      timestamp: Date.parse(row.executed_at ?? row.created_at),
      takerOrMaker: null,
      orderType: row.order_type,
    }
    await tx('fills').insert(
      this.fillRow(row.broker, trade, rowId, quoteRate(row.symbol, row.quote_usd), null, 'tradedesk'),
    )
  }
}

/** The order a trade belongs to, for grouping: its order id, or the trade itself when the exchange gives none. */
const orderKey = (trade: ExchangeTrade) => (trade.orderId === null ? `trade:${trade.id}` : `order:${trade.orderId}`)

/** The client order id of an external row: stable for an order, so a second import finds the same row. */
function externalClientId(profile: string, broker: string, trade: ExchangeTrade): string {
  const digest = createHash('sha256')
    .update(`${profile}\0${broker}\0${orderKey(trade)}`)
    .digest('hex')
  return `ext-${digest.slice(0, 40)}`
}

function uniqueById(trades: ExchangeTrade[]): ExchangeTrade[] {
  return [...new Map(trades.map((t) => [t.id, t])).values()]
}

/** The sum of fills' fees when they share one currency; null when none has a fee or they differ. */
function sumFees(fills: FillRecord[]): {cost: string | null; currency: string | null} {
  const charged = fills.filter((f) => f.fee !== null && !new Decimal(f.fee).isZero())
  const currencies = new Set(charged.map((f) => f.fee_currency))
  if (charged.length === 0 || currencies.size !== 1) return {cost: null, currency: null}
  return {cost: str(charged.reduce((s, f) => s.plus(f.fee ?? 0), new Decimal(0))), currency: charged[0].fee_currency}
}

function toFill(row: Record<string, unknown>): FillRecord {
  const fill = {} as Record<string, unknown>
  for (const f of FILL_FIELDS) fill[f] = row[f] ?? null
  fill.id = Number(row.id)
  fill.trade_row = row.trade_row === null || row.trade_row === undefined ? null : Number(row.trade_row)
  return fill as unknown as FillRecord
}
