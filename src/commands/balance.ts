import {balance} from '../actions/balance.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../lib/base-command.js'

export default class Balance extends BaseCommand<typeof Balance> {
  static override summary = 'Free, used and total balance per asset of the broker.'
  static override examples = [
    '<%= config.bin %> balance',
    '<%= config.bin %> balance --broker kraken --json',
    '<%= config.bin %> balance --all',
  ]
  static override flags = oclifFlags(balance.flags)
  static override args = oclifArgs(balance.args)

  async execute() {
    return balance.run(this.context(balance))
  }
}
