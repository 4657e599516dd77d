import {defineCommand, result} from '../../lib/cli/spec.js'
import {brokerListView, renderBrokers} from '../../lib/render/broker.js'

export default defineCommand({
  summary: 'The brokers of this profile, with their limits; the default is marked.',
  examples: ['broker list', 'broker list --json'],
  flags: {},
  args: {},
  fast: true,
  async run({session}) {
    const brokers = (await (await session()).brokers.list()).map(brokerListView)
    return result({brokers}, renderBrokers)
  },
})
