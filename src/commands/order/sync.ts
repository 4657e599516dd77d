import {defineCommand, result} from '../../lib/cli/spec.js'
import {syncOrders} from '../../lib/orders.js'
import {renderSync} from '../../lib/render/order.js'

export default defineCommand({
  summary: 'Reconcile every journal row whose outcome is not final with the exchange.',
  description:
    'Looks up open, unknown and stale pending orders by exchange id or client order id, and records what the exchange says. Nothing is ever resent.',
  examples: ['order sync', 'order sync --broker main --json'],
  flags: {},
  args: {},
  fast: true,
  async run({flags, io, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const sync = await syncOrders(await session.gateway(broker), session.journal, broker, io.env)
    return result(sync, renderSync)
  },
})
