import {Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
import {Decimal} from '../lib/decimal.js'

export default class Balance extends BaseCommand<typeof Balance> {
  static override summary = 'Free, used and total balance per asset of the broker.'
  static override examples = ['<%= config.bin %> balance', '<%= config.bin %> balance --broker kraken --json', '<%= config.bin %> balance --all']
  static override flags = {
    all: Flags.boolean({description: 'Include assets with a zero balance.'}),
  }

  async execute(): Promise<Result<{broker: string; exchange: string; balances: {asset: string; free: string; used: string; total: string}[]}>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const rows = await (await session.gateway(broker)).fetchBalance()
    const balances = this.flags.all ? rows : rows.filter((r) => !new Decimal(r.total).isZero())
    return {
      data: {broker: broker.name, exchange: broker.exchange, balances},
      human: (d, ui) =>
        d.balances.length === 0
          ? `No balances on ${d.broker}.`
          : ui.table(['Asset', 'Free', 'Used', 'Total'], d.balances.map((b) => [b.asset, b.free, b.used, b.total]), ['left', 'right', 'right', 'right']),
    }
  }
}
