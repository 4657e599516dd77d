import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import type {TradeRecord} from '../../lib/journal.js'
import {cancelOrder} from '../../lib/orders.js'
import {renderTrade} from '../../lib/render/trade.js'

export default class OrderCancel extends BaseCommand<typeof OrderCancel> {
  static override summary = 'Cancel an open order by its trade id.'
  static override examples = ['<%= config.bin %> order cancel 42', '<%= config.bin %> order cancel 42 --json']
  static override args = {
    id: Args.string({description: 'Trade id (from `order list` or `history`).', required: true}),
  }

  async execute(): Promise<Result<TradeRecord>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const trade = await cancelOrder(await session.gateway(broker), session.journal, broker, this.args.id)
    return {data: trade, human: renderTrade}
  }
}
