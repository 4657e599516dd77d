import type {Market} from './exchange/types.js'
import type {Store} from './store.js'

/** How long downloaded markets are trusted. */
export const MARKETS_TTL_MS = 24 * 60 * 60 * 1000

/** One cache entry per exchange and endpoint: a sandbox or another origin lists other markets. */
export function marketsCacheKey(broker: {exchange: string; sandbox: boolean; apiUrl: string | null}): string {
  return [broker.exchange, broker.sandbox ? 'sandbox' : '', broker.apiUrl ?? ''].join('|')
}

export interface CachedMarkets {
  markets: Market[]
  fetchedAt: number
}

/** The exchange library's own structures: markets by unified symbol, and the exchange's currencies. */
export interface RawMarkets {
  markets: Record<string, unknown>
  currencies: Record<string, unknown>
}

/** Rows per insert: well under SQLite's and PostgreSQL's limits on bound parameters. */
const RAW_CHUNK = 200

/**
 * Markets cached per exchange in the database, so a warm command never downloads them again: our
 * summary of every market in one row, and the library's structure of each market in a row of its
 * own, so that a command about one market restores just that one.
 */
export class MarketCache {
  constructor(private readonly store: Store) {}

  /** Our summary of the markets, when fresh. */
  async get(exchangeKey: string, maxAgeMs: number): Promise<CachedMarkets | null> {
    const [row] = await this.store.query<{summary: string; fetched_at: unknown}>(
      'SELECT summary, fetched_at FROM markets WHERE exchange_key = ?',
      [exchangeKey],
    )
    return row && isFresh(row.fetched_at, maxAgeMs)
      ? {markets: JSON.parse(row.summary), fetchedAt: Number(row.fetched_at)}
      : null
  }

  /**
   * The library's structures of these markets (of every market when symbols is not given), when
   * fresh; symbols the exchange does not list are left out. The summary is not read.
   */
  async getRaw(exchangeKey: string, maxAgeMs: number, symbols?: string[]): Promise<RawMarkets | null> {
    const [head] = await this.store.query<{currencies: string | null; fetched_at: unknown}>(
      'SELECT currencies, fetched_at FROM markets WHERE exchange_key = ?',
      [exchangeKey],
    )
    if (!head || head.currencies === null || !isFresh(head.fetched_at, maxAgeMs)) return null
    let sql = 'SELECT raw FROM market_raw WHERE exchange_key = ?'
    const bindings: unknown[] = [exchangeKey]
    if (symbols) {
      if (symbols.length === 0) return {markets: {}, currencies: JSON.parse(head.currencies)}
      sql += ` AND symbol IN (${symbols.map(() => '?').join(', ')})`
      bindings.push(...symbols)
    }

    const markets: Record<string, unknown> = {}
    for (const {raw} of await this.store.query<{raw: string}>(sql, bindings)) {
      const market = JSON.parse(raw) as {symbol: string}
      markets[market.symbol] = market
    }

    return {markets, currencies: JSON.parse(head.currencies)}
  }

  /** Replaces an exchange's cached markets in one transaction: no reader ever sees half of them. */
  async put(exchangeKey: string, markets: Market[], raw: RawMarkets | null): Promise<void> {
    await this.store.write(async (tx) => {
      await tx('markets')
        .insert({
          exchange_key: exchangeKey,
          summary: JSON.stringify(markets),
          currencies: raw ? JSON.stringify(raw.currencies) : null,
          fetched_at: Date.now(),
        })
        .onConflict('exchange_key')
        .merge()
      await tx('market_raw').where({exchange_key: exchangeKey}).delete()
      const rows = Object.entries(raw?.markets ?? {}).map(([symbol, m]) => ({
        exchange_key: exchangeKey,
        symbol,
        raw: JSON.stringify(m),
      }))
      for (let i = 0; i < rows.length; i += RAW_CHUNK) await tx('market_raw').insert(rows.slice(i, i + RAW_CHUNK))
    })
  }
}

function isFresh(fetchedAt: unknown, maxAgeMs: number): boolean {
  return Date.now() - Number(fetchedAt) <= maxAgeMs
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
