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
  fetchedAt: number
}

/** Markets cached per exchange in the database, so a warm command never downloads them again. */
export class MarketCache {
  constructor(private readonly store: Store) {}

  /** Our summary of the markets, when fresh. */
  async get(exchangeKey: string, maxAgeMs: number): Promise<CachedMarkets | null> {
    const row = await this.fresh(exchangeKey, maxAgeMs, 'summary')
    return row ? {markets: JSON.parse(row.summary), fetchedAt: Number(row.fetched_at)} : null
  }

  /** The exchange library's own market structures (JSON), when fresh; the summary is not read. */
  async getRaw(exchangeKey: string, maxAgeMs: number): Promise<string | null> {
    return (await this.fresh(exchangeKey, maxAgeMs, 'raw'))?.raw ?? null
  }

  private async fresh(exchangeKey: string, maxAgeMs: number, column: 'summary' | 'raw') {
    const row = await this.store.db('markets').where({exchange_key: exchangeKey}).first(column, 'fetched_at')
    return row && Date.now() - Number(row.fetched_at) <= maxAgeMs ? row : null
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
