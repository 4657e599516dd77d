import {Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
import {type SymbolPage, listSymbols, quoteFilter} from '../lib/symbols.js'

export default class Symbols extends BaseCommand<typeof Symbols> {
  static override summary = 'Tradable symbols of the broker, filtered by quote asset, searchable, paged.'
  static override description = 'Shows USDT markets unless another quote is chosen (--usdc, --quote) or --all.'
  static override examples = [
    '<%= config.bin %> symbols',
    '<%= config.bin %> symbols --search btc',
    '<%= config.bin %> symbols --usdc',
    '<%= config.bin %> symbols --quote BTC --quote ETH --page 2 --page-size 50',
    '<%= config.bin %> symbols --all --search doge --json',
  ]

  static override flags = {
    usdt: Flags.boolean({description: 'USDT markets (the default when no other quote is chosen).'}),
    usdc: Flags.boolean({description: 'USDC markets.'}),
    quote: Flags.string({description: 'Markets quoted in this asset (repeatable).', multiple: true}),
    all: Flags.boolean({description: 'Every quote asset.', exclusive: ['usdt', 'usdc', 'quote']}),
    search: Flags.string({description: 'Case-insensitive text the symbol contains.'}),
    page: Flags.integer({description: 'Page number, from 1.', default: 1}),
    'page-size': Flags.integer({description: 'Symbols per page.', default: 100}),
    refresh: Flags.boolean({description: 'Reload the markets from the exchange instead of the cache.'}),
  }

  async execute(): Promise<Result<{broker: string} & SymbolPage>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const markets = await session.markets(broker, {refresh: this.flags.refresh})
    const page = listSymbols(markets, {
      quotes: quoteFilter(this.flags),
      search: this.flags.search,
      page: this.flags.page,
      pageSize: this.flags['page-size'],
    })
    return {
      data: {broker: broker.name, ...page},
      human: (d) => {
        if (d.total === 0) return 'No symbols match.'
        const pages = Math.max(1, Math.ceil(d.total / d.page_size))
        const footer = `${d.total} symbols, page ${d.page} of ${pages}${d.has_next ? ` (next: --page ${d.page + 1})` : ''}`
        return `${columns(d.symbols)}\n${footer}`
      },
    }
  }
}

/** Symbols in columns that fit 80 characters. */
function columns(symbols: string[]): string {
  if (symbols.length === 0) return ''
  const width = Math.max(...symbols.map((s) => s.length)) + 2
  const perRow = Math.max(1, Math.floor(80 / width))
  const lines: string[] = []
  for (let i = 0; i < symbols.length; i += perRow) lines.push(symbols.slice(i, i + perRow).map((s) => s.padEnd(width)).join('').trimEnd())
  return lines.join('\n')
}
