import type {Broker} from './brokers.js'
import type {Market} from './exchange/types.js'
import type {Store} from './store.js'

/** How long downloaded markets are trusted. */
export const MARKETS_TTL_MS = 24 * 60 * 60 * 1000

/** One cache entry per exchange and endpoint: a sandbox or another origin lists other markets. */
export function marketsCacheKey(broker: Pick<Broker, 'exchange' | 'sandbox' | 'apiUrl'>): string {
  return [broker.exchange, broker.sandbox ? 'sandbox' : '', broker.apiUrl ?? ''].join('|')
}

export interface CachedMarkets {
  markets: Market[]
  /** the exchange library's own market structures, for restoring a client without a download */
  raw: string | null
  fetchedAt: number
}

/** Markets cached per exchange in the database, so a warm command never downloads them again. */
export class MarketCache {
  constructor(private readonly store: Store) {}

  async get(exchangeKey: string, maxAgeMs: number, options: {withRaw?: boolean} = {}): Promise<CachedMarkets | null> {
    const columns = options.withRaw ? ['summary', 'raw', 'fetched_at'] : ['summary', 'fetched_at']
    const row = await this.store.db('markets').where({exchange_key: exchangeKey}).first(columns)
    if (!row) return null
    const fetchedAt = Number(row.fetched_at)
    if (Date.now() - fetchedAt > maxAgeMs) return null
    return {markets: JSON.parse(row.summary), raw: row.raw ?? null, fetchedAt}
  }

  async put(exchangeKey: string, markets: Market[], raw: string | null): Promise<void> {
    await this.store.db('markets')
      .insert({exchange_key: exchangeKey, summary: JSON.stringify(markets), raw, fetched_at: Date.now()})
      .onConflict('exchange_key')
      .merge()
  }
}

/** Finds a market by unified symbol, case-insensitively, also accepting "BTCUSDT" or "btc-usdt". */
export function findMarket(markets: Market[], symbol: string): Market | undefined {
  const wanted = symbol.trim().toUpperCase()
  const compact = wanted.replace(/[-_/]/g, '')
  return (
    markets.find((m) => m.symbol.toUpperCase() === wanted) ??
    markets.find((m) => m.id.toUpperCase() === compact || `${m.base}${m.quote}`.toUpperCase() === compact)
  )
}
