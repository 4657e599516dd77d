import {price} from '../actions/price.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../lib/base-command.js'

export default class Price extends BaseCommand<typeof Price> {
  static override summary = 'Last, bid, ask and 24 h change of one symbol.'
  static override examples = [
    '<%= config.bin %> price BTC/USDT',
    '<%= config.bin %> price eth/usdt --json',
    '<%= config.bin %> price ETHBTC --broker binance',
  ]
  static override flags = oclifFlags(price.flags)
  static override args = oclifArgs(price.args)

  async execute() {
    return price.run(this.context(price))
  }
}
