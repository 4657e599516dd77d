/**
 * A loopback fake of the Coinbase Advanced Trade REST API (v3 brokerage, spot only), for tests.
 *
 * Written from Coinbase's public documentation (docs.cdp.coinbase.com, Advanced Trade API reference and the CDP JWT
 * authentication guide), Coinbase's official SDKs (coinbase/coinbase-advanced-py, coinbase-samples/advanced-sdk-ts),
 * and real answers recorded in ccxt's repository (ts/src/test/static/*). It is an independent emulator: it follows
 * Coinbase's documented rules, not whatever makes one client happy. Where Coinbase documents nothing, the choice
 * made here is marked INFERRED in a comment.
 *
 * What it does:
 * - CDP API key authentication: every private request must carry `Authorization: Bearer <JWT>` signed ES256 by the
 *   configured EC P-256 key, header kid = key name, claims sub = key name, iss, nbf/exp (at most 2 minutes) and
 *   uri = "METHOD host/path". Anything else is HTTP 401 "Unauthorized".
 * - Markets: ~20 SPOT products (test/support/data/coinbase/products.json) priced from the Binance snapshot
 *   data/binance-spot/ticker-24hr.json; X-USDC products share the X-USD book (Coinbase's USD/USDC unification).
 * - Accounts with available/hold per currency and cursor paging; orders (market by quote_size or base_size, limit
 *   GTC with post_only, SOR limit IOC, limit FOK), batch cancel, order history with filters and paging, fills.
 * - Idempotent client_order_id: a reused id creates nothing and answers with the order that already has it.
 * - A trade history made outside tradedesk: seedTrades() adds filled orders and their fills at past times, served by
 *   List Fills (limit "Defaults to 100", cursor paging, start at or after, end before) and the order endpoints.
 * - Exact decimal arithmetic (decimal.js); fees in the quote currency at the taker or maker rate of one fee tier.
 *
 * The HTTP side (recording, fault injection, hanging answers) is the shared skeleton in fake-exchange.ts.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'

import {Decimal} from 'decimal.js'

import {
  type Dialect,
  type FakeExchange,
  type FakeExchangeOptions,
  type FakeOrderView,
  type RecordedRequest,
  type Reply,
  jsonReply,
  rawUrl,
  startFakeServer,
} from './fake-exchange.js'
import type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

// ---------------------------------------------------------------------------------------------
// Public interface
// ---------------------------------------------------------------------------------------------

export const ORDER_ROUTE = {method: 'POST', path: '/api/v3/brokerage/orders'}
/** what ccxt's fetchBalance calls with CCXT_COINBASE_CONFIG (ccxt's own default is the v2 /v2/accounts) */
export const BALANCE_ROUTE = {method: 'GET', path: '/api/v3/brokerage/accounts'}
export const CANCEL_ROUTE = {method: 'POST', path: '/api/v3/brokerage/orders/batch_cancel'}
export const LIST_ORDERS_ROUTE = {method: 'GET', path: '/api/v3/brokerage/orders/historical/batch'}
export const FILLS_ROUTE = {method: 'GET', path: '/api/v3/brokerage/orders/historical/fills'}
export const PRODUCTS_ROUTE = {method: 'GET', path: '/api/v3/brokerage/market/products'}

/**
 * The ccxt.coinbase settings that keep ccxt 4.5.84 on Advanced Trade v3 with the fewest requests: without
 * `has.fetchCurrencies: false` loadMarkets first calls three v2 endpoints (currencies, currencies/crypto,
 * exchange-rates); without `options.fetchBalance` fetchBalance calls v2 GET /v2/accounts; fetchTime defaults to v2.
 * Spread it into the constructor config (ccxt deep-merges `has` and `options`).
 */
export const CCXT_COINBASE_CONFIG = {
  has: {fetchCurrencies: false},
  options: {fetchBalance: 'v3PrivateGetBrokerageAccounts', fetchTime: 'v3PublicGetBrokerageTime'},
} as const

export interface FakeCoinbaseOptions extends FakeExchangeOptions {
  /** "organizations/{org_id}/apiKeys/{key_id}"; a fixed test name by default */
  apiKey?: string
  /** the EC P-256 private key as PEM (SEC1 "EC PRIVATE KEY" or PKCS#8); a fresh key by default */
  secret?: string
  /** taker fee rate of the account's fee tier (default '0.012': Coinbase's entry tier, see TIER) */
  takerFee?: string
  /** maker fee rate (default '0.006') */
  makerFee?: string
}

/** A history made on the website (seedTrades: symbol unified or a product id, 'BTC-USD'; the fee must be in the quote, as Coinbase charges it) and one-minute candles. */
export type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

export interface FakeCoinbase extends FakeExchange {
  readonly exchange: 'coinbase'
  /** the key name the fake accepts */
  readonly apiKey: string
  /** the private key (PEM) whose public half verifies the JWTs */
  readonly secret: string
  readonly fees: {taker: string; maker: string}
  /** an order exactly as GET /orders/historical/{order_id} shows it (the `order` object), or undefined */
  rawOrder(orderId: string): Record<string, unknown> | undefined
  /**
   * Adds a past trade history, as if made on the website: filled base-sized orders with their fills at the given
   * times, served by List Fills and the order endpoints. Balances are not moved (set them with `balances`).
   * Returns each trade's ids, in the order given.
   */
  seedTrades(trades: SeedTrade[]): SeededTrade[]
  /** Adds one-minute candles of a product (unified or product id), served by Get (Public) Product Candles. */
  seedCandles(symbol: string, candles: SeedCandle[]): void
}

export async function startFakeCoinbase(opts: FakeCoinbaseOptions = {}): Promise<FakeCoinbase> {
  const state = new CoinbaseState(opts)
  const server = await startFakeServer('fake-coinbase', state.dialect(), opts.port ?? 0)
  return {
    ...server,
    exchange: 'coinbase',
    apiKey: state.apiKey,
    secret: state.secret,
    fees: {taker: state.taker.toFixed(), maker: state.maker.toFixed()},
    orders: () => state.orderViews(),
    balance: (asset) => state.balanceView(asset),
    setPrice: (symbol, price) => {
      state.setPrice(symbol, price)
    },
    rawOrder: (orderId) => {
      const o = state.orderById.get(orderId)
      return o && state.orderJson(o)
    },
    seedTrades: (trades) => state.seedTrades(trades),
    seedCandles: (symbol, candles) => {
      state.seedCandles(symbol, candles)
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Constants and decimal helpers (never floats for money)
// ---------------------------------------------------------------------------------------------

const D = Decimal.clone({precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60})
type Dec = Decimal
const ZERO = new D(0)

/** Coinbase states derived amounts (fees, quote-sized fills, averages) with up to 16 decimals, as in its real answers */
const DP = 16
const floor16 = (d: Dec) => d.toDecimalPlaces(DP, Decimal.ROUND_DOWN)
const round16 = (d: Dec) => d.toDecimalPlaces(DP, Decimal.ROUND_HALF_UP)
/** plain decimal notation, no exponent, no trailing zeros ("0.03136", "100") as Coinbase writes order amounts */
const fmt = (d: Dec) => d.toFixed()
const DECIMAL_RE = /^(?:0|[1-9]\d{0,19})(?:\.\d{1,24})?$/

/** the entry fee tier as a real GET /transaction_summary answered it (recorded in ccxt 4.5.84 coinbase.js) */
const TIER = {
  pricing_tier: 'Advanced 1',
  usd_from: '0',
  usd_to: '1000',
  taker_fee_rate: '0.012',
  maker_fee_rate: '0.006',
}
const FIAT = new Set(['USD', 'EUR', 'GBP'])
const ISSUERS = new Set(['cdp', 'coinbase-cloud'])
const JWT_MAX_LIFETIME_S = 120
const DEFAULT_KEY_NAME =
  'organizations/11111111-2222-4333-8444-555555555555/apiKeys/66666666-7777-4888-8999-000000000000'
const USER_ID = '3f2a8c1e-5b7d-5e9f-a1c3-d5e7f9a1b3c5'
const PORTFOLIO_ID = '7b1e4c2a-9d3f-4a6b-8c5d-1e2f3a4b5c6d'
const ACCOUNTS_DEFAULT_LIMIT = 49
const ACCOUNTS_MAX_LIMIT = 250

// ---------------------------------------------------------------------------------------------
// Fixture data
// ---------------------------------------------------------------------------------------------

interface ProductRecord {
  product_id: string
  base_increment: string
  quote_increment: string
  price_increment: string
  base_min_size: string
  base_max_size: string
  quote_min_size: string
  quote_max_size: string
  base_currency_id: string
  quote_currency_id: string
  alias: string
  alias_to: string[]
  status: string
  is_disabled: boolean
  trading_disabled: boolean
  cancel_only: boolean
  limit_only: boolean
  post_only: boolean
  [k: string]: unknown
}

interface Fixture {
  priceSources: Partial<Record<string, string>>
  products: ProductRecord[]
}

interface BinanceTicker {
  symbol: string
  lastPrice: string
  bidPrice: string
  askPrice: string
  bidQty: string
  askQty: string
  lastQty: string
  volume: string
  quoteVolume: string
  priceChangePercent: string
}

let fixture: Fixture | undefined
let binance: Map<string, BinanceTicker> | undefined

function loadFixture(): Fixture {
  fixture ??= JSON.parse(fs.readFileSync(new URL('./data/coinbase/products.json', import.meta.url), 'utf8')) as Fixture
  return fixture
}

function loadBinance(): Map<string, BinanceTicker> {
  binance ??= new Map(
    (
      JSON.parse(
        fs.readFileSync(new URL('../../data/binance-spot/ticker-24hr.json', import.meta.url), 'utf8'),
      ) as BinanceTicker[]
    ).map((t) => [t.symbol, t]),
  )
  return binance
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

interface Product {
  record: ProductRecord
  id: string
  base: string
  quote: string
  /** the order book it trades on: its alias (BTC-USDC trades on the BTC-USD book) or itself */
  bookId: string
  baseIncrement: Dec
  quoteIncrement: Dec
  priceIncrement: Dec
  baseMin: Dec
  baseMax: Dec
  quoteMin: Dec
  quoteMax: Dec
}

interface Book {
  last: Dec
  bid: Dec
  ask: Dec
  bidSize: Dec
  askSize: Dec
  lastSize: Dec
  changePercent: string
  volume: Dec
  quoteVolume: Dec
  time: string
  tradeId: number
}

interface Account {
  uuid: string
  currency: string
  available: Dec
  hold: Dec
  created: string
}

type Side = 'BUY' | 'SELL'
type ConfigKey = 'market_market_ioc' | 'limit_limit_gtc' | 'sor_limit_ioc' | 'limit_limit_fok'

interface Fill {
  tradeId: string
  entryId: string
  seq: number
  price: Dec
  /** base quantity */
  base: Dec
  /** quote value exchanged (for a quote-sized order this is what Coinbase reports as the fill size) */
  quote: Dec
  commission: Dec
  liquidity: 'MAKER' | 'TAKER'
  time: string
}

interface Order {
  id: string
  clientOrderId: string
  product: Product
  side: Side
  configKey: ConfigKey
  /** order_configuration as Coinbase echoes it back */
  config: Record<string, Record<string, unknown>>
  baseSize?: Dec
  quoteSize?: Dec
  limitPrice?: Dec
  postOnly: boolean
  status: 'OPEN' | 'FILLED' | 'CANCELLED'
  created: string
  createdMs: number
  fills: Fill[]
  holdCurrency: string
  hold: Dec
  cancelMessage: string
}

interface Rejection {
  /** NewOrderFailureReason (the deprecated `error` field and `new_order_failure_reason`) */
  error: string
  /** PreviewFailureReason (the deprecated `preview_failure_reason` field) */
  preview: string
  message: string
  details: string
}

class ApiError extends Error {
  constructor(readonly reply: Reply) {
    super(reply.body)
  }
}

/** Coinbase's gRPC-gateway error body: {"error": CODE, "error_details": ..., "message": ...} */
function grpcError(status: number, error: string, message: string, details = message): ApiError {
  return new ApiError(jsonReply(status, {error, error_details: details, message}))
}

/** A value the fake's own bookkeeping guarantees (e.g. a limit order's price); a loud error, a bug in the fake, if not. */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fake-coinbase: ${what} is missing`)
  return value
}

const badRequest = (details: string) => grpcError(400, 'INVALID_ARGUMENT', details)

/** Coinbase answers a request it cannot authenticate with a bare 401 whose body is the text "Unauthorized" */
const UNAUTHORIZED: Reply = {status: 401, body: 'Unauthorized\n', contentType: 'text/plain; charset=utf-8'}

const iso = (ms = Date.now()) => new Date(ms).toISOString()

function reject(error: string, preview: string, message: string, details = ''): Rejection {
  return {error, preview, message, details}
}

function parseDecimal(field: string, value: unknown): Dec {
  if (typeof value !== 'string' || !DECIMAL_RE.test(value)) {
    throw badRequest(`${field} must be a decimal string, got ${JSON.stringify(value)}`)
  }
  return new D(value)
}

function isMultiple(value: Dec, step: Dec): boolean {
  return step.isZero() || value.mod(step).isZero()
}

function roundTo(value: Dec, step: Dec, mode: Decimal.Rounding): Dec {
  return value.div(step).toDecimalPlaces(0, mode).mul(step)
}

// ---------------------------------------------------------------------------------------------
// The exchange
// ---------------------------------------------------------------------------------------------

class CoinbaseState {
  readonly apiKey: string
  readonly secret: string
  readonly taker: Dec
  readonly maker: Dec
  private readonly publicKey: crypto.KeyObject
  readonly products = new Map<string, Product>()
  private readonly bySymbol = new Map<string, Product>()
  private readonly books = new Map<string, Book>()
  private readonly accounts = new Map<string, Account>()
  readonly orders: Order[] = []
  readonly orderById = new Map<string, Order>()
  private readonly orderByClientId = new Map<string, Order>()
  private readonly fills: {order: Order; fill: Fill}[] = []
  /** seeded one-minute candles: product id -> open time -> candle */
  private readonly candles = new Map<string, Map<number, SeedCandle>>()
  private seq = 0

  constructor(opts: FakeCoinbaseOptions) {
    this.apiKey = opts.apiKey ?? DEFAULT_KEY_NAME
    if (opts.secret !== undefined) {
      this.secret = opts.secret
    } else {
      const {privateKey} = crypto.generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
      this.secret = privateKey.export({type: 'sec1', format: 'pem'}).toString()
    }
    this.publicKey = crypto.createPublicKey(crypto.createPrivateKey(this.secret))
    if (this.publicKey.asymmetricKeyType !== 'ec' || this.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('fake-coinbase: the secret must be an EC P-256 (prime256v1) private key')
    }
    this.taker = new D(opts.takerFee ?? TIER.taker_fee_rate)
    this.maker = new D(opts.makerFee ?? TIER.maker_fee_rate)
    if (this.taker.lt(0) || this.maker.lt(0)) throw new Error('fake-coinbase: fee rates must be >= 0')
    this.loadMarkets()
    for (const [asset, amount] of Object.entries(opts.balances ?? {USD: '10000'})) {
      if (!DECIMAL_RE.test(amount)) throw new Error(`fake-coinbase: bad balance ${asset}=${amount}`)
      this.account(asset).available = new D(amount)
    }
    // Coinbase lists a wallet for every currency it supports, funded or not
    for (const p of this.products.values()) {
      this.account(p.base)
      this.account(p.quote)
    }
  }

  private loadMarkets(): void {
    const {products, priceSources} = loadFixture()
    const tickers = loadBinance()
    const now = iso()
    for (const record of products) {
      const p: Product = {
        record,
        id: record.product_id,
        base: record.base_currency_id,
        quote: record.quote_currency_id,
        bookId: record.alias || record.product_id,
        baseIncrement: new D(record.base_increment),
        quoteIncrement: new D(record.quote_increment),
        priceIncrement: new D(record.price_increment || record.quote_increment),
        baseMin: new D(record.base_min_size),
        baseMax: new D(record.base_max_size),
        quoteMin: new D(record.quote_min_size),
        quoteMax: new D(record.quote_max_size),
      }
      this.products.set(p.id, p)
      this.bySymbol.set(`${p.base}/${p.quote}`, p)
    }
    for (const p of this.products.values()) {
      if (p.bookId !== p.id) continue
      const source = priceSources[p.id]
      if (source === undefined) throw new Error(`fake-coinbase: no price source for ${p.id}`)
      this.books.set(p.id, bookFrom(p, source, tickers, now))
    }
    for (const p of this.products.values()) {
      if (!this.books.has(p.bookId)) throw new Error(`fake-coinbase: ${p.id} aliases unknown book ${p.bookId}`)
    }
  }

  account(currency: string): Account {
    let a = this.accounts.get(currency)
    if (!a) {
      a = {uuid: crypto.randomUUID(), currency, available: ZERO, hold: ZERO, created: iso()}
      this.accounts.set(currency, a)
    }
    return a
  }

  book(p: Product): Book {
    return present(this.books.get(p.bookId), `the book ${p.bookId} of ${p.id}`)
  }

  // ---- FakeExchange view ----

  orderViews(): FakeOrderView[] {
    return this.orders.map((o) => {
      const t = totals(o)
      return {
        id: o.id,
        clientOrderId: o.clientOrderId,
        symbol: `${o.product.base}/${o.product.quote}`,
        side: o.side === 'BUY' ? 'buy' : 'sell',
        type: o.configKey === 'market_market_ioc' ? 'market' : 'limit',
        status: o.status === 'OPEN' ? 'open' : o.status === 'FILLED' ? 'filled' : 'cancelled',
        amount: o.baseSize ? fmt(o.baseSize) : null,
        quoteAmount: o.quoteSize ? fmt(o.quoteSize) : null,
        price: o.limitPrice ? fmt(o.limitPrice) : null,
        filled: fmt(t.base),
        // the quote the fills exchanged (filled_value); for a quote-sized buy that is quote_size minus the fee
        cost: fmt(t.quote),
        fee: fmt(t.fees),
        feeCurrency: o.product.quote,
      }
    })
  }

  balanceView(asset: string): {free: string; locked: string} {
    const a = this.accounts.get(asset)
    return {free: fmt(a?.available ?? ZERO), locked: fmt(a?.hold ?? ZERO)}
  }

  setPrice(symbol: string, price: {last?: string; bid?: string; ask?: string}): void {
    const p = this.bySymbol.get(symbol)
    if (!p) throw new Error(`fake-coinbase: setPrice: unknown symbol ${symbol}`)
    const b = this.book(p)
    for (const [k, v] of Object.entries<string | undefined>(price)) {
      if (v === undefined) continue
      if (!DECIMAL_RE.test(v) || new D(v).lte(0)) throw new Error(`fake-coinbase: setPrice: bad ${k} ${v}`)
    }
    if (price.last !== undefined) b.last = new D(price.last)
    if (price.bid !== undefined) b.bid = new D(price.bid)
    if (price.ask !== undefined) b.ask = new D(price.ask)
    b.time = iso()
    b.tradeId += 1
    this.matchResting(p.bookId)
  }

  // ---- matching engine ----

  /** Fills every resting order on `bookId` that the book now crosses, at its limit price, as a maker. */
  private matchResting(bookId: string): void {
    for (const o of this.orders) {
      if (o.status !== 'OPEN' || o.product.bookId !== bookId) continue
      const b = this.book(o.product)
      // a resting order is a limit order: it has a limit price and a base size
      const limit = present(o.limitPrice, `the limit price of order ${o.id}`)
      if (o.side === 'BUY' ? b.ask.lte(limit) : b.bid.gte(limit))
        this.fillBase(o, present(o.baseSize, `the base size of order ${o.id}`), limit, 'MAKER')
    }
  }

  /** Executes a base-sized fill; the hold of a resting order is released first. Balances move exactly. */
  private fillBase(o: Order, base: Dec, price: Dec, liquidity: 'MAKER' | 'TAKER'): void {
    const quoteValue = base.mul(price)
    const commission = round16(quoteValue.mul(liquidity === 'MAKER' ? this.maker : this.taker))
    this.releaseHold(o)
    const b = this.account(o.product.base)
    const q = this.account(o.product.quote)
    if (o.side === 'BUY') {
      q.available = q.available.sub(quoteValue).sub(commission)
      b.available = b.available.add(base)
    } else {
      b.available = b.available.sub(base)
      q.available = q.available.add(quoteValue).sub(commission)
    }
    this.record(o, {price, base, quote: quoteValue, commission, liquidity})
  }

  /**
   * A market buy sized in quote: Coinbase spends quote_size INCLUDING the fee (size_inclusive_of_fees is true,
   * total_value_after_fees equals quote_size), as a real answer shows (ccxt 4.5.84 coinbase.js, fetchOrders comment:
   * quote_size 6.36, filled_value 6.3220675944333996 = 6.36 / 1.006 truncated, total_fees 0.0379324055666004).
   */
  private fillQuote(o: Order, quoteSize: Dec, price: Dec): void {
    const value = floor16(quoteSize.div(this.taker.add(1)))
    const commission = quoteSize.sub(value)
    const base = floor16(value.div(price))
    const b = this.account(o.product.base)
    const q = this.account(o.product.quote)
    q.available = q.available.sub(quoteSize)
    b.available = b.available.add(base)
    this.record(o, {price, base, quote: value, commission, liquidity: 'TAKER'})
  }

  private record(o: Order, f: Omit<Fill, 'tradeId' | 'entryId' | 'seq' | 'time'>): void {
    const time = iso()
    const fill: Fill = {
      ...f,
      tradeId: crypto.randomUUID(),
      entryId: crypto.randomBytes(32).toString('hex'),
      seq: ++this.seq,
      time,
    }
    o.fills.push(fill)
    o.status = 'FILLED'
    this.fills.push({order: o, fill})
  }

  private placeHold(o: Order, currency: string, amount: Dec): void {
    const a = this.account(currency)
    a.available = a.available.sub(amount)
    a.hold = a.hold.add(amount)
    o.holdCurrency = currency
    o.hold = amount
  }

  private releaseHold(o: Order): void {
    if (o.hold.isZero()) return
    const a = this.account(o.holdCurrency)
    a.hold = a.hold.sub(o.hold)
    a.available = a.available.add(o.hold)
    o.hold = ZERO
  }

  // ---- orders ----

  /** Validates and prices a new order as POST /orders and /orders/preview do; returns the draft or the rejection. */
  private draft(
    body: Record<string, unknown>,
    withClientId: boolean,
  ): {order: Order; need: Dec; needCurrency: string} | Rejection {
    const productId = body.product_id
    if (typeof productId !== 'string' || productId === '') throw badRequest('product_id is required')
    const p = this.products.get(productId)
    if (!p)
      return reject(
        'INVALID_PRODUCT_ID',
        'PREVIEW_INVALID_PRODUCT_ID',
        'Invalid product_id',
        `unknown product ${productId}`,
      )
    const side = body.side
    if (side !== 'BUY' && side !== 'SELL') {
      return reject('INVALID_SIDE', 'PREVIEW_INVALID_SIDE', 'Invalid side', `side ${JSON.stringify(side)}`)
    }
    const cfg = body.order_configuration
    const keys = cfg !== null && typeof cfg === 'object' ? Object.keys(cfg) : []
    if (keys.length !== 1) {
      return reject(
        'UNSUPPORTED_ORDER_CONFIGURATION',
        'PREVIEW_INVALID_ORDER_CONFIG',
        'Unsupported order configuration',
        'exactly one order type is required',
      )
    }
    const key = keys[0]
    const conf = (cfg as Record<string, unknown>)[key]
    if (conf === null || typeof conf !== 'object') throw badRequest(`order_configuration.${key} must be an object`)
    const c = conf as Record<string, unknown>
    if (!['market_market_ioc', 'limit_limit_gtc', 'sor_limit_ioc', 'limit_limit_fok'].includes(key)) {
      // documented types (GTD, stop-limit, bracket, TWAP) the fake does not model, and unknown keys alike
      return reject(
        'UNSUPPORTED_ORDER_CONFIGURATION',
        'PREVIEW_INVALID_ORDER_CONFIG',
        'Unsupported order configuration',
        `${key} is not supported`,
      )
    }
    const configKey = key as ConfigKey
    // trading state of the product (Product: trading_disabled, cancel_only, is_disabled, limit_only, post_only)
    const r = p.record
    if (r.trading_disabled || r.is_disabled || r.cancel_only || r.status !== 'online') {
      return reject(
        'ORDER_ENTRY_DISABLED',
        'PREVIEW_NOT_ALLOWED_BY_MARKET_STATE',
        'Order entry is disabled',
        `${p.id} is ${r.status}`,
      )
    }
    if (r.limit_only && configKey === 'market_market_ioc') {
      return reject(
        'UNSUPPORTED_ORDER_CONFIGURATION',
        'PREVIEW_NOT_ALLOWED_BY_MARKET_STATE',
        'Product is limit only',
        p.id,
      )
    }

    const config: Record<string, unknown> = {}
    let baseSize: Dec | undefined
    let quoteSize: Dec | undefined
    let limitPrice: Dec | undefined
    let postOnly = false
    if (c.base_size !== undefined && c.base_size !== '') baseSize = parseDecimal('base_size', c.base_size)
    if (c.quote_size !== undefined && c.quote_size !== '') quoteSize = parseDecimal('quote_size', c.quote_size)
    if (configKey === 'market_market_ioc') {
      // docs: market_market_ioc takes quote_size OR base_size; a SELL is sized in base (official SDK: market_order_sell
      // takes base_size only); base-sized market BUYs are supported since May 2024 (coinbase-advanced-py 1.4.0)
      if ((baseSize === undefined) === (quoteSize === undefined) || (side === 'SELL' && quoteSize !== undefined)) {
        return reject(
          'UNSUPPORTED_ORDER_CONFIGURATION',
          'PREVIEW_INVALID_ORDER_CONFIG',
          'Market orders need exactly one size',
          'market order size',
        )
      }
    } else {
      if (quoteSize !== undefined) {
        return reject(
          'UNSUPPORTED_ORDER_CONFIGURATION',
          'PREVIEW_INVALID_ORDER_CONFIG',
          'Unsupported order configuration',
          'quote-sized limit orders are not supported by the fake',
        )
      }
      if (baseSize === undefined) throw badRequest(`order_configuration.${configKey}.base_size is required`)
      limitPrice = parseDecimal('limit_price', c.limit_price)
      if (configKey === 'limit_limit_gtc') {
        if (c.post_only !== undefined && typeof c.post_only !== 'boolean')
          throw badRequest('post_only must be a boolean')
        postOnly = c.post_only === true
      }
    }
    if (baseSize) config.base_size = c.base_size
    if (quoteSize) config.quote_size = c.quote_size
    if (limitPrice) config.limit_price = c.limit_price
    if (configKey === 'limit_limit_gtc') config.post_only = postOnly

    const book = this.book(p)
    // precision: sizes on base_increment / quote_increment, prices on price_increment (Product fields)
    if (baseSize && !isMultiple(baseSize, p.baseIncrement)) {
      return reject(
        'INVALID_SIZE_PRECISION',
        'PREVIEW_INVALID_SIZE_PRECISION',
        'Invalid size precision',
        `base_size must be a multiple of ${p.record.base_increment}`,
      )
    }
    if (quoteSize && !isMultiple(quoteSize, p.quoteIncrement)) {
      return reject(
        'INVALID_SIZE_PRECISION',
        'PREVIEW_INVALID_QUOTE_SIZE_PRECISION',
        'Invalid quote size precision',
        `quote_size must be a multiple of ${p.record.quote_increment}`,
      )
    }
    if (limitPrice && (limitPrice.lte(0) || !isMultiple(limitPrice, p.priceIncrement))) {
      const [e, pr] = limitPrice.lte(0)
        ? ['INVALID_LIMIT_PRICE', 'PREVIEW_INVALID_LIMIT_PRICE']
        : ['INVALID_PRICE_PRECISION', 'PREVIEW_INVALID_PRICE_PRECISION']
      return reject(
        e,
        pr,
        'Invalid limit price',
        `limit_price must be a positive multiple of ${p.record.price_increment}`,
      )
    }
    // limits: base_min/max_size and quote_min/max_size; there is no NewOrderFailureReason for a size limit, only the
    // PreviewFailureReason, so `error` stays UNKNOWN_FAILURE_REASON (as in ccxt's recorded PREVIEW_* rejection)
    if (baseSize && baseSize.lt(p.baseMin)) {
      return reject(
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_BASE_SIZE_TOO_SMALL',
        '',
        `base_size is below base_min_size ${p.record.base_min_size}`,
      )
    }
    if (baseSize && baseSize.gt(p.baseMax)) {
      return reject(
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_BASE_SIZE_TOO_LARGE',
        '',
        `base_size is above base_max_size ${p.record.base_max_size}`,
      )
    }
    // INFERRED: a base-sized order's notional (at its limit price, or at the touch for a market order) is held to
    // quote_min_size too, else base_min_size 0.00000001 BTC would allow $0.001 orders Coinbase does not take
    const price = limitPrice ?? (side === 'BUY' ? book.ask : book.bid)
    // exactly one size is set (a limit order's is base_size)
    const notional = quoteSize ?? present(baseSize, 'base_size').mul(price)
    if (notional.lt(p.quoteMin)) {
      return reject(
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL',
        '',
        `order value is below quote_min_size ${p.record.quote_min_size}`,
      )
    }
    if (notional.gt(p.quoteMax)) {
      return reject(
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_QUOTE_SIZE_TOO_LARGE',
        '',
        `order value is above quote_max_size ${p.record.quote_max_size}`,
      )
    }
    const crosses = limitPrice !== undefined && (side === 'BUY' ? book.ask.lte(limitPrice) : book.bid.gte(limitPrice))
    if (postOnly && crosses) {
      // docs (post_only): "Orders that will be posted as a Taker Order will be rejected."
      return reject(
        'INVALID_LIMIT_PRICE_POST_ONLY',
        'PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY',
        'Invalid limit price post only',
        'the order would take liquidity',
      )
    }
    // funds: a buy needs its quote value plus the (taker) fee it may pay, a sell needs the base
    let need: Dec
    let needCurrency: string
    if (side === 'SELL') {
      need = present(baseSize, 'base_size') // a sell is sized in base
      needCurrency = p.base
    } else {
      need = quoteSize ?? round16(present(baseSize, 'base_size').mul(price).mul(this.taker.add(1)))
      needCurrency = p.quote
    }
    if (this.account(needCurrency).available.lt(need)) {
      return reject(
        'INSUFFICIENT_FUND',
        'PREVIEW_INSUFFICIENT_FUND',
        'Insufficient balance in source account',
        `${needCurrency} available is below ${fmt(need)}`,
      )
    }
    const now = Date.now()
    const order: Order = {
      id: crypto.randomUUID(),
      clientOrderId: withClientId ? String(body.client_order_id) : '',
      product: p,
      side,
      configKey,
      config: {[configKey]: config},
      baseSize,
      quoteSize,
      limitPrice,
      postOnly,
      status: 'OPEN',
      created: iso(now),
      createdMs: now,
      fills: [],
      holdCurrency: needCurrency,
      hold: ZERO,
      cancelMessage: '',
    }
    return {order, need, needCurrency}
  }

  createOrder(req: RecordedRequest): Reply {
    const body = jsonBody(req)
    const clientOrderId = body.client_order_id
    if (typeof clientOrderId !== 'string' || clientOrderId === '') throw badRequest('client_order_id is required')
    // docs (client_order_id): "If the ID provided is not unique, the order will not be created and the order
    // corresponding with that ID will be returned instead." Nothing is validated, nothing moves.
    const existing = this.orderByClientId.get(clientOrderId)
    if (existing) return this.successReply(existing)
    const d = this.draft(body, true)
    if (!('order' in d)) {
      const cfg = body.order_configuration
      return jsonReply(200, {
        success: false,
        failure_reason: 'UNKNOWN_FAILURE_REASON',
        order_id: '',
        error_response: {
          error: d.error,
          message: d.message,
          error_details: d.details,
          preview_failure_reason: d.preview,
          new_order_failure_reason: d.error,
        },
        order_configuration: cfg !== null && typeof cfg === 'object' ? cfg : null,
      })
    }
    const o = d.order
    this.orders.push(o)
    this.orderById.set(o.id, o)
    this.orderByClientId.set(o.clientOrderId, o)
    this.execute(o, d.need, d.needCurrency)
    return this.successReply(o)
  }

  /** Fills at once what crosses, rests a GTC limit that does not, cancels an IOC/FOK limit that does not. */
  private execute(o: Order, need: Dec, needCurrency: string): void {
    const b = this.book(o.product)
    const touch = o.side === 'BUY' ? b.ask : b.bid
    if (o.configKey === 'market_market_ioc') {
      if (o.quoteSize) this.fillQuote(o, o.quoteSize, touch)
      else this.fillBase(o, present(o.baseSize, 'base_size'), touch, 'TAKER')
      return
    }
    // a limit order: a limit price and a base size
    const limit = present(o.limitPrice, 'limit_price')
    const crosses = o.side === 'BUY' ? touch.lte(limit) : touch.gte(limit)
    // a crossing limit takes the resting price (the touch), which is never worse than its limit
    if (crosses) {
      this.fillBase(o, present(o.baseSize, 'base_size'), touch, 'TAKER')
      return
    }
    if (o.configKey === 'limit_limit_gtc') {
      this.placeHold(o, needCurrency, need)
      return
    }
    o.status = 'CANCELLED'
    o.cancelMessage =
      o.configKey === 'limit_limit_fok' ? 'Order could not be filled completely' : 'IOC order was not filled'
  }

  private successReply(o: Order): Reply {
    return jsonReply(200, {
      success: true,
      failure_reason: 'UNKNOWN_FAILURE_REASON',
      order_id: o.id,
      success_response: {order_id: o.id, product_id: o.product.id, side: o.side, client_order_id: o.clientOrderId},
      order_configuration: o.config,
    })
  }

  previewOrder(req: RecordedRequest): Reply {
    const body = jsonBody(req)
    const d = this.draft(body, false)
    const p = typeof body.product_id === 'string' ? this.products.get(body.product_id) : undefined
    const book = p && this.book(p)
    const common = {
      best_bid: book ? fmt(book.bid) : '',
      best_ask: book ? fmt(book.ask) : '',
      is_max: false,
      order_margin_total: '0',
      leverage: '1',
      long_leverage: '1',
      short_leverage: '1',
      slippage: '0',
      preview_id: crypto.randomUUID(),
    }
    if (!('order' in d)) {
      const none = {order_total: '0', commission_total: '0', quote_size: '0', base_size: '0'}
      return jsonReply(200, {...none, errs: [d.preview], warning: [], ...common})
    }
    const o = d.order
    const touch = o.side === 'BUY' ? this.book(o.product).ask : this.book(o.product).bid
    let base: Dec
    let value: Dec
    let commission: Dec
    if (o.quoteSize) {
      value = floor16(o.quoteSize.div(this.taker.add(1)))
      commission = o.quoteSize.sub(value)
      base = floor16(value.div(touch))
    } else {
      base = present(o.baseSize, 'base_size')
      const px =
        o.limitPrice && !(o.side === 'BUY' ? touch.lte(o.limitPrice) : touch.gte(o.limitPrice)) ? o.limitPrice : touch
      value = base.mul(px)
      commission = round16(value.mul(px === touch ? this.taker : this.maker))
    }
    const total = o.side === 'BUY' ? value.add(commission) : value.sub(commission)
    return jsonReply(200, {
      order_total: fmt(total),
      commission_total: fmt(commission),
      errs: [],
      warning: [],
      quote_size: fmt(value),
      base_size: fmt(base),
      ...common,
    })
  }

  cancelOrders(req: RecordedRequest): Reply {
    const body = jsonBody(req)
    const ids = body.order_ids
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string'))
      throw badRequest('order_ids is required')
    const seen = new Set<string>()
    const results = (ids as string[]).map((id) => {
      const o = this.orderById.get(id)
      let failure = 'UNKNOWN_CANCEL_FAILURE_REASON'
      if (seen.has(id)) failure = 'DUPLICATE_CANCEL_REQUEST'
      else if (!o) failure = 'UNKNOWN_CANCEL_ORDER'
      else if (o.status === 'FILLED') failure = 'ORDER_IS_FILLED'
      else if (o.status === 'CANCELLED') failure = 'DUPLICATE_CANCEL_REQUEST'
      seen.add(id)
      const success = failure === 'UNKNOWN_CANCEL_FAILURE_REASON'
      if (success && o) {
        this.releaseHold(o)
        o.status = 'CANCELLED'
        o.cancelMessage = 'User requested cancel'
      }
      return {success, failure_reason: failure, order_id: id}
    })
    return jsonReply(200, {results})
  }

  orderJson(o: Order): Record<string, unknown> {
    const t = totals(o)
    const buy = o.side === 'BUY'
    const market = o.configKey === 'market_market_ioc'
    const tif = {
      market_market_ioc: 'IMMEDIATE_OR_CANCEL',
      sor_limit_ioc: 'IMMEDIATE_OR_CANCEL',
      limit_limit_fok: 'FILL_OR_KILL',
      limit_limit_gtc: 'GOOD_UNTIL_CANCELLED',
    }[o.configKey]
    const last = o.fills.at(-1)
    return {
      order_id: o.id,
      product_id: o.product.id,
      user_id: USER_ID,
      order_configuration: o.config,
      side: o.side,
      client_order_id: o.clientOrderId,
      status: o.status,
      time_in_force: tif,
      created_time: o.created,
      completion_percentage: o.status === 'FILLED' ? '100' : '0',
      filled_size: fmt(t.base),
      average_filled_price: t.base.isZero() ? '0' : fmt(floor16(t.quote.div(t.base))),
      fee: '',
      number_of_fills: String(o.fills.length),
      filled_value: fmt(t.quote),
      pending_cancel: false,
      size_in_quote: o.quoteSize !== undefined,
      total_fees: fmt(t.fees),
      size_inclusive_of_fees: o.quoteSize !== undefined,
      total_value_after_fees: fmt(buy ? t.quote.add(t.fees) : t.quote.sub(t.fees)),
      trigger_status: 'INVALID_ORDER_TYPE',
      order_type: market ? 'MARKET' : 'LIMIT',
      reject_reason: 'REJECT_REASON_UNSPECIFIED',
      settled: o.status !== 'OPEN',
      product_type: 'SPOT',
      reject_message: '',
      cancel_message: o.cancelMessage,
      order_placement_source: 'RETAIL_ADVANCED',
      outstanding_hold_amount: fmt(o.hold),
      is_liquidation: false,
      last_fill_time: last ? last.time : null,
      edit_history: [],
      leverage: '',
      margin_type: 'UNKNOWN_MARGIN_TYPE',
      retail_portfolio_id: PORTFOLIO_ID,
      originating_order_id: '',
      attached_order_id: '',
      attached_order_configuration: null,
    }
  }

  private fillJson(o: Order, f: Fill): Record<string, unknown> {
    const inQuote = o.quoteSize !== undefined
    return {
      entry_id: f.entryId,
      trade_id: f.tradeId,
      order_id: o.id,
      trade_time: f.time,
      trade_type: 'FILL',
      price: fmt(f.price),
      // size_in_quote: the fill's size is then in the quote currency (real answer in ccxt's coinbase.js comments)
      size: fmt(inQuote ? f.quote : f.base),
      commission: fmt(f.commission),
      product_id: o.product.id,
      sequence_timestamp: f.time,
      liquidity_indicator: f.liquidity,
      size_in_quote: inQuote,
      user_id: USER_ID,
      side: o.side,
      retail_portfolio_id: PORTFOLIO_ID,
    }
  }

  getOrder(orderId: string): Reply {
    const o = this.orderById.get(orderId)
    if (!o) throw grpcError(404, 'NOT_FOUND', 'order with this orderID was not found')
    return jsonReply(200, {order: this.orderJson(o)})
  }

  listOrders(req: RecordedRequest): Reply {
    const q = queryOf(req)
    const ids = new Set(q.getAll('order_ids'))
    // product_ids is the documented filter; product_id is its predecessor (replaced in July 2024, coinbase-advanced-py
    // 1.4.3 changelog) and is what ccxt 4.5.84 still sends, so both are honoured
    const products = new Set([...q.getAll('product_ids'), ...q.getAll('product_id')])
    const statuses = new Set(q.getAll('order_status'))
    const types = new Set([...q.getAll('order_types'), ...q.getAll('order_type')])
    const side = q.get('order_side')
    const start = dateParam(q, 'start_date')
    const end = dateParam(q, 'end_date')
    const productType = q.get('product_type')
    let list = [...this.orders].reverse() // newest first
    list = list.filter(
      (o) =>
        (ids.size === 0 || ids.has(o.id)) &&
        (products.size === 0 || products.has(o.product.id)) &&
        (statuses.size === 0 || statuses.has(o.status)) &&
        (types.size === 0 || types.has(o.configKey === 'market_market_ioc' ? 'MARKET' : 'LIMIT')) &&
        (!side || side === o.side) &&
        (start === undefined || o.createdMs >= start) &&
        (end === undefined || o.createdMs <= end) &&
        (!productType || productType === 'SPOT' || productType === 'UNKNOWN_PRODUCT_TYPE'),
    )
    const page = paginate(list, q)
    return jsonReply(200, {
      orders: page.items.map((o) => this.orderJson(o)),
      sequence: '0',
      has_next: page.hasNext,
      cursor: page.cursor,
    })
  }

  /**
   * docs (List Fills): start_sequence_timestamp "Only fills with a trade time at or after this start date are
   * returned", end_sequence_timestamp "Only fills with a trade time before this start date are returned"; limit
   * "Maximum number of fills to return in response. Defaults to 100."; cursor "When provided, the response returns
   * responses after this cursor". INFERRED: newest first (the default sort is by time; the SDKs page backwards).
   */
  listFills(req: RecordedRequest): Reply {
    const q = queryOf(req)
    // order_ids / product_ids are documented; order_id / product_id are their predecessors (see listOrders)
    const orderIds = new Set([...q.getAll('order_ids'), ...q.getAll('order_id')])
    const tradeIds = new Set(q.getAll('trade_ids'))
    const products = new Set([...q.getAll('product_ids'), ...q.getAll('product_id')])
    const start = dateParam(q, 'start_sequence_timestamp')
    const end = dateParam(q, 'end_sequence_timestamp')
    const list = [...this.fills]
      .sort((a, b) => Date.parse(b.fill.time) - Date.parse(a.fill.time) || b.fill.seq - a.fill.seq)
      .filter(
        ({order, fill}) =>
          (orderIds.size === 0 || orderIds.has(order.id)) &&
          (tradeIds.size === 0 || tradeIds.has(fill.tradeId)) &&
          (products.size === 0 || products.has(order.product.id)) &&
          (start === undefined || Date.parse(fill.time) >= start) &&
          (end === undefined || Date.parse(fill.time) < end),
      )
    if (!q.get('limit')) q.set('limit', String(FILLS_DEFAULT_LIMIT))
    const page = paginate(list, q)
    return jsonReply(200, {fills: page.items.map(({order, fill}) => this.fillJson(order, fill)), cursor: page.cursor})
  }

  // ---- a history made outside tradedesk ----

  seedTrades(seeds: SeedTrade[]): SeededTrade[] {
    const grouped = new Map<string, Order>()
    return seeds.map((t) => {
      const p = this.bySymbol.get(t.symbol) ?? this.products.get(t.symbol)
      if (!p) throw new Error(`fake-coinbase: seedTrades: unknown product ${t.symbol}`)
      if (t.feeCurrency !== p.quote)
        throw new Error(`fake-coinbase: seedTrades: fees are charged in the quote (${p.quote})`)
      if (!Number.isSafeInteger(t.time) || t.time <= 0)
        throw new Error(`fake-coinbase: seedTrades: bad time ${String(t.time)}`)
      for (const v of [t.amount, t.price, t.fee])
        if (!DECIMAL_RE.test(v)) throw new Error(`fake-coinbase: seedTrades: bad number ${v}`)
      const base = new D(t.amount)
      const price = new D(t.price)
      const side: Side = t.side === 'buy' ? 'BUY' : 'SELL'
      const configKey: ConfigKey = t.type === 'limit' ? 'limit_limit_gtc' : 'market_market_ioc'
      const key = t.orderId === undefined ? undefined : `${p.id}:${t.orderId}`
      let o = key === undefined ? undefined : grouped.get(key)
      if (o && (o.side !== side || o.configKey !== configKey))
        throw new Error(`fake-coinbase: seedTrades: order ${String(t.orderId)} mixes sides or types`)
      if (!o) {
        o = {
          id: crypto.randomUUID(),
          clientOrderId: crypto.randomUUID(),
          product: p,
          side,
          configKey,
          config: {},
          baseSize: ZERO,
          limitPrice: configKey === 'limit_limit_gtc' ? price : undefined,
          postOnly: false,
          status: 'FILLED',
          created: iso(t.time),
          createdMs: t.time,
          fills: [],
          holdCurrency: side === 'BUY' ? p.quote : p.base,
          hold: ZERO,
          cancelMessage: '',
        }
        this.orders.push(o)
        this.orderById.set(o.id, o)
        this.orderByClientId.set(o.clientOrderId, o)
        if (key !== undefined) grouped.set(key, o)
      }
      o.baseSize = present(o.baseSize, 'base_size').add(base)
      o.config = {
        [configKey]:
          configKey === 'limit_limit_gtc'
            ? {base_size: fmt(o.baseSize), limit_price: t.price, post_only: false}
            : {base_size: fmt(o.baseSize)},
      }
      const fill: Fill = {
        price,
        base,
        quote: base.mul(price),
        commission: new D(t.fee),
        liquidity: t.maker === true ? 'MAKER' : 'TAKER',
        tradeId: crypto.randomUUID(),
        entryId: crypto.randomBytes(32).toString('hex'),
        seq: ++this.seq,
        time: iso(t.time),
      }
      o.fills.push(fill)
      this.fills.push({order: o, fill})
      return {id: fill.tradeId, orderId: o.id}
    })
  }

  // ---- accounts ----

  private accountJson(a: Account): Record<string, unknown> {
    return {
      uuid: a.uuid,
      name: `${a.currency} Wallet`,
      currency: a.currency,
      available_balance: {value: fmt(a.available), currency: a.currency},
      default: true,
      active: true,
      created_at: a.created,
      updated_at: a.created,
      deleted_at: null,
      type: FIAT.has(a.currency) ? 'ACCOUNT_TYPE_FIAT' : 'ACCOUNT_TYPE_CRYPTO',
      ready: true,
      hold: {value: fmt(a.hold), currency: a.currency},
      retail_portfolio_id: PORTFOLIO_ID,
      platform: 'ACCOUNT_PLATFORM_CONSUMER',
    }
  }

  listAccounts(req: RecordedRequest): Reply {
    const q = queryOf(req)
    // docs (List Accounts): limit "By default, displays 49 (max 250)"; has_next + cursor page through the rest
    const limit = intParam(q, 'limit') ?? ACCOUNTS_DEFAULT_LIMIT
    if (limit < 1) throw badRequest('limit must be positive')
    const all = [...this.accounts.values()]
    const cursor = q.get('cursor')
    let from = 0
    if (cursor) {
      const i = all.findIndex((a) => a.uuid === cursor)
      if (i < 0) throw badRequest('invalid cursor')
      from = i + 1
    }
    const items = all.slice(from, from + Math.min(limit, ACCOUNTS_MAX_LIMIT))
    const hasNext = from + items.length < all.length
    return jsonReply(200, {
      accounts: items.map((a) => this.accountJson(a)),
      has_next: hasNext,
      cursor: hasNext ? present(items.at(-1), "the page's last account").uuid : '',
      size: items.length,
    })
  }

  getAccount(uuid: string): Reply {
    const a = [...this.accounts.values()].find((x) => x.uuid === uuid)
    if (!a) throw grpcError(404, 'NOT_FOUND', 'account not found')
    return jsonReply(200, {account: this.accountJson(a)})
  }

  transactionSummary(): Reply {
    let volume = ZERO
    let fees = ZERO
    for (const {fill} of this.fills) {
      volume = volume.add(fill.quote)
      fees = fees.add(fill.commission)
    }
    return jsonReply(200, {
      total_volume: volume.toNumber(),
      total_fees: fees.toNumber(),
      fee_tier: {...TIER, taker_fee_rate: fmt(this.taker), maker_fee_rate: fmt(this.maker), aop_from: '', aop_to: ''},
      margin_rate: null,
      goods_and_services_tax: null,
      advanced_trade_only_volume: volume.toNumber(),
      advanced_trade_only_fees: fees.toNumber(),
      coinbase_pro_volume: 0,
      coinbase_pro_fees: 0,
      total_balance: '',
      has_promo_fee: false,
    })
  }

  // ---- market data ----

  productJson(p: Product): Record<string, unknown> {
    const b = this.book(p)
    const dp = p.quoteIncrement.decimalPlaces()
    return {
      ...p.record,
      price: b.last.toFixed(dp),
      price_percentage_change_24h: b.changePercent,
      volume_24h: fmt(b.volume),
      approximate_quote_24h_volume: b.quoteVolume.toFixed(2),
    }
  }

  listProducts(req: RecordedRequest): Reply {
    const q = queryOf(req)
    const ids = new Set(q.getAll('product_ids'))
    const type = q.get('product_type')
    // this fake lists SPOT products only: FUTURE (expiring or perpetual) is an empty list, which ccxt asks for too
    let list = type === 'FUTURE' ? [] : [...this.products.values()]
    if (ids.size > 0) list = list.filter((p) => ids.has(p.id))
    const total = list.length
    const offset = intParam(q, 'offset') ?? 0
    const limit = intParam(q, 'limit')
    list = list.slice(offset, limit ? offset + limit : undefined)
    return jsonReply(200, {products: list.map((p) => this.productJson(p)), num_products: total})
  }

  private product(id: string): Product {
    const p = this.products.get(id)
    if (!p) throw grpcError(404, 'NOT_FOUND', 'ProductID is invalid', `product ${id} not found`)
    return p
  }

  getProduct(id: string): Reply {
    return jsonReply(200, this.productJson(this.product(id)))
  }

  /**
   * docs (Get Product Candles / Get Public Product Candles): start and end, UNIX times in seconds, and granularity
   * required; limit "The number of candle buckets to be returned. By default, returns 350 (max 350)"; newest first,
   * each {start, low, high, open, close, volume}. Only the seeded one-minute candles exist here. INFERRED: start
   * and end both inclusive.
   */
  productCandles(id: string, req: RecordedRequest): Reply {
    const p = this.product(id)
    const q = queryOf(req)
    const start = intParam(q, 'start')
    const end = intParam(q, 'end')
    if (start === undefined) throw badRequest('start is required')
    if (end === undefined) throw badRequest('end is required')
    const granularity = q.get('granularity')
    if (!granularity || !CANDLE_GRANULARITIES.includes(granularity)) throw badRequest('invalid granularity')
    if (granularity !== 'ONE_MINUTE')
      throw grpcError(501, 'UNIMPLEMENTED', `fake-coinbase: only ONE_MINUTE candles are modelled, not ${granularity}`)
    const limit = Math.min(intParam(q, 'limit') ?? 350, 350)
    const candles = [...(this.candles.get(p.id)?.values() ?? [])]
      .filter((c) => c.time >= start * 1000 && c.time <= end * 1000)
      .sort((a, b) => b.time - a.time)
      .slice(0, limit)
      .map((c) => ({
        start: String(c.time / 1000),
        low: c.low,
        high: c.high,
        open: c.open,
        close: c.close,
        volume: c.volume ?? '0',
      }))
    return jsonReply(200, {candles})
  }

  seedCandles(symbol: string, list: SeedCandle[]): void {
    const p = this.bySymbol.get(symbol) ?? this.products.get(symbol)
    if (!p) throw new Error(`fake-coinbase: seedCandles: unknown product ${symbol}`)
    let byTime = this.candles.get(p.id)
    if (!byTime) {
      byTime = new Map()
      this.candles.set(p.id, byTime)
    }
    for (const c of list) {
      if (!Number.isSafeInteger(c.time) || c.time % 60_000 !== 0)
        throw new Error(`fake-coinbase: seedCandles: ${String(c.time)} is not the start of a minute`)
      for (const v of [c.open, c.high, c.low, c.close, c.volume ?? '0'])
        if (!DECIMAL_RE.test(v)) throw new Error(`fake-coinbase: seedCandles: bad number ${v}`)
      byTime.set(c.time, {...c})
    }
  }

  marketTrades(id: string, req: RecordedRequest): Reply {
    const p = this.product(id)
    const q = queryOf(req)
    const limit = intParam(q, 'limit')
    if (limit === undefined || limit < 1) throw badRequest('limit is required')
    const b = this.book(p)
    const trade = {
      trade_id: String(b.tradeId),
      product_id: p.id,
      price: fmt(b.last),
      size: fmt(b.lastSize),
      time: b.time,
      side: 'BUY',
      bid: '',
      ask: '',
    }
    return jsonReply(200, {trades: [trade], best_bid: fmt(b.bid), best_ask: fmt(b.ask)})
  }

  private levels(
    p: Product,
    n: number,
  ): {bids: {price: string; size: string}[]; asks: {price: string; size: string}[]} {
    const b = this.book(p)
    const bids: {price: string; size: string}[] = []
    const asks: {price: string; size: string}[] = []
    for (let i = 0; i < n; i++) {
      const bid = b.bid.sub(p.priceIncrement.mul(i))
      if (bid.gt(0)) bids.push({price: fmt(bid), size: fmt(b.bidSize)})
      asks.push({price: fmt(b.ask.add(p.priceIncrement.mul(i))), size: fmt(b.askSize)})
    }
    return {bids, asks}
  }

  productBook(req: RecordedRequest): Reply {
    const q = queryOf(req)
    const id = q.get('product_id')
    if (!id) throw badRequest('product_id is required')
    const p = this.product(id)
    const b = this.book(p)
    const n = Math.min(intParam(q, 'limit') ?? 5, 5)
    const mid = b.bid.add(b.ask).div(2)
    return jsonReply(200, {
      pricebook: {product_id: p.id, ...this.levels(p, n), time: b.time},
      last: fmt(b.last),
      mid_market: fmt(mid),
      spread_bps: fmt(b.ask.sub(b.bid).div(mid).mul(10000).toDecimalPlaces(6)),
      spread_absolute: fmt(b.ask.sub(b.bid)),
    })
  }

  bestBidAsk(req: RecordedRequest): Reply {
    const q = queryOf(req)
    const ids = q.getAll('product_ids')
    const list = ids.length > 0 ? ids.map((id) => this.product(id)) : [...this.products.values()]
    return jsonReply(200, {
      pricebooks: list.map((p) => ({product_id: p.id, ...this.levels(p, 1), time: this.book(p).time})),
    })
  }

  // ---- authentication ----

  /**
   * CDP API key JWT (docs: "JWT Authentication", Advanced Trade "API Authentication"): ES256, header kid = key name and a
   * nonce, claims sub = key name, iss "cdp" (the official SDKs used "coinbase-cloud" until May 2024 and ccxt 4.5.84
   * still sends it with aud ["retail_rest_api_proxy"]; both are accepted), nbf/exp with the JWT valid for at most 2
   * minutes, and uri = "METHOD host/path" for this very request (no query string).
   */
  authenticate(req: RecordedRequest): boolean {
    const auth = req.headers.authorization
    if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false
    const parts = auth.slice(7).trim().split('.')
    if (parts.length !== 3) return false
    let header: Record<string, unknown>
    let claims: Record<string, unknown>
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>
    } catch {
      return false
    }
    if (header.alg !== 'ES256' || header.kid !== this.apiKey) return false
    const signature = Buffer.from(parts[2], 'base64url')
    if (signature.length !== 64) return false
    const signedPart = Buffer.from(`${parts[0]}.${parts[1]}`)
    if (!crypto.verify('sha256', signedPart, {key: this.publicKey, dsaEncoding: 'ieee-p1363'}, signature)) return false
    if (claims.sub !== this.apiKey || typeof claims.iss !== 'string' || !ISSUERS.has(claims.iss)) return false
    const {nbf, exp} = claims
    const now = Math.floor(Date.now() / 1000)
    if (typeof nbf !== 'number' || typeof exp !== 'number' || nbf > now || exp <= now || exp - nbf > JWT_MAX_LIFETIME_S)
      return false
    const host = req.headers.host ?? ''
    // the fake stands in for api.coinbase.com; ccxt strips only "https://" from the URL it signs, so on this plain-http
    // loopback its uri claim reads "GET http://127.0.0.1:PORT/..." (a scheme a real https client never sends)
    const accepted = [`${host}${req.path}`, `http://${host}${req.path}`, `api.coinbase.com${req.path}`].map(
      (u) => `${req.method} ${u}`,
    )
    return typeof claims.uri === 'string' && accepted.includes(claims.uri)
  }

  // ---- routing ----

  dialect(): Dialect {
    type Handler = (req: RecordedRequest, m: RegExpExecArray) => Reply
    const P = '/api/v3/brokerage'
    const publicRoutes: [string, RegExp, Handler][] = [
      ['GET', /^\/api\/v3\/brokerage\/time$/, () => timeReply()],
      ['GET', /^\/api\/v3\/brokerage\/market\/products$/, (r) => this.listProducts(r)],
      [
        'GET',
        /^\/api\/v3\/brokerage\/market\/products\/([^/]+)$/,
        (_r, m) => this.getProduct(decodeURIComponent(m[1])),
      ],
      [
        'GET',
        /^\/api\/v3\/brokerage\/market\/products\/([^/]+)\/ticker$/,
        (r, m) => this.marketTrades(decodeURIComponent(m[1]), r),
      ],
      ['GET', /^\/api\/v3\/brokerage\/market\/product_book$/, (r) => this.productBook(r)],
      [
        'GET',
        /^\/api\/v3\/brokerage\/market\/products\/([^/]+)\/candles$/,
        (r, m) => this.productCandles(decodeURIComponent(m[1]), r),
      ],
    ]
    const privateRoutes: [string, RegExp, Handler][] = [
      ['GET', new RegExp(`^${P}/products$`), (r) => this.listProducts(r)],
      ['GET', new RegExp(`^${P}/products/([^/]+)$`), (_r, m) => this.getProduct(decodeURIComponent(m[1]))],
      ['GET', new RegExp(`^${P}/products/([^/]+)/ticker$`), (r, m) => this.marketTrades(decodeURIComponent(m[1]), r)],
      [
        'GET',
        new RegExp(`^${P}/products/([^/]+)/candles$`),
        (r, m) => this.productCandles(decodeURIComponent(m[1]), r),
      ],
      ['GET', new RegExp(`^${P}/product_book$`), (r) => this.productBook(r)],
      ['GET', new RegExp(`^${P}/best_bid_ask$`), (r) => this.bestBidAsk(r)],
      ['GET', new RegExp(`^${P}/transaction_summary$`), () => this.transactionSummary()],
      ['GET', new RegExp(`^${P}/key_permissions$`), () => jsonReply(200, keyPermissions())],
      ['GET', new RegExp(`^${P}/accounts$`), (r) => this.listAccounts(r)],
      ['GET', new RegExp(`^${P}/accounts/([^/]+)$`), (_r, m) => this.getAccount(decodeURIComponent(m[1]))],
      ['POST', new RegExp(`^${P}/orders$`), (r) => this.createOrder(r)],
      ['POST', new RegExp(`^${P}/orders/preview$`), (r) => this.previewOrder(r)],
      ['POST', new RegExp(`^${P}/orders/batch_cancel$`), (r) => this.cancelOrders(r)],
      ['GET', new RegExp(`^${P}/orders/historical/batch$`), (r) => this.listOrders(r)],
      ['GET', new RegExp(`^${P}/orders/historical/fills$`), (r) => this.listFills(r)],
      ['GET', new RegExp(`^${P}/orders/historical/([^/]+)$`), (_r, m) => this.getOrder(decodeURIComponent(m[1]))],
    ]
    const match = (routes: [string, RegExp, Handler][], req: RecordedRequest) => {
      for (const [method, re, handler] of routes) {
        const m = method === req.method ? re.exec(req.path) : null
        if (m) return () => handler(req, m)
      }
      return undefined
    }
    return {
      route: (req) => {
        try {
          const pub = match(publicRoutes, req)
          if (pub) return pub()
          const priv = match(privateRoutes, req)
          if (priv) return this.authenticate(req) ? priv() : UNAUTHORIZED
          throw grpcError(404, 'NOT_FOUND', 'Not Found', `fake-coinbase has no route for ${req.method} ${req.path}`)
        } catch (e) {
          if (e instanceof ApiError) return e.reply
          return jsonReply(500, {error: 'INTERNAL', error_details: String(e), message: 'Internal error'})
        }
      },
      // Coinbase's gateway answers a throttled Advanced Trade request with HTTP 429 and an HTML page, not the JSON
      // error schema (coinbase-samples/advanced-trade-sdk-go issue #18, captured from production in 2025)
      rateLimited: () => ({
        status: 429,
        contentType: 'text/html; charset=utf-8',
        body: '<html><head><title>Coinbase</title><meta name="robots" content="noindex"></head><body>Too Many Requests</body></html>',
      }),
      // INFERRED: an internal failure in the gRPC-gateway error schema Coinbase uses for every JSON error
      serverError: () =>
        jsonReply(500, {error: 'INTERNAL', error_details: 'internal error', message: 'Internal server error'}),
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function bookFrom(p: Product, source: string, tickers: Map<string, BinanceTicker>, time: string): Book {
  const invert = source.startsWith('1/')
  const t = tickers.get(invert ? source.slice(2) : source)
  if (!t || new D(t.lastPrice).isZero()) throw new Error(`fake-coinbase: no Binance price for ${p.id} (${source})`)
  const one = new D(1)
  let last = new D(t.lastPrice)
  let bid = new D(t.bidPrice)
  let ask = new D(t.askPrice)
  if (invert) {
    // X-Y from Y-X: the bid of one is the inverse of the ask of the other
    const [bidX, askX] = [bid, ask]
    last = one.div(last)
    bid = one.div(askX)
    ask = one.div(bidX)
  }
  const inc = p.priceIncrement
  last = roundTo(last, inc, Decimal.ROUND_HALF_UP)
  bid = roundTo(bid, inc, Decimal.ROUND_DOWN)
  ask = roundTo(ask, inc, Decimal.ROUND_UP)
  if (bid.gte(ask)) ask = bid.add(inc)
  const size = (qty: string) => Decimal.max(roundTo(new D(qty), p.baseIncrement, Decimal.ROUND_DOWN), p.baseIncrement)
  return {
    last,
    bid,
    ask,
    bidSize: size(invert ? t.askQty : t.bidQty),
    askSize: size(invert ? t.bidQty : t.askQty),
    lastSize: size(t.lastQty),
    changePercent: invert ? new D(t.priceChangePercent).neg().toFixed() : new D(t.priceChangePercent).toFixed(),
    volume: roundTo(new D(invert ? t.quoteVolume : t.volume), p.baseIncrement, Decimal.ROUND_DOWN),
    quoteVolume: new D(invert ? t.volume : t.quoteVolume),
    time,
    tradeId: 500_000_000 + Math.abs(hash(p.id)),
  }
}

function hash(s: string): number {
  return crypto.createHash('sha256').update(s).digest().readInt32BE(0) % 100_000_000
}

function totals(o: Order): {base: Dec; quote: Dec; fees: Dec} {
  let base = ZERO
  let quote = ZERO
  let fees = ZERO
  for (const f of o.fills) {
    base = base.add(f.base)
    quote = quote.add(f.quote)
    fees = fees.add(f.commission)
  }
  return {base, quote, fees}
}

function jsonBody(req: RecordedRequest): Record<string, unknown> {
  try {
    const v = JSON.parse(req.body) as unknown
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    // answered below like any other unreadable body
  }
  throw badRequest('the request body must be a JSON object')
}

/** The query string with repeated parameters kept (product_ids=A&product_ids=B), which RecordedRequest.query flattens. */
function queryOf(req: RecordedRequest): URLSearchParams {
  const raw = rawUrl(req)
  const i = raw.indexOf('?')
  return new URLSearchParams(i < 0 ? '' : raw.slice(i + 1))
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  if (!/^\d+$/.test(v)) throw badRequest(`${name} must be an integer`)
  return Number(v)
}

function dateParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an RFC 3339 timestamp`)
  return ms
}

/** docs (Get Product Candles): granularity */
const CANDLE_GRANULARITIES = [
  'ONE_MINUTE',
  'FIVE_MINUTE',
  'FIFTEEN_MINUTE',
  'THIRTY_MINUTE',
  'ONE_HOUR',
  'TWO_HOUR',
  'FOUR_HOUR',
  'SIX_HOUR',
  'ONE_DAY',
]

/** docs (List Fills): limit "Defaults to 100" */
const FILLS_DEFAULT_LIMIT = 100

/** Cursor paging (limit + cursor, has_next); the cursor is opaque to clients, here the offset of the next item. */
function paginate<T>(list: T[], q: URLSearchParams): {items: T[]; hasNext: boolean; cursor: string} {
  const cursor = q.get('cursor')
  let from = 0
  if (cursor) {
    if (!/^\d+$/.test(cursor)) throw badRequest('invalid cursor')
    from = Number(cursor)
  }
  const limit = intParam(q, 'limit')
  const items = limit === undefined || limit === 0 ? list.slice(from) : list.slice(from, from + limit)
  const next = from + items.length
  const hasNext = next < list.length
  return {items, hasNext, cursor: hasNext ? String(next) : ''}
}

function timeReply(): Reply {
  const ms = Date.now()
  return jsonReply(200, {iso: iso(ms), epochSeconds: String(Math.floor(ms / 1000)), epochMillis: String(ms)})
}

function keyPermissions(): Record<string, unknown> {
  return {can_view: true, can_trade: true, can_transfer: false, portfolio_uuid: PORTFOLIO_ID, portfolio_type: 'DEFAULT'}
}
