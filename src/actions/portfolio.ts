import {type Result, defineAction} from '../lib/cli/spec.js'
import {Decimal} from '../lib/decimal.js'
import {type Portfolio, type Position, buildPortfolio} from '../lib/portfolio.js'

export const portfolio = defineAction({
  flags: {},
  args: {},
  async run({flags, session: open}): Promise<Result<Portfolio>> {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const data = await buildPortfolio(gateway, broker, await session.journal.fills(broker.name))
    return {
      data,
      human: (d, ui) => {
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
          `Total value: ${ui.bold(usd(d.total_value_usd)!)} USD (prices: ${gateway.prices})`,
        ]
        if (d.unpriced.length > 0)
          lines.push(`No USD price for: ${d.unpriced.map((u) => `${u.asset} (${u.quantity})`).join(', ')}`)
        return lines.join('\n')
      },
    }
  },
})

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
function usd(value: string | null): string | null {
  return value === null ? null : new Decimal(value).toFixed(2)
}
