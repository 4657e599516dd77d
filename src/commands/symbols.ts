import {symbols} from '../actions/symbols.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../lib/base-command.js'

export default class Symbols extends BaseCommand<typeof Symbols> {
  static override summary = 'Tradable symbols of the broker, filtered by quote asset, searchable, paged.'
  static override description = 'Shows USDT markets unless another quote is chosen (--usdc, --quote) or --all.'
  static override examples = [
    '<%= config.bin %> symbols',
    '<%= config.bin %> symbols --search btc',
    '<%= config.bin %> symbols --usdc',
    '<%= config.bin %> symbols --quote BTC --quote ETH --page 2 --page-size 50',
    '<%= config.bin %> symbols --all --search doge --json',
  ]

  static override flags = oclifFlags(symbols.flags)
  static override args = oclifArgs(symbols.args)

  async execute() {
    return symbols.run(this.context(symbols))
  }
}
