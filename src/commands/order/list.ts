import {defineCommand, result} from '../../lib/cli/spec.js'
import {listOpenOrders} from '../../lib/orders.js'
import {renderOpenOrders} from '../../lib/render/order.js'

export default defineCommand({
  summary: 'Open orders of the broker, with their journal ids.',
  examples: ['order list', 'order list --broker main --json'],
  flags: {},
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const orders = await listOpenOrders(await session.gateway(broker), session.journal, broker)
    return result({orders}, (d, ui) => renderOpenOrders(d, ui, broker.name))
  },
})
