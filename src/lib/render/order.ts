import type {TradeRecord} from '../journal.js'
import type {LeftAlone, OrderRecord} from '../orders.js'
import type {Ui} from '../ui.js'
import type {WatchChange} from '../wait.js'
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

/** One line of `order watch`: when, which order, what changed, and where it now stands. */
export function renderWatchLine({event, record: t}: WatchChange, ui: Ui, now = new Date()): string {
  const fill = t.filled_price === null ? '' : ` at ${t.filled_price}`
  const filled = `${t.filled_quantity ?? '0'} of ${t.quantity} filled${fill}`
  const what = `${t.symbol} ${ui.side(t.side)} ${t.order_type}${t.price === null ? '' : ` ${t.price}`}`
  return `${ui.time(now.toISOString()) ?? ''}  trade ${String(t.id)} ${what}: ${ui.bold(event)}, ${t.status}, ${filled}`
}
