import {pricesOf} from '../lib/brokers.js'
import {defineCommand, result} from '../lib/cli/spec.js'
import {Decimal} from '../lib/decimal.js'
import {renderBalance} from '../lib/render/balance.js'

export default defineCommand({
  summary: 'Free, used and total balance per asset of the broker.',
  examples: ['balance', 'balance --broker kraken --json', 'balance --all'],
  flags: {
    all: {type: 'boolean', description: 'Include assets with a zero balance.'},
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const rows = await (await session.gateway(broker)).fetchBalance()
    const balances = flags.all ? rows : rows.filter((r) => !new Decimal(r.total).isZero())
    return result({broker: broker.name, exchange: broker.exchange, prices: pricesOf(broker), balances}, renderBalance)
  },
})
