import type {Broker} from './brokers.js'
import {ExitCode, TradedeskError, usageError} from './errors.js'
import type {ExchangeGateway} from './exchange/types.js'
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

export interface OpenOrder {
  id: number | null
  exchange_order_id: string
  client_order_id: string | null
  symbol: string
  side: string
  order_type: string
  quantity: string
  price: string | null
  filled_quantity: string
  status: string
  created_at: string | null
}

/** The broker's open orders on the exchange, with the journal id of those this tool placed. */
export async function listOpenOrders(gateway: ExchangeGateway, journal: TradeJournal, broker: Broker): Promise<OpenOrder[]> {
  const orders = await gateway.fetchOpenOrders()
  const known = new Map((await journal.list({broker: broker.name, status: 'open'})).map((t) => [t.client_order_id, t]))
  return orders.map((o) => {
    const t = o.clientOrderId ? known.get(o.clientOrderId) : undefined
    return {
      id: t?.id ?? null,
      exchange_order_id: o.id,
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      order_type: o.type,
      quantity: o.amount,
      price: o.price,
      filled_quantity: o.filled,
      status: 'open',
      created_at: t?.created_at ?? (o.timestamp ? new Date(o.timestamp).toISOString() : null),
    }
  })
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
    const order = await gateway.fetchOrder({id: row.exchange_order_id, clientOrderId: row.client_order_id, symbol: row.symbol})
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
