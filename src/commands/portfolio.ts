import {defineCommand, result} from '../lib/cli/spec.js'
import {buildPortfolio} from '../lib/portfolio.js'
import {renderPortfolio} from '../lib/render/portfolio.js'

export default defineCommand({
  summary: 'Every holding valued in USD: total, allocation, average cost and unrealized P&L.',
  description:
    'Stablecoins count at 1 USD; other assets are priced through ASSET/USDT, then ASSET/USDC, then via BTC, all from one tickers request. Average cost comes from the journal. Assets with no price are listed apart.',
  examples: ['portfolio', 'portfolio --json'],
  flags: {},
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const data = await buildPortfolio(gateway, broker, await session.journal.filledTrades(broker.name))
    return result(data, (d, ui) => renderPortfolio(d, ui, gateway.prices))
  },
})
