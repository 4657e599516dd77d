import {history} from '../../actions/history.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../../lib/base-command.js'

export default class History extends BaseCommand<typeof History> {
  static override summary = 'The journal: every order this tool sent or tried to send, newest first.'
  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history --symbol BTC/USDT --side buy --since 2026-01-01',
    '<%= config.bin %> history --status open --json',
    '<%= config.bin %> history --limit 1000 --csv > trades.csv',
  ]

  static override flags = oclifFlags(history.flags)
  static override args = oclifArgs(history.args)

  async execute() {
    return history.run(this.context(history))
  }
}
