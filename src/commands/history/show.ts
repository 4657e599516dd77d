import {defineCommand, result} from '../../lib/cli/spec.js'
import {usageError} from '../../lib/errors.js'
import {parseTradeId} from '../../lib/journal.js'
import {renderTrade} from '../../lib/render/trade.js'

export default defineCommand({
  summary: 'One trade of the journal, in full.',
  examples: ['history show 42', 'history show 42 --json'],
  flags: {},
  args: {
    id: {description: 'Trade id (from `tradedesk history`).', required: true},
  },
  fast: true,
  async run({args, session: open}) {
    const id = parseTradeId(args.id)
    const session = await open()
    const trade = await session.journal.get(id)
    if (!trade) throw usageError(`no trade ${args.id} in this profile's journal`, 'UNKNOWN_TRADE')
    return result(trade, renderTrade)
  },
})
