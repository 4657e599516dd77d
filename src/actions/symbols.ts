import {type Result, defineAction} from '../lib/cli/spec.js'
import {type SymbolPage, listSymbols, quoteFilter} from '../lib/symbols.js'

export const symbols = defineAction({
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
  async run({flags, session: open}): Promise<Result<{broker: string} & SymbolPage>> {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const markets = await session.markets(broker, {refresh: flags.refresh})
    const page = listSymbols(markets, {
      quotes: quoteFilter(flags),
      search: flags.search,
      page: flags.page,
      pageSize: flags['page-size'],
    })
    return {
      data: {broker: broker.name, ...page},
      human: (d) => {
        const left =
          d.inactive > 0
            ? `${d.inactive} more match but cannot be traded now (not trading, or no price): not listed`
            : ''
        if (d.total === 0) return ['No symbols match.', left].filter(Boolean).join('\n')
        const pages = Math.max(1, Math.ceil(d.total / d.page_size))
        const footer = `${d.total} symbols, page ${d.page} of ${pages}${d.has_next ? ` (next: --page ${d.page + 1})` : ''}`
        return [columns(d.symbols), footer, left].filter(Boolean).join('\n')
      },
    }
  },
})

/** Symbols in columns that fit 80 characters. */
function columns(symbols: string[]): string {
  if (symbols.length === 0) return ''
  const width = Math.max(...symbols.map((s) => s.length)) + 2
  const perRow = Math.max(1, Math.floor(80 / width))
  const lines: string[] = []
  for (let i = 0; i < symbols.length; i += perRow)
    lines.push(
      symbols
        .slice(i, i + perRow)
        .map((s) => s.padEnd(width))
        .join('')
        .trimEnd(),
    )
  return lines.join('\n')
}
