/**
 * A loopback fake of the Binance spot REST API, for tests.
 *
 * The real `ccxt.binance` class can be pointed at it by rewriting the origin of every URL in
 * `exchange.urls.api` to `FakeBinance.url`. It serves real exchangeInfo / 24hr-ticker snapshots
 * (data/binance-spot/), checks HMAC-SHA256 signatures like Binance, runs a tiny matching engine
 * against the ticker's bid/ask with exact decimal arithmetic (decimal.js), answers with Binance's
 * real error codes/messages, and can inject transport faults into the next matching request, the
 * next N matching requests, or every matching request until the faults are cleared. A trade history
 * made outside tradedesk can be seeded (myTrades serves it with Binance's parameter rules), and so can
 * one-minute candles (klines). The rules come from binance/binance-spot-api-docs (rest-api.md,
 * errors.md, CHANGELOG.md).
 *
 * Only node built-ins and decimal.js are used.
 *
 * Standalone: `node --import tsx test/support/fake-binance.ts --port 0` prints its URL on the
 * first line of stdout and stays up until SIGTERM/SIGINT.
 */
import http from 'node:http'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {Decimal} from 'decimal.js'
import type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface FakeBinanceOptions {
  apiKey?: string // default 'test-key'
  secret?: string // default 'test-secret'
  balances?: Record<string, string> // asset -> free amount, default { USDT: '10000' }
  exchangeInfoPath?: string
  tickerPath?: string
  fillRatio?: string // fraction of a crossing order that fills immediately (default '1')
  takerFee?: string // default '0.001', charged in the quote asset (commissionAsset = quote)
  port?: number // default 0 (any free port); a fixed port lets a test restart "the same" exchange
  /**
   * Opt-in request-weight limit, as Binance enforces it: each request costs its documented weight
   * within a fixed window aligned to the clock (Binance: 6000 per minute); every answer carries the
   * weight used so far in X-MBX-USED-WEIGHT-<interval> (1M for a minute, 1S for a second); a request
   * over the limit is answered HTTP 429 with code -1003 and Retry-After. Off by default.
   */
  weightLimit?: {limit: number; windowMs?: number}
}

export interface FakeFault {
  method?: string
  path: string
  kind:
    'accept-then-hang' | 'hang' | 'html-503' | 'rate-limit-429' | 'malformed-json' | 'server-error-500' | 'redirect-302'
  /**
   * How many matching requests the fault applies to: a positive integer (default 1: the next
   * matching request only), or 'always': every matching request until clearFaults().
   */
  times?: number | 'always'
}

/** Which faults clearFaults() removes: all of them, or those of one path (and method). */
export interface FaultFilter {
  method?: string
  path?: string
}

/** An order book side by side: [price, quantity] decimal strings. */
export interface FakeBook {
  bids: [string, string][]
  asks: [string, string][]
}

export interface RecordedRequest {
  method: string
  path: string
  /** Query-string parameters merged with form-body parameters (query wins, as on Binance). */
  query: Record<string, string>
}

export interface FakeFill {
  price: string
  qty: string
  commission: string
  commissionAsset: string
  tradeId: number
  time: number
  isMaker: boolean
}

export type FakeOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED'

/** Snapshot of an order accepted by the fake exchange (Binance field names, decimal strings). */
export interface FakeOrder {
  symbol: string
  orderId: number
  orderListId: number
  clientOrderId: string
  price: string
  origQty: string
  executedQty: string
  cummulativeQuoteQty: string
  origQuoteOrderQty: string
  status: FakeOrderStatus
  timeInForce: string
  type: string
  side: 'BUY' | 'SELL'
  time: number
  updateTime: number
  fills: FakeFill[]
}

/** A history made on the website (seedTrades: symbol unified or Binance's own, 'BTCUSDT'; any fee currency) and one-minute candles for GET /api/v3/klines. */
export type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

export interface FakeBinance {
  url: string // 'http://127.0.0.1:PORT'
  requests: RecordedRequest[] // every request received, in order
  countRequests(method: string, path: string): number
  /**
   * Applies to the next `times` requests matching method+path (default: the NEXT one only), then is
   * consumed; with times: 'always' it applies to every matching request until clearFaults().
   * When several faults match a request, the one injected first applies.
   */
  injectFault(fault: FakeFault): void
  /** Removes pending faults: all of them, or only those with that path (and method, when given). */
  clearFaults(filter?: FaultFilter): void
  /**
   * Calls `hook` for every request, after it is recorded in `requests` and before any fault or route
   * applies, so a test can change the exchange (e.g. setTicker) at the exact moment a request
   * arrives. Returns a function that removes the hook.
   */
  onRequest(hook: (request: RecordedRequest) => void): () => void
  /** how many requests the weight limit refused with HTTP 429 (always 0 without `weightLimit`) */
  throttled(): number
  /** Sets (or, with null, lifts) the request-weight limit from now on: a setup can run unlimited first. */
  setWeightLimit(limit: {limit: number; windowMs?: number} | null): void
  orders(): FakeOrder[] // every order the exchange has accepted
  balance(asset: string): {free: string; locked: string}
  setTicker(symbol: string, fields: Partial<{lastPrice: string; bidPrice: string; askPrice: string}>): void
  /**
   * Gives a symbol an order book of its own, served by GET /api/v3/depth as Binance documents it
   * ([price, quantity] levels, bids best (highest) first, asks best (lowest) first, `limit` levels a
   * side, default 100, at most 5000); the ticker's best bid and ask (and their quantities) follow its
   * top, as Binance's do. Without one, depth is made of five levels around the ticker. `null` removes it.
   */
  setBook(symbol: string, book: FakeBook | null): void
  /**
   * Adds a past trade history, as if made on the website: FILLED orders with their fills at the given
   * times, served by myTrades and allOrders. Trade ids follow time within a call (Binance's ids grow
   * with time per symbol): seed the history before placing orders. Balances are not moved (set them
   * with `balances`). Returns each trade's ids, in the order given.
   */
  seedTrades(trades: SeedTrade[]): SeededTrade[]
  /** Adds one-minute candles of a market (unified or Binance symbol), served by GET /api/v3/klines. */
  seedCandles(symbol: string, candles: SeedCandle[]): void
  close(): Promise<void> // also ends any hanging responses
}

export async function startFakeBinance(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
  return startOnPort(opts, opts.port ?? 0)
}

// ---------------------------------------------------------------------------------------------
// Decimal helpers (never floats for money)
// ---------------------------------------------------------------------------------------------

const D = Decimal.clone({precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40})
type Dec = Decimal
const ZERO = new D(0)

/** Binance-style decimal string: at least 8 decimals, more only if needed to stay exact. */
function fmt(d: Dec): string {
  return d.toFixed(Math.max(8, d.decimalPlaces()))
}

/** Commission as Binance shows it: 8 decimal places (ROUND_HALF_UP). */
function fee8(d: Dec): Dec {
  return d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP)
}

/** Truncate `q` down to a multiple of `step` (no-op when step is zero). */
function floorStep(q: Dec, step: Dec): Dec {
  if (step.isZero()) return q
  return q.div(step).floor().mul(step)
}

const NUMBER_RE = /^([0-9]{1,20})(\.[0-9]{1,20})?$/

// ---------------------------------------------------------------------------------------------
// Internal types
// ---------------------------------------------------------------------------------------------

class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg)
  }
}

const mandatory = (name: string) =>
  new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`)
const invalidSymbol = () => new BinanceError(400, -1121, 'Invalid symbol.')
const filterFailure = (filter: string) => new BinanceError(400, -1013, `Filter failure: ${filter}`)
const insufficient = () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.')

interface Reply {
  status: number
  body: string | Buffer
  contentType: string
}

function json(status: number, value: unknown): Reply {
  return {status, body: JSON.stringify(value), contentType: 'application/json;charset=UTF-8'}
}

interface RawFilter {
  filterType: string
  [k: string]: unknown
}

interface RawSymbol {
  symbol: string
  status: string
  baseAsset: string
  quoteAsset: string
  baseAssetPrecision?: number
  quotePrecision?: number
  quoteAssetPrecision?: number
  orderTypes: string[]
  quoteOrderQtyMarketAllowed?: boolean
  filters: RawFilter[]
  [k: string]: unknown
}

interface RawExchangeInfo {
  timezone: string
  serverTime: number
  rateLimits: unknown[]
  exchangeFilters: unknown[]
  symbols: RawSymbol[]
}

/** A row of the 24hr-ticker snapshot (or one setTicker made): any field but the symbol can be missing. */
type Ticker = Partial<Record<string, string | number>> & {symbol: string}

/** A request's parameters, as a route reads them: any of them can be missing. */
type Params = Readonly<Partial<Record<string, string>>>

interface MarketData {
  exchangeInfoRaw: Buffer
  exchangeInfo: RawExchangeInfo
  symbols: Map<string, RawSymbol>
  tickers: Map<string, Ticker> // insertion order = file order (+ symbols created by setTicker)
}

interface Fill {
  tradeId: number
  price: Dec
  qty: Dec
  quoteQty: Dec
  commission: Dec
  commissionAsset: string
  time: number
  isMaker: boolean
}

interface Order {
  symbol: string
  base: string
  quote: string
  orderId: number
  clientOrderId: string
  side: 'BUY' | 'SELL'
  type: string
  timeInForce: string
  price: Dec // zero for MARKET
  origQty: Dec
  origQuoteOrderQty: Dec
  executedQty: Dec
  cumQuote: Dec
  status: FakeOrderStatus
  time: number
  updateTime: number
  fills: Fill[]
  lockedAsset: string
  lockedAmount: Dec // funds currently locked for the resting remainder
}

interface Balance {
  free: Dec
  locked: Dec
}

const DATA_DIR = fileURLToPath(new URL('../../data/binance-spot/', import.meta.url))
const ZERO8 = '0.00000000'
/** rest-api.md, "Supported kline intervals (case-sensitive)" */
const KLINE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
]

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

async function startOnPort(opts: FakeBinanceOptions, port: number): Promise<FakeBinance> {
  const apiKey = opts.apiKey ?? 'test-key'
  const secret = opts.secret ?? 'test-secret'
  const exchangeInfoPath = opts.exchangeInfoPath ?? path.join(DATA_DIR, 'exchangeInfo.json')
  const tickerPath = opts.tickerPath ?? path.join(DATA_DIR, 'ticker-24hr.json')
  const fillRatio = new D(opts.fillRatio ?? '1')
  const takerFee = new D(opts.takerFee ?? '0.001')
  if (fillRatio.lt(0) || fillRatio.gt(1)) throw new Error('fillRatio must be within [0, 1]')
  if (takerFee.lt(0)) throw new Error('takerFee must be >= 0')

  const requests: RecordedRequest[] = []
  /** pending faults, oldest first; `left` counts the matching requests still to fault (Infinity: always) */
  const faults: {fault: FakeFault; left: number}[] = []
  const hooks = new Set<(request: RecordedRequest) => void>()
  const weights = {window: -1, used: 0, throttled: 0}
  let weightLimit = opts.weightLimit
  const windowOf = () => weightLimit?.windowMs ?? 60_000
  const weightHeader = () => {
    const ms = windowOf()
    return `X-MBX-USED-WEIGHT-${ms % 60_000 === 0 ? `${String(ms / 60_000)}M` : `${String(Math.max(1, Math.round(ms / 1000)))}S`}`
  }
  const hanging = new Set<http.ServerResponse>()
  const balances = new Map<string, Balance>()
  for (const [asset, amount] of Object.entries(opts.balances ?? {USDT: '10000'})) {
    balances.set(asset, {free: new D(amount), locked: ZERO})
  }
  const orders: Order[] = []
  let nextOrderId = 1
  let nextTradeId = 1
  /** seeded one-minute candles: symbol -> open time -> candle */
  const candles = new Map<string, Map<number, SeedCandle>>()
  /** order books set by setBook: symbol -> levels, each side best first */
  const books = new Map<string, {bids: [Dec, Dec][]; asks: [Dec, Dec][]}>()

  // ---- market data, parsed lazily once per server ----
  let market: MarketData | undefined
  function data(): MarketData {
    if (market) return market
    const exchangeInfoRaw = fs.readFileSync(exchangeInfoPath)
    const exchangeInfo = JSON.parse(exchangeInfoRaw.toString('utf8')) as RawExchangeInfo
    const symbols = new Map<string, RawSymbol>()
    for (const s of exchangeInfo.symbols) symbols.set(s.symbol, s)
    const tickers = new Map<string, Ticker>()
    for (const t of JSON.parse(fs.readFileSync(tickerPath, 'utf8')) as Ticker[]) tickers.set(t.symbol, {...t})
    market = {exchangeInfoRaw, exchangeInfo, symbols, tickers}
    return market
  }

  function zeroTicker(symbol: string): Ticker {
    const now = Date.now()
    return {
      symbol,
      priceChange: ZERO8,
      priceChangePercent: '0.000',
      weightedAvgPrice: ZERO8,
      prevClosePrice: ZERO8,
      lastPrice: ZERO8,
      lastQty: ZERO8,
      bidPrice: ZERO8,
      bidQty: ZERO8,
      askPrice: ZERO8,
      askQty: ZERO8,
      openPrice: ZERO8,
      highPrice: ZERO8,
      lowPrice: ZERO8,
      volume: ZERO8,
      quoteVolume: ZERO8,
      openTime: now - 86_400_000,
      closeTime: now,
      firstId: -1,
      lastId: -1,
      count: 0,
    }
  }

  /** Ticker of a listed symbol (all-zero if the snapshot has no price for it). */
  function tickerOf(symbol: string): Ticker {
    const md = data()
    const t = md.tickers.get(symbol)
    if (t) return t
    if (!md.symbols.has(symbol)) throw invalidSymbol()
    return zeroTicker(symbol)
  }

  function priceField(t: Ticker, field: string): Dec {
    const v = t[field]
    return v === undefined ? ZERO : new D(String(v))
  }

  /** Price a taker BUY executes at: ask, else last; undefined if unpriced. */
  function buyPrice(symbol: string): Dec | undefined {
    const t = tickerOf(symbol)
    const ask = priceField(t, 'askPrice')
    if (ask.gt(0)) return ask
    const last = priceField(t, 'lastPrice')
    return last.gt(0) ? last : undefined
  }

  /** Price a taker SELL executes at: bid, else last; undefined if unpriced. */
  function sellPrice(symbol: string): Dec | undefined {
    const t = tickerOf(symbol)
    const bid = priceField(t, 'bidPrice')
    if (bid.gt(0)) return bid
    const last = priceField(t, 'lastPrice')
    return last.gt(0) ? last : undefined
  }

  function symbolInfo(symbol: string | undefined): RawSymbol {
    if (symbol === undefined || symbol === '') throw mandatory('symbol')
    const s = data().symbols.get(symbol)
    if (!s) throw invalidSymbol()
    return s
  }

  function filter(s: RawSymbol, type: string): Record<string, unknown> | undefined {
    return s.filters.find((f) => f.filterType === type)
  }

  /** A number a filter gives (Binance writes them as strings), or `dflt` when the filter leaves it out. */
  function filterNumber(f: RawFilter, key: string, dflt?: string): Dec {
    const v = f[key] ?? dflt
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new Error(`fake-binance: the ${f.filterType} filter has no ${key}`)
    }
    return new D(String(v))
  }

  function bal(asset: string): Balance {
    let b = balances.get(asset)
    if (!b) {
      b = {free: ZERO, locked: ZERO}
      balances.set(asset, b)
    }
    return b
  }

  // ---- matching engine ----

  function lockFor(side: 'BUY' | 'SELL', qty: Dec, price: Dec): Dec {
    if (side === 'SELL') return qty
    const notional = qty.mul(price)
    return notional.add(fee8(notional.mul(takerFee)))
  }

  function relock(o: Order): void {
    const b = bal(o.lockedAsset)
    b.locked = b.locked.sub(o.lockedAmount)
    b.free = b.free.add(o.lockedAmount)
    o.lockedAmount = ZERO
    if (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') {
      const amount = lockFor(o.side, o.origQty.sub(o.executedQty), o.price)
      b.free = b.free.sub(amount)
      b.locked = b.locked.add(amount)
      o.lockedAmount = amount
    }
  }

  /** Execute `qty` of `o` at `price`; balances move exactly, fee charged in the quote asset. */
  function execute(o: Order, qty: Dec, price: Dec, isMaker: boolean, now: number): void {
    if (qty.lte(0)) return
    const quoteQty = qty.mul(price)
    const commission = fee8(quoteQty.mul(takerFee))
    const base = bal(o.base)
    const quote = bal(o.quote)
    if (o.side === 'BUY') {
      quote.free = quote.free.sub(quoteQty).sub(commission)
      base.free = base.free.add(qty)
    } else {
      base.free = base.free.sub(qty)
      quote.free = quote.free.add(quoteQty).sub(commission)
    }
    o.executedQty = o.executedQty.add(qty)
    o.cumQuote = o.cumQuote.add(quoteQty)
    o.updateTime = now
    o.fills.push({
      tradeId: nextTradeId++,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset: o.quote,
      time: now,
      isMaker,
    })
    // the ticker is deliberately left alone: it only changes through the data files and setTicker()
  }

  /** Fill resting orders of `symbol` that the (new) book crosses, at their limit price. */
  function matchResting(symbol: string): void {
    const now = Date.now()
    for (const o of orders) {
      if (o.symbol !== symbol || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) continue
      const book = o.side === 'BUY' ? buyPrice(symbol) : sellPrice(symbol)
      if (!book) continue
      const crosses = o.side === 'BUY' ? o.price.gte(book) : o.price.lte(book)
      if (!crosses) continue
      // release the lock first so the fill is paid out of the released funds
      const b = bal(o.lockedAsset)
      b.locked = b.locked.sub(o.lockedAmount)
      b.free = b.free.add(o.lockedAmount)
      o.lockedAmount = ZERO
      execute(o, o.origQty.sub(o.executedQty), o.price, true, now)
      o.status = 'FILLED'
    }
  }

  // ---- request helpers ----

  function parseParams(rawQuery: string, rawBody: string): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of new URLSearchParams(rawBody)) out[k] = v
    for (const [k, v] of new URLSearchParams(rawQuery)) out[k] = v // query wins, as on Binance
    return out
  }

  function stripSignature(raw: string): string {
    if (raw === '') return raw
    return raw
      .split('&')
      .filter((part) => !part.startsWith('signature='))
      .join('&')
  }

  function authenticate(req: http.IncomingMessage, rawQuery: string, rawBody: string, p: Params): void {
    const key = req.headers['x-mbx-apikey']
    if (key === undefined || key === '') throw new BinanceError(401, -2014, 'API-key format invalid.')
    if (key !== apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
    if (p.timestamp === undefined || p.timestamp === '') throw mandatory('timestamp')
    if (!/^\d+$/.test(p.timestamp)) throw mandatory('timestamp')
    if (p.signature === undefined || p.signature === '') throw mandatory('signature')
    const payload = stripSignature(rawQuery) + stripSignature(rawBody)
    const expected = crypto.createHmac('sha256', secret).update(payload).digest('hex')
    const given = p.signature.toLowerCase()
    if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      throw new BinanceError(400, -1022, 'Signature for this request is not valid.')
    }
    const recvWindow = p.recvWindow === undefined ? 5000 : Number(p.recvWindow)
    if (!Number.isFinite(recvWindow) || recvWindow > 60000) {
      throw new BinanceError(400, -1131, 'recvWindow must be less than 60000')
    }
    const ts = Number(p.timestamp)
    const now = Date.now()
    if (ts > now + 1000)
      throw new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    if (now - ts > recvWindow)
      throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.')
  }

  function decimalParam(p: Params, name: string): Dec | undefined {
    const v = p[name]
    if (v === undefined || v === '') return undefined
    if (!NUMBER_RE.test(v)) {
      throw new BinanceError(
        400,
        -1100,
        `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
      )
    }
    return new D(v)
  }

  function intParam(p: Params, name: string): number | undefined {
    const v = p[name]
    if (v === undefined || v === '') return undefined
    if (!/^-?\d+$/.test(v))
      throw new BinanceError(
        400,
        -1100,
        `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`,
      )
    return Number(v)
  }

  function limitParam(p: Params, dflt: number, max: number): number {
    const l = intParam(p, 'limit')
    if (l === undefined) return dflt
    if (l <= 0)
      throw new BinanceError(
        400,
        -1100,
        `Illegal characters found in parameter 'limit'; legal range is '1-${String(max)}'.`,
      )
    return Math.min(l, max)
  }

  function symbolsParam(p: Params): string[] | undefined {
    if (p.symbols === undefined) return undefined
    let list: unknown
    try {
      list = JSON.parse(p.symbols)
    } catch {
      throw new BinanceError(
        400,
        -1100,
        'Illegal characters found in parameter \'symbols\'; legal range is \'^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$\'.',
      )
    }
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.")
    }
    return list as string[]
  }

  function randomClientId(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    const bytes = crypto.randomBytes(22)
    let s = ''
    for (const b of bytes) s += alphabet[b % alphabet.length]
    return s
  }

  // ---- order views (Binance shapes) ----

  function orderQueryView(o: Order): Record<string, unknown> {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: ZERO8,
      icebergQty: ZERO8,
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      selfTradePreventionMode: 'NONE',
    }
  }

  function newOrderView(o: Order, respType: string, fills: Fill[]): Record<string, unknown> {
    const ack: Record<string, unknown> = {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      transactTime: o.time,
    }
    if (respType === 'ACK') return ack
    const result: Record<string, unknown> = {
      ...ack,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      workingTime: o.time,
    }
    if (respType === 'FULL') {
      result.fills = fills.map((f) => ({
        price: fmt(f.price),
        qty: fmt(f.qty),
        commission: fmt(f.commission),
        commissionAsset: f.commissionAsset,
        tradeId: f.tradeId,
      }))
    }
    result.selfTradePreventionMode = 'NONE'
    return result
  }

  function tradeView(o: Order, f: Fill): Record<string, unknown> {
    return {
      symbol: o.symbol,
      id: f.tradeId,
      orderId: o.orderId,
      orderListId: -1,
      price: fmt(f.price),
      qty: fmt(f.qty),
      quoteQty: fmt(f.quoteQty),
      commission: fmt(f.commission),
      commissionAsset: f.commissionAsset,
      time: f.time,
      isBuyer: o.side === 'BUY',
      isMaker: f.isMaker,
      isBestMatch: true,
    }
  }

  function snapshot(o: Order): FakeOrder {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      time: o.time,
      updateTime: o.updateTime,
      fills: o.fills.map((f) => ({
        price: fmt(f.price),
        qty: fmt(f.qty),
        commission: fmt(f.commission),
        commissionAsset: f.commissionAsset,
        tradeId: f.tradeId,
        time: f.time,
        isMaker: f.isMaker,
      })),
    }
  }

  function findOrder(p: Params, s: RawSymbol, notFound: () => BinanceError): Order {
    const orderId = intParam(p, 'orderId')
    const origClientOrderId = p.origClientOrderId
    if (orderId === undefined && (origClientOrderId === undefined || origClientOrderId === '')) {
      throw new BinanceError(
        400,
        -1102,
        "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
      )
    }
    let found: Order | undefined
    if (orderId !== undefined) {
      found = orders.find((o) => o.orderId === orderId && o.symbol === s.symbol)
      if (
        found &&
        origClientOrderId !== undefined &&
        origClientOrderId !== '' &&
        found.clientOrderId !== origClientOrderId
      ) {
        found = undefined
      }
    } else {
      // the most recent order with that client id (ids are only unique among open orders)
      for (let i = orders.length - 1; i >= 0; i--) {
        const o = orders[i]
        if (o.symbol === s.symbol && o.clientOrderId === origClientOrderId) {
          found = o
          break
        }
      }
    }
    if (!found) throw notFound()
    return found
  }

  // ---- the order endpoint ----

  function placeOrder(p: Params, test: boolean): Reply {
    const s = symbolInfo(p.symbol)
    const side = p.side
    if (side === undefined || side === '') throw mandatory('side')
    if (side !== 'BUY' && side !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.')
    const type = p.type
    if (type === undefined || type === '') throw mandatory('type')
    const knownTypes = [
      'LIMIT',
      'MARKET',
      'STOP_LOSS',
      'STOP_LOSS_LIMIT',
      'TAKE_PROFIT',
      'TAKE_PROFIT_LIMIT',
      'LIMIT_MAKER',
    ]
    if (!knownTypes.includes(type)) throw new BinanceError(400, -1116, 'Invalid orderType.')
    if (!s.orderTypes.includes(type)) throw new BinanceError(400, -1014, 'Unsupported order combination.')
    if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') {
      throw new BinanceError(400, -1020, 'This operation is not supported.') // stop orders: not simulated
    }
    if (s.status !== 'TRADING') throw new BinanceError(400, -1013, 'Market is closed.')
    const respType = p.newOrderRespType ?? (type === 'LIMIT' || type === 'MARKET' ? 'FULL' : 'ACK')
    if (!['ACK', 'RESULT', 'FULL'].includes(respType)) {
      throw new BinanceError(
        400,
        -1100,
        "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'.",
      )
    }

    let quantity = decimalParam(p, 'quantity')
    const quoteOrderQty = decimalParam(p, 'quoteOrderQty')
    let price = decimalParam(p, 'price')
    let timeInForce = p.timeInForce
    if (type === 'LIMIT') {
      if (timeInForce === undefined || timeInForce === '') throw mandatory('timeInForce')
      if (!['GTC', 'IOC', 'FOK'].includes(timeInForce)) throw new BinanceError(400, -1115, 'Invalid timeInForce.')
      if (quantity === undefined) throw mandatory('quantity')
      if (price === undefined) throw mandatory('price')
    } else if (type === 'LIMIT_MAKER') {
      if (quantity === undefined) throw mandatory('quantity')
      if (price === undefined) throw mandatory('price')
      timeInForce = 'GTC'
    } else {
      if (quantity === undefined && quoteOrderQty === undefined) {
        throw new BinanceError(
          400,
          -1102,
          "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
        )
      }
      if (quantity !== undefined && quoteOrderQty !== undefined) {
        throw new BinanceError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.")
      }
      if (quoteOrderQty !== undefined && s.quoteOrderQtyMarketAllowed === false) {
        throw new BinanceError(400, -2010, 'Quote order qty market orders are not support for this symbol.')
      }
      timeInForce = 'GTC'
      price = undefined
    }
    if (quantity !== undefined && quantity.lte(0)) throw new BinanceError(400, -1013, 'Invalid quantity.')
    if (quoteOrderQty !== undefined && quoteOrderQty.lte(0)) throw new BinanceError(400, -1013, 'Invalid quantity.')
    if (price !== undefined && price.lte(0)) throw new BinanceError(400, -1013, 'Invalid price.')
    const basePrecision = s.baseAssetPrecision ?? 8
    const quotePrecision = s.quoteAssetPrecision ?? s.quotePrecision ?? 8
    if (quantity !== undefined && quantity.decimalPlaces() > basePrecision) {
      throw new BinanceError(400, -1111, 'Precision is over the maximum defined for this asset.')
    }
    if (
      (price !== undefined && price.decimalPlaces() > quotePrecision) ||
      (quoteOrderQty !== undefined && quoteOrderQty.decimalPlaces() > quotePrecision)
    ) {
      throw new BinanceError(400, -1111, 'Precision is over the maximum defined for this asset.')
    }

    const clientOrderId =
      p.newClientOrderId !== undefined && p.newClientOrderId !== '' ? p.newClientOrderId : randomClientId()
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientOrderId)) {
      throw new BinanceError(
        400,
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
      )
    }

    const isMarket = type === 'MARKET'
    // the price the order would execute at right now (taker), if the book is not empty
    const bookPrice = side === 'BUY' ? buyPrice(s.symbol) : sellPrice(s.symbol)
    // what the order is valued at: the book for a market order, else its limit price (asked for above)
    const refPrice = isMarket ? bookPrice : price
    if (refPrice === undefined) {
      if (isMarket) throw new BinanceError(400, -2010, 'Order book liquidity is less than symbol minimum quantity.')
      throw mandatory('price')
    }

    const lot = filter(s, 'LOT_SIZE')
    const lotStep = lot ? new D(String(lot.stepSize)) : ZERO
    const mlot = filter(s, 'MARKET_LOT_SIZE')
    const mlotStep = mlot ? new D(String(mlot.stepSize)) : ZERO
    if (isMarket && quoteOrderQty !== undefined) {
      // quantity is derived from the quote amount at the book price, truncated to the step
      const step = mlotStep.gt(0) ? mlotStep : lotStep
      quantity = floorStep(quoteOrderQty.div(refPrice), step)
      if (quantity.lte(0)) throw filterFailure(lot ? 'LOT_SIZE' : 'MARKET_LOT_SIZE')
    }
    if (quantity === undefined) throw mandatory('quantity') // every order type asked for it above
    const qty = quantity
    const notional = isMarket && quoteOrderQty !== undefined ? quoteOrderQty : qty.mul(refPrice)

    // filters, in the order the symbol lists them
    for (const f of s.filters) {
      switch (f.filterType) {
        case 'PRICE_FILTER': {
          if (isMarket) break // below, refPrice is the limit price
          const min = filterNumber(f, 'minPrice')
          const max = filterNumber(f, 'maxPrice')
          const tick = filterNumber(f, 'tickSize')
          if (min.gt(0) && refPrice.lt(min)) throw filterFailure('PRICE_FILTER')
          if (max.gt(0) && refPrice.gt(max)) throw filterFailure('PRICE_FILTER')
          if (tick.gt(0) && !refPrice.sub(min).mod(tick).isZero()) throw filterFailure('PRICE_FILTER')
          break
        }
        case 'LOT_SIZE':
        case 'MARKET_LOT_SIZE': {
          if (f.filterType === 'MARKET_LOT_SIZE' && !isMarket) break
          const min = filterNumber(f, 'minQty')
          const max = filterNumber(f, 'maxQty')
          const step = filterNumber(f, 'stepSize')
          if (qty.lt(min)) throw filterFailure(f.filterType)
          if (max.gt(0) && qty.gt(max)) throw filterFailure(f.filterType)
          if (step.gt(0) && !qty.sub(min).mod(step).isZero()) throw filterFailure(f.filterType)
          break
        }
        case 'NOTIONAL': {
          const min = filterNumber(f, 'minNotional')
          const max = filterNumber(f, 'maxNotional', '0')
          const applyMin = !isMarket || f.applyMinToMarket !== false
          const applyMax = !isMarket || f.applyMaxToMarket === true
          if (applyMin && notional.lt(min)) throw filterFailure('NOTIONAL')
          if (applyMax && max.gt(0) && notional.gt(max)) throw filterFailure('NOTIONAL')
          break
        }
        case 'MIN_NOTIONAL': {
          const min = filterNumber(f, 'minNotional')
          if ((!isMarket || f.applyToMarket !== false) && notional.lt(min)) throw filterFailure('MIN_NOTIONAL')
          break
        }
        case 'MAX_NUM_ORDERS': {
          const open = orders.filter(
            (o) => o.symbol === s.symbol && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
          ).length
          if (!isMarket && open >= Number(f.maxNumOrders)) throw filterFailure('MAX_NUM_ORDERS')
          break
        }
        default:
          break // PERCENT_PRICE_BY_SIDE, ICEBERG_PARTS, TRAILING_DELTA, ...: not simulated
      }
    }

    // the book price the order takes at once, when it crosses the book (a market order always does)
    const takeAt =
      bookPrice !== undefined && (isMarket || (side === 'BUY' ? refPrice.gte(bookPrice) : refPrice.lte(bookPrice)))
        ? bookPrice
        : undefined
    if (type === 'LIMIT_MAKER' && takeAt !== undefined)
      throw new BinanceError(400, -2010, 'Order would immediately match and take.')

    if (test) return json(200, {})

    if (
      orders.some((o) => o.clientOrderId === clientOrderId && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))
    ) {
      throw new BinanceError(400, -2010, 'Duplicate order sent.')
    }

    // balance check for the whole order (buys at the limit price, or the book price for market)
    const base = s.baseAsset
    const quote = s.quoteAsset
    if (side === 'BUY') {
      const need = lockFor('BUY', qty, refPrice)
      if (bal(quote).free.lt(need)) throw insufficient()
    } else if (bal(base).free.lt(qty)) {
      throw insufficient()
    }

    const now = Date.now()
    const o: Order = {
      symbol: s.symbol,
      base,
      quote,
      orderId: nextOrderId++,
      clientOrderId,
      side,
      type,
      timeInForce,
      price: price ?? ZERO,
      origQty: qty,
      origQuoteOrderQty: quoteOrderQty ?? ZERO,
      executedQty: ZERO,
      cumQuote: ZERO,
      status: 'NEW',
      time: now,
      updateTime: now,
      fills: [],
      lockedAsset: side === 'BUY' ? quote : base,
      lockedAmount: ZERO,
    }
    orders.push(o)

    if (takeAt !== undefined) {
      const fullFill = fillRatio.eq(1)
      let fillQty = fullFill ? qty : floorStep(qty.mul(fillRatio), lotStep)
      if (timeInForce === 'FOK' && !fillQty.eq(qty)) fillQty = ZERO
      execute(o, fillQty, takeAt, false, now)
    }
    const rest = o.origQty.sub(o.executedQty)
    if (rest.isZero()) o.status = 'FILLED'
    else if (isMarket || timeInForce === 'IOC' || timeInForce === 'FOK') o.status = 'EXPIRED'
    else o.status = o.executedQty.gt(0) ? 'PARTIALLY_FILLED' : 'NEW'
    relock(o)
    return json(200, newOrderView(o, respType, o.fills))
  }

  function cancelView(o: Order, cancelClientId: string, now: number): Record<string, unknown> {
    return {
      symbol: o.symbol,
      origClientOrderId: o.clientOrderId,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: cancelClientId,
      transactTime: now,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      selfTradePreventionMode: 'NONE',
    }
  }

  function cancel(o: Order, now: number): void {
    o.status = 'CANCELED'
    o.updateTime = now
    relock(o)
  }

  // ---- a history made outside tradedesk ----

  /** A listed symbol, named the unified way ('BTC/USDT') or Binance's ('BTCUSDT'). */
  function seedSymbol(name: string): RawSymbol {
    const md = data()
    const [base, quote] = name.split('/')
    const s = quote
      ? md.exchangeInfo.symbols.find((x) => x.baseAsset === base && x.quoteAsset === quote)
      : md.symbols.get(name)
    if (!s) throw new Error(`fake-binance: unknown symbol ${name}`)
    return s
  }

  function seedDecimal(what: string, v: string): Dec {
    if (!NUMBER_RE.test(v)) throw new Error(`fake-binance: seedTrades: bad ${what} ${v}`)
    return new D(v)
  }

  function seedTrades(seeds: SeedTrade[]): SeededTrade[] {
    const byTime = seeds.map((t, i) => ({t, i})).sort((a, b) => a.t.time - b.t.time || a.i - b.i)
    const out: SeededTrade[] = new Array<SeededTrade>(seeds.length)
    const grouped = new Map<string, Order>()
    for (const {t, i} of byTime) {
      if (!Number.isSafeInteger(t.time) || t.time <= 0)
        throw new Error(`fake-binance: seedTrades: bad time ${String(t.time)}`)
      const s = seedSymbol(t.symbol)
      const qty = seedDecimal('amount', t.amount)
      const price = seedDecimal('price', t.price)
      const commission = seedDecimal('fee', t.fee)
      const side = t.side === 'buy' ? 'BUY' : 'SELL'
      const type = t.type === 'limit' ? 'LIMIT' : 'MARKET'
      const key = t.orderId === undefined ? undefined : `${s.symbol}:${t.orderId}`
      let o = key === undefined ? undefined : grouped.get(key)
      if (o && (o.side !== side || o.type !== type))
        throw new Error(`fake-binance: seedTrades: order ${String(t.orderId)} mixes sides or types`)
      if (!o) {
        o = {
          symbol: s.symbol,
          base: s.baseAsset,
          quote: s.quoteAsset,
          orderId: nextOrderId++,
          clientOrderId: randomClientId(),
          side,
          type,
          timeInForce: 'GTC',
          price: type === 'LIMIT' ? price : ZERO,
          origQty: ZERO,
          origQuoteOrderQty: ZERO,
          executedQty: ZERO,
          cumQuote: ZERO,
          status: 'FILLED',
          time: t.time,
          updateTime: t.time,
          fills: [],
          lockedAsset: side === 'BUY' ? s.quoteAsset : s.baseAsset,
          lockedAmount: ZERO,
        }
        orders.push(o)
        if (key !== undefined) grouped.set(key, o)
      }
      const quoteQty = qty.mul(price)
      o.origQty = o.origQty.add(qty)
      o.executedQty = o.executedQty.add(qty)
      o.cumQuote = o.cumQuote.add(quoteQty)
      o.updateTime = t.time
      const tradeId = nextTradeId++
      o.fills.push({
        tradeId,
        price,
        qty,
        quoteQty,
        commission,
        commissionAsset: t.feeCurrency,
        time: t.time,
        isMaker: t.maker === true,
      })
      out[i] = {id: String(tradeId), orderId: String(o.orderId)}
    }
    return out
  }

  function seedCandles(symbol: string, list: SeedCandle[]): void {
    const s = seedSymbol(symbol)
    let byTime = candles.get(s.symbol)
    if (!byTime) {
      byTime = new Map()
      candles.set(s.symbol, byTime)
    }
    for (const c of list) {
      if (!Number.isSafeInteger(c.time) || c.time % 60_000 !== 0)
        throw new Error(`fake-binance: seedCandles: ${String(c.time)} is not the start of a minute`)
      for (const v of [c.open, c.high, c.low, c.close, c.volume ?? '0'])
        if (!NUMBER_RE.test(v)) throw new Error(`fake-binance: seedCandles: bad number ${v}`)
      byTime.set(c.time, {...c})
    }
  }

  // ---- routes ----

  type Handler = (p: Params) => Reply
  const publicRoutes: Partial<Record<string, Handler>> = {
    'GET /api/v3/ping': () => json(200, {}),
    'GET /api/v3/time': () => json(200, {serverTime: Date.now()}),
    'GET /api/v3/exchangeInfo': (p) => {
      const md = data()
      let wanted: string[] | undefined = symbolsParam(p)
      if (p.symbol !== undefined) wanted = [p.symbol]
      if (wanted === undefined) {
        return {status: 200, body: md.exchangeInfoRaw, contentType: 'application/json;charset=UTF-8'}
      }
      const symbols = wanted.map((w) => {
        const s = md.symbols.get(w)
        if (!s) throw invalidSymbol()
        return s
      })
      const {timezone, rateLimits, exchangeFilters} = md.exchangeInfo
      return json(200, {timezone, serverTime: Date.now(), rateLimits, exchangeFilters, symbols})
    },
    'GET /api/v3/ticker/24hr': (p) => tickerRoute(p, (t) => t),
    'GET /api/v3/ticker/price': (p) => tickerRoute(p, (t) => ({symbol: t.symbol, price: t.lastPrice})),
    'GET /api/v3/ticker/bookTicker': (p) =>
      tickerRoute(p, (t) => ({
        symbol: t.symbol,
        bidPrice: t.bidPrice,
        bidQty: t.bidQty,
        askPrice: t.askPrice,
        askQty: t.askQty,
      })),
    // rest-api.md, Kline/Candlestick data: interval required; startTime, endTime; limit default 500,
    // at most 1000; "If startTime and endTime are not sent, the most recent klines are returned."
    'GET /api/v3/klines': (p) => {
      const s = symbolInfo(p.symbol)
      if (p.interval === undefined || p.interval === '') throw mandatory('interval')
      if (!KLINE_INTERVALS.includes(p.interval)) throw new BinanceError(400, -1120, 'Invalid interval.')
      // only the seeded one-minute candles exist here
      if (p.interval !== '1m') throw new BinanceError(400, -1020, 'This operation is not supported.')
      const start = intParam(p, 'startTime')
      const end = intParam(p, 'endTime')
      const limit = limitParam(p, 500, 1000)
      const all = [...(candles.get(s.symbol)?.values() ?? [])]
        .filter((c) => (start === undefined || c.time >= start) && (end === undefined || c.time <= end))
        .sort((a, b) => a.time - b.time)
      const list = start === undefined ? all.slice(-limit) : all.slice(0, limit)
      return json(
        200,
        list.map((c) => {
          const volume = new D(c.volume ?? '0')
          const close = new D(c.close)
          return [
            c.time,
            fmt(new D(c.open)),
            fmt(new D(c.high)),
            fmt(new D(c.low)),
            fmt(close),
            fmt(volume),
            c.time + 59_999,
            fmt(volume.mul(close)),
            volume.isZero() ? 0 : 1,
            ZERO8,
            ZERO8,
            '0',
          ]
        }),
      )
    },
    'GET /api/v3/avgPrice': (p) => {
      const s = symbolInfo(p.symbol)
      const t = tickerOf(s.symbol)
      return json(200, {mins: 5, price: t.lastPrice, closeTime: Date.now()})
    },
    'GET /api/v3/depth': (p) => {
      const s = symbolInfo(p.symbol)
      const limit = limitParam(p, 100, 5000)
      const t = tickerOf(s.symbol)
      const set = books.get(s.symbol)
      if (set) {
        const side = (levels: [Dec, Dec][]) => levels.slice(0, limit).map(([price, qty]) => [fmt(price), fmt(qty)])
        const updateId = Number(t.lastId ?? 0) > 0 ? Number(t.lastId) : 1
        return json(200, {lastUpdateId: updateId, bids: side(set.bids), asks: side(set.asks)})
      }
      const pf = filter(s, 'PRICE_FILTER')
      const tick = pf && new D(String(pf.tickSize)).gt(0) ? new D(String(pf.tickSize)) : new D('0.00000001')
      const levels = Math.min(limit, 5)
      const bid = priceField(t, 'bidPrice')
      const ask = priceField(t, 'askPrice')
      const bidQty = priceField(t, 'bidQty').gt(0) ? priceField(t, 'bidQty') : new D(1)
      const askQty = priceField(t, 'askQty').gt(0) ? priceField(t, 'askQty') : new D(1)
      const bids: string[][] = []
      const asks: string[][] = []
      for (let i = 0; i < levels; i++) {
        const b = bid.sub(tick.mul(i))
        if (bid.gt(0) && b.gt(0)) bids.push([fmt(b), fmt(bidQty)])
        if (ask.gt(0)) asks.push([fmt(ask.add(tick.mul(i))), fmt(askQty)])
      }
      return json(200, {lastUpdateId: Number(t.lastId ?? 0) > 0 ? Number(t.lastId) : 1, bids, asks})
    },
  }

  function tickerRoute(p: Params, view: (t: Ticker) => unknown): Reply {
    const md = data()
    const list = symbolsParam(p)
    if (p.symbol !== undefined) {
      symbolInfo(p.symbol)
      return json(200, view(tickerOf(p.symbol)))
    }
    if (list !== undefined) {
      return json(
        200,
        list.map((sym) => {
          if (!md.symbols.has(sym)) throw invalidSymbol()
          return view(tickerOf(sym))
        }),
      )
    }
    return json(200, [...md.tickers.values()].map(view))
  }

  const signedRoutes: Partial<Record<string, Handler>> = {
    'GET /api/v3/account': (p) => {
      const omitZero = p.omitZeroBalances === 'true'
      const list = [...balances.entries()]
        .filter(([, b]) => !omitZero || !b.free.add(b.locked).isZero())
        .map(([asset, b]) => ({asset, free: fmt(b.free), locked: fmt(b.locked)}))
      const bps = takerFee.mul(10000).toNumber()
      return json(200, {
        makerCommission: bps,
        takerCommission: bps,
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: {maker: fmt(takerFee), taker: fmt(takerFee), buyer: ZERO8, seller: ZERO8},
        canTrade: true,
        canWithdraw: true,
        canDeposit: true,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: Date.now(),
        accountType: 'SPOT',
        balances: list,
        permissions: ['SPOT'],
        uid: 1,
      })
    },
    'POST /api/v3/order': (p) => placeOrder(p, false),
    'POST /api/v3/order/test': (p) => placeOrder(p, true),
    'GET /api/v3/order': (p) => {
      const s = symbolInfo(p.symbol)
      const o = findOrder(p, s, () => new BinanceError(400, -2013, 'Order does not exist.'))
      return json(200, orderQueryView(o))
    },
    'DELETE /api/v3/order': (p) => {
      const s = symbolInfo(p.symbol)
      const o = findOrder(p, s, () => new BinanceError(400, -2011, 'Unknown order sent.'))
      if (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')
        throw new BinanceError(400, -2011, 'Unknown order sent.')
      const now = Date.now()
      cancel(o, now)
      return json(200, cancelView(o, p.newClientOrderId || randomClientId(), now))
    },
    'DELETE /api/v3/openOrders': (p) => {
      const s = symbolInfo(p.symbol)
      const open = orders.filter(
        (o) => o.symbol === s.symbol && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
      )
      if (open.length === 0) throw new BinanceError(400, -2011, 'Unknown order sent.')
      const now = Date.now()
      return json(
        200,
        open.map((o) => {
          cancel(o, now)
          return cancelView(o, randomClientId(), now)
        }),
      )
    },
    'GET /api/v3/openOrders': (p) => {
      const sym = p.symbol !== undefined ? symbolInfo(p.symbol).symbol : undefined
      const open = orders.filter(
        (o) => (sym === undefined || o.symbol === sym) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
      )
      return json(200, open.map(orderQueryView))
    },
    'GET /api/v3/allOrders': (p) => {
      const s = symbolInfo(p.symbol)
      const orderId = intParam(p, 'orderId')
      const start = intParam(p, 'startTime')
      const end = intParam(p, 'endTime')
      const limit = limitParam(p, 500, 1000)
      let list = orders.filter(
        (o) =>
          o.symbol === s.symbol &&
          (orderId === undefined || o.orderId >= orderId) &&
          (start === undefined || o.time >= start) &&
          (end === undefined || o.time <= end),
      )
      list = orderId !== undefined || start !== undefined ? list.slice(0, limit) : list.slice(-limit)
      return json(200, list.map(orderQueryView))
    },
    'GET /api/v3/myTrades': (p) => {
      const s = symbolInfo(p.symbol)
      const orderId = intParam(p, 'orderId')
      const fromId = intParam(p, 'fromId')
      const start = intParam(p, 'startTime')
      const end = intParam(p, 'endTime')
      const limit = limitParam(p, 500, 1000)
      // rest-api.md, Account trade list: "These are the supported combinations of all parameters:
      // symbol; symbol + orderId; symbol + startTime; symbol + endTime; symbol + fromId;
      // symbol + startTime + endTime; symbol + orderId + fromId" (others: -1128 since 2022-12-05)
      const combination = [orderId, start, end, fromId].map((v) => (v === undefined ? '-' : 'x')).join('')
      if (!['----', 'x---', '-x--', '--x-', '---x', '-xx-', 'x--x'].includes(combination))
        throw new BinanceError(400, -1128, 'Combination of optional parameters invalid.')
      // "The time between startTime and endTime can't be longer than 24 hours." (errors.md -1127)
      if (start !== undefined && end !== undefined && end - start > 24 * 60 * 60 * 1000)
        throw new BinanceError(400, -1127, 'More than 24 hours between startTime and endTime.')
      let trades: {o: Order; f: Fill}[] = []
      for (const o of orders) {
        if (o.symbol !== s.symbol || (orderId !== undefined && o.orderId !== orderId)) continue
        for (const f of o.fills) trades.push({o, f})
      }
      trades.sort((a, b) => a.f.tradeId - b.f.tradeId)
      trades = trades.filter(
        ({f}) =>
          (fromId === undefined || f.tradeId >= fromId) &&
          (start === undefined || f.time >= start) &&
          (end === undefined || f.time <= end),
      )
      trades = fromId !== undefined || start !== undefined ? trades.slice(0, limit) : trades.slice(-limit)
      return json(
        200,
        trades.map(({o, f}) => tradeView(o, f)),
      )
    },
  }

  function route(req: http.IncomingMessage, pathname: string, rawQuery: string, rawBody: string, p: Params): Reply {
    const key = `${req.method ?? 'GET'} ${pathname}`
    try {
      const pub = publicRoutes[key]
      if (pub) return pub(p)
      const signed = signedRoutes[key]
      if (signed) {
        authenticate(req, rawQuery, rawBody, p)
        return signed(p)
      }
      return json(404, {code: -1020, msg: `This operation is not supported. (fake-binance has no route for ${key})`})
    } catch (e) {
      if (e instanceof BinanceError) return json(e.status, {code: e.code, msg: e.message})
      return json(500, {code: -1000, msg: 'An unknown error occurred while processing the request. ' + String(e)})
    }
  }

  function takeFault(method: string, pathname: string): FakeFault | undefined {
    const i = faults.findIndex(
      ({fault: f}) => f.path === pathname && (f.method === undefined || f.method.toUpperCase() === method),
    )
    if (i < 0) return undefined
    const entry = faults[i]
    entry.left -= 1
    if (entry.left <= 0) faults.splice(i, 1)
    return entry.fault
  }

  /** Counts a request's weight in the current window: false when it goes over the limit. */
  function spendWeight(res: http.ServerResponse, method: string, pathname: string, p: Params): boolean {
    if (!weightLimit) return true
    const windowMs = windowOf()
    const header = weightHeader()
    const window = Math.floor(Date.now() / windowMs)
    if (window !== weights.window) Object.assign(weights, {window, used: 0})
    weights.used += requestWeight(method, pathname, p)
    res.setHeader(header, String(weights.used))
    if (weights.used <= weightLimit.limit) return true
    weights.throttled++
    res.setHeader('Retry-After', String(Math.ceil(((window + 1) * windowMs - Date.now()) / 1000)))
    send(
      res,
      json(429, {
        code: -1003,
        msg: `Too much request weight used; current limit is ${String(weightLimit.limit)} request weight per ${header.slice(18)}. Please use WebSocket Streams for live updates to avoid polling the API.`,
      }),
    )
    return false
  }

  function send(res: http.ServerResponse, r: Reply): void {
    res.writeHead(r.status, {'Content-Type': r.contentType, 'Content-Length': Buffer.byteLength(r.body)})
    res.end(r.body)
  }

  function hang(res: http.ServerResponse): void {
    hanging.add(res)
    res.on('close', () => hanging.delete(res))
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase()
      const rawUrl = req.url ?? '/'
      const q = rawUrl.indexOf('?')
      const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q)
      const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1)
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const p = parseParams(rawQuery, rawBody)
      const recorded: RecordedRequest = {method, path: pathname, query: {...p}}
      requests.push(recorded)
      for (const hook of [...hooks]) hook({...recorded, query: {...recorded.query}})
      if (!spendWeight(res, method, pathname, p)) return

      const fault = takeFault(method, pathname)
      switch (fault?.kind) {
        case 'hang':
          hang(res)
          return
        case 'html-503':
          send(res, {
            status: 503,
            contentType: 'text/html',
            body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>',
          })
          return
        case 'rate-limit-429':
          res.setHeader('Retry-After', '1')
          send(
            res,
            json(429, {
              code: -1003,
              msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.',
            }),
          )
          return
        case 'server-error-500':
          send(res, json(500, {code: -1000, msg: 'An unknown error occurred while processing the request.'}))
          return
        case 'redirect-302':
          // to the very same URL: a client that follows redirects gets the real answer the second time
          res.setHeader('Location', rawUrl)
          send(res, {status: 302, contentType: 'text/plain', body: 'Found'})
          return
        case 'accept-then-hang':
          route(req, pathname, rawQuery, rawBody, p) // processed: the order exists, balances moved
          hang(res)
          return
        case 'malformed-json': {
          const r = route(req, pathname, rawQuery, rawBody, p) // processed, but the answer is cut short
          const text = r.body.toString()
          send(res, {
            status: 200,
            contentType: 'application/json;charset=UTF-8',
            body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          })
          return
        }
        default:
          send(res, route(req, pathname, rawQuery, rawBody, p))
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('fake-binance: unexpected server address')
  let closed: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${String(addr.port)}`,
    requests,
    countRequests: (method, p) => requests.filter((r) => r.method === method.toUpperCase() && r.path === p).length,
    injectFault: (fault) => {
      const times = fault.times ?? 1
      if (times !== 'always' && !(Number.isInteger(times) && times > 0)) {
        throw new Error(
          `fake-binance: injectFault: times must be a positive integer or 'always' (got ${String(times)})`,
        )
      }
      faults.push({fault: {...fault}, left: times === 'always' ? Infinity : times})
    },
    clearFaults: (filter = {}) => {
      for (let i = faults.length - 1; i >= 0; i--) {
        const f = faults[i].fault
        const samePath = filter.path === undefined || f.path === filter.path
        const sameMethod = filter.method === undefined || (f.method ?? '').toUpperCase() === filter.method.toUpperCase()
        if (samePath && sameMethod) faults.splice(i, 1)
      }
    },
    throttled: () => weights.throttled,
    setWeightLimit: (limit) => {
      weightLimit = limit ?? undefined
      Object.assign(weights, {window: -1, used: 0})
    },
    onRequest: (hook) => {
      hooks.add(hook)
      return () => {
        hooks.delete(hook)
      }
    },
    orders: () => orders.map(snapshot),
    balance: (asset) => {
      const b = balances.get(asset)
      return {free: fmt(b ? b.free : ZERO), locked: fmt(b ? b.locked : ZERO)}
    },
    setTicker: (symbol, fields) => {
      const md = data()
      if (!md.symbols.has(symbol)) throw new Error(`fake-binance: setTicker: unknown symbol ${symbol}`)
      let t = md.tickers.get(symbol)
      if (!t) {
        t = zeroTicker(symbol)
        md.tickers.set(symbol, t)
      }
      for (const [k, v] of Object.entries<string | undefined>(fields)) {
        if (v === undefined) continue
        if (!NUMBER_RE.test(v)) throw new Error(`fake-binance: setTicker: bad ${k} ${v}`)
        t[k] = fmt(new D(v))
      }
      matchResting(symbol)
    },
    setBook: (symbol, book) => {
      const md = data()
      if (!md.symbols.has(symbol)) throw new Error(`fake-binance: setBook: unknown symbol ${symbol}`)
      if (book === null) {
        books.delete(symbol)
        return
      }
      const side = (name: string, levels: [string, string][], better: (a: Dec, b: Dec) => boolean) => {
        const parsed = levels.map(([price, qty]): [Dec, Dec] => {
          if (!NUMBER_RE.test(price) || !NUMBER_RE.test(qty) || new D(price).lte(0) || new D(qty).lte(0))
            throw new Error(`fake-binance: setBook: bad ${name} level ${price} x ${qty}`)
          return [new D(price), new D(qty)]
        })
        for (let i = 1; i < parsed.length; i++) {
          if (!better(parsed[i - 1][0], parsed[i][0]))
            throw new Error(`fake-binance: setBook: ${name} must be best first, each price once`)
        }
        return parsed
      }
      const bids = side('bids', book.bids, (a, b) => a.gt(b))
      const asks = side('asks', book.asks, (a, b) => a.lt(b))
      if (bids.length > 0 && asks.length > 0 && bids[0][0].gte(asks[0][0]))
        throw new Error('fake-binance: setBook: the best bid must be below the best ask')
      books.set(symbol, {bids, asks})
      let t = md.tickers.get(symbol)
      if (!t) {
        t = zeroTicker(symbol)
        md.tickers.set(symbol, t)
      }
      t.bidPrice = fmt(bids.at(0)?.[0] ?? ZERO)
      t.bidQty = fmt(bids.at(0)?.[1] ?? ZERO)
      t.askPrice = fmt(asks.at(0)?.[0] ?? ZERO)
      t.askQty = fmt(asks.at(0)?.[1] ?? ZERO)
      matchResting(symbol)
    },
    seedTrades,
    seedCandles,
    close: () => {
      if (!closed) {
        closed = new Promise<void>((resolve) => {
          for (const res of hanging) res.socket?.destroy()
          hanging.clear()
          server.close(() => {
            resolve()
          })
          server.closeAllConnections()
        })
      }
      return closed
    },
  }
}

/**
 * A request's weight, from Binance's spot API documentation (the REST endpoints this fake serves);
 * 1 for anything else.
 */
function requestWeight(method: string, pathname: string, p: Params): number {
  const symbols = (): number => {
    try {
      return (JSON.parse(p.symbols ?? '[]') as unknown[]).length
    } catch {
      return 0
    }
  }
  switch (`${method} ${pathname}`) {
    case 'GET /api/v3/exchangeInfo':
      return 20
    case 'GET /api/v3/ticker/24hr': {
      if (p.symbol) return 2
      const n = symbols()
      return n === 0 ? 80 : n <= 20 ? 2 : n <= 100 ? 40 : 80
    }
    case 'GET /api/v3/ticker/price':
    case 'GET /api/v3/ticker/bookTicker':
      return p.symbol || p.symbols ? 2 : 4
    case 'GET /api/v3/klines':
    case 'GET /api/v3/avgPrice':
      return 2
    case 'GET /api/v3/depth':
      return 5
    case 'GET /api/v3/account':
    case 'GET /api/v3/allOrders':
    case 'GET /api/v3/myTrades':
      return 20
    case 'GET /api/v3/order':
      return 4
    case 'GET /api/v3/openOrders':
      return p.symbol ? 6 : 80
    default:
      return 1
  }
}

// ---------------------------------------------------------------------------------------------
// Standalone: node --import tsx test/support/fake-binance.ts --port 0 [--api-key K] [--secret S]
//             [--balance ASSET=AMOUNT ...] [--fill-ratio R] [--taker-fee F]
// ---------------------------------------------------------------------------------------------

function isMain(): boolean {
  if (!process.argv[1]) return false
  try {
    return fs.realpathSync(fileURLToPath(import.meta.url)) === fs.realpathSync(path.resolve(process.argv[1]))
  } catch {
    return false
  }
}

if (isMain()) {
  const args = process.argv.slice(2)
  const opts: FakeBinanceOptions = {}
  let port = 0
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const v = args.at(i + 1)
    if (a === '--port') port = Number(args[++i])
    else if (a === '--api-key') opts.apiKey = args[++i]
    else if (a === '--secret') opts.secret = args[++i]
    else if (a === '--fill-ratio') opts.fillRatio = args[++i]
    else if (a === '--taker-fee') opts.takerFee = args[++i]
    else if (a === '--exchange-info') opts.exchangeInfoPath = args[++i]
    else if (a === '--ticker') opts.tickerPath = args[++i]
    else if (a === '--balance' && v !== undefined) {
      const [asset, amount] = v.split('=')
      opts.balances = {...(opts.balances ?? {}), [asset]: amount}
      i++
    } else {
      process.stderr.write(`fake-binance: unknown argument ${a}\n`)
      process.exit(2)
    }
  }
  const fake = await startOnPort(opts, port)
  process.stdout.write(fake.url + '\n')
  const stop = () => {
    void fake.close().then(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
