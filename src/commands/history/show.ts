import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {type TradeRecord, parseTradeId} from '../../lib/journal.js'
import {renderTrade} from '../../lib/render/trade.js'

export default class HistoryShow extends BaseCommand<typeof HistoryShow> {
  static override summary = 'One trade of the journal, in full.'
  static override examples = ['<%= config.bin %> history show 42', '<%= config.bin %> history show 42 --json']
  static override args = {
    id: Args.string({description: 'Trade id (from `tradedesk history`).', required: true}),
  }

  async execute(): Promise<Result<TradeRecord>> {
    const id = parseTradeId(this.args.id)
    const session = await this.session()
    const trade = await session.journal.get(id)
    if (!trade) throw usageError(`no trade ${this.args.id} in this profile's journal`, 'UNKNOWN_TRADE')
    return {data: trade, human: renderTrade}
  }
}
