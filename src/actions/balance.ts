import {type Result, defineAction} from '../lib/cli/spec.js'
import {Decimal} from '../lib/decimal.js'
import type {BalanceRow} from '../lib/exchange/types.js'

export const balance = defineAction({
  flags: {
    all: {type: 'boolean', description: 'Include assets with a zero balance.'},
  },
  args: {},
  async run({flags, session: open}): Promise<Result<{broker: string; exchange: string; balances: BalanceRow[]}>> {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const rows = await (await session.gateway(broker)).fetchBalance()
    const balances = flags.all ? rows : rows.filter((r) => !new Decimal(r.total).isZero())
    return {
      data: {broker: broker.name, exchange: broker.exchange, balances},
      human: (d, ui) =>
        d.balances.length === 0
          ? `No balances on ${d.broker}.`
          : ui.table(
              ['Asset', 'Free', 'Used', 'Total'],
              d.balances.map((b) => [b.asset, b.free, b.used, b.total]),
              ['left', 'right', 'right', 'right'],
            ),
    }
  },
})
