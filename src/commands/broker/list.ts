import {BaseCommand, type Result} from '../../lib/base-command.js'
import {brokerView} from '../../lib/render/broker.js'

export default class BrokerList extends BaseCommand<typeof BrokerList> {
  static override summary = 'The brokers of this profile; the default is marked.'
  static override examples = ['<%= config.bin %> broker list', '<%= config.bin %> broker list --json']

  async execute(): Promise<Result<{brokers: ReturnType<typeof brokerView>[]}>> {
    const session = await this.session()
    const brokers = (await session.brokers.list()).map(brokerView)
    return {
      data: {brokers},
      human: (d, ui) => ui.table(['Name', 'Exchange', 'Sandbox', 'Default'], d.brokers.map((b) => [b.name, b.exchange, b.sandbox ? 'yes' : '', b.default ? ui.green('*') : ''])),
    }
  }
}
