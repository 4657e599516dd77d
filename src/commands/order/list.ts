import {BaseCommand, type Result} from '../../lib/base-command.js'
import {type OrderRecord, listOpenOrders} from '../../lib/orders.js'

export default class OrderList extends BaseCommand<typeof OrderList> {
  static override summary = 'Open orders of the broker, with their journal ids.'
  static override examples = ['<%= config.bin %> order list', '<%= config.bin %> order list --broker main --json']

  async execute(): Promise<Result<{orders: OrderRecord[]}>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const orders = await listOpenOrders(await session.gateway(broker), session.journal, broker)
    return {
      data: {orders},
      human: (d, ui) =>
        d.orders.length === 0
          ? `No open orders on ${broker.name}.`
          : ui.table(
              ['ID', 'Exchange id', 'Symbol', 'Side', 'Type', 'Quantity', 'Price', 'Filled', 'Created (UTC)'],
              d.orders.map((o) => [
                o.id,
                o.exchange_order_id,
                o.symbol,
                ui.side(o.side),
                o.order_type,
                o.quantity,
                o.price,
                o.filled_quantity,
                ui.time(o.created_at, {inTable: true}),
              ]),
            ),
    }
  }
}
