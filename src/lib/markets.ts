import {usageError} from './errors.js'
import type {Market} from './exchange/types.js'
import type {Store} from './store.js'
import type {Knex} from 'knex'

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

/** What listing and searching the markets needs of each: the rest of the summary is not read. */
export type MarketListing = Pick<Market, 'symbol' | 'quote' | 'active'>

/** The exchange library's own structures: markets by unified symbol, and the exchange's currencies. */
export interface RawMarkets {
  markets: Record<string, unknown>
  currencies: Record<string, unknown>
}

/** Rows per insert: well under SQLite's and PostgreSQL's limits on bound parameters. */
const RAW_CHUNK = 200

/**
 * Markets cached per exchange in the database, so a warm command never downloads them again: our
 * summary of every market in one row; the library's structure of each market in a row of its own, so
 * that a command about one market restores just that one; and each market's symbol, quote and whether
 * it is tradable in a row of its own, so that listing and searching them parses no summary.
 */
export class MarketCache {
  constructor(private readonly store: Store) {}

  /** Our summary of the markets, when fresh. */
  async get(exchangeKey: string, maxAgeMs: number): Promise<CachedMarkets | null> {
    const row = (
      await this.store.query<{summary: string; fetched_at: unknown}>(
        'SELECT summary, fetched_at FROM markets WHERE exchange_key = ?',
        [exchangeKey],
      )
    ).at(0)
    return row && isFresh(row.fetched_at, maxAgeMs)
      ? {markets: JSON.parse(row.summary) as Market[], fetchedAt: Number(row.fetched_at)}
      : null
  }

  /**
   * The library's structures of these markets (of every market when symbols is not given), when
   * fresh; symbols the exchange does not list are left out. The summary is not read.
   */
  async getRaw(exchangeKey: string, maxAgeMs: number, symbols?: string[]): Promise<RawMarkets | null> {
    const head = (
      await this.store.query<{currencies: string | null; fetched_at: unknown}>(
        'SELECT currencies, fetched_at FROM markets WHERE exchange_key = ?',
        [exchangeKey],
      )
    ).at(0)
    if (!head || head.currencies === null || !isFresh(head.fetched_at, maxAgeMs)) return null
    const currencies = JSON.parse(head.currencies) as Record<string, unknown>
    let sql = 'SELECT raw FROM market_raw WHERE exchange_key = ?'
    const bindings: unknown[] = [exchangeKey]
    if (symbols) {
      if (symbols.length === 0) return {markets: {}, currencies}
      sql += ` AND symbol IN (${symbols.map(() => '?').join(', ')})`
      bindings.push(...symbols)
    }

    const markets: Record<string, unknown> = {}
    for (const {raw} of await this.store.query<{raw: string}>(sql, bindings)) {
      const market = JSON.parse(raw) as {symbol: string}
      markets[market.symbol] = market
    }

    return {markets, currencies}
  }

  /**
   * Symbol, quote and tradability of the markets, when fresh: of those quoted in one of quotes when
   * some are given, else of every market. Null when the cache has no such rows for its current
   * download: then the summary is the one to read.
   */
  async listing(
    exchangeKey: string,
    maxAgeMs: number,
    quotes: readonly string[] = [],
  ): Promise<MarketListing[] | null> {
    const inQuotes = quotes.length > 0 ? `AND s.quote IN (${quotes.map(() => '?').join(', ')})` : ''
    // One statement, so one snapshot of both tables: a download replaced meanwhile is never half read.
    // The rows count only when they belong to the summary's own download (another version of
    // tradedesk may have replaced the summary without them); `listed` tells "none at all" from "none
    // in these quotes".
    const rows = await this.store.query<ListingRow>(
      `SELECT m.fetched_at, EXISTS (SELECT 1 FROM market_symbols x WHERE x.exchange_key = m.exchange_key
         AND x.fetched_at = m.fetched_at) AS listed, s.symbol, s.quote, s.active
       FROM markets m LEFT JOIN market_symbols s
         ON s.exchange_key = m.exchange_key AND s.fetched_at = m.fetched_at ${inQuotes}
       WHERE m.exchange_key = ?`,
      [...quotes, exchangeKey],
    )
    const head = rows.at(0)
    if (!head?.listed || !isFresh(head.fetched_at, maxAgeMs)) return null
    const listing: MarketListing[] = []
    for (const r of rows) {
      if (r.symbol !== null) listing.push({symbol: r.symbol, quote: r.quote, active: Boolean(r.active)})
    }

    return listing
  }

  /** Replaces an exchange's cached markets in one transaction: no reader ever sees half of them. */
  async put(exchangeKey: string, markets: Market[], raw: RawMarkets | null): Promise<void> {
    const fetchedAt = Date.now()
    await this.store.write(async (tx) => {
      await tx('markets')
        .insert({
          exchange_key: exchangeKey,
          summary: JSON.stringify(markets),
          currencies: raw ? JSON.stringify(raw.currencies) : null,
          fetched_at: fetchedAt,
        })
        .onConflict('exchange_key')
        .merge()
      await tx('market_raw').where({exchange_key: exchangeKey}).delete()
      const rows = Object.entries(raw?.markets ?? {}).map(([symbol, m]) => ({
        exchange_key: exchangeKey,
        symbol,
        raw: JSON.stringify(m),
      }))
      await insertChunked(tx, 'market_raw', rows)
      await tx('market_symbols').where({exchange_key: exchangeKey}).delete()
      const listed = markets.map((m) => ({
        exchange_key: exchangeKey,
        fetched_at: fetchedAt,
        symbol: m.symbol,
        quote: m.quote,
        active: m.active,
      }))
      await insertChunked(tx, 'market_symbols', listed)
    })
  }
}

/** A row of MarketCache.listing's query: the cache entry, and one of its markets (none: all null). */
interface ListingRow {
  fetched_at: unknown
  listed: unknown
  symbol: string | null
  quote: string
  active: unknown
}

/** Inserts rows a chunk at a time: SQLite caps the variables of one statement. */
async function insertChunked(tx: Knex.Transaction, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += RAW_CHUNK) await tx(table).insert(rows.slice(i, i + RAW_CHUNK))
}

function isFresh(fetchedAt: unknown, maxAgeMs: number): boolean {
  return Date.now() - Number(fetchedAt) <= maxAgeMs
}

/** The paper exchange's markets, summarized from its snapshot: the summary's shape is versioned with the key. */
export function paperMarketsKey(snapshotId: string): string {
  return `paper:${snapshotId}:2`
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

/** The market a user named (as findMarket reads it), or a usage error UNKNOWN_SYMBOL that says where to look. */
export function marketNamed(markets: Market[], symbol: string, brokerName: string): Market {
  const market = findMarket(markets, symbol)
  if (!market)
    throw usageError(
      `unknown symbol ${symbol} on ${brokerName}: see \`tradedesk symbols --all --search ...\``,
      'UNKNOWN_SYMBOL',
    )
  return market
}
