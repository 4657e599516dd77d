import {BaseCommand, type Result} from '../../lib/base-command.js'
import type {TradeRecord} from '../../lib/journal.js'
import {type LeftAlone, syncOrders} from '../../lib/orders.js'
import {renderTrades} from '../../lib/render/trade.js'

export default class OrderSync extends BaseCommand<typeof OrderSync> {
  static override summary = 'Reconcile every journal row whose outcome is not final with the exchange.'
  static override description =
    'Looks up open, unknown and stale pending orders by exchange id or client order id, and records what the exchange says. Nothing is ever resent.'
  static override examples = ['<%= config.bin %> order sync', '<%= config.bin %> order sync --broker main --json']

  async execute(): Promise<Result<{checked: number; changed: TradeRecord[]; left: LeftAlone[]}>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const result = await syncOrders(await session.gateway(broker), session.journal, broker)
    return {
      data: result,
      human: (d, ui) =>
        [
          `Checked ${d.checked} unsettled order(s), ${d.changed.length} changed.`,
          ...(d.changed.length > 0 ? [renderTrades(d.changed, ui)] : []),
          ...d.left.map((l) => `Left trade ${l.id} (${l.status}) as it is: ${l.reason}.`),
        ].join('\n'),
    }
  }
}
