import {Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {historyFilter, toCsv} from '../../lib/history.js'
import {TRADE_STATUSES, type TradeRecord} from '../../lib/journal.js'
import {renderTrades} from '../../lib/render/trade.js'

export default class History extends BaseCommand<typeof History> {
  static override summary = 'The journal: every order this tool sent or tried to send, newest first.'
  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history --symbol BTC/USDT --side buy --since 2026-01-01',
    '<%= config.bin %> history --status open --json',
    '<%= config.bin %> history --limit 1000 --csv > trades.csv',
  ]

  static override flags = {
    symbol: Flags.string({description: 'Only this symbol.'}),
    side: Flags.string({description: 'Only buys or sells.', options: ['buy', 'sell']}),
    status: Flags.string({description: 'Only this status.', options: TRADE_STATUSES}),
    since: Flags.string({description: 'From this ISO date or time (inclusive).'}),
    until: Flags.string({description: 'Up to this ISO date (the whole day) or time (exclusive).'}),
    limit: Flags.integer({description: 'At most this many trades.', default: 50}),
    csv: Flags.boolean({description: 'CSV for spreadsheets.', exclusive: ['json']}),
  }

  async execute(): Promise<Result<{trades: TradeRecord[]}>> {
    const filter = historyFilter(this.flags)
    const session = await this.session()
    const trades = await session.journal.list(filter)
    return {data: {trades}, human: (d, ui) => (this.flags.csv ? toCsv(d.trades) : renderTrades(d.trades, ui))}
  }
}
