/**
 * What the loopback fakes' seedTrades() and seedCandles() take: a trade history made outside
 * tradedesk (on the website, in the app) and one-minute candles. Each fake documents what its
 * exchange allows of these (symbol spellings, fee currencies) where it reads them.
 */

/** A trade made outside tradedesk. Decimals are strings. */
export interface SeedTrade {
  /** unified ('BTC/USDT') or the exchange's own market id */
  symbol: string
  side: 'buy' | 'sell'
  /** base quantity */
  amount: string
  price: string
  /** the fee charged, positive, in feeCurrency */
  fee: string
  feeCurrency: string
  /** when it executed, ms since the epoch */
  time: number
  /** trades that name the same orderId are fills of one order; by default each trade is an order of its own */
  orderId?: string
  /** a maker fill (default: taker) */
  maker?: boolean
  /** the order's type (default 'market') */
  type?: 'market' | 'limit'
}

/** A one-minute candle: `time` is its open time (ms, on the minute). */
export interface SeedCandle {
  time: number
  open: string
  high: string
  low: string
  close: string
  /** base volume (default '0') */
  volume?: string
}

/** A seeded trade's ids as the exchange's trade history shows them: the trade's and its order's. */
export interface SeededTrade {
  id: string
  orderId: string
}
