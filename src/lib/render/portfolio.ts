import {Decimal} from '../decimal.js'
import type {Portfolio, Position} from '../portfolio.js'
import type {Ui} from '../ui.js'

/** The portfolio for people; `prices` says where its prices come from. */
export function renderPortfolio(d: Portfolio, ui: Ui, prices: string): string {
  const lines = [
    ui.table(
      ['Asset', 'Quantity', 'Price USD', 'Value USD', 'Alloc %', '', 'Avg cost', 'Unrealized P&L'],
      d.positions.map((p) => [
        p.asset,
        p.quantity,
        p.price_usd,
        usd(p.value_usd),
        p.allocation_pct,
        bar(p.allocation_pct),
        avgCost(p),
        ui.signed(usd(p.unrealized_pnl_usd)),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'left', 'right', 'right'],
    ),
    `Total value: ${ui.bold(usd(d.total_value_usd))} USD (prices: ${prices})`,
  ]
  if (d.unpriced.length > 0)
    lines.push(`No USD price for: ${d.unpriced.map((u) => `${u.asset} (${u.quantity})`).join(', ')}`)
  return lines.join('\n')
}

/** The average cost, or how much of the holding has no known cost. */
function avgCost(p: Position): string | null {
  if (p.avg_cost_usd !== null) return p.avg_cost_usd
  return p.unknown_cost_quantity && p.unknown_cost_quantity !== '0' ? `unknown for ${p.unknown_cost_quantity}` : null
}

/** Allocation as a bar of up to 10 blocks. */
function bar(pct: string): string {
  return '█'.repeat(new Decimal(pct).div(10).toDecimalPlaces(0).toNumber())
}

/** USD amounts to the cent for people; --json keeps every digit. */
function usd(value: string): string
function usd(value: string | null): string | null
function usd(value: string | null): string | null {
  return value === null ? null : new Decimal(value).toFixed(2)
}
