import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {brokerView} from '../../lib/render/broker.js'

export default class BrokerRemove extends BaseCommand<typeof BrokerRemove> {
  static override summary = 'Remove a broker. Its trades stay in the journal.'
  static override examples = ['<%= config.bin %> broker remove old-account']
  static override args = {
    name: Args.string({description: 'Broker name.', required: true}),
  }

  async execute(): Promise<Result<{removed: ReturnType<typeof brokerView>}>> {
    const session = await this.session()
    const removed = brokerView(await session.brokers.remove(this.args.name))
    return {data: {removed}, human: (d) => `Removed broker ${d.removed.name}. Its trades stay in the journal.`}
  }
}
