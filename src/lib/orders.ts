import type {Broker} from './brokers.js'
import {ExitCode, TradedeskError, usageError} from './errors.js'
import {Decimal, str} from './decimal.js'
import type {ExchangeGateway, ExchangeOrder} from './exchange/types.js'
import {type TradeJournal, type TradeRecord, parseTradeId, tradeStatusOf} from './journal.js'

/**
 * How long a `pending` row may still be on its way to the exchange from another process: after that,
 * an order the exchange does not know never left. $TRADEDESK_PENDING_GRACE_SECONDS, default 60.
 */
export function pendingGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.TRADEDESK_PENDING_GRACE_SECONDS
  if (text === undefined || text === '') return 60_000
  if (!/^\d{1,6}$/.test(text))
    throw usageError(`TRADEDESK_PENDING_GRACE_SECONDS must be a whole number of seconds (got "${text}")`)
  return Number(text) * 1000
}

/** An order on the exchange as a trade record: the journal's row, or (placed elsewhere) id null and trade_type external. */
export type OrderRecord = Omit<TradeRecord, 'id' | 'client_order_id'> & {
  id: number | null
  client_order_id: string | null
}

/**
 * The broker's open orders on the exchange, as trade records. An order this tool placed is its
 * journal row, brought up to date with what the exchange says (as `order sync` would); an order
 * placed elsewhere is shown as an external record with no journal id.
 */
export async function listOpenOrders(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  broker: Broker,
): Promise<OrderRecord[]> {
  const orders = await gateway.fetchOpenOrders()
  const ids = orders.map((o) => o.clientOrderId).filter((id): id is string => Boolean(id))
  const known = new Map((await journal.byClientOrderIds(broker.name, ids)).map((t) => [t.client_order_id, t]))
  const records: OrderRecord[] = []
  for (const o of orders) {
    const row = o.clientOrderId ? known.get(o.clientOrderId) : undefined
    if (!row) records.push(externalRecord(broker, o))
    else if (row.status === tradeStatusOf(o) && row.filled_quantity === o.filled && row.exchange_order_id === o.id)
      records.push(row)
    else records.push(await journal.recordOrder(row.id, o))
  }

  return records
}

function externalRecord(broker: Broker, o: ExchangeOrder): OrderRecord {
  const filled = new Decimal(o.filled)
  const created = o.timestamp ? new Date(o.timestamp).toISOString() : null
  return {
    id: null,
    broker: broker.name,
    trade_type: 'external',
    symbol: o.symbol,
    side: o.side,
    order_type: o.type === 'limit' ? 'limit' : 'market',
    quantity: o.amount,
    price: o.price,
    total_value: o.price ? str(new Decimal(o.amount).mul(o.price)) : null,
    status: tradeStatusOf(o),
    filled_quantity: o.filled,
    filled_price: filled.isZero() ? null : (o.average ?? (o.cost ? str(new Decimal(o.cost).div(filled)) : null)),
    filled_value: filled.isZero() ? null : o.cost,
    fees: o.fee,
    fee_currency: o.feeCurrency,
    client_order_id: o.clientOrderId,
    exchange_order_id: o.id,
    created_at: created ?? '',
    executed_at: null,
    error_message: null,
    notes: null,
  }
}

/** Cancels an open order by its journal id, and records the outcome. */
export async function cancelOrder(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  broker: Broker,
  idText: string,
): Promise<TradeRecord> {
  const trade = await journal.get(parseTradeId(idText))
  if (!trade || trade.broker !== broker.name) {
    throw usageError(`no trade ${idText} on broker ${broker.name} in this profile's journal`, 'UNKNOWN_TRADE')
  }

  if (trade.status !== 'open' || !trade.exchange_order_id) {
    throw new TradedeskError(
      'ORDER_NOT_OPEN',
      `trade ${String(trade.id)} is ${trade.status}, not an open order`,
      ExitCode.ORDER_INVALID,
    )
  }

  const cancelled = await gateway.cancelOrder(trade.exchange_order_id, trade.symbol)
  return journal.recordOrder(trade.id, cancelled)
}

/** A row `order sync` looked at and left as it is, and why. */
export interface LeftAlone {
  id: number
  status: string
  reason: string
}

/**
 * Settles every journal row of the broker whose outcome is not final (open, unknown, pending) from
 * what the exchange says (settleOrder, row by row).
 */
export async function syncOrders(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  broker: Broker,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{checked: number; changed: TradeRecord[]; left: LeftAlone[]}> {
  const graceMs = pendingGraceMs(env)
  const rows = await journal.unsettled(broker.name)
  const changed: TradeRecord[] = []
  const left: LeftAlone[] = []
  for (const row of rows) {
    const settled = await settleOrder(gateway, journal, row, graceMs)
    if (settled.left !== undefined) left.push({id: row.id, status: row.status, reason: settled.left})
    else if (settled.changed) changed.push(settled.record)
  }

  return {checked: rows.length, changed, left}
}

/** What settling one row did: its record as it now is, whether that changed, and why it was left alone. */
export interface Settled {
  record: TradeRecord
  changed: boolean
  /** why the row was left as it is (the exchange could not tell, or a pending row may still be on its way) */
  left?: string
}

/**
 * Settles one journal row from what the exchange says, found by exchange id or by client order id
 * (`order sync` does it for every unsettled row; `trade --wait` and `order watch` on every poll). An
 * order the exchange definitively does not have, past the grace period, never left: it is `failed`.
 * A younger one may still be on its way from another process, so it is left as it is, and so is one
 * the exchange cannot look up: each with its reason.
 */
export async function settleOrder(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  row: TradeRecord,
  graceMs: number,
): Promise<Settled> {
  const order = await lookUp(gateway, row)
  const age = Date.now() - Date.parse(row.created_at)
  if (typeof order === 'string') return {record: row, changed: false, left: order}
  if (order) {
    const unchanged =
      row.status === tradeStatusOf(order) && row.filled_quantity === order.filled && row.exchange_order_id === order.id
    return unchanged ? {record: row, changed: false} : {record: await journal.recordOrder(row.id, order), changed: true}
  }

  if (row.status === 'open') {
    return {record: row, changed: false, left: 'the exchange has no order with its id or client order id any more'}
  }

  if (age < graceMs) {
    const grace = `the ${String(graceMs / 1000)} s grace period (TRADEDESK_PENDING_GRACE_SECONDS)`
    const reason = `not on the exchange, but recorded ${String(Math.floor(age / 1000))} s ago: within ${grace} another process may still be sending it`
    return {record: row, changed: false, left: reason}
  }

  const failed = await journal.recordProblem(
    row.id,
    'failed',
    'the exchange has no order with this client order id: it was never placed',
  )
  return {record: failed, changed: true}
}

/**
 * The order of a row, null when the exchange definitively has none, or why the exchange cannot
 * tell (only a definitive "not there" may make a row `failed`).
 */
async function lookUp(gateway: ExchangeGateway, row: TradeRecord): Promise<ExchangeOrder | null | string> {
  try {
    return await gateway.fetchOrder({
      id: row.exchange_order_id,
      clientOrderId: row.client_order_id,
      symbol: row.symbol,
      createdAt: row.created_at,
    })
  } catch (error) {
    if (error instanceof TradedeskError && error.code === 'ORDER_LOOKUP_INCONCLUSIVE') return error.message
    throw error
  }
}
