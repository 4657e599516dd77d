import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {optStr} from '../decimal.js'
import {binanceRules, positive} from './binance-filters.js'
import type {Market, Ticker} from './types.js'

/**
 * The real Binance spot snapshot the paper exchange trades on (data/binance-spot, see its
 * PROVENANCE.md): exchangeInfo of 2023-09-08 for the markets and their rules, 24 h tickers of
 * 2023-03-21 for prices. A market without a non-zero price in the ticker file cannot be priced.
 */
const DATA_DIR = fileURLToPath(new URL('../../../data/binance-spot/', import.meta.url))

export const SNAPSHOT_ID = 'binance-spot-2023-09-08'
export const PAPER_TAKER_FEE = '0.001'
/** the day of the 24 h tickers the paper exchange prices with (their closeTime) */
export const SNAPSHOT_PRICES_DATE = '2023-03-21'

interface BinanceSymbol {
  symbol: string
  status: string
  baseAsset: string
  quoteAsset: string
  orderTypes: string[]
  isSpotTradingAllowed?: boolean
  filters: {filterType: string; [key: string]: unknown}[]
}

interface BinanceTicker {
  symbol: string
  lastPrice: string
  bidPrice: string
  askPrice: string
  priceChangePercent: string
  closeTime: number
}

/** Binance order type names to CCXT's. */
const ORDER_TYPES: Record<string, string> = {
  LIMIT: 'limit',
  LIMIT_MAKER: 'limit_maker',
  MARKET: 'market',
  STOP_LOSS: 'stop_loss',
  STOP_LOSS_LIMIT: 'stop_loss_limit',
  TAKE_PROFIT: 'take_profit',
  TAKE_PROFIT_LIMIT: 'take_profit_limit',
}

export function marketFromBinance(s: BinanceSymbol, takerFee: string | null): Market {
  const filter = (type: string) => s.filters.find((f) => f.filterType === type)
  const price = filter('PRICE_FILTER')
  const lot = filter('LOT_SIZE')
  const marketLot = filter('MARKET_LOT_SIZE')
  const notional = filter('NOTIONAL') ?? filter('MIN_NOTIONAL')
  return {
    symbol: `${s.baseAsset}/${s.quoteAsset}`,
    id: s.symbol,
    base: s.baseAsset,
    quote: s.quoteAsset,
    active: s.status === 'TRADING' && s.isSpotTradingAllowed !== false,
    amountStep: positive(lot?.stepSize),
    priceTick: positive(price?.tickSize),
    minAmount: positive(lot?.minQty),
    maxAmount: positive(lot?.maxQty),
    marketMinAmount: positive(marketLot?.minQty),
    marketMaxAmount: positive(marketLot?.maxQty),
    minPrice: positive(price?.minPrice),
    maxPrice: positive(price?.maxPrice),
    minCost: positive(notional?.minNotional),
    maxCost: positive(notional?.maxNotional),
    ...binanceRules(s.filters),
    takerFee,
    orderTypes: s.orderTypes.map((t) => ORDER_TYPES[t] ?? t.toLowerCase()),
  }
}

/** The snapshot's markets; one the price file has no price for cannot be traded, so it is not active. */
export function loadSnapshotMarkets(): Market[] {
  const info = JSON.parse(readFileSync(DATA_DIR + 'exchangeInfo.json', 'utf8')) as {symbols: BinanceSymbol[]}
  const priced = loadSnapshotTickers()
  return info.symbols.map((s) => {
    const market = marketFromBinance(s, PAPER_TAKER_FEE)
    return priced.has(market.id) ? market : {...market, active: false}
  })
}

/** Tickers by exchange id (BTCUSDT); symbols whose price is zero are left out: they are unpriced. */
export function loadSnapshotTickers(): Map<string, Omit<Ticker, 'symbol'>> {
  const rows = JSON.parse(readFileSync(DATA_DIR + 'ticker-24hr.json', 'utf8')) as BinanceTicker[]
  const tickers = new Map<string, Omit<Ticker, 'symbol'>>()
  for (const r of rows) {
    const last = positive(r.lastPrice)
    if (last === null) continue
    tickers.set(r.symbol, {
      last,
      bid: positive(r.bidPrice),
      ask: positive(r.askPrice),
      changePct: optStr(r.priceChangePercent),
      timestamp: r.closeTime,
    })
  }

  return tickers
}
