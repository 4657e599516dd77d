import type {TradeRecord} from '../journal.js'
import type {LeftAlone, OrderRecord} from '../orders.js'
import type {Ui} from '../ui.js'
import {renderTrades} from './trade.js'

export function renderOpenOrders(d: {orders: OrderRecord[]}, ui: Ui, broker: string): string {
  if (d.orders.length === 0) return `No open orders on ${broker}.`
  return ui.table(
    ['ID', 'Exchange id', 'Symbol', 'Side', 'Type', 'Quantity', 'Price', 'Filled', 'Created (UTC)'],
    d.orders.map((o) => [
      o.id,
      o.exchange_order_id,
      o.symbol,
      ui.side(o.side),
      o.order_type,
      o.quantity,
      o.price,
      o.filled_quantity,
      ui.time(o.created_at, {inTable: true}),
    ]),
  )
}

export function renderSync(d: {checked: number; changed: TradeRecord[]; left: LeftAlone[]}, ui: Ui): string {
  return [
    `Checked ${String(d.checked)} unsettled order(s), ${String(d.changed.length)} changed.`,
    ...(d.changed.length > 0 ? [renderTrades(d.changed, ui)] : []),
    ...d.left.map((l) => `Left trade ${String(l.id)} (${l.status}) as it is: ${l.reason}.`),
  ].join('\n')
}
