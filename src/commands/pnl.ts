import {defineCommand, result} from '../lib/cli/spec.js'
import {parsePeriod, periodFlags} from '../lib/history.js'
import {type CostMethod, realizedPnl} from '../lib/lots.js'
import {renderPnl} from '../lib/render/pnl.js'

export default defineCommand({
  summary: "Realized profit and loss per asset, in USD, from the broker's fills.",
  description:
    'Each sale is matched against what was bought before it: first in, first out (fifo, the default) or at the weighted average cost (average, as UK and Italian rules use). Fees count: a fee in the base reduces the quantity received, a fee in the quote adds to the cost or reduces the proceeds. A fill in a crypto quote (ETH/BTC) also disposes of the quote. A quantity sold with no known purchase is reported as unmatched, never given a cost of zero; fills with no USD price are listed as unpriced. Run `journal import` first to include trades made outside tradedesk.',
  examples: ['pnl', 'pnl --method average --since 2026-01-01 --until 2026-12-31', 'pnl --asset BTC --json'],
  flags: {
    method: {
      type: 'string',
      description: 'How sales are matched with purchases (default fifo).',
      options: ['fifo', 'average'],
    },
    ...periodFlags('Sales'),
    asset: {type: 'string', description: 'Only this asset (BTC).'},
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const {since, until} = parsePeriod(flags)
    const session = await open()
    const broker = await session.broker(flags.broker)
    const fills = await session.journal.fills.list({brokers: [broker.name], until})
    const method = (flags.method ?? 'fifo') as CostMethod
    const pnl = realizedPnl(fills, {method, since, until, asset: flags.asset?.trim().toUpperCase()})
    return result({broker: broker.name, ...pnl}, renderPnl)
  },
})
