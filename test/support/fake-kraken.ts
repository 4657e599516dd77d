/**
 * A loopback fake of Kraken's Spot REST API (https://api.kraken.com/0/...), for tests.
 *
 * It is written from Kraken's documentation, not from what ccxt happens to accept, so that it checks our
 * app the way Kraken would. The sources, named next to each rule below:
 * - [spec] Kraken's OpenAPI spec of the Spot REST API, github.com/krakenfx/api-specs, spot-rest/ (commit 86715cf),
 *   published as https://docs.kraken.com/api/docs/rest-api/...
 * - [auth] https://docs.kraken.com/api/docs/guides/spot-rest-auth (API-Key, API-Sign, nonce)
 * - [errors] https://docs.kraken.com/exchange/guides/general/errors and support article 360001491786
 *   "API error messages" (the E<Category>:<message> strings)
 * - [clordid] https://docs.kraken.com/api/docs/guides/spot-clordid (cl_ord_id formats and uniqueness)
 * - [ratelimits] https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits (the per-key call counter)
 * - [fees] https://www.kraken.com/features/fee-schedule and support article 201893638 "How trading fees work"
 *   (fee in the quote currency by default, minimum fee of one unit of the pair's precision)
 * Where Kraken documents no exact wording, the string is one Kraken was seen to send in public bug reports,
 * or marked "undocumented" in KRAKEN_ERRORS below.
 *
 * The real `ccxt.kraken` class is pointed at it by rewriting the origin of every URL in
 * `exchange.urls.api` to `FakeKraken.url`.
 *
 * - Markets: test/support/data/kraken/{AssetPairs,Assets}.json (see PROVENANCE.md there); prices from the real
 *   Binance snapshot data/binance-spot/ticker-24hr.json, moved onto each pair's tick_size grid.
 * - Orders: market and limit, buy and sell, volume in base (or in quote with oflags=viqc, market buys only);
 *   post-only; userref and cl_ord_id; ordermin, costmin, lot and price decimals; holds (BalanceEx hold_trade);
 *   fees in the quote currency unless oflags=fcib. A resting limit order fills, as maker, at its own price
 *   when setPrice() moves the book across it.
 * - A trade history made outside tradedesk: seedTrades() adds closed orders and their trades at past times, served
 *   by TradesHistory ([spec] "50 results are returned at a time, the most recent by default", ofs, start
 *   exclusive, end inclusive, count), QueryTrades, ClosedOrders and QueryOrders.
 * - Transport faults come from the shared skeleton (fake-exchange.ts).
 *
 * Exact decimals throughout (decimal.js). Only node built-ins and decimal.js are used.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {Decimal} from 'decimal.js'

import {
  type Dialect,
  type FakeExchange,
  type FakeExchangeOptions,
  type FakeOrderView,
  type RecordedRequest,
  type Reply,
  bodyParams,
  jsonReply,
  rawUrl,
  startFakeServer,
} from './fake-exchange.js'
import type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

export const ORDER_ROUTE = {method: 'POST', path: '/0/private/AddOrder'}
/** ccxt 4.5.84's kraken.fetchBalance posts to BalanceEx (balance + hold_trade), not Balance */
export const BALANCE_ROUTE = {method: 'POST', path: '/0/private/BalanceEx'}

/** A fixed, valid base64 secret (Kraken secrets are base64 [auth]); 64 bytes like Kraken's. */
export const DEFAULT_SECRET = Buffer.from('fake-kraken-secret'.padEnd(64, '.')).toString('base64')

export interface FakeKrakenOptions extends FakeExchangeOptions {
  /**
   * Kraken's per-key REST call counter [ratelimits]: calls add 1 (TradesHistory 2; AddOrder, CancelOrder and
   * CancelAll 0) and the counter decays per second; a call that would pass `max` gets EAPI:Rate limit exceeded.
   * Off unless given (Starter tier: {max: 15, decayPerSecond: 0.33}).
   */
  apiCounter?: {max: number; decayPerSecond: number}
  /**
   * What the 'server-error' fault answers: 'cloudflare-520' (default; Cloudflare's HTML page for an origin
   * error, the [errors] "Cloudflare (networking) errors" group) or 'service-unavailable' (HTTP 503 with
   * {"error":["EService:Unavailable"]}).
   */
  serverError?: 'cloudflare-520' | 'service-unavailable'
  /**
   * Hold each private answer until the clock has left the millisecond its nonce names (default true). A real
   * round trip to Kraken takes far longer than a millisecond, so a client whose nonce is the millisecond clock
   * (ccxt's is) never signs two sequential calls with one nonce; on loopback it would, and Kraken's rule would
   * then fail calls that cannot fail in production. Concurrent calls are not helped, as they are not by Kraken.
   */
  roundTripLatency?: boolean
}

/**
 * orders() reports, per order, `fee` / `feeCurrency` as the LEDGER was charged: at the asset's decimals (USD: 4), in
 * the quote currency, or in the base with oflags=fcib. Kraken's own `fee` field (QueryOrders, trades) is in quote
 * terms at the pair's cost_decimals, e.g. "0.07257" where the USD balance moved by 0.0726.
 * `clientOrderId` is the cl_ord_id, else the userref as text, else null.
 */
/**
 * A history made on the website (seedTrades: symbol unified, a pair id 'XXBTZUSD' or an altname 'XBTUSD'; at most the
 * decimals Kraken prints for the pair; the fee in the quote, as TradesHistory states it) and one-minute OHLC candles.
 */
export type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

export interface FakeKraken extends FakeExchange {
  /** every order as QueryOrders would serve it (trades included), keyed by txid, oldest first */
  krakenOrders(): Record<string, Record<string, unknown>>
  /** every trade as QueryTrades would serve it, keyed by trade txid, oldest first */
  krakenTrades(): Record<string, Record<string, unknown>>
  /** the last nonce Kraken accepted for the fake's API key, or null */
  lastNonce(): string | null
  /**
   * Adds a past trade history, as if made on the website: closed orders with their trades at the given times,
   * served by TradesHistory, QueryTrades, ClosedOrders and QueryOrders. Balances are not moved (set them with
   * `balances`). Returns each trade's txids, in the order given.
   */
  seedTrades(trades: SeedTrade[]): SeededTrade[]
  /**
   * Adds one-minute candles of a pair, served by OHLC: [spec] "Returns up to 720 OHLC data points since given
   * timestamp", so only those of the last 720 minutes.
   */
  seedCandles(symbol: string, candles: SeedCandle[]): void
}

/**
 * The error strings the fake sends, in an HTTP 200 answer {"error":[<string>],"result":{}} as [errors] shows
 * (only unknownMethod comes with a 404). Where a value is a function its argument is part of Kraken's message.
 */
export const KRAKEN_ERRORS = {
  // [errors] Authentication errors; [auth]
  invalidKey: 'EAPI:Invalid key',
  invalidSignature: 'EAPI:Invalid signature',
  invalidNonce: 'EAPI:Invalid nonce',
  // [ratelimits] "EAPI:Rate limit exceeded if the REST API counter exceeds the user's maximum"
  rateLimit: 'EAPI:Rate limit exceeded',
  // [errors] General usage errors: "returned when a method is called without the required parameters", e.g.
  // QueryOrders without a valid txid. nautilus_trader issue 3651 shows Kraken answering exactly this to a
  // cl_ord_id that is neither a UUID nor free text of at most 18 characters.
  invalidArguments: 'EGeneral:Invalid arguments',
  // seen from Kraken in public bug reports with the offending AddOrder field appended (":volume", ":type",
  // ":ordertype", ":price", ":viqc", ":postonly"); ccxt's own error table lists ":price", ":volume", ":viqc".
  // The fake uses the same pattern for fields nobody has shown an answer for (":userref", ":oflags", ":ofs",
  // ":start", ":end", ":closetime", ":timeinforce", ":info"): the suffix there is the fake's choice.
  invalidArgument: (field: string) => `EGeneral:Invalid arguments:${field}`,
  // [errors] "EQuery:Unknown asset pair"; Assets answers the asset form
  unknownPair: 'EQuery:Unknown asset pair',
  unknownAsset: 'EQuery:Unknown asset',
  // [errors] Order errors
  orderMinimum: 'EOrder:Order minimum not met',
  costMinimum: 'EOrder:Cost minimum not met',
  insufficientFunds: 'EOrder:Insufficient funds',
  // CancelOrder of an id that is not an open order (ccxt special-cases this string into OrderNotFound)
  unknownOrder: 'EOrder:Unknown order',
  // CancelOrder of a txid that is not one (seen in python3-krakenex issue 110)
  invalidOrder: 'EOrder:Invalid order',
  // the words Kraken was seen to send for too many price decimals (zenbot issue 2645, a pastebin of kraken-api):
  // "Order:Invalid price:XXBTZEUR price can only be specified up to 1 decimals."
  priceDecimals: (pair: string, n: number) =>
    `EOrder:Invalid price:${pair} price can only be specified up to ${String(n)} decimals.`,
  // a price off the tick_size grid; the string is in ccxt's kraken error table
  priceTick: 'EOrder:Invalid price:Invalid price argument',
  // undocumented: [clordid] says Kraken "verifies cl_ord_id uniqueness across open orders" without the wording
  duplicateClOrdId: 'EOrder:Duplicate order',
  // [spec] AssetPairs status cancel_only / post_only / limit_only; ccxt's table lists the first two
  marketMode: (mode: string) => `EService:Market in ${mode} mode`,
  // [errors] Service status errors
  unavailable: 'EService:Unavailable',
  // not a Kraken method; the string (and the 404) is from memory of Kraken's answers, not from the docs
  unknownMethod: 'EGeneral:Unknown method',
} as const

/** Kraken's documented signing algorithm [auth]: base64(HMAC-SHA512(path + SHA256(nonce + body), base64-decode(secret))). */
export function krakenSign(uriPath: string, nonce: string, body: string, secret: string): string {
  const digest = crypto
    .createHash('sha256')
    .update(nonce + body)
    .digest()
  return crypto
    .createHmac('sha512', Buffer.from(secret, 'base64'))
    .update(Buffer.concat([Buffer.from(uriPath), digest]))
    .digest('base64')
}

// ---------------------------------------------------------------------------------------------
// Decimals (never floats for money)
// ---------------------------------------------------------------------------------------------

const D = Decimal.clone({precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -80, toExpPos: 80})
type Dec = Decimal
const ZERO = new D(0)
/** a number as Kraken takes it in a request: plain digits with one optional point */
const DECIMAL_RE = /^\d{1,20}(\.\d{1,30})?$/
const INTEGER_RE = /^-?\d{1,10}$/
const NONCE_RE = /^\d{1,20}$/
const UINT64_MAX = 18446744073709551615n
const unit = (decimals: number) => new D(1).div(new D(10).pow(decimals))
const fix = (d: Dec, decimals: number) => d.toFixed(decimals, Decimal.ROUND_HALF_UP)
const round = (d: Dec, decimals: number) => d.toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP)
const isMultiple = (v: Dec, step: Dec) => v.mod(step).isZero()

// ---------------------------------------------------------------------------------------------
// Fixture data, read once per process
// ---------------------------------------------------------------------------------------------

interface AssetPair {
  altname: string
  wsname: string
  base: string
  quote: string
  cost_decimals: number
  pair_decimals: number
  lot_decimals: number
  fees: number[][]
  fees_maker: number[][]
  ordermin: string
  costmin: string
  tick_size: string
  status: string
  leverage_buy: number[]
  leverage_sell: number[]
  [k: string]: unknown
}

interface AssetInfo {
  aclass: string
  altname: string
  decimals: number
  display_decimals: number
  [k: string]: unknown
}

const DATA_DIR = fileURLToPath(new URL('./data/kraken/', import.meta.url))
const BINANCE_TICKERS_FILE = fileURLToPath(new URL('../../data/binance-spot/ticker-24hr.json', import.meta.url))

/** Which Binance 24h ticker prices each pair (USD pairs from the USDT market); `invert` for USDT/USD. */
const PRICE_SOURCES: Partial<Record<string, {binance: string; invert?: boolean}>> = {
  XXBTZUSD: {binance: 'BTCUSDT'},
  XBTUSDT: {binance: 'BTCUSDT'},
  XBTUSDC: {binance: 'BTCUSDC'},
  XXBTZEUR: {binance: 'BTCEUR'},
  XETHZUSD: {binance: 'ETHUSDT'},
  ETHUSDT: {binance: 'ETHUSDT'},
  ETHUSDC: {binance: 'ETHUSDC'},
  XETHZEUR: {binance: 'ETHEUR'},
  XETHXXBT: {binance: 'ETHBTC'},
  SOLUSD: {binance: 'SOLUSDT'},
  SOLUSDT: {binance: 'SOLUSDT'},
  SOLEUR: {binance: 'SOLEUR'},
  SOLXBT: {binance: 'SOLBTC'},
  XLTCZUSD: {binance: 'LTCUSDT'},
  LTCUSDT: {binance: 'LTCUSDT'},
  XLTCXXBT: {binance: 'LTCBTC'},
  XXRPZUSD: {binance: 'XRPUSDT'},
  XRPUSDT: {binance: 'XRPUSDT'},
  XDGUSD: {binance: 'DOGEUSDT'},
  XDGUSDT: {binance: 'DOGEUSDT'},
  ADAUSD: {binance: 'ADAUSDT'},
  ADAUSDT: {binance: 'ADAUSDT'},
  DOTUSD: {binance: 'DOTUSDT'},
  LINKUSD: {binance: 'LINKUSDT'},
  USDTZUSD: {binance: 'USDCUSDT', invert: true},
  USDCUSD: {binance: 'USDCUSDT'},
  USDCUSDT: {binance: 'USDCUSDT'},
  ZEURZUSD: {binance: 'EURUSDT'},
}

/** A request's parameters, as a method reads them: any of them can be missing. */
type Params = Readonly<Partial<Record<string, string>>>

/** Kraken's legacy altnames that are not the common codes (ccxt's commonCurrencies says the same). */
const CODE_OF_ALTNAME: Record<string, string> = {XBT: 'BTC', XDG: 'DOGE'}

let fixture:
  | {pairs: Record<string, AssetPair>; assets: Record<string, AssetInfo>; binance: Map<string, Record<string, string>>}
  | undefined
function loadFixture() {
  fixture ??= {
    pairs: JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'AssetPairs.json'), 'utf8')) as Record<string, AssetPair>,
    assets: JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'Assets.json'), 'utf8')) as Record<string, AssetInfo>,
    binance: new Map(
      (JSON.parse(fs.readFileSync(BINANCE_TICKERS_FILE, 'utf8')) as Record<string, string>[]).map((t) => [t.symbol, t]),
    ),
  }
  return fixture
}

// ---------------------------------------------------------------------------------------------
// The exchange's state
// ---------------------------------------------------------------------------------------------

interface Market {
  id: string
  info: AssetPair
  symbol: string
  baseCode: string
  quoteCode: string
  tick: Dec
  ordermin: Dec
  costmin: Dec
  /** tier-0 fee rates (fees[0] / fees_maker[0] are percentages [spec]); this account has no 30-day volume */
  taker: Dec
  maker: Dec
}

interface Ticker {
  last: Dec
  lastQty: Dec
  bid: Dec
  bidQty: Dec
  ask: Dec
  askQty: Dec
  open: Dec
  high: Dec
  low: Dec
  volume: Dec
  vwap: Dec
  count: number
}

type Side = 'buy' | 'sell'
type Status = 'pending' | 'open' | 'closed' | 'canceled' | 'expired'

interface Trade {
  txid: string
  order: Order
  tradeId: number
  time: number
  price: Dec
  vol: Dec
  /** vol x price, rounded to cost_decimals as Kraken reports it */
  cost: Dec
  /** in quote terms, as Kraken reports it [spec: "Total fee (quote currency)"] */
  fee: Dec
  maker: boolean
}

interface Order {
  txid: string
  seq: number
  market: Market
  side: Side
  ordertype: 'market' | 'limit'
  /** the volume as asked: base, or quote for a viqc market buy */
  vol: Dec
  viqc: boolean
  price: Dec | undefined
  oflags: string[]
  feeInBase: boolean
  post: boolean
  userref: number | null
  clOrdId: string | null
  status: Status
  reason: string | null
  opentm: number
  closetm: number | undefined
  volExec: Dec
  /** sum of fill vol x price, unrounded */
  exactCost: Dec
  /** reported fee, quote terms, sum of the trades' fees */
  fee: Dec
  /** what the ledger was charged in feeAsset (asset decimals) */
  feeCharged: Dec
  feeAsset: string
  /** funds held for the open remainder, in holdAsset */
  hold: Dec
  holdAsset: string
  trades: Trade[]
}

interface Balance {
  balance: Dec
  hold: Dec
}

/** a request rejected the Kraken way: HTTP 200 (unless said otherwise) and the error string */
class KrakenError extends Error {
  constructor(
    message: string,
    readonly status = 200,
  ) {
    super(message)
  }
}

/** a valid request for a part of Kraken this fake does not model: a loud 501 "EFake:Not modelled:...", never a pretend answer */
class NotModelled extends Error {}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
/** Kraken's txids look like "OUF4EM-FRGI2-MQMWZD": a letter, then base32 characters in 6-5-6 groups [spec examples] */
const TXID_RE = /^[A-Z][A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/
// [clordid] "Long UUID: 32 hex characters separated with 4 dashes; Short UUID: 32 hex characters with no dashes;
// Free text: Free format ascii text up to 18 characters"
const LONG_UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const SHORT_UUID_RE = /^[0-9a-fA-F]{32}$/
const FREE_TEXT_RE = /^[\x20-\x7e]{1,18}$/
/** every trade in the [spec] examples names the same position txid although none is a margin trade */
const NO_POSITION = 'TKH2SE-M7IF5-CFI7LT'
const ORDER_TYPES = new Set([
  'market',
  'limit',
  'iceberg',
  'stop-loss',
  'take-profit',
  'stop-loss-limit',
  'take-profit-limit',
  'trailing-stop',
  'trailing-stop-limit',
  'settle-position',
])
const OFLAGS = new Set(['post', 'fcib', 'fciq', 'nompp', 'viqc'])
let instances = 0

export function isValidClOrdId(v: string): boolean {
  return LONG_UUID_RE.test(v) || SHORT_UUID_RE.test(v) || (v.length <= 18 && FREE_TEXT_RE.test(v) && v.length !== 0)
}

export async function startFakeKraken(opts: FakeKrakenOptions = {}): Promise<FakeKraken> {
  const apiKey = opts.apiKey ?? 'fake-kraken-key'
  const secret = opts.secret ?? DEFAULT_SECRET
  const {pairs, assets, binance} = loadFixture()
  const assetById = new Map(Object.entries(assets))
  const instance = ++instances

  // ---- markets ---------------------------------------------------------------------------------
  const codeOf = (assetId: string) => {
    const a = assetById.get(assetId)
    if (!a) throw new Error(`fake-kraken: fixture pair uses unknown asset ${assetId}`)
    return CODE_OF_ALTNAME[a.altname] ?? a.altname
  }
  const assetIdByCode = new Map(Object.keys(assets).map((id) => [codeOf(id), id]))
  const markets = new Map<string, Market>()
  const marketByName = new Map<string, Market>()
  const bySymbol = new Map<string, Market>()
  for (const [id, info] of Object.entries(pairs)) {
    const m: Market = {
      id,
      info,
      symbol: `${codeOf(info.base)}/${codeOf(info.quote)}`,
      baseCode: codeOf(info.base),
      quoteCode: codeOf(info.quote),
      tick: new D(info.tick_size),
      ordermin: new D(info.ordermin),
      costmin: new D(info.costmin),
      taker: new D(info.fees.at(0)?.at(1) ?? 0).div(100),
      maker: new D((info.fees_maker.at(0) ?? info.fees.at(0))?.at(1) ?? 0).div(100),
    }
    markets.set(id, m)
    bySymbol.set(m.symbol, m)
    // AddOrder "pair: Asset pair id or altname"; AssetPairs' own example asks for "BTC/USD,ETH/BTC" [spec]
    for (const name of [id, info.altname, info.wsname, m.symbol]) marketByName.set(name, m)
  }
  const findMarket = (name: string | undefined) => (name === undefined ? undefined : marketByName.get(name))

  // ---- prices ----------------------------------------------------------------------------------
  const tickers = new Map<string, Ticker>()
  for (const m of markets.values()) tickers.set(m.id, seedTicker(m))
  /** the market's ticker (every market has one from the start) */
  const tickerOf = (m: Market): Ticker => {
    const t = tickers.get(m.id)
    if (!t) throw new Error(`fake-kraken: no ticker for ${m.id}`)
    return t
  }

  function seedTicker(m: Market): Ticker {
    const src = PRICE_SOURCES[m.id]
    const b = src && binance.get(src.binance)
    if (!src || !b) throw new Error(`fake-kraken: no Binance price for ${m.id}`)
    const inv = (s: string) => (src.invert ? new D(1).div(s) : new D(s))
    const toTick = (v: Dec, r: Decimal.Rounding) => v.div(m.tick).toDecimalPlaces(0, r).mul(m.tick)
    // inverting swaps the sides: 1 / (the ask of USDC-USDT) is the bid of USDT/USD
    const rawBid = src.invert ? inv(b.askPrice) : inv(b.bidPrice)
    const rawAsk = src.invert ? inv(b.bidPrice) : inv(b.askPrice)
    const bid = toTick(rawBid, Decimal.ROUND_DOWN)
    let ask = toTick(rawAsk, Decimal.ROUND_UP)
    if (ask.lte(bid)) ask = bid.add(m.tick)
    const lots = (s: string) => D.max(round(new D(s), m.info.lot_decimals), unit(m.info.lot_decimals))
    const lo = inv(src.invert ? b.highPrice : b.lowPrice)
    const hi = inv(src.invert ? b.lowPrice : b.highPrice)
    return {
      last: toTick(inv(b.lastPrice), Decimal.ROUND_HALF_UP),
      lastQty: lots(b.lastQty),
      bid,
      bidQty: lots(b.bidQty),
      ask,
      askQty: lots(b.askQty),
      open: toTick(inv(b.openPrice), Decimal.ROUND_HALF_UP),
      high: toTick(hi, Decimal.ROUND_HALF_UP),
      low: toTick(lo, Decimal.ROUND_HALF_UP),
      volume: round(new D(b.volume), m.info.lot_decimals),
      vwap: toTick(inv(b.weightedAvgPrice), Decimal.ROUND_HALF_UP),
      count: Number(b.count),
    }
  }

  // ---- balances --------------------------------------------------------------------------------
  const balances = new Map<string, Balance>()
  const bal = (assetId: string): Balance => {
    let b = balances.get(assetId)
    if (!b) {
      b = {balance: ZERO, hold: ZERO}
      balances.set(assetId, b)
    }
    return b
  }
  // looking does not create: BalanceEx lists only assets the account has held
  const available = (assetId: string) => {
    const b = balances.get(assetId)
    return b ? b.balance.sub(b.hold) : ZERO
  }
  const assetDecimals = (assetId: string) => {
    const a = assetById.get(assetId)
    if (!a) throw new Error(`fake-kraken: unknown asset ${assetId}`)
    return a.decimals
  }
  for (const [code, amount] of Object.entries(opts.balances ?? {USD: '10000'})) {
    const id = assetIdByCode.get(code)
    if (!id) throw new Error(`fake-kraken: no asset for balance code ${code}`)
    if (!DECIMAL_RE.test(amount)) throw new Error(`fake-kraken: bad balance ${code}=${amount}`)
    bal(id).balance = new D(amount)
  }

  // ---- orders and trades -----------------------------------------------------------------------
  const orders: Order[] = []
  const trades: Trade[] = []
  let seq = 0
  let tradeSeq = 0
  let tradeIdSeq = 40274858
  // Kraken stamps orders and trades in seconds with a fraction to the microsecond or so (1705260464.9731748 in a
  // real answer): a millisecond clock would give two quick orders one opentm, and start/end could not part them
  let lastMicros = 0
  const nowSeconds = () => {
    lastMicros = Math.max(Math.round((performance.timeOrigin + performance.now()) * 1000), lastMicros + 1)
    return lastMicros / 1e6
  }

  const newTxid = (prefix: 'O' | 'T', n: number) => {
    const h = crypto
      .createHash('sha256')
      .update(`fake-kraken:${String(instance)}:${prefix}:${String(n)}`)
      .digest()
    let s = prefix
    for (let i = 0; s.length < 17; i++) s += B32[h[i] & 31]
    return `${s.slice(0, 6)}-${s.slice(6, 11)}-${s.slice(11, 17)}`
  }
  const isOpen = (o: Order) => o.status === 'open' || o.status === 'pending'

  /**
   * What a fill debits from the paying asset, at the asset's record-keeping decimals ([spec] Assets `decimals`:
   * "Number of decimal places for record keeping amounts of this asset"): the quote cost plus the fee for a buy,
   * the base volume (plus the fee with fcib) for a sell.
   */
  function fillAmounts(m: Market, side: Side, vol: Dec, px: Dec, rate: Dec, feeInBase: boolean) {
    const cd = m.info.cost_decimals
    const exactCost = vol.mul(px)
    let fee = round(exactCost.mul(rate), cd)
    // [fees] "There is a minimum trade fee entered as the minimum amount as per precision on that pair"
    if (rate.gt(0) && fee.lt(unit(cd))) fee = unit(cd)
    const qd = assetDecimals(m.info.quote)
    const bd = assetDecimals(m.info.base)
    let feeBase = round(vol.mul(rate), bd)
    if (rate.gt(0) && feeBase.lt(unit(m.info.lot_decimals))) feeBase = unit(m.info.lot_decimals)
    const costLedger = round(exactCost, qd)
    const feeLedger = feeInBase ? feeBase : round(fee, qd)
    const pays = side === 'buy' ? m.info.quote : m.info.base
    const debit = side === 'buy' ? costLedger.add(feeInBase ? 0 : feeLedger) : vol.add(feeInBase ? feeLedger : 0)
    return {exactCost, cost: round(exactCost, cd), fee, feeLedger, costLedger, pays, debit}
  }

  function fill(o: Order, vol: Dec, px: Dec, maker: boolean, now: number): void {
    const m = o.market
    const a = fillAmounts(m, o.side, vol, px, maker ? m.maker : m.taker, o.feeInBase)
    // the order's own hold goes first: whatever the fill costs is then taken from the balance
    if (!o.hold.isZero()) {
      bal(o.holdAsset).hold = bal(o.holdAsset).hold.sub(o.hold)
      o.hold = ZERO
    }
    const base = bal(m.info.base)
    const quote = bal(m.info.quote)
    if (o.side === 'buy') {
      quote.balance = quote.balance.sub(a.debit)
      base.balance = base.balance.add(vol).sub(o.feeInBase ? a.feeLedger : 0)
    } else {
      base.balance = base.balance.sub(a.debit)
      quote.balance = quote.balance.add(a.costLedger).sub(o.feeInBase ? 0 : a.feeLedger)
    }
    o.volExec = o.volExec.add(vol)
    o.exactCost = o.exactCost.add(a.exactCost)
    o.fee = o.fee.add(a.fee)
    o.feeCharged = o.feeCharged.add(a.feeLedger)
    tradeSeq += 1
    tradeIdSeq += 1
    const txid = newTxid('T', tradeSeq)
    const t: Trade = {txid, order: o, tradeId: tradeIdSeq, time: now, price: px, vol, cost: a.cost, fee: a.fee, maker}
    o.trades.push(t)
    trades.push(t)
  }

  function close(o: Order, status: Status, reason: string | null, now: number): void {
    if (!o.hold.isZero()) {
      bal(o.holdAsset).hold = bal(o.holdAsset).hold.sub(o.hold)
      o.hold = ZERO
    }
    o.status = status
    o.reason = reason
    o.closetm = now
  }

  /** Resting orders the book now crosses fill completely at their own price, as makers. */
  function matchResting(m: Market): void {
    const t = tickerOf(m)
    const now = nowSeconds()
    for (const o of orders) {
      if (o.market !== m || !isOpen(o) || o.price === undefined) continue
      const crosses = o.side === 'buy' ? t.ask.gt(0) && t.ask.lte(o.price) : t.bid.gt(0) && t.bid.gte(o.price)
      if (!crosses) continue
      fill(o, o.vol.sub(o.volExec), o.price, true, now)
      close(o, 'closed', null, now)
    }
  }

  // ---- a history made outside tradedesk ---------------------------------------------------------

  function seedTrades(seeds: SeedTrade[]): SeededTrade[] {
    const decimal = (what: string, v: string, decimals: number) => {
      if (!DECIMAL_RE.test(v) || new D(v).decimalPlaces() > decimals)
        throw new Error(`fake-kraken: seedTrades: bad ${what} ${v} (at most ${String(decimals)} decimals)`)
      return new D(v)
    }
    const grouped = new Map<string, Order>()
    const out: SeededTrade[] = []
    for (const t of seeds) {
      const m = findMarket(t.symbol)
      if (!m) throw new Error(`fake-kraken: seedTrades: unknown pair ${t.symbol}`)
      if (t.feeCurrency !== m.quoteCode)
        throw new Error(`fake-kraken: seedTrades: TradesHistory states fees in the quote (${m.quoteCode})`)
      if (!Number.isSafeInteger(t.time) || t.time <= 0)
        throw new Error(`fake-kraken: seedTrades: bad time ${String(t.time)}`)
      const {info} = m
      const vol = decimal('amount', t.amount, info.lot_decimals)
      const px = decimal('price', t.price, Math.max(info.pair_decimals, 5))
      const fee = decimal('fee', t.fee, info.cost_decimals)
      const time = t.time / 1000
      const ordertype = t.type ?? 'market'
      const key = t.orderId === undefined ? undefined : `${m.id}:${t.orderId}`
      let o = key === undefined ? undefined : grouped.get(key)
      if (o && (o.side !== t.side || o.ordertype !== ordertype))
        throw new Error(`fake-kraken: seedTrades: order ${String(t.orderId)} mixes sides or types`)
      if (!o) {
        seq += 1
        o = {
          txid: newTxid('O', seq),
          seq,
          market: m,
          side: t.side,
          ordertype,
          vol: ZERO,
          viqc: false,
          price: ordertype === 'limit' ? px : undefined,
          oflags: ['fciq'],
          feeInBase: false,
          post: false,
          userref: null,
          clOrdId: null,
          status: 'closed',
          reason: null,
          opentm: time,
          closetm: time,
          volExec: ZERO,
          exactCost: ZERO,
          fee: ZERO,
          feeCharged: ZERO,
          feeAsset: info.quote,
          hold: ZERO,
          holdAsset: t.side === 'buy' ? info.quote : info.base,
          trades: [],
        }
        orders.push(o)
        if (key !== undefined) grouped.set(key, o)
      }
      const exactCost = vol.mul(px)
      o.vol = o.vol.add(vol)
      o.volExec = o.volExec.add(vol)
      o.exactCost = o.exactCost.add(exactCost)
      o.fee = o.fee.add(fee)
      o.feeCharged = o.feeCharged.add(round(fee, assetDecimals(info.quote)))
      o.closetm = Math.max(o.closetm ?? time, time)
      o.opentm = Math.min(o.opentm, time)
      tradeSeq += 1
      tradeIdSeq += 1
      const trade: Trade = {
        txid: newTxid('T', tradeSeq),
        order: o,
        tradeId: tradeIdSeq,
        time,
        price: px,
        vol,
        cost: round(exactCost, info.cost_decimals),
        fee,
        maker: t.maker === true,
      }
      o.trades.push(trade)
      trades.push(trade)
      out.push({id: trade.txid, orderId: o.txid})
    }
    return out
  }

  const candles = new Map<string, Map<number, SeedCandle>>()

  function seedCandles(symbol: string, list: SeedCandle[]): void {
    const m = findMarket(symbol)
    if (!m) throw new Error(`fake-kraken: seedCandles: unknown pair ${symbol}`)
    let byTime = candles.get(m.id)
    if (!byTime) {
      byTime = new Map()
      candles.set(m.id, byTime)
    }
    for (const c of list) {
      if (!Number.isSafeInteger(c.time) || c.time % 60_000 !== 0)
        throw new Error(`fake-kraken: seedCandles: ${String(c.time)} is not the start of a minute`)
      for (const v of [c.open, c.high, c.low, c.close, c.volume ?? '0'])
        if (!DECIMAL_RE.test(v)) throw new Error(`fake-kraken: seedCandles: bad number ${v}`)
      byTime.set(c.time, {...c})
    }
  }

  /**
   * [spec] OHLC: pair required, interval in minutes (1, 5, 15, 30, 60, 240, 1440, 10080, 21600; default 1), since;
   * "Returns up to 720 OHLC data points since given timestamp"; each [time, open, high, low, close, vwap, volume,
   * count], and `last`, the id to poll from. Only the seeded one-minute candles of the last 720 minutes exist here
   * (INFERRED: since is exclusive, as for the other `since` parameters).
   */
  function ohlc(p: Params): unknown {
    if (!p.pair) throw bad()
    const [m] = pairsParam(p.pair)
    const interval = p.interval ?? '1'
    if (!['1', '5', '15', '30', '60', '240', '1440', '10080', '21600'].includes(interval)) throw bad('interval')
    if (interval !== '1') throw new NotModelled(`OHLC interval ${interval}`)
    const since = p.since === undefined || p.since === '' ? undefined : Number(p.since)
    if (since !== undefined && !Number.isFinite(since)) throw bad('since')
    const oldest = (Math.floor(Date.now() / 60_000) - 720) * 60_000
    const rows = [...(candles.get(m.id)?.values() ?? [])]
      .filter((c) => c.time > oldest && (since === undefined || c.time / 1000 > since))
      .sort((a, b) => a.time - b.time)
      .map((c) => [c.time / 1000, c.open, c.high, c.low, c.close, c.close, c.volume ?? '0', 0])
    const lastRow = rows.at(-1)
    return {[m.id]: rows, last: lastRow ? lastRow[0] : Math.floor(oldest / 1000)}
  }

  // ---- request parameters ----------------------------------------------------------------------

  const bad = (field?: string) =>
    new KrakenError(field ? KRAKEN_ERRORS.invalidArgument(field) : KRAKEN_ERRORS.invalidArguments)
  const isTrue = (v: string | undefined) => v === 'true' || v === '1' || v === 'True'

  /** userref [spec]: "type: integer, format: int32" */
  function userrefParam(p: Params): number | undefined {
    const v = p.userref
    if (v === undefined || v === '') return undefined
    if (!INTEGER_RE.test(v)) throw bad('userref')
    const n = Number(v)
    if (n < -2147483648 || n > 2147483647) throw bad('userref')
    return n
  }

  /** start / end [spec]: "unix timestamp or order tx ID"; a txid stands for that order's opentm */
  function timeParam(p: Params, name: string, timeOf: (txid: string) => number | undefined): number | undefined {
    const v = p[name]
    if (v === undefined || v === '') return undefined
    if (TXID_RE.test(v)) {
      const t = timeOf(v)
      if (t === undefined) throw bad(name)
      return t
    }
    if (!/^\d{1,12}(\.\d+)?$/.test(v)) throw bad(name)
    return Number(v)
  }

  function ofsParam(p: Params): number {
    const v = p.ofs
    if (v === undefined || v === '') return 0
    if (!/^\d{1,9}$/.test(v)) throw bad('ofs')
    return Number(v)
  }

  // ---- AddOrder --------------------------------------------------------------------------------

  /** a market order has no price: `price` is undefined exactly when ordertype is 'market' */
  function describe(o: {market: Market; side: Side; vol: Dec; price: Dec | undefined}): string {
    const {info} = o.market
    const at = o.price === undefined ? 'market' : `limit ${fix(o.price, info.pair_decimals)}`
    return `${o.side} ${fix(o.vol, info.lot_decimals)} ${info.altname} @ ${at}`
  }

  function addOrder(p: Params): unknown {
    // [spec] add.yaml required: nonce, pair, type, ordertype, volume
    if (!p.pair) throw bad()
    const m = findMarket(p.pair)
    if (!m) throw new KrakenError(KRAKEN_ERRORS.unknownPair)
    const side = p.type
    if (side !== 'buy' && side !== 'sell') throw bad('type')
    const ordertype = p.ordertype
    if (!ordertype || !ORDER_TYPES.has(ordertype)) throw bad('ordertype')
    if (ordertype !== 'market' && ordertype !== 'limit') throw new NotModelled(`ordertype ${ordertype}`)

    // [spec] userref / cl_ord_id: "This field is mutually exclusive with <the other> parameter."
    const userref = userrefParam(p)
    const clOrdId = p.cl_ord_id === undefined || p.cl_ord_id === '' ? null : p.cl_ord_id
    if (clOrdId !== null && userref !== undefined) throw bad()
    // [clordid] three formats; nautilus_trader issue 3651: anything else gets "EGeneral:Invalid arguments"
    if (clOrdId !== null && !isValidClOrdId(clOrdId)) throw bad()

    // [spec] oflags: post, fcib, fciq (mutually exclusive with fcib), nompp, viqc
    const oflags = (p.oflags ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    if (oflags.some((f) => !OFLAGS.has(f))) throw bad('oflags')
    if (oflags.includes('fcib') && oflags.includes('fciq')) throw bad('oflags')
    const viqc = oflags.includes('viqc')
    const post = oflags.includes('post')
    // [spec] viqc "is supported only for buy market orders"; post "available when ordertype = limit"
    if (viqc && (side !== 'buy' || ordertype !== 'market')) throw bad('viqc')
    if (post && ordertype !== 'limit') throw bad('postonly')

    const tif = p.timeinforce ?? 'GTC'
    if (!['GTC', 'IOC', 'GTD'].includes(tif)) throw bad('timeinforce')
    if (tif !== 'GTC') throw new NotModelled(`timeinforce ${tif}`)
    for (const name of ['starttm', 'expiretm'])
      if (p[name] !== undefined && p[name] !== '0') throw new NotModelled(name)
    if (p.leverage !== undefined && p.leverage !== 'none') throw new NotModelled('leverage (margin orders)')
    if (isTrue(p.reduce_only)) throw new NotModelled('reduce_only')
    if (Object.keys(p).some((k) => k.startsWith('close'))) throw new NotModelled('conditional close')

    // [spec] AssetPairs status: online, cancel_only, post_only, limit_only, reduce_only
    const status = m.info.status
    if (status === 'cancel_only' || status === 'reduce_only') throw new KrakenError(KRAKEN_ERRORS.marketMode(status))
    if (status === 'post_only' && !post) throw new KrakenError(KRAKEN_ERRORS.marketMode(status))
    if (status === 'limit_only' && ordertype !== 'limit') throw new KrakenError(KRAKEN_ERRORS.marketMode(status))

    // volume: base units to lot_decimals ([spec] "Number of decimal places for volume (base asset terms)"); with
    // viqc it is money, to cost_decimals ("Number of decimal places for cost of trades in pair (quote asset terms)")
    const volRaw = p.volume
    if (volRaw === undefined || !DECIMAL_RE.test(volRaw) || new D(volRaw).lte(0)) throw bad('volume')
    const vol = new D(volRaw)
    if (vol.decimalPlaces() > (viqc ? m.info.cost_decimals : m.info.lot_decimals)) throw bad('volume')

    let price: Dec | undefined
    if (ordertype === 'limit') {
      const raw = p.price
      if (raw === undefined || !DECIMAL_RE.test(raw) || new D(raw).lte(0)) throw bad('price')
      price = new D(raw)
      // [spec] pair_decimals "Number of decimal places for prices in this pair"; tick_size "Minimum increment
      // between valid price levels"
      if (price.decimalPlaces() > m.info.pair_decimals)
        throw new KrakenError(KRAKEN_ERRORS.priceDecimals(p.pair, m.info.pair_decimals))
      if (!isMultiple(price, m.tick)) throw new KrakenError(KRAKEN_ERRORS.priceTick)
    }

    // from here on, price is undefined exactly when the order is a market order
    const t = tickerOf(m)
    const bookPx = side === 'buy' ? t.ask : t.bid
    const crosses = price === undefined || (side === 'buy' ? t.ask.lte(price) : t.bid.gte(price))
    const execPx = price === undefined || crosses ? bookPx : price
    // with viqc the base bought is what the money buys at the ask, down to lot_decimals
    const baseVol = viqc ? vol.div(bookPx).toDecimalPlaces(m.info.lot_decimals, Decimal.ROUND_DOWN) : vol

    // [spec] ordermin "Minimum order size (in terms of base currency)"; costmin "Minimum order cost (in terms of
    // quote currency)"; [errors] "EOrder:Order minimum not met", "EOrder:Cost minimum not met"
    if (baseVol.lt(m.ordermin)) throw new KrakenError(KRAKEN_ERRORS.orderMinimum)
    if ((viqc ? vol : baseVol.mul(price ?? bookPx)).lt(m.costmin)) {
      throw new KrakenError(KRAKEN_ERRORS.costMinimum)
    }

    // [clordid] "Kraken verifies cl_ord_id uniqueness across open orders for each client"
    if (clOrdId !== null && orders.some((o) => isOpen(o) && o.clOrdId === clOrdId))
      throw new KrakenError(KRAKEN_ERRORS.duplicateClOrdId)

    // funds: what the order would debit if it filled now as a taker at the price it may trade at; a resting
    // order holds that much ([spec] BalanceEx: "available balance = balance + credit - credit_used - hold_trade")
    const feeInBase = oflags.includes('fcib')
    const need = fillAmounts(m, side, baseVol, execPx, m.taker, feeInBase)
    if (need.debit.gt(available(need.pays))) throw new KrakenError(KRAKEN_ERRORS.insufficientFunds)

    const descr = {order: describe({market: m, side, vol, price})}
    // [spec] validate: "If set to true the order will be validated only, it will not trade in the matching engine"
    if (isTrue(p.validate)) return {descr}

    const now = nowSeconds()
    seq += 1
    const o: Order = {
      txid: newTxid('O', seq),
      seq,
      market: m,
      side,
      ordertype,
      vol,
      viqc,
      price,
      // what QueryOrders shows: the flags as given, plus the fee currency Kraken picked when none was asked
      oflags: oflags.includes('fcib') || oflags.includes('fciq') ? oflags : [...oflags, 'fciq'],
      feeInBase,
      post,
      userref: userref ?? null,
      clOrdId,
      status: 'open',
      reason: null,
      opentm: now,
      closetm: undefined,
      volExec: ZERO,
      exactCost: ZERO,
      fee: ZERO,
      feeCharged: ZERO,
      feeAsset: feeInBase ? m.info.base : m.info.quote,
      hold: ZERO,
      holdAsset: need.pays,
      trades: [],
    }
    orders.push(o)

    if (ordertype === 'market' || crosses) {
      if (post) {
        // [spec] post: "post-only order"; one that would take is cancelled instead of trading
        close(o, 'canceled', 'Post only order', now)
      } else {
        fill(o, baseVol, execPx, false, now)
        close(o, 'closed', null, now)
      }
    } else {
      o.hold = need.debit
      bal(need.pays).hold = bal(need.pays).hold.add(need.debit)
    }
    // [spec] AddOrder answers the description and the txid array only: no status, no fills
    return {descr, txid: [o.txid]}
  }

  // ---- order and trade views, in Kraken's words -------------------------------------------------

  function orderJson(o: Order, withTrades: boolean): Record<string, unknown> {
    const {info} = o.market
    const cd = info.cost_decimals
    const pd = info.pair_decimals
    const j: Record<string, unknown> = {
      refid: null,
      // a cl_ord_id order has no userref; an order with neither shows userref 0 [spec examples]
      userref: o.clOrdId !== null ? null : (o.userref ?? 0),
    }
    if (o.clOrdId !== null) j.cl_ord_id = o.clOrdId
    j.status = o.status
    if (!isOpen(o)) j.reason = o.reason
    j.opentm = o.opentm
    if (o.closetm !== undefined) j.closetm = o.closetm
    j.starttm = 0
    j.expiretm = 0
    j.descr = {
      pair: info.altname,
      type: o.side,
      ordertype: o.ordertype,
      price: o.price === undefined ? '0' : fix(o.price, pd),
      price2: '0',
      leverage: 'none',
      order: describe(o),
      close: '',
    }
    j.vol = fix(o.vol, info.lot_decimals)
    j.vol_exec = fix(o.volExec, info.lot_decimals)
    j.cost = fix(o.exactCost, cd)
    j.fee = fix(o.fee, cd)
    // average price, to pair_decimals; zero prices print with cost_decimals as in Kraken's answers
    j.price = o.volExec.isZero() ? fix(ZERO, cd) : fix(o.exactCost.div(o.volExec), pd)
    j.stopprice = fix(ZERO, cd)
    j.limitprice = fix(ZERO, cd)
    j.misc = ''
    j.oflags = o.oflags.join(',')
    if (withTrades && o.trades.length > 0) j.trades = o.trades.map((t) => t.txid)
    return j
  }

  /** trade prices print with at least 5 decimals, costs and fees with cost_decimals ([spec] TradesHistory examples) */
  function tradeJson(t: Trade): Record<string, unknown> {
    const {info} = t.order.market
    const cd = info.cost_decimals
    return {
      ordertxid: t.order.txid,
      postxid: NO_POSITION,
      pair: t.order.market.id,
      aclass: 'currency',
      time: t.time,
      type: t.order.side,
      ordertype: t.order.ordertype,
      price: fix(t.price, Math.max(info.pair_decimals, 5)),
      cost: fix(t.cost, cd),
      fee: fix(t.fee, cd),
      vol: fix(t.vol, info.lot_decimals),
      margin: fix(ZERO, cd),
      leverage: '0',
      misc: '',
      trade_id: t.tradeId,
      maker: t.maker,
    }
  }

  function tickerJson(m: Market): Record<string, unknown> {
    const t = tickerOf(m)
    const px = (d: Dec) => fix(d, Math.max(m.info.pair_decimals, 5))
    const lots = (d: Dec) => fix(d, m.info.lot_decimals)
    // [spec] ticker: a/b [price, whole lot volume, lot volume], c [price, lot volume], v/p/t/l/h [today, 24h], o
    const whole = (d: Dec) => d.toDecimalPlaces(0, Decimal.ROUND_DOWN).toFixed(0)
    return {
      a: [px(t.ask), whole(t.askQty), fix(t.askQty, 3)],
      b: [px(t.bid), whole(t.bidQty), fix(t.bidQty, 3)],
      c: [px(t.last), lots(t.lastQty)],
      v: [lots(t.volume), lots(t.volume)],
      p: [px(t.vwap), px(t.vwap)],
      t: [t.count, t.count],
      l: [px(t.low), px(t.low)],
      h: [px(t.high), px(t.high)],
      o: px(t.open),
    }
  }

  // ---- private endpoints -----------------------------------------------------------------------

  const orderByTxid = (txid: string) => orders.find((o) => o.txid === txid)

  function orderFilter(p: Params) {
    const userref = userrefParam(p)
    const clOrdId = p.cl_ord_id === undefined || p.cl_ord_id === '' ? undefined : p.cl_ord_id
    return (o: Order) =>
      (userref === undefined || o.userref === userref) && (clOrdId === undefined || o.clOrdId === clOrdId)
  }

  function closedOrders(p: Params): unknown {
    const matches = orderFilter(p)
    const opentmOf = (txid: string) => orderByTxid(txid)?.opentm
    const start = timeParam(p, 'start', opentmOf)
    const end = timeParam(p, 'end', opentmOf)
    const ofs = ofsParam(p)
    const closetime = p.closetime ?? 'both'
    if (!['open', 'close', 'both'].includes(closetime)) throw bad('closetime')
    const inRange = (t: number | undefined) =>
      t !== undefined && (start === undefined || t > start) && (end === undefined || t <= end)
    const when = (o: Order) =>
      closetime === 'open'
        ? inRange(o.opentm)
        : closetime === 'close'
          ? inRange(o.closetm)
          : inRange(o.opentm) || inRange(o.closetm)
    const list = orders
      .filter((o) => !isOpen(o) && matches(o) && when(o))
      .sort((a, b) => b.opentm - a.opentm || b.seq - a.seq)
    // [spec] ClosedOrders: "50 results are returned at a time, the most recent by default"; count is the total
    const closed: Record<string, unknown> = {}
    for (const o of list.slice(ofs, ofs + 50)) closed[o.txid] = orderJson(o, isTrue(p.trades))
    return isTrue(p.without_count) ? {closed} : {closed, count: list.length}
  }

  function queryOrders(p: Params): unknown {
    const userref = userrefParam(p)
    // [spec] query.yaml: txid required, "comma delimited list of up to 50 ids"; [errors] calling QueryOrders
    // "without specifying a valid transaction id (txid) parameter" is EGeneral:Invalid arguments
    const ids = (p.txid ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    if (ids.length === 0 || ids.length > 50 || ids.some((id) => !TXID_RE.test(id))) throw bad()
    const result: Record<string, unknown> = {}
    // an id that is well formed but not one of this account's orders is left out of the result (undocumented; ccxt's
    // fetchOrder checks for exactly that and raises OrderNotFound)
    for (const id of ids) {
      const o = orderByTxid(id)
      if (o && (userref === undefined || o.userref === userref)) result[id] = orderJson(o, isTrue(p.trades))
    }
    return result
  }

  function tradesHistory(p: Params): unknown {
    const timeOfTrade = (txid: string) => trades.find((t) => t.txid === txid)?.time
    const start = timeParam(p, 'start', timeOfTrade)
    const end = timeParam(p, 'end', timeOfTrade)
    const ofs = ofsParam(p)
    const type = p.type ?? 'all'
    if (!['all', 'any position', 'closed position', 'closing position', 'no position'].includes(type)) throw bad('type')
    // spot trades open no position: only 'all' and 'no position' list them
    const list = (type === 'all' || type === 'no position' ? trades : [])
      .filter((t) => (start === undefined || t.time > start) && (end === undefined || t.time <= end))
      .sort((a, b) => b.time - a.time || b.tradeId - a.tradeId)
    const out: Record<string, unknown> = {}
    for (const t of list.slice(ofs, ofs + 50)) out[t.txid] = tradeJson(t)
    return {trades: out, count: list.length}
  }

  function queryTrades(p: Params): unknown {
    // [spec] QueryTrades: txid required, "Comma delimited list of transaction IDs to query info about (20 maximum)"
    const ids = (p.txid ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    if (ids.length === 0 || ids.length > 20 || ids.some((id) => !TXID_RE.test(id))) throw bad()
    const out: Record<string, unknown> = {}
    for (const id of ids) {
      const t = trades.find((x) => x.txid === id)
      if (t) out[id] = tradeJson(t)
    }
    return out
  }

  function cancelOrder(p: Params): unknown {
    // [spec] CancelOrder: "by txid, userref or cl_ord_id"; txid is "Kraken order identifier (txid) or user
    // reference (userref)"
    const txid = p.txid === undefined || p.txid === '' ? undefined : p.txid
    const clOrdId = p.cl_ord_id === undefined || p.cl_ord_id === '' ? undefined : p.cl_ord_id
    // exactly one of the two
    if (txid !== undefined && clOrdId !== undefined) throw bad()
    let targets: Order[]
    if (clOrdId !== undefined) targets = orders.filter((o) => o.clOrdId === clOrdId && isOpen(o))
    else if (txid === undefined) throw bad()
    else if (TXID_RE.test(txid)) {
      const o = orderByTxid(txid)
      targets = o && isOpen(o) ? [o] : []
    } else if (INTEGER_RE.test(txid)) targets = orders.filter((o) => o.userref === Number(txid) && isOpen(o))
    else throw new KrakenError(KRAKEN_ERRORS.invalidOrder)
    if (targets.length === 0) throw new KrakenError(KRAKEN_ERRORS.unknownOrder)
    const now = nowSeconds()
    for (const o of targets) close(o, 'canceled', 'User requested', now)
    return {count: targets.length}
  }

  function balanceEx(): unknown {
    const out: Record<string, unknown> = {}
    for (const [id, b] of balances) {
      const d = assetDecimals(id)
      // [spec] balanceex.yaml: balance and hold_trade are strings
      out[id] = {balance: fix(b.balance, d), hold_trade: fix(b.hold, d)}
    }
    return out
  }

  const privateRoutes: Partial<Record<string, {counter: number; handler: (p: Params) => unknown}>> = {
    Balance: {
      counter: 1,
      handler: () => Object.fromEntries([...balances].map(([id, b]) => [id, fix(b.balance, assetDecimals(id))])),
    },
    BalanceEx: {counter: 1, handler: balanceEx},
    OpenOrders: {
      counter: 1,
      handler: (p) => {
        const matches = orderFilter(p)
        const open: Record<string, unknown> = {}
        for (const o of [...orders].reverse())
          if (isOpen(o) && matches(o)) open[o.txid] = orderJson(o, isTrue(p.trades))
        return {open}
      },
    },
    ClosedOrders: {counter: 1, handler: closedOrders},
    QueryOrders: {counter: 1, handler: queryOrders},
    // [ratelimits] "Ledger/trade history calls increase the counter by 2"
    TradesHistory: {counter: 2, handler: tradesHistory},
    QueryTrades: {counter: 1, handler: queryTrades},
    // [ratelimits] "except AddOrder, CancelOrder which operate on a different limiter"
    AddOrder: {counter: 0, handler: addOrder},
    CancelOrder: {counter: 0, handler: cancelOrder},
    CancelAll: {
      counter: 0,
      handler: () => {
        const now = nowSeconds()
        const open = orders.filter(isOpen)
        for (const o of open) close(o, 'canceled', 'User requested', now)
        return {count: open.length}
      },
    },
  }

  // ---- public endpoints ------------------------------------------------------------------------

  function pairsParam(v: string | undefined): Market[] {
    if (v === undefined || v === '') return [...markets.values()]
    return v.split(',').map((name) => {
      const m = findMarket(name.trim())
      if (!m) throw new KrakenError(KRAKEN_ERRORS.unknownPair)
      return m
    })
  }

  const publicRoutes: Partial<Record<string, (p: Params) => unknown>> = {
    Time: () => {
      const now = new Date()
      // [spec] example: "rfc1123": "Thu, 06 Jul 23 18:50:48 +0000" (a two-digit year)
      const [dow, day, mon, year, time] = now.toUTCString().split(' ')
      return {
        unixtime: Math.floor(now.getTime() / 1000),
        rfc1123: `${dow} ${day} ${mon} ${year.slice(2)} ${time} +0000`,
      }
    },
    SystemStatus: () => ({status: 'online', timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}),
    // [spec] Assets: asset "Comma delimited list of assets", by id or altname; aclass
    Assets: (p) => {
      let ids = Object.keys(assets)
      if (p.asset) {
        ids = p.asset.split(',').map((a) => {
          const id = assetById.has(a) ? a : [...assetById].find(([, info]) => info.altname === a)?.[0]
          if (!id) throw new KrakenError(KRAKEN_ERRORS.unknownAsset)
          return id
        })
      }
      if (p.aclass !== undefined && p.aclass !== 'currency') return {}
      return Object.fromEntries(ids.map((id) => [id, assets[id]]))
    },
    // [spec] AssetPairs: pair, info (info | leverage | fees | margin), aclass_base, country_code
    AssetPairs: (p) => {
      const info = p.info ?? 'info'
      const parts = new Map([
        ['leverage', ['leverage_buy', 'leverage_sell']],
        ['fees', ['fees', 'fees_maker', 'fee_volume_currency']],
        ['margin', ['margin_call', 'margin_stop', 'margin_level']],
      ])
      // the fields of one part, or undefined for all of them ('info')
      const fields = info === 'info' ? undefined : parts.get(info)
      if (info !== 'info' && !fields) throw bad('info')
      if (p.aclass_base !== undefined && p.aclass_base !== 'currency') return {}
      const out: Record<string, unknown> = {}
      for (const m of pairsParam(p.pair)) {
        out[m.id] =
          fields === undefined
            ? m.info
            : Object.fromEntries(fields.filter((k) => k in m.info).map((k) => [k, m.info[k]]))
      }
      return out
    },
    // [spec] Ticker: "Leaving the pair parameter blank will return tickers for all tradeable assets"
    Ticker: (p) => Object.fromEntries(pairsParam(p.pair).map((m) => [m.id, tickerJson(m)])),
    OHLC: ohlc,
    // [spec] Depth: pair required, count 1..500 (default 100); the fake's book is one level a side
    Depth: (p) => {
      if (!p.pair) throw bad()
      const [m] = pairsParam(p.pair)
      const t = tickerOf(m)
      const now = Math.floor(Date.now() / 1000)
      const level = (px: Dec, qty: Dec) => [fix(px, Math.max(m.info.pair_decimals, 5)), fix(qty, 3), now]
      return {[m.id]: {asks: [level(t.ask, t.askQty)], bids: [level(t.bid, t.bidQty)]}}
    },
  }

  // ---- authentication [auth] -------------------------------------------------------------------

  let lastNonce: bigint | null = null
  let counter = 0
  let counterAt = Date.now()

  function authenticate(request: RecordedRequest, p: Params): void {
    const header = (name: string) => {
      const v = request.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const key = header('api-key')
    if (!key || key !== apiKey) throw new KrakenError(KRAKEN_ERRORS.invalidKey)
    // "HMAC-SHA512 of (URI path + SHA256(nonce + POST data)) and base64 decoded secret API key"; "The URI path
    // used for API-Sign should be the part starting with /0/private"
    const nonce = p.nonce ?? ''
    const expected = Buffer.from(krakenSign(request.path, nonce, request.body, secret), 'base64')
    const given = Buffer.from(header('api-sign') ?? '', 'base64')
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
      throw new KrakenError(KRAKEN_ERRORS.invalidSignature)
    // "nonce payload parameter: always increasing, unsigned 64-bit integer"; the errors guide: "The nonce submitted
    // is less than or equal to the last accepted nonce for this API key"
    if (!NONCE_RE.test(nonce) || BigInt(nonce) > UINT64_MAX) throw new KrakenError(KRAKEN_ERRORS.invalidNonce)
    const n = BigInt(nonce)
    if (lastNonce !== null && n <= lastNonce) throw new KrakenError(KRAKEN_ERRORS.invalidNonce)
    lastNonce = n
  }

  function countCall(cost: number): void {
    if (!opts.apiCounter || cost === 0) return
    const now = Date.now()
    counter = Math.max(0, counter - ((now - counterAt) / 1000) * opts.apiCounter.decayPerSecond)
    counterAt = now
    if (counter + cost > opts.apiCounter.max) throw new KrakenError(KRAKEN_ERRORS.rateLimit)
    counter += cost
  }

  /** see roundTripLatency: at most ~2 ms of waiting, and only for a nonce that reads as the millisecond clock */
  function waitPastNonceMillisecond(nonce: string | undefined): void {
    const n = Number(nonce)
    const now = Date.now()
    if (!Number.isFinite(n) || n < now - 60_000 || n > now + 2) return
    while (Date.now() <= n) {
      // the route is synchronous (fake-exchange.ts); a sub-millisecond spin is the only way to wait here
    }
  }

  // ---- routing ---------------------------------------------------------------------------------

  const ok = (result: unknown) => jsonReply(200, {error: [], result})

  function route(request: RecordedRequest): Reply {
    try {
      const m = /^\/0\/(public|private)\/([A-Za-z/]+)$/.exec(request.path)
      if (!m) throw new KrakenError(KRAKEN_ERRORS.unknownMethod, 404)
      const [, api, method] = m
      if (api === 'public') {
        const handler = publicRoutes[method]
        if (!handler) throw new KrakenError(KRAKEN_ERRORS.unknownMethod, 404)
        // public calls are GETs with a query string; a POSTed form is read the same way
        const p = Object.fromEntries(new URLSearchParams(rawUrl(request).split('?')[1] ?? ''))
        return ok(handler(request.method === 'POST' ? {...p, ...bodyParams(request.body)} : p))
      }
      const r = privateRoutes[method]
      if (!r) throw new KrakenError(KRAKEN_ERRORS.unknownMethod, 404)
      // [spec] every private method is a POST whose body carries the nonce and the parameters, form-encoded or JSON
      if (request.method !== 'POST') throw new KrakenError(KRAKEN_ERRORS.unknownMethod, 404)
      const p = bodyParams(request.body)
      authenticate(request, p)
      // the nonce is spent from here on, whatever the answer: refused orders must not let the next call reuse it
      try {
        countCall(r.counter)
        return ok(r.handler(p))
      } finally {
        if (opts.roundTripLatency !== false) waitPastNonceMillisecond(p.nonce)
      }
    } catch (e) {
      if (e instanceof KrakenError) return jsonReply(e.status, {error: [e.message], result: {}})
      // not Kraken's words on purpose: ccxt turns them into a plain ExchangeError, which nothing retries
      if (e instanceof NotModelled) return jsonReply(501, {error: [`EFake:Not modelled:${e.message}`], result: {}})
      return jsonReply(500, {error: [`EFake:Bug:${String(e instanceof Error ? e.stack : e)}`], result: {}})
    }
  }

  // a shortened copy of Cloudflare's page for an origin error; ccxt keys on the status code only
  const cloudflare520 =
    '<!DOCTYPE html>\n<html lang="en-US"><head><title>api.kraken.com | 520: Web server is returning an unknown error</title></head>' +
    '<body><h1>Web server is returning an unknown error</h1><p>Error code 520</p><p>Cloudflare Ray ID: 7fa3c2d1e9b04c1a</p></body></html>'

  const dialect: Dialect = {
    route,
    // [ratelimits] "EAPI:Rate limit exceeded"; like every Kraken E-string it comes in an HTTP 200 answer
    rateLimited: () => jsonReply(200, {error: [KRAKEN_ERRORS.rateLimit], result: {}}),
    serverError: () =>
      opts.serverError === 'service-unavailable'
        ? jsonReply(503, {error: [KRAKEN_ERRORS.unavailable], result: {}})
        : {status: 520, body: cloudflare520, contentType: 'text/html; charset=UTF-8', headers: {server: 'cloudflare'}},
  }

  const server = await startFakeServer('fake-kraken', dialect, opts.port ?? 0)

  const view = (o: Order): FakeOrderView => ({
    id: o.txid,
    clientOrderId: o.clOrdId ?? (o.userref !== null ? String(o.userref) : null),
    symbol: o.market.symbol,
    side: o.side,
    type: o.ordertype,
    status: o.status === 'closed' ? 'filled' : o.status === 'canceled' || o.status === 'expired' ? 'cancelled' : 'open',
    amount: o.viqc ? null : o.vol.toFixed(),
    quoteAmount: o.viqc ? o.vol.toFixed() : null,
    price: o.price ? o.price.toFixed() : null,
    filled: o.volExec.toFixed(),
    cost: o.exactCost.toFixed(),
    // what the ledger was charged, in the currency it was charged in
    fee: o.feeCharged.toFixed(),
    feeCurrency: codeOf(o.feeAsset),
  })

  return {
    ...server,
    exchange: 'kraken',
    orders: () => orders.map(view),
    balance: (asset) => {
      const id = assetIdByCode.get(asset)
      const b = id === undefined ? undefined : balances.get(id)
      const total = b?.balance ?? ZERO
      const held = b?.hold ?? ZERO
      return {free: total.sub(held).toFixed(), locked: held.toFixed()}
    },
    setPrice: (symbol, price) => {
      const m = bySymbol.get(symbol)
      if (!m) throw new Error(`fake-kraken: setPrice: unknown symbol ${symbol}`)
      for (const [k, v] of Object.entries<string | undefined>(price)) {
        if (v !== undefined && (!DECIMAL_RE.test(v) || new D(v).lte(0)))
          throw new Error(`fake-kraken: setPrice: bad ${k} ${v}`)
      }
      const t = tickerOf(m)
      if (price.last !== undefined) {
        t.last = new D(price.last)
        // a last price alone moves the whole book to it
        if (price.bid === undefined && price.ask === undefined) {
          t.bid = t.last
          t.ask = t.last
        }
      }
      if (price.bid !== undefined) t.bid = new D(price.bid)
      if (price.ask !== undefined) t.ask = new D(price.ask)
      matchResting(m)
    },
    krakenOrders: () => Object.fromEntries(orders.map((o) => [o.txid, orderJson(o, true)])),
    krakenTrades: () => Object.fromEntries(trades.map((t) => [t.txid, tradeJson(t)])),
    lastNonce: () => (lastNonce === null ? null : lastNonce.toString()),
    seedTrades,
    seedCandles,
  }
}
