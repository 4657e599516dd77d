import {defineCommand, result} from '../../lib/cli/spec.js'
import {renderBrokerTest} from '../../lib/render/broker.js'

export default defineCommand({
  summary: "Check a broker's credentials with one balance call.",
  examples: ['broker test main', 'broker test main --json'],
  flags: {},
  args: {
    name: {description: 'Broker name (default: the default broker).'},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const session = await open()
    const broker = await session.broker(args.name ?? flags.broker)
    // Missing credentials are named before anything is sent (exit 4, CREDENTIALS_MISSING).
    const balances = await (await session.gateway(broker)).fetchBalance()
    const credentials = await session.credentialStatus(broker)
    const data = {broker: broker.name, exchange: broker.exchange, ok: true, assets: balances.length, credentials}
    return result(data, renderBrokerTest)
  },
})
