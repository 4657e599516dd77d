import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {brokerView} from '../../lib/render/broker.js'

export default class BrokerDefault extends BaseCommand<typeof BrokerDefault> {
  static override summary = 'Make a broker the default for every command.'
  static override examples = ['<%= config.bin %> broker default main', '<%= config.bin %> broker default paper']
  static override args = {
    name: Args.string({description: 'Broker name.', required: true}),
  }

  async execute(): Promise<Result<ReturnType<typeof brokerView>>> {
    const session = await this.session()
    const broker = brokerView(await session.brokers.setDefault(this.args.name))
    return {data: broker, human: (d) => `${d.name} is now the default broker.`}
  }
}
