import {defineCommand, result} from '../../lib/cli/spec.js'
import {brokerView, renderBrokers} from '../../lib/render/broker.js'

export default defineCommand({
  summary: 'The brokers of this profile; the default is marked.',
  examples: ['broker list', 'broker list --json'],
  flags: {},
  args: {},
  fast: true,
  async run({session}) {
    const brokers = (await (await session()).brokers.list()).map(brokerView)
    return result({brokers}, renderBrokers)
  },
})
