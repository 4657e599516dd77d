import {portfolio} from '../actions/portfolio.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../lib/base-command.js'

export default class Portfolio extends BaseCommand<typeof Portfolio> {
  static override summary = 'Every holding valued in USD: total, allocation, average cost and unrealized P&L.'
  static override description =
    'Stablecoins count at 1 USD; other assets are priced through ASSET/USDT, then ASSET/USDC, then via BTC, all from one tickers request. Average cost comes from the journal. Assets with no price are listed apart.'
  static override examples = ['<%= config.bin %> portfolio', '<%= config.bin %> portfolio --json']
  static override flags = oclifFlags(portfolio.flags)
  static override args = oclifArgs(portfolio.args)

  async execute() {
    return portfolio.run(this.context(portfolio))
  }
}
