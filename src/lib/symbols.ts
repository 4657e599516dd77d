import {type Broker, PAPER} from './brokers.js'
import {usageError} from './errors.js'
import {SNAPSHOT_ID} from './exchange/snapshot.js'
import {MARKETS_TTL_MS, MarketCache, type MarketListing, marketsCacheKey, paperMarketsKey} from './markets.js'
import type {Session} from './session.js'

export interface SymbolQuery {
  /** quote assets to keep; null keeps every quote */
  quotes: string[] | null
  search?: string
  page: number
  pageSize: number
}

export interface SymbolPage {
  symbols: string[]
  total: number
  /** markets that match but are left out: not trading now, or (paper) with no price to trade at */
  inactive: number
  page: number
  page_size: number
  has_next: boolean
}

export const MAX_PAGE_SIZE = 5000

/** Which quotes the flags select: --all for every one, else the ones named, else USDT. */
export function quoteFilter(flags: {all?: boolean; usdt?: boolean; usdc?: boolean; quote?: string[]}): string[] | null {
  if (flags.all) return null
  const quotes = new Set<string>()
  if (flags.usdt) quotes.add('USDT')
  if (flags.usdc) quotes.add('USDC')
  for (const q of flags.quote ?? []) quotes.add(q.trim().toUpperCase())
  return quotes.size > 0 ? [...quotes] : ['USDT']
}

/**
 * The tradable (active) markets, filtered by quote and a case-insensitive search, one page of them,
 * and how many that match were left out because they cannot be traded.
 */
export function listSymbols(markets: MarketListing[], query: SymbolQuery): SymbolPage {
  if (!Number.isInteger(query.page) || query.page < 1) throw usageError('--page must be a whole number from 1')
  if (!Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > MAX_PAGE_SIZE) {
    throw usageError(`--page-size must be a whole number from 1 to ${String(MAX_PAGE_SIZE)}`)
  }

  const quotes = query.quotes ? new Set(query.quotes) : null
  const needle = query.search?.trim().toUpperCase()
  const selected = markets.filter(
    (m) => (!quotes || quotes.has(m.quote)) && (!needle || m.symbol.toUpperCase().includes(needle)),
  )
  const matching = selected
    .filter((m) => m.active)
    .map((m) => m.symbol)
    .sort()
  const start = (query.page - 1) * query.pageSize
  return {
    symbols: matching.slice(start, start + query.pageSize),
    total: matching.length,
    inactive: selected.length - matching.length,
    page: query.page,
    page_size: query.pageSize,
    has_next: start + query.pageSize < matching.length,
  }
}

/**
 * listSymbols over a broker's markets. From a warm cache only each market's symbol, quote and
 * tradability are read, in SQL, and only of the quotes asked for: no summary of every market is
 * parsed. Otherwise (a cold or stale cache, --refresh) the markets come as any command gets them.
 */
export async function brokerSymbols(
  session: Session,
  broker: Broker,
  query: SymbolQuery,
  options: {refresh?: boolean} = {},
): Promise<SymbolPage> {
  if (!options.refresh) {
    // The same cache entry, and the same freshness, that Session.markets and the paper exchange read.
    // A paper broker on live prices reads its source exchange's markets, cached as a real broker's.
    const paper = broker.exchange === PAPER && !broker.prices
    const source = broker.prices ? {...broker, exchange: broker.prices} : broker
    const listing = await new MarketCache(session.store).listing(
      paper ? paperMarketsKey(SNAPSHOT_ID) : marketsCacheKey(source),
      paper ? Number.POSITIVE_INFINITY : MARKETS_TTL_MS,
      query.quotes ?? [],
    )
    if (listing) return listSymbols(listing, query)
  }

  return listSymbols(await session.markets(broker, options), query)
}
