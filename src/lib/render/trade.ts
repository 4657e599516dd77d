import type {TradeRecord} from '../journal.js'
import type {Ui} from '../ui.js'

export function renderTrade(t: TradeRecord, ui: Ui): string {
  return ui.pairs([
    ['id', t.id],
    ['broker', t.broker],
    ['symbol', t.symbol],
    ['side', ui.side(t.side)],
    ['type', t.order_type],
    ['quantity', t.quantity],
    ['price', t.price],
    ['value', t.total_value],
    ['status', status(t.status, ui)],
    ['filled', t.filled_quantity],
    ['fill price', t.filled_price],
    ['filled value', t.filled_value],
    ['fees', t.fees === null ? null : `${t.fees} ${t.fee_currency ?? ''}`.trim()],
    ['client order id', t.client_order_id],
    ['exchange order id', t.exchange_order_id],
    ['created', ui.time(t.created_at)],
    ['executed', ui.time(t.executed_at)],
    ...(t.error_message ? ([['error', ui.red(t.error_message)]] as [string, string][]) : []),
    ...(t.notes ? ([['notes', t.notes]] as [string, string][]) : []),
  ])
}

export function renderTrades(trades: TradeRecord[], ui: Ui): string {
  if (trades.length === 0) return 'No trades.'
  return ui.table(
    ['ID', 'Created (UTC)', 'Broker', 'Symbol', 'Side', 'Type', 'Quantity', 'Price', 'Status', 'Filled', 'Fill price'],
    trades.map((t) => [
      t.id,
      ui.time(t.created_at, {inTable: true}),
      t.broker,
      t.symbol,
      ui.side(t.side),
      t.order_type,
      t.quantity,
      t.price,
      status(t.status, ui),
      t.filled_quantity,
      t.filled_price,
    ]),
  )
}

function status(s: string, ui: Ui): string {
  if (s === 'filled') return ui.green(s)
  if (s === 'rejected' || s === 'failed') return ui.red(s)
  if (s === 'unknown' || s === 'pending') return ui.yellow(s)
  return s
}
