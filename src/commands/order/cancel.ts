import {defineCommand, result} from '../../lib/cli/spec.js'
import {cancelOrder} from '../../lib/orders.js'
import {renderTrade} from '../../lib/render/trade.js'

export default defineCommand({
  summary: 'Cancel an open order by its trade id.',
  examples: ['order cancel 42', 'order cancel 42 --json'],
  flags: {},
  args: {
    id: {description: 'Trade id (from `order list` or `history`).', required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const trade = await cancelOrder(await session.gateway(broker), session.journal, broker, args.id)
    return result(trade, renderTrade)
  },
})
