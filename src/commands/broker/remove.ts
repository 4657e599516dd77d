import {Args, Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {brokerView} from '../../lib/render/broker.js'

export default class BrokerRemove extends BaseCommand<typeof BrokerRemove> {
  static override summary = 'Remove a broker. Its trades stay in the journal.'
  static override description =
    'A broker with open, unknown or pending orders is refused, naming them, unless --force: then those rows are closed as expired, with the reason.'
  static override examples = [
    '<%= config.bin %> broker remove old-account',
    '<%= config.bin %> broker remove old-account --force',
  ]
  static override args = {
    name: Args.string({description: 'Broker name.', required: true}),
  }

  static override flags = {
    force: Flags.boolean({
      description: 'Remove it even with orders whose outcome is not final (they are closed as expired).',
    }),
  }

  async execute(): Promise<Result<{removed: ReturnType<typeof brokerView>}>> {
    const session = await this.session()
    const removed = brokerView(await session.brokers.remove(this.args.name, {force: this.flags.force}))
    return {data: {removed}, human: (d) => `Removed broker ${d.removed.name}. Its trades stay in the journal.`}
  }
}
