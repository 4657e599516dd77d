import type {Broker} from './brokers.js'
import {Decimal} from './decimal.js'
import type {ExchangeGateway, ExchangeTrade, Market} from './exchange/types.js'
import type {FillLedger, TradeRates} from './fills.js'
import type {TradeJournal} from './journal.js'
import {marketNamed} from './markets.js'
import {isUsdStable, usdPriceAlong, usdRoute} from './usd.js'

/** Where the exchange serves every symbol's history at once, the one scope its cursor is kept under. */
export const ALL_SYMBOLS = '*'

export interface ImportOptions {
  /** read from this time (ms) instead of where the last import stopped */
  since?: number
  /** only these symbols, as the user typed them */
  symbols?: string[]
  /** called before each symbol is read, and once at the end (done = total) */
  onProgress?: (done: number, total: number, scope: string) => void
}

export interface ImportResult {
  imported: number
  skipped: number
  symbols_scanned: number
  /** where the reading started: --since, else the earliest point a cursor had reached; null from the beginning */
  since: string | null
}

/**
 * Brings a broker's trade history into the journal's fills through the exchange's fetchMyTrades.
 * Incremental (a cursor per broker and symbol, moved only once a symbol's history has been read to
 * the end), idempotent (a trade id is stored once), and safe to interrupt: each page is written in
 * its own transaction, so an interrupted import keeps what it wrote and the next one finishes it.
 * Orders placed elsewhere become `external` rows of the journal; fills in a quote that is not a USD
 * stable get the quote's USD price at the fill from the exchange's one-minute candles.
 */
export async function importTrades(
  gateway: ExchangeGateway,
  broker: Broker,
  journal: TradeJournal,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const markets = await gateway.markets()
  const scopes = await scopesToRead(gateway, broker, journal, markets, options.symbols)
  const ledger = journal.fills
  const rates = new UsdRates(gateway, new Set(markets.map((m) => m.symbol)))
  const outcome: ImportResult = {imported: 0, skipped: 0, symbols_scanned: 0, since: null}
  let earliest: number | null = null
  for (const [i, scope] of scopes.entries()) {
    options.onProgress?.(i, scopes.length, scope)
    const since = options.since ?? (await ledger.cursor(broker.name, scope)) ?? undefined
    if (since !== undefined) earliest = earliest === null ? since : Math.min(earliest, since)
    const read = {newest: null as number | null}
    await gateway.fetchMyTrades({symbol: scope === ALL_SYMBOLS ? undefined : scope, since}, async (trades) => {
      const page = await ledger.importPage(broker.name, trades, await rates.of(ledger, broker.name, trades))
      outcome.imported += page.imported
      outcome.skipped += page.skipped
      for (const t of trades) read.newest = Math.max(read.newest ?? t.timestamp, t.timestamp)
    })
    if (read.newest !== null) await ledger.advanceCursor(broker.name, scope, read.newest)
    outcome.symbols_scanned += 1
  }

  options.onProgress?.(scopes.length, scopes.length, '')
  outcome.since = earliest === null ? null : new Date(earliest).toISOString()
  return outcome
}

/**
 * What to read: the symbols asked for; else, where the exchange answers one symbol at a time, every
 * market the account can have traded: those between two of its assets (held now, or in the journal),
 * the journal's own symbols and those read before; else the whole history at once.
 */
async function scopesToRead(
  gateway: ExchangeGateway,
  broker: Broker,
  journal: TradeJournal,
  markets: Market[],
  asked: string[] | undefined,
): Promise<string[]> {
  if (asked && asked.length > 0) {
    return [...new Set(asked.map((text) => marketNamed(markets, text, broker.name).symbol))]
  }

  if (!gateway.tradesNeedSymbol) return [ALL_SYMBOLS]
  const traded = await journal.symbolsTraded(broker.name)
  const assets = new Set((await gateway.fetchBalance()).map((b) => b.asset))
  for (const symbol of traded) for (const asset of symbol.split('/')) assets.add(asset)
  const known = new Set(markets.map((m) => m.symbol))
  const scanned = (await journal.fills.scopes(broker.name)).filter((s) => known.has(s))
  const crossed = markets.filter((m) => assets.has(m.base) && assets.has(m.quote)).map((m) => m.symbol)
  return [...new Set([...crossed, ...traded.filter((s) => known.has(s)), ...scanned])].sort()
}

/**
 * USD prices at the time of each fill, for trades the journal does not hold yet: the quote's (1 for
 * a USD stable), and a fee currency's when the fee is in neither side. Each market's one-minute
 * candle is asked for once per minute; a route through a bridge (ETH/BTC, then BTC/USDT) multiplies.
 */
class UsdRates {
  private readonly candles = new Map<string, Promise<Decimal | null>>()

  constructor(
    private readonly gateway: ExchangeGateway,
    private readonly symbols: Set<string>,
  ) {}

  async of(ledger: FillLedger, broker: string, trades: ExchangeTrade[]): Promise<Map<string, TradeRates>> {
    const known = await ledger.known(
      broker,
      trades.map((t) => t.id),
    )
    const rates = new Map<string, TradeRates>()
    for (const t of trades) {
      if (known.has(t.id)) continue
      const [base, quote] = t.symbol.split('/')
      const third = t.fee !== null && t.feeCurrency !== null && ![base, quote].includes(t.feeCurrency)
      rates.set(t.id, {
        quoteUsd: await this.at(quote, t.timestamp),
        feeCurrencyUsd: third && t.feeCurrency ? await this.at(t.feeCurrency, t.timestamp) : null,
      })
    }

    return rates
  }

  private async at(asset: string, timestamp: number): Promise<Decimal | null> {
    if (isUsdStable(asset)) return new Decimal(1)
    const route = usdRoute(asset, this.symbols)
    if (!route) return null
    const prices = new Map<string, Decimal | null>()
    for (const leg of route) prices.set(leg.symbol, await this.candle(leg.symbol, timestamp))
    return usdPriceAlong(route, (symbol) => prices.get(symbol) ?? null)
  }

  private candle(symbol: string, timestamp: number): Promise<Decimal | null> {
    const key = `${symbol}@${String(Math.floor(timestamp / 60_000))}`
    let price = this.candles.get(key)
    if (!price) {
      price = this.gateway.priceAt(symbol, timestamp).then((p) => (p === null ? null : new Decimal(p)))
      this.candles.set(key, price)
    }

    return price
  }
}
