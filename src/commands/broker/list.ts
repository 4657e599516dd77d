import {brokerList} from '../../actions/broker-list.js'
import {BaseCommand, oclifArgs, oclifFlags} from '../../lib/base-command.js'

export default class BrokerList extends BaseCommand<typeof BrokerList> {
  static override summary = 'The brokers of this profile; the default is marked.'
  static override examples = ['<%= config.bin %> broker list', '<%= config.bin %> broker list --json']

  static override flags = oclifFlags(brokerList.flags)
  static override args = oclifArgs(brokerList.args)

  async execute() {
    return brokerList.run(this.context(brokerList))
  }
}
