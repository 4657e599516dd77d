import {defineCommand, result} from '../../lib/cli/spec.js'
import {brokerView, renderRemoved} from '../../lib/render/broker.js'

export default defineCommand({
  summary: 'Remove a broker. Its trades stay in the journal.',
  description:
    'A broker with open, unknown or pending orders is refused, naming them, unless --force: then those rows are closed as expired, with the reason.',
  examples: ['broker remove old-account', 'broker remove old-account --force'],
  flags: {
    force: {
      type: 'boolean',
      description: 'Remove it even with orders whose outcome is not final (they are closed as expired).',
    },
  },
  args: {
    name: {description: 'Broker name.', required: true},
  },
  fast: true,
  async run({args, flags, session}) {
    const removed = await (await session()).brokers.remove(args.name, {force: flags.force})
    return result({removed: brokerView(removed)}, renderRemoved)
  },
})
