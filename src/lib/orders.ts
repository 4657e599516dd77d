import type {Broker} from './brokers.js'
import {ExitCode, TradedeskError, usageError} from './errors.js'
import {Decimal, str} from './decimal.js'
import type {ExchangeGateway, ExchangeOrder} from './exchange/types.js'
import {type TradeJournal, type TradeRecord, tradeStatusOf} from './journal.js'

/**
 * How long a `pending` row may still be on its way to the exchange from another process: after that,
 * an order the exchange does not know never left. $TRADEDESK_PENDING_GRACE_SECONDS, default 60.
 */
export function pendingGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.TRADEDESK_PENDING_GRACE_SECONDS
  if (text === undefined || text === '') return 60_000
  if (!/^\d{1,6}$/.test(text)) throw usageError(`TRADEDESK_PENDING_GRACE_SECONDS must be a whole number of seconds (got "${text}")`)
  return Number(text) * 1000
}

/** An order on the exchange as a trade record: the journal's row, or (placed elsewhere) id null and trade_type external. */
export type OrderRecord = Omit<TradeRecord, 'id' | 'client_order_id'> & {id: number | null; client_order_id: string | null}

/**
 * The broker's open orders on the exchange, as trade records. An order this tool placed is its
 * journal row, brought up to date with what the exchange says (as `order sync` would); an order
 * placed elsewhere is shown as an external record with no journal id.
 */
export async function listOpenOrders(gateway: ExchangeGateway, journal: TradeJournal, broker: Broker): Promise<OrderRecord[]> {
  const orders = await gateway.fetchOpenOrders()
  const ids = orders.map((o) => o.clientOrderId).filter((id): id is string => Boolean(id))
  const known = new Map((await journal.byClientOrderIds(broker.name, ids)).map((t) => [t.client_order_id, t]))
  const records: OrderRecord[] = []
  for (const o of orders) {
    const row = o.clientOrderId ? known.get(o.clientOrderId) : undefined
    if (!row) records.push(externalRecord(broker, o))
    else if (row.status === tradeStatusOf(o) && row.filled_quantity === o.filled && row.exchange_order_id === o.id) records.push(row)
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
export async function cancelOrder(gateway: ExchangeGateway, journal: TradeJournal, broker: Broker, idText: string): Promise<TradeRecord> {
  if (!/^\d{1,15}$/.test(idText)) throw usageError(`ID must be a trade id from \`tradedesk history\` (got "${idText}")`)
  const trade = await journal.get(Number(idText))
  if (!trade || trade.broker !== broker.name) {
    throw usageError(`no trade ${idText} on broker ${broker.name} in this profile's journal`, 'UNKNOWN_TRADE')
  }

  if (trade.status !== 'open' || !trade.exchange_order_id) {
    throw new TradedeskError('ORDER_NOT_OPEN', `trade ${trade.id} is ${trade.status}, not an open order`, ExitCode.ORDER_INVALID)
  }

  const cancelled = await gateway.cancelOrder(trade.exchange_order_id, trade.symbol)
  return journal.recordOrder(trade.id, cancelled)
}

/**
 * Settles every journal row of the broker whose outcome is not final (open, unknown, pending) from
 * what the exchange says, found by exchange id or by client order id. An order the exchange has
 * never seen a minute after it was recorded never left: it is `failed`. A younger one may still be
 * on its way from another process, so it is left as it is.
 */
export async function syncOrders(gateway: ExchangeGateway, journal: TradeJournal, broker: Broker): Promise<{checked: number; changed: TradeRecord[]}> {
  const graceMs = pendingGraceMs()
  const rows = await journal.unsettled(broker.name)
  const changed: TradeRecord[] = []
  for (const row of rows) {
    const order = await lookUp(gateway, row)
    if (order === 'inconclusive') continue
    if (order) {
      const unchanged =
        row.status === tradeStatusOf(order) && row.filled_quantity === order.filled && row.exchange_order_id === order.id
      if (!unchanged) changed.push(await journal.recordOrder(row.id, order))
    } else if (row.status !== 'open' && Date.now() - Date.parse(row.created_at) >= graceMs) {
      changed.push(await journal.recordProblem(row.id, 'failed', 'the exchange has no order with this client order id: it was never placed'))
    }
  }

  return {checked: rows.length, changed}
}

/** An order the exchange cannot look up by client id stays as it is: only a definitive "not there" is `failed`. */
async function lookUp(gateway: ExchangeGateway, row: TradeRecord): Promise<ExchangeOrder | null | 'inconclusive'> {
  try {
    return await gateway.fetchOrder({id: row.exchange_order_id, clientOrderId: row.client_order_id, symbol: row.symbol, createdAt: row.created_at})
  } catch (error) {
    if (error instanceof TradedeskError && error.code === 'ORDER_LOOKUP_INCONCLUSIVE') return 'inconclusive'
    throw error
  }
}
