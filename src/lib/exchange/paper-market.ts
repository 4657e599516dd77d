import {Decimal, dec, roundToTick, str} from '../decimal.js'
import {MarketCache, paperMarketsKey} from '../markets.js'
import type {Store, Tx} from '../store.js'
import type {CcxtGateway} from './ccxt-gateway.js'
import {
  PAPER_TAKER_FEE,
  SNAPSHOT_ID,
  SNAPSHOT_PRICES_DATE,
  loadSnapshotMarkets,
  loadSnapshotTickers,
} from './snapshot.js'
import type {Market, Side, Ticker} from './types.js'

export const PAPER_NAME = 'Paper (simulated Binance spot)'

/** One level of an order book: a price and the base amount offered at it, exact decimal strings. */
export interface BookLevel {
  price: string
  amount: string
}

/**
 * Where a paper account's markets and prices come from: the offline snapshot, or an exchange's live
 * public market data. The paper exchange keeps the account; this says what the market is.
 */
export interface PaperMarketData {
  /** for people: "snapshot 2023-03-21" or "live: binance" */
  readonly prices: string
  readonly name: string
  markets(options?: {refresh?: boolean}): Promise<Market[]>
  /** the market's prices now, on its tick; null when it has none */
  ticker(market: Market): Promise<Ticker | null>
  /** the prices of these markets now, by symbol, in as few requests as the source allows */
  tickers(markets: Market[]): Promise<Map<string, Ticker>>
  /**
   * The side of the book an order on `side` takes (the asks for a buy, the bids for a sell), best
   * first; null where the market has no depth (the snapshot: any amount at the ticker's price).
   */
  book(market: Market, side: Side): Promise<BookLevel[] | null>
  /** the fee rate of an order that rested and then filled */
  makerFee(market: Market): string
  close(): Promise<void>
}

/**
 * The offline snapshot (data/binance-spot), with the prices `paper set-price` gave this broker's
 * markets in place of the snapshot's.
 */
export class SnapshotMarket implements PaperMarketData {
  readonly prices = `snapshot ${SNAPSHOT_PRICES_DATE}`
  readonly name = PAPER_NAME
  private marketList?: Market[]
  private tickerMap?: Map<string, Omit<Ticker, 'symbol'>>

  constructor(
    private readonly store: Store,
    private readonly brokerId: number,
  ) {}

  async markets(): Promise<Market[]> {
    if (this.marketList) return this.marketList
    const cache = new MarketCache(this.store)
    // The summary's shape is versioned with the key: a newer tradedesk reads its own.
    const key = paperMarketsKey(SNAPSHOT_ID)
    const cached = await cache.get(key, Number.POSITIVE_INFINITY)
    if (cached) {
      this.marketList = cached.markets
    } else {
      this.marketList = loadSnapshotMarkets()
      await cache.put(key, this.marketList, null)
    }

    return this.marketList
  }

  async ticker(market: Market): Promise<Ticker | null> {
    return (await this.tickers([market])).get(market.symbol) ?? null
  }

  async tickers(markets: Market[]): Promise<Map<string, Ticker>> {
    const moved = await this.moved()
    const result = new Map<string, Ticker>()
    for (const m of markets) {
      const t = moved.get(m.symbol) ?? this.snapshotTicker(m)
      if (t) result.set(m.symbol, t)
    }

    return result
  }

  book(): Promise<BookLevel[] | null> {
    return Promise.resolve(null)
  }

  makerFee(market: Market): string {
    return market.takerFee ?? PAPER_TAKER_FEE
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  /** Gives a market a price of its own (on its tick, more than one tick): last, and bid and ask one tick around it. */
  async setPrice(tx: Tx, market: Market, price: Decimal): Promise<Ticker> {
    const tick = dec(market.priceTick) ?? new Decimal(0)
    const now = new Date()
    const row = {last: str(price), bid: str(price.minus(tick)), ask: str(price.plus(tick))}
    await tx('paper_prices')
      .insert({broker_id: this.brokerId, symbol: market.symbol, ...row, updated_at: now.toISOString()})
      .onConflict(['broker_id', 'symbol'])
      .merge()
    return {symbol: market.symbol, ...row, changePct: null, timestamp: now.getTime()}
  }

  /** The prices set for this broker's markets, by symbol. */
  private async moved(): Promise<Map<string, Ticker>> {
    const rows = await this.store.query<{symbol: string; last: string; bid: string; ask: string; updated_at: string}>(
      'SELECT symbol, last, bid, ask, updated_at FROM paper_prices WHERE broker_id = ?',
      [this.brokerId],
    )
    return new Map(
      rows.map((r) => [
        r.symbol,
        {symbol: r.symbol, last: r.last, bid: r.bid, ask: r.ask, changePct: null, timestamp: Date.parse(r.updated_at)},
      ]),
    )
  }

  /**
   * A market's snapshot prices, put on its tick as the exchange could quote them (some snapshot
   * prices are off it: ETH/BTC's ask 0.062909 on a 0.00001 tick): the ask rounds up, the bid down.
   */
  private snapshotTicker(market: Market): Ticker | null {
    this.tickerMap ??= loadSnapshotTickers()
    const t = this.tickerMap.get(market.id)
    if (!t) return null
    const tick = dec(market.priceTick)
    const onTick = (v: string | null, direction: 'half-up' | 'down' | 'up') => {
      if (!v) return null
      const p = roundToTick(new Decimal(v), tick, direction)
      return p.gt(0) ? str(p) : null
    }

    return {
      ...t,
      symbol: market.symbol,
      last: onTick(t.last, 'half-up'),
      bid: onTick(t.bid, 'down'),
      ask: onTick(t.ask, 'up'),
    }
  }
}

/** Up to how many markets tickers are asked for by name (Binance's `symbols` is a URL parameter). */
const TICKERS_BY_NAME = 100

/**
 * An exchange's live public market data, through its CCXT gateway built without credentials: markets
 * (cached as a real broker's), tickers and order books. Nothing private is ever asked.
 */
export class LiveMarket implements PaperMarketData {
  constructor(private readonly source: CcxtGateway) {}

  get prices(): string {
    return this.source.prices
  }

  get name(): string {
    return `Paper (simulated on ${this.source.name} live prices)`
  }

  markets(options: {refresh?: boolean} = {}): Promise<Market[]> {
    return this.source.markets(options)
  }

  async ticker(market: Market): Promise<Ticker> {
    return this.source.fetchTicker(market.symbol)
  }

  async tickers(markets: Market[]): Promise<Map<string, Ticker>> {
    if (markets.length === 0) return new Map()
    if (markets.length === 1) return new Map([[markets[0].symbol, await this.ticker(markets[0])]])
    if (markets.length <= TICKERS_BY_NAME) return this.source.fetchTickers(markets.map((m) => m.symbol))
    // Many markets (all of them, for fetchTickers without symbols): every ticker in one request, not a
    // request line naming thousands of symbols.
    const wanted = new Set(markets.map((m) => m.symbol))
    return new Map([...(await this.source.fetchTickers())].filter(([symbol]) => wanted.has(symbol)))
  }

  async book(market: Market, side: Side): Promise<BookLevel[]> {
    const book = await this.source.fetchOrderBook(market.symbol)
    return side === 'buy' ? book.asks : book.bids
  }

  makerFee(market: Market): string {
    return market.makerFee ?? market.takerFee ?? PAPER_TAKER_FEE
  }

  close(): Promise<void> {
    return this.source.close()
  }
}
