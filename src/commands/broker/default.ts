import {defineCommand, result} from '../../lib/cli/spec.js'
import {brokerView, renderDefault} from '../../lib/render/broker.js'

export default defineCommand({
  summary: 'Make a broker the default for every command.',
  examples: ['broker default main', 'broker default paper'],
  flags: {},
  args: {
    name: {description: 'Broker name.', required: true},
  },
  fast: true,
  async run({args, session}) {
    return result(brokerView(await (await session()).brokers.setDefault(args.name)), renderDefault)
  },
})
