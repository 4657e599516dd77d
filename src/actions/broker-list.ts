import {type Result, defineAction} from '../lib/cli/spec.js'
import {brokerView} from '../lib/render/broker.js'

export const brokerList = defineAction({
  flags: {},
  args: {},
  async run({session}): Promise<Result<{brokers: ReturnType<typeof brokerView>[]}>> {
    const brokers = (await (await session()).brokers.list()).map(brokerView)
    return {
      data: {brokers},
      human: (d, ui) =>
        ui.table(
          ['Name', 'Exchange', 'Sandbox', 'Default'],
          d.brokers.map((b) => [b.name, b.exchange, b.sandbox ? 'yes' : '', b.default ? ui.green('*') : '']),
        ),
    }
  },
})
