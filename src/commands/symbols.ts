import {defineCommand, result} from '../lib/cli/spec.js'
import {renderSymbols} from '../lib/render/symbols.js'
import {brokerSymbols, quoteFilter} from '../lib/symbols.js'

export default defineCommand({
  summary: 'Tradable symbols of the broker, filtered by quote asset, searchable, paged.',
  description: 'Shows USDT markets unless another quote is chosen (--usdc, --quote) or --all.',
  examples: [
    'symbols',
    'symbols --search btc',
    'symbols --usdc',
    'symbols --quote BTC --quote ETH --page 2 --page-size 50',
    'symbols --all --search doge --json',
  ],
  flags: {
    usdt: {type: 'boolean', description: 'USDT markets (the default when no other quote is chosen).'},
    usdc: {type: 'boolean', description: 'USDC markets.'},
    quote: {type: 'string', description: 'Markets quoted in this asset (repeatable).', multiple: true},
    all: {type: 'boolean', description: 'Every quote asset.', exclusive: ['usdt', 'usdc', 'quote']},
    search: {type: 'string', description: 'Case-insensitive text the symbol contains.'},
    page: {type: 'integer', description: 'Page number, from 1.', default: 1, min: 1, max: 1_000_000},
    'page-size': {type: 'integer', description: 'Symbols per page.', default: 100, min: 1, max: 5000},
    refresh: {type: 'boolean', description: 'Reload the markets from the exchange instead of the cache.'},
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const query = {quotes: quoteFilter(flags), search: flags.search, page: flags.page, pageSize: flags['page-size']}
    const page = await brokerSymbols(session, broker, query, {refresh: flags.refresh})
    return result({broker: broker.name, ...page}, renderSymbols)
  },
})
