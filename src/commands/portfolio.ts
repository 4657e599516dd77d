import {pricesOf} from '../lib/brokers.js'
import {defineCommand, result} from '../lib/cli/spec.js'
import type {CostMethod} from '../lib/lots.js'
import {buildPortfolio} from '../lib/portfolio.js'
import {renderPortfolio} from '../lib/render/portfolio.js'

export default defineCommand({
  summary: 'Every holding valued in USD: total, allocation, average cost and unrealized P&L.',
  description:
    "Stablecoins count at 1 USD; other assets are priced through ASSET/USDT, then ASSET/USDC, then via BTC, all from one tickers request. Average cost comes from the open lots of the journal's fills (run `journal import` to include trades made elsewhere), matched first in, first out or at the weighted average (--method). Assets with no price are listed apart.",
  examples: ['portfolio', 'portfolio --json'],
  flags: {
    method: {
      type: 'string',
      description: 'How sales were matched with purchases, for the average cost (default fifo).',
      options: ['fifo', 'average'],
    },
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const fills = await session.journal.fills.list({brokers: [broker.name]})
    const data = {
      ...(await buildPortfolio(gateway, broker, fills, (flags.method ?? 'fifo') as CostMethod)),
      prices: pricesOf(broker),
    }
    return result(data, (d, ui) => renderPortfolio(d, ui, gateway.prices))
  },
})
