import type {RealizedPnl} from '../lots.js'
import type {Ui} from '../ui.js'

export type PnlView = RealizedPnl & {broker: string}

export function renderPnl(d: PnlView, ui: Ui): string {
  const method = d.method === 'fifo' ? 'first in, first out' : 'weighted average cost'
  if (d.assets.length === 0 && d.unpriced.length === 0) return `No sales on ${d.broker} in this period (${method}).`
  const lines = [
    ui.table(
      ['Asset', 'Sold', 'Proceeds USD', 'Cost USD', 'Fees USD', 'Realized P&L USD', 'Unmatched'],
      d.assets.map((a) => [
        a.asset,
        a.quantity_sold,
        a.proceeds_usd,
        a.cost_usd,
        a.fees_usd,
        ui.signed(a.realized_pnl_usd),
        a.unmatched_quantity === '0' ? '' : ui.yellow(a.unmatched_quantity),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    `Total realized P&L: ${ui.signed(d.total_realized_pnl_usd)} USD (${method}, ${d.broker})`,
  ]
  if (d.assets.some((a) => a.unmatched_quantity !== '0'))
    lines.push(
      ui.yellow('Unmatched: sold with no known purchase (run `tradedesk journal import`); left out of the P&L.'),
    )
  if (d.unpriced.length > 0) {
    lines.push('', ui.yellow(`Left out, with no USD price (${String(d.unpriced.length)}):`))
    lines.push(
      ui.table(
        ['Time (UTC)', 'Asset', 'Quantity', 'Symbol', 'Side', 'Why'],
        d.unpriced.map((u) => [
          ui.time(u.executed_at, {inTable: true}),
          u.asset,
          u.quantity,
          u.symbol,
          u.side,
          u.reason,
        ]),
      ),
    )
  }

  return lines.join('\n')
}
