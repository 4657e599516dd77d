/**
 * A loopback fake of the OKX v5 REST API for an account in Spot mode (cash trading only), for tests.
 *
 * It is written from OKX's API documentation (https://www.okx.com/docs-v5/en/, the sections named next
 * to each rule below), not from what ccxt happens to accept, so that it checks our app the way OKX
 * would. The real `ccxt.okx` class is pointed at it by rewriting the origin of every URL in
 * `exchange.urls.api` to `FakeOkx.url`.
 *
 * - Markets: test/support/data/okx/instruments-spot.json (see PROVENANCE.md there); prices come from
 *   the real Binance snapshot data/binance-spot/ticker-24hr.json, rounded to each instrument's tickSz.
 * - Authentication: OK-ACCESS-KEY / -SIGN / -TIMESTAMP / -PASSPHRASE, HMAC-SHA256 over
 *   timestamp + method + requestPath (with its query) + body, timestamps within 30 s of server time.
 * - Orders: market, limit, post_only, ioc and fok, buy and sell, in `tdMode` cash; `sz` in the unit
 *   `tgtCcy` says (spot market buy: quote currency unless `tgtCcy=base_ccy`); clOrdId rules; lotSz,
 *   minSz and tickSz; frozen funds; fees charged in the currency received, reported negative; the
 *   documented error codes, per order (`sCode`) or for the whole request (`code`).
 * - A trade history made outside tradedesk: seedTrades() adds filled orders and their fills at past times, served
 *   by Get transaction details (last 3 days: /trade/fills; last 3 months: /trade/fills-history), newest first,
 *   `after` / `before` a billId, `begin` / `end` times, at most 100 a page.
 * - Transport faults come from the shared skeleton (fake-exchange.ts).
 *
 * Exact decimals throughout (decimal.js). Only node built-ins and decimal.js are used.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import {fileURLToPath} from 'node:url'

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

/** ccxt 4.5.84's createOrder posts a one-item array here (options.createOrder = 'privatePostTradeBatchOrders'). */
export const ORDER_ROUTE = {method: 'POST', path: '/api/v5/trade/batch-orders'}
export const BALANCE_ROUTE = {method: 'GET', path: '/api/v5/account/balance'}

export interface FakeOkxOptions extends FakeExchangeOptions {
  /** fee rate of taker fills, default '0.001' (reported as feeRate "-0.001") */
  takerFee?: string
  /** fee rate of maker fills, default '0.0008' */
  makerFee?: string
}

/** A history made on the website (seedTrades: symbol unified or an instId, 'BTC-USDT'; the fee positive, OKX prints it negative) and one-minute candles. */
export type {SeedCandle, SeedTrade, SeededTrade} from './seed.js'

export interface FakeOkx extends FakeExchange {
  /** every order as GET /api/v5/trade/order would serve it, oldest first */
  okxOrders(): Record<string, unknown>[]
  /** every fill as GET /api/v5/trade/fills-history would serve it, oldest first */
  okxFills(): Record<string, unknown>[]
  /**
   * Adds a past trade history, as if made on the website: filled orders with their fills at the given times.
   * Bill and trade ids follow time within a call (OKX pages by billId): seed the history before placing orders.
   * fills-history serves only the last 3 months of it, fills the last 3 days. Balances are not moved (set them
   * with `balances`). Returns each trade's ids, in the order given.
   */
  seedTrades(trades: SeedTrade[]): SeededTrade[]
  /** Adds one-minute candles of an instrument (unified or instId), served by /market/candles and /history-candles. */
  seedCandles(symbol: string, candles: SeedCandle[]): void
}

/**
 * The orders carried by a recorded order request, as OKX received them: the array of
 * /trade/batch-orders, or the object of /trade/order. The skeleton's `query` cannot show them, since
 * it only merges a JSON body that is an object.
 */
export function sentOrders(request: RecordedRequest): Record<string, unknown>[] {
  try {
    const body = JSON.parse(request.body) as unknown
    if (Array.isArray(body)) return body as Record<string, unknown>[]
    return body !== null && typeof body === 'object' ? [body as Record<string, unknown>] : []
  } catch {
    return []
  }
}

// ---------------------------------------------------------------------------------------------
// Decimals (never floats for money)
// ---------------------------------------------------------------------------------------------

const D = Decimal.clone({precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -80, toExpPos: 80})
type Dec = Decimal
const ZERO = new D(0)
/** OKX prints plain decimals without trailing zeros: "0.00000192834", "51858" */
const fmt = (d: Dec) => (d.isZero() ? '0' : d.toFixed())
/** a decimal number as OKX takes it in a request: digits, one optional point */
const NUMBER_RE = /^\d{1,20}(\.\d{1,30})?$/
const toStep = (v: Dec, step: Dec, rounding: Decimal.Rounding) => v.div(step).toDecimalPlaces(0, rounding).mul(step)
const isMultiple = (v: Dec, step: Dec) => v.mod(step).isZero()

// ---------------------------------------------------------------------------------------------
// Fixture data, read once per process
// ---------------------------------------------------------------------------------------------

interface Instrument {
  instId: string
  baseCcy: string
  quoteCcy: string
  tickSz: string
  lotSz: string
  minSz: string
  maxLmtSz: string
  maxMktSz: string
  state: string
  [k: string]: unknown
}

interface Ticker {
  last: Dec
  lastSz: string
  askPx: Dec
  askSz: string
  bidPx: Dec
  bidSz: string
  open24h: string
  high24h: string
  low24h: string
  volCcy24h: string
  vol24h: string
}

const INSTRUMENTS_FILE = fileURLToPath(new URL('./data/okx/instruments-spot.json', import.meta.url))
const BINANCE_TICKERS_FILE = fileURLToPath(new URL('../../data/binance-spot/ticker-24hr.json', import.meta.url))

let fixture: {instruments: Instrument[]; binance: Map<string, Record<string, string>>} | undefined
function loadFixture() {
  fixture ??= {
    instruments: JSON.parse(fs.readFileSync(INSTRUMENTS_FILE, 'utf8')) as Instrument[],
    binance: new Map(
      (JSON.parse(fs.readFileSync(BINANCE_TICKERS_FILE, 'utf8')) as Record<string, string>[]).map((t) => [t.symbol, t]),
    ),
  }
  return fixture
}

/** Binance's 24h ticker of the same pair, moved onto OKX's grid: bid down and ask up to tickSz, sizes down to lotSz. */
function seedTicker(inst: Instrument): Ticker {
  const tick = new D(inst.tickSz)
  const lot = new D(inst.lotSz)
  const b = loadFixture().binance.get(inst.baseCcy + inst.quoteCcy)
  const px = (v: string | undefined, r: Decimal.Rounding) => toStep(new D(v ?? '0'), tick, r)
  const size = (v: string | undefined) => D.max(toStep(new D(v ?? '0'), lot, Decimal.ROUND_DOWN), lot)
  const bid = px(b?.bidPrice, Decimal.ROUND_DOWN)
  let ask = px(b?.askPrice, Decimal.ROUND_UP)
  if (ask.lte(bid)) ask = bid.add(tick)
  return {
    last: px(b?.lastPrice, Decimal.ROUND_HALF_UP),
    lastSz: fmt(size(b?.lastQty)),
    askPx: ask,
    askSz: fmt(size(b?.askQty)),
    bidPx: bid,
    bidSz: fmt(size(b?.bidQty)),
    open24h: fmt(px(b?.openPrice, Decimal.ROUND_HALF_UP)),
    high24h: fmt(px(b?.highPrice, Decimal.ROUND_HALF_UP)),
    low24h: fmt(px(b?.lowPrice, Decimal.ROUND_HALF_UP)),
    volCcy24h: fmt(new D(b?.quoteVolume ?? '0')),
    vol24h: fmt(toStep(new D(b?.volume ?? '0'), lot, Decimal.ROUND_DOWN)),
  }
}

/** Names for /asset/currencies: OKX's own spelling of each currency the instruments use. */
const CURRENCY_NAMES: Record<string, [name: string, chain: string]> = {
  BTC: ['Bitcoin', 'Bitcoin'],
  ETH: ['Ethereum', 'ERC20'],
  USDT: ['Tether', 'TRC20'],
  USDC: ['USD Coin', 'ERC20'],
  SOL: ['Solana', 'Solana'],
  DOGE: ['Dogecoin', 'Dogecoin'],
  XRP: ['Ripple', 'Ripple'],
  LTC: ['Litecoin', 'Litecoin'],
  ADA: ['Cardano', 'Cardano'],
  DOT: ['Polkadot', 'Polkadot'],
  LINK: ['Chainlink', 'ERC20'],
  TRX: ['TRON', 'TRC20'],
  AVAX: ['Avalanche', 'Avalanche C-Chain'],
  BCH: ['Bitcoin Cash', 'BitcoinCash'],
  ATOM: ['Cosmos Hub', 'Cosmos'],
  UNI: ['Uniswap', 'ERC20'],
  NEAR: ['NEAR Protocol', 'NEAR'],
  SHIB: ['SHIBA INU', 'ERC20'],
}

// ---------------------------------------------------------------------------------------------
// Errors, in OKX's words
// ---------------------------------------------------------------------------------------------

/** An error for the whole request: `{"code","msg","data":[]}` with the documented HTTP status. */
class OkxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg)
  }
}

/** An error of one order (or one cancellation) inside a request: its `sCode` / `sMsg` / `subCode`. */
class ItemError extends Error {
  constructor(
    readonly sCode: string,
    msg: string,
    readonly subCode = '',
  ) {
    super(msg)
  }
}

// Error code table: https://www.okx.com/docs-v5/en/#error-code-rest-api-public (code, HTTP status, message)
const empty = (name: string) => new OkxError(400, '50014', `Parameter ${name} can not be empty.`)
const paramError = (name: string) => new ItemError('51000', `Parameter ${name} error`)
const badParam = (name: string) => new OkxError(400, '51000', `Parameter ${name} error`)
const noInstrument = () => "Instrument ID, Instrument ID code or Spread ID doesn't exist."
const unauthorized = (code: string, msg: string) => new OkxError(401, code, msg)

// ---------------------------------------------------------------------------------------------
// The exchange
// ---------------------------------------------------------------------------------------------

/** A request's query parameters, as an endpoint reads them: any of them can be missing. */
type Params = Readonly<Partial<Record<string, string>>>

type Side = 'buy' | 'sell'
type State = 'live' | 'partially_filled' | 'filled' | 'canceled'

interface Fill {
  tradeId: string
  billId: string
  px: Dec
  sz: Dec
  /** amount charged, positive; OKX prints it negative */
  fee: Dec
  feeCcy: string
  rate: Dec
  execType: 'T' | 'M'
  ts: number
}

interface Order {
  ordId: string
  clOrdId: string
  tag: string
  inst: Instrument
  side: Side
  ordType: string
  px: Dec | undefined
  sz: Dec
  /** '' for limit-like orders: tgtCcy only applies to spot market orders */
  tgtCcy: '' | 'base_ccy' | 'quote_ccy'
  state: State
  accFillSz: Dec
  /** quote exchanged: sum of fill size x fill price */
  cost: Dec
  fee: Dec
  feeCcy: string
  rebateCcy: string
  frozenCcy: string
  frozen: Dec
  cancelSource: string
  cTime: number
  uTime: number
  fills: Fill[]
}

interface Balance {
  avail: Dec
  frozen: Dec
  uTime: number
}

/** the ids look like OKX's: 18-19 digit decimal strings */
const ORD_BASE = 2896576259728695296n
const BILL_BASE = 680800019754098688n
const TRADE_BASE = 744876980

const ISO_MS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const CL_ORD_ID_RE = /^[A-Za-z0-9]{1,32}$/
const TAG_RE = /^[A-Za-z0-9]{1,16}$/
const ORDER_TYPES = new Set(['market', 'limit', 'post_only', 'fok', 'ioc'])
const OTHER_ORDER_TYPES = new Set(['optimal_limit_ioc', 'mmp', 'mmp_and_post_only', 'elp'])
const INST_TYPES = new Set(['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'EVENTS'])
/** Get candlesticks, bar: "[1s/1m/3m/5m/15m/30m/1H/2H/4H]", and UTC-aligned 6H..3M as 6Hutc... (and Hong Kong time) */
const CANDLE_BARS = new Set(
  ['1s', '1m', '3m', '5m', '15m', '30m', '1H', '2H', '4H', '6H', '12H', '1D', '2D', '3D', '1W', '1M', '3M'].flatMap(
    (b) => [b, `${b}utc`],
  ),
)

export async function startFakeOkx(opts: FakeOkxOptions = {}): Promise<FakeOkx> {
  const apiKey = opts.apiKey ?? 'test-key'
  const secret = opts.secret ?? 'test-secret'
  const passphrase = opts.password ?? 'test-passphrase'
  const takerRate = new D(opts.takerFee ?? '0.001')
  const makerRate = new D(opts.makerFee ?? '0.0008')
  if (takerRate.lt(0) || makerRate.lt(0)) throw new Error('fake-okx: fee rates must be >= 0')

  const {instruments} = loadFixture()
  const byId = new Map(instruments.map((i) => [i.instId, i]))
  const bySymbol = new Map(instruments.map((i) => [`${i.baseCcy}/${i.quoteCcy}`, i]))
  const tickers = new Map(instruments.map((i) => [i.instId, seedTicker(i)]))
  const balances = new Map<string, Balance>()
  for (const [ccy, amount] of Object.entries(opts.balances ?? {USDT: '10000'})) {
    if (!NUMBER_RE.test(amount)) throw new Error(`fake-okx: bad balance ${ccy}=${amount}`)
    balances.set(ccy, {avail: new D(amount), frozen: ZERO, uTime: Date.now()})
  }
  const orders: Order[] = []
  /** seeded one-minute candles: instId -> open time -> candle */
  const candles = new Map<string, Map<number, SeedCandle>>()
  let ordSeq = 0n
  let billSeq = 0n
  let tradeSeq = 0

  const bal = (ccy: string): Balance => {
    let b = balances.get(ccy)
    if (!b) {
      b = {avail: ZERO, frozen: ZERO, uTime: Date.now()}
      balances.set(ccy, b)
    }
    return b
  }
  const pending = (o: Order) => o.state === 'live' || o.state === 'partially_filled'

  // ---- matching ----------------------------------------------------------------------------

  /** Executes `sz` of `o` at `px`. Buy: fee in base (received); sell: fee in quote (received). */
  function fill(o: Order, sz: Dec, px: Dec, execType: 'T' | 'M', now: number): void {
    const quoteQty = sz.mul(px)
    const rate = execType === 'T' ? takerRate : makerRate
    const base = bal(o.inst.baseCcy)
    const quote = bal(o.inst.quoteCcy)
    // funds frozen for this order pay first; the rest comes from the available balance
    const pay = o.side === 'buy' ? quoteQty : sz
    const fromFrozen = D.min(o.frozen, pay)
    const payer = o.side === 'buy' ? quote : base
    payer.frozen = payer.frozen.sub(fromFrozen)
    payer.avail = payer.avail.sub(pay.sub(fromFrozen))
    o.frozen = o.frozen.sub(fromFrozen)
    let fee: Dec
    if (o.side === 'buy') {
      fee = sz.mul(rate)
      base.avail = base.avail.add(sz).sub(fee)
    } else {
      fee = quoteQty.mul(rate)
      quote.avail = quote.avail.add(quoteQty).sub(fee)
    }
    base.uTime = now
    quote.uTime = now
    o.accFillSz = o.accFillSz.add(sz)
    o.cost = o.cost.add(quoteQty)
    o.fee = o.fee.add(fee)
    o.uTime = now
    billSeq += 1n
    tradeSeq += 1
    o.fills.push({
      tradeId: String(TRADE_BASE + tradeSeq),
      billId: String(BILL_BASE + billSeq),
      px,
      sz,
      fee,
      feeCcy: o.feeCcy,
      rate,
      execType,
      ts: now,
    })
  }

  /** Gives an order's remaining frozen funds back (a fill at a better price, a cancellation). */
  function unfreeze(o: Order): void {
    if (o.frozen.isZero()) return
    const b = bal(o.frozenCcy)
    b.frozen = b.frozen.sub(o.frozen)
    b.avail = b.avail.add(o.frozen)
    o.frozen = ZERO
  }

  function freeze(o: Order, ccy: string, amount: Dec): void {
    const b = bal(ccy)
    b.avail = b.avail.sub(amount)
    b.frozen = b.frozen.add(amount)
    o.frozenCcy = ccy
    o.frozen = amount
  }

  /** The ticker of an instrument (every instrument has one from the start). */
  function tickerOf(instId: string): Ticker {
    const t = tickers.get(instId)
    if (!t) throw new Error(`fake-okx: no ticker for ${instId}`)
    return t
  }

  /** Resting orders that the book now crosses fill completely at their own price, as makers. */
  function matchResting(instId: string): void {
    const t = tickerOf(instId)
    const now = Date.now()
    for (const o of orders) {
      if (o.inst.instId !== instId || !pending(o) || o.px === undefined) continue
      const crosses = o.side === 'buy' ? t.askPx.gt(0) && o.px.gte(t.askPx) : t.bidPx.gt(0) && o.px.lte(t.bidPx)
      if (!crosses) continue
      fill(o, o.sz.sub(o.accFillSz), o.px, 'M', now)
      unfreeze(o)
      o.state = 'filled'
    }
  }

  // ---- placing orders (POST /api/v5/trade/order and /trade/batch-orders) ----------------------

  /** A JSON value as text: a string as it is, a number or boolean printed, an object or array as JSON. */
  const str = (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
    return JSON.stringify(v)
  }

  /** A mandatory parameter of an order: "Parameter {name} can not be empty." when it is missing or empty. */
  function mandatory(item: Record<string, unknown>, name: string): string {
    const v = str(item[name])
    if (v === undefined || v === '') throw empty(name)
    return v
  }

  /** The request-level checks: every order must carry the mandatory parameters, or nothing is placed. */
  function checkMandatory(item: Record<string, unknown>): void {
    for (const name of ['instId', 'tdMode', 'side', 'ordType', 'sz']) mandatory(item, name)
  }

  /** Validates one order and places it; throws an ItemError for its sCode. */
  function placeOne(item: Record<string, unknown>, seen: Set<string>, now: number): Order {
    const side = mandatory(item, 'side')
    const ordType = mandatory(item, 'ordType')
    const tdMode = mandatory(item, 'tdMode')
    if (side !== 'buy' && side !== 'sell') throw paramError('side')
    if (!ORDER_TYPES.has(ordType) && !OTHER_ORDER_TYPES.has(ordType)) throw paramError('ordType')
    if (!['cash', 'cross', 'isolated', 'spot_isolated'].includes(tdMode)) throw paramError('tdMode')
    // Place order, clOrdId / tag: "A combination of case-sensitive alphanumerics, all numbers, or all
    // letters of up to 32 [tag: 16] characters."
    const clOrdId = str(item.clOrdId) ?? ''
    if (clOrdId !== '' && !CL_ORD_ID_RE.test(clOrdId)) throw paramError('clOrdId')
    const tag = str(item.tag) ?? ''
    if (tag !== '' && !TAG_RE.test(tag)) throw paramError('tag')
    const tgtCcyParam = str(item.tgtCcy) ?? ''
    if (tgtCcyParam !== '' && tgtCcyParam !== 'base_ccy' && tgtCcyParam !== 'quote_ccy') throw paramError('tgtCcy')
    const banAmendParam = str(item.banAmend)
    if (banAmendParam !== undefined && banAmendParam !== 'true' && banAmendParam !== 'false')
      throw paramError('banAmend')

    const inst = byId.get(mandatory(item, 'instId'))
    if (!inst) throw new ItemError('51001', noInstrument())
    // This account is in Spot mode: margin trade modes are not available in it.
    if (tdMode !== 'cash') throw new ItemError('51010', 'Request unsupported under current account mode')
    // Place order, posSide: "Do not send this field for SPOT or MARGIN orders."
    if (str(item.posSide) !== undefined && str(item.posSide) !== '') throw paramError('posSide')
    if (str(item.reduceOnly) === 'true') throw new ItemError('51205', 'Reduce Only is not available.')
    if (OTHER_ORDER_TYPES.has(ordType)) throw paramError('ordType')

    const tick = new D(inst.tickSz)
    const lot = new D(inst.lotSz)
    const minSz = new D(inst.minSz)
    const t = tickerOf(inst.instId)
    const isMarket = ordType === 'market'

    // the limit price; below, px is undefined exactly when the order is a market order
    let px: Dec | undefined
    if (!isMarket) {
      const raw = str(item.px) ?? ''
      if (raw === '') throw new ItemError('51204', 'The price for the limit order cannot be empty.')
      if (!NUMBER_RE.test(raw) || new D(raw).lte(0)) throw paramError('px')
      px = new D(raw)
      // a price off the tickSz grid is refused, as OKX does for spot (sMsg "Parameter px error")
      if (!isMultiple(px, tick)) throw paramError('px')
    }
    const szRaw = mandatory(item, 'sz')
    if (!NUMBER_RE.test(szRaw) || new D(szRaw).lte(0)) throw paramError('sz')
    let sz = new D(szRaw)

    // Place order, tgtCcy: "Only applicable to SPOT Market Orders. Default is quote_ccy for buy, base_ccy for sell"
    const tgtCcy: Order['tgtCcy'] = isMarket ? tgtCcyParam || (side === 'buy' ? 'quote_ccy' : 'base_ccy') : ''
    const inQuote = tgtCcy === 'quote_ccy'
    const bookPx = side === 'buy' ? t.askPx : t.bidPx
    if (isMarket && bookPx.lte(0)) throw new ItemError('51000', 'Parameter px error')
    const baseEstimate = inQuote ? toStep(sz.div(bookPx), lot, Decimal.ROUND_DOWN) : sz

    // Get instruments, lotSz / minSz: "All order quantities (sz) must be a multiple of lotSz. Violation
    // returns error 51121." "Order size must satisfy both: sz >= minSz AND sz is a multiple of lotSz."
    if (!inQuote && !isMultiple(sz, lot))
      throw new ItemError('51121', 'Order quantity must be a multiple of the lot size.')
    if (baseEstimate.lt(minSz))
      throw new ItemError('51020', 'Your order should meet or exceed the minimum order amount.')
    if (!isMarket && sz.gt(inst.maxLmtSz))
      throw new ItemError('51203', `Order amount exceeds the limit ${inst.maxLmtSz}.`)
    // Get instruments, maxMktSz: "The maximum order quantity of a single market order ... SPOT: the quantity in USDT"
    if (isMarket && (inQuote ? sz : sz.mul(bookPx)).gt(inst.maxMktSz)) {
      throw new ItemError('51201', `The value of a market order can't exceed ${inst.maxMktSz}.`)
    }

    // Place order, clOrdId: "must be unique among all currently pending (live or partially_filled)
    // orders"; Place multiple orders: "... among all pending orders and the current request."
    if (clOrdId !== '' && (seen.has(clOrdId) || orders.some((o) => pending(o) && o.clOrdId === clOrdId))) {
      throw new ItemError('51016', 'Client order ID already exists.')
    }

    // Funds. Place order, banAmend / tgtCcy: a market order sized in the currency it receives (a buy in
    // base_ccy, a sell in quote_ccy) that the balance cannot pay is reduced to what it can pay, unless
    // banAmend is true; every other order that the balance cannot pay is refused.
    const pays = side === 'buy' ? inst.quoteCcy : inst.baseCcy
    const avail = bal(pays).avail
    const insufficient = () => new ItemError('51008', `Order failed. Insufficient ${pays} balance in account`, '1000')
    if (px === undefined) {
      // a market order
      const receivedUnit = (side === 'buy' && !inQuote) || (side === 'sell' && inQuote)
      const cost = side === 'buy' ? (inQuote ? sz : sz.mul(bookPx)) : inQuote ? sz.div(bookPx) : sz
      if (cost.gt(avail)) {
        if (!receivedUnit || banAmendParam === 'true') throw insufficient()
        const affordable = side === 'buy' ? avail.div(bookPx) : avail
        const base = toStep(affordable, lot, Decimal.ROUND_DOWN)
        if (base.lt(minSz) || base.isZero()) throw insufficient()
        sz = side === 'buy' ? base : base.mul(bookPx)
      }
    } else if ((side === 'buy' ? sz.mul(px) : sz).gt(avail)) {
      throw insufficient()
    }

    ordSeq += 1n
    const o: Order = {
      ordId: String(ORD_BASE + ordSeq * 1024n),
      clOrdId,
      tag,
      inst,
      side,
      ordType,
      px,
      sz,
      tgtCcy,
      state: 'live',
      accFillSz: ZERO,
      cost: ZERO,
      fee: ZERO,
      // Order details, feeCcy / rebateCcy: the fee is charged in the currency received
      feeCcy: side === 'buy' ? inst.baseCcy : inst.quoteCcy,
      rebateCcy: side === 'buy' ? inst.quoteCcy : inst.baseCcy,
      frozenCcy: pays,
      frozen: ZERO,
      cancelSource: '',
      cTime: now,
      uTime: now,
      fills: [],
    }
    orders.push(o)
    if (clOrdId !== '') seen.add(clOrdId)

    if (px === undefined) {
      // a market order sweeps the book; the fake's book is one level of unlimited size
      // sized in quote: the base that amount buys (or must sell to receive it), down to lotSz
      fill(o, inQuote ? toStep(sz.div(bookPx), lot, Decimal.ROUND_DOWN) : sz, bookPx, 'T', now)
      o.state = 'filled'
      return o
    }
    const crosses = side === 'buy' ? t.askPx.gt(0) && px.gte(t.askPx) : t.bidPx.gt(0) && px.lte(t.bidPx)
    if (crosses && ordType === 'post_only') {
      // Place order, ordType post_only: "If the order would have executed on placement, it will be canceled instead."
      o.state = 'canceled'
      o.cancelSource = '31'
      return o
    }
    if (crosses) {
      fill(o, sz, bookPx, 'T', now)
      o.state = 'filled'
      return o
    }
    if (ordType === 'ioc' || ordType === 'fok') {
      o.state = 'canceled'
      o.cancelSource = ordType === 'ioc' ? '14' : '0'
      return o
    }
    freeze(o, pays, side === 'buy' ? sz.mul(px) : sz)
    return o
  }

  function placeOrders(body: unknown, batch: boolean): Reply {
    const items = batch ? body : [body]
    if (!Array.isArray(items) || items.some((i) => i === null || typeof i !== 'object' || Array.isArray(i))) {
      throw new OkxError(400, '50002', 'JSON syntax error')
    }
    if (items.length === 0) throw empty('data')
    // Place multiple orders: "Maximum 20 orders can be placed per request."
    if (items.length > 20) throw new OkxError(200, '51111', 'Maximum 20 orders can be placed in bulk.')
    for (const item of items as Record<string, unknown>[]) checkMandatory(item)
    const inTime = Date.now()
    const seen = new Set<string>()
    // "Orders will be placed in turn"
    const data = (items as Record<string, unknown>[]).map((item) => {
      const now = Date.now()
      try {
        const o = placeOne(item, seen, now)
        return {
          clOrdId: o.clOrdId,
          ordId: o.ordId,
          tag: o.tag,
          ts: String(now),
          sCode: '0',
          sMsg: 'Order placed',
          subCode: '',
        }
      } catch (e) {
        if (!(e instanceof ItemError)) throw e
        const clOrdId = str(item.clOrdId) ?? ''
        return {
          clOrdId,
          ordId: '',
          tag: str(item.tag) ?? '',
          ts: String(now),
          sCode: e.sCode,
          sMsg: e.message,
          subCode: e.subCode,
        }
      }
    })
    return itemsReply(data, inTime)
  }

  /**
   * Error code table, codes 1 and 2; python-okx issue #97 shows the words of a real answer:
   * {"code":"1","data":[{...,"sCode":"51000","sMsg":"Parameter px error "}],"msg":"All operations failed"}.
   */
  function itemsReply(data: {sCode: string}[], inTime: number): Reply {
    const failed = data.filter((d) => d.sCode !== '0').length
    const code = failed === 0 ? '0' : failed === data.length ? '1' : '2'
    const msg = code === '0' ? '' : code === '1' ? 'All operations failed' : 'Bulk operation partially succeeded.'
    return jsonReply(200, {code, data, inTime: `${String(inTime)}000`, msg, outTime: `${String(Date.now())}000`})
  }

  // ---- cancelling (POST /api/v5/trade/cancel-order and /trade/cancel-batch-orders) ------------

  function findForCancel(item: Record<string, unknown>): Order {
    const instId = str(item.instId) ?? ''
    const ordId = str(item.ordId) ?? ''
    const clOrdId = str(item.clOrdId) ?? ''
    if (instId === '') throw empty('instId')
    if (ordId === '' && clOrdId === '') throw new ItemError('51407', 'Either order ID or client order ID is required.')
    if (!byId.has(instId)) throw new ItemError('51001', noInstrument())
    // Cancel order: "Either ordId or clOrdId is required. If both are passed, ordId will be used."
    const o =
      ordId !== ''
        ? orders.find((x) => x.ordId === ordId && x.inst.instId === instId)
        : [...orders].reverse().find((x) => x.clOrdId === clOrdId && x.inst.instId === instId)
    if (!o || !pending(o)) {
      throw new ItemError(
        '51400',
        'Order cancellation failed as the order has been filled, canceled or does not exist.',
      )
    }
    return o
  }

  function cancelOrders(body: unknown, batch: boolean): Reply {
    const items = batch ? body : [body]
    if (!Array.isArray(items) || items.some((i) => i === null || typeof i !== 'object' || Array.isArray(i))) {
      throw new OkxError(400, '50002', 'JSON syntax error')
    }
    if (items.length === 0) throw empty('data')
    if (items.length > 20) throw new OkxError(400, '51406', 'Canceled - order count exceeds the limit 20.')
    for (const item of items as Record<string, unknown>[]) if ((str(item.instId) ?? '') === '') throw empty('instId')
    const inTime = Date.now()
    const data = (items as Record<string, unknown>[]).map((item) => {
      const now = Date.now()
      try {
        const o = findForCancel(item)
        unfreeze(o)
        o.state = 'canceled'
        o.cancelSource = '1'
        o.uTime = now
        return {clOrdId: o.clOrdId, ordId: o.ordId, ts: String(now), sCode: '0', sMsg: ''}
      } catch (e) {
        if (!(e instanceof ItemError)) throw e
        return {
          clOrdId: str(item.clOrdId) ?? '',
          ordId: str(item.ordId) ?? '',
          ts: String(now),
          sCode: e.sCode,
          sMsg: e.message,
        }
      }
    })
    return itemsReply(data, inTime)
  }

  // ---- views, in OKX's words -----------------------------------------------------------------

  function orderJson(o: Order): Record<string, unknown> {
    const last = o.fills.at(-1)
    return {
      accFillSz: fmt(o.accFillSz),
      algoClOrdId: '',
      algoId: '',
      attachAlgoClOrdId: '',
      attachAlgoOrds: [],
      avgPx: o.accFillSz.isZero() ? '' : fmt(o.cost.div(o.accFillSz)),
      cTime: String(o.cTime),
      cancelSource: o.cancelSource,
      cancelSourceReason: '',
      category: 'normal',
      ccy: '',
      clOrdId: o.clOrdId,
      fee: fmt(o.fee.neg()),
      feeCcy: o.feeCcy,
      fillPx: last ? fmt(last.px) : '',
      fillSz: last ? fmt(last.sz) : '0',
      fillTime: last ? String(last.ts) : '',
      instId: o.inst.instId,
      instType: 'SPOT',
      isTpLimit: 'false',
      lever: '',
      linkedAlgoOrd: {algoId: ''},
      ordId: o.ordId,
      ordType: o.ordType,
      pnl: '0',
      posSide: 'net',
      px: o.px ? fmt(o.px) : '',
      pxType: '',
      pxUsd: '',
      pxVol: '',
      quickMgnType: '',
      rebate: '0',
      rebateCcy: o.rebateCcy,
      reduceOnly: 'false',
      side: o.side,
      slOrdPx: '',
      slTriggerPx: '',
      slTriggerPxType: '',
      source: '',
      state: o.state,
      stpId: '',
      stpMode: 'cancel_maker',
      sz: fmt(o.sz),
      tag: o.tag,
      tdMode: 'cash',
      tgtCcy: o.tgtCcy,
      tpOrdPx: '',
      tpTriggerPx: '',
      tpTriggerPxType: '',
      tradeId: last ? last.tradeId : '',
      tradeQuoteCcy: o.inst.quoteCcy,
      uTime: String(o.uTime),
    }
  }

  function fillJson(o: Order, f: Fill): Record<string, unknown> {
    return {
      side: o.side,
      fillSz: fmt(f.sz),
      fillPx: fmt(f.px),
      fillPxVol: '',
      fillFwdPx: '',
      fee: fmt(f.fee.neg()),
      fillPnl: '0',
      ordId: o.ordId,
      feeRate: fmt(f.rate.neg()),
      instType: 'SPOT',
      fillPxUsd: '',
      instId: o.inst.instId,
      clOrdId: o.clOrdId,
      posSide: 'net',
      billId: f.billId,
      subType: o.side === 'buy' ? '1' : '2',
      fillMarkVol: '',
      tag: o.tag,
      fillTime: String(f.ts),
      execType: f.execType,
      fillIdxPx: '',
      tradeId: f.tradeId,
      fillMarkPx: '',
      feeCcy: f.feeCcy,
      ts: String(f.ts),
      tradeQuoteCcy: o.inst.quoteCcy,
    }
  }

  function tickerJson(inst: Instrument): Record<string, unknown> {
    const t = tickerOf(inst.instId)
    return {
      instType: 'SPOT',
      instId: inst.instId,
      last: fmt(t.last),
      lastSz: t.lastSz,
      askPx: fmt(t.askPx),
      askSz: t.askSz,
      bidPx: fmt(t.bidPx),
      bidSz: t.bidSz,
      open24h: t.open24h,
      high24h: t.high24h,
      low24h: t.low24h,
      volCcy24h: t.volCcy24h,
      vol24h: t.vol24h,
      ts: String(Date.now()),
      sodUtc0: t.open24h,
      sodUtc8: t.open24h,
    }
  }

  /** USD value of one unit, through the currency's USDT market (USDT itself is 1). */
  function usdPrice(ccy: string): Dec {
    if (ccy === 'USDT') return new D(1)
    const t = tickers.get(`${ccy}-USDT`)
    return t ? t.last : ZERO
  }

  // ---- a history made outside tradedesk ---------------------------------------------------------

  function seedTrades(seeds: SeedTrade[]): SeededTrade[] {
    const decimal = (what: string, v: string) => {
      if (!NUMBER_RE.test(v)) throw new Error(`fake-okx: seedTrades: bad ${what} ${v}`)
      return new D(v)
    }
    const byTime = seeds.map((t, i) => ({t, i})).sort((a, b) => a.t.time - b.t.time || a.i - b.i)
    const out: SeededTrade[] = new Array<SeededTrade>(seeds.length)
    const grouped = new Map<string, Order>()
    for (const {t, i} of byTime) {
      const inst = bySymbol.get(t.symbol) ?? byId.get(t.symbol)
      if (!inst) throw new Error(`fake-okx: seedTrades: unknown instrument ${t.symbol}`)
      if (!Number.isSafeInteger(t.time) || t.time <= 0)
        throw new Error(`fake-okx: seedTrades: bad time ${String(t.time)}`)
      const sz = decimal('amount', t.amount)
      const px = decimal('price', t.price)
      const fee = decimal('fee', t.fee)
      const ordType = t.type ?? 'market'
      const key = t.orderId === undefined ? undefined : `${inst.instId}:${t.orderId}`
      let o = key === undefined ? undefined : grouped.get(key)
      if (o && (o.side !== t.side || o.ordType !== ordType))
        throw new Error(`fake-okx: seedTrades: order ${String(t.orderId)} mixes sides or types`)
      if (!o) {
        ordSeq += 1n
        o = {
          ordId: String(ORD_BASE + ordSeq * 1024n),
          clOrdId: '',
          tag: '',
          inst,
          side: t.side,
          ordType,
          px: ordType === 'limit' ? px : undefined,
          sz: ZERO,
          tgtCcy: ordType === 'market' ? 'base_ccy' : '',
          state: 'filled',
          accFillSz: ZERO,
          cost: ZERO,
          fee: ZERO,
          feeCcy: t.feeCurrency,
          rebateCcy: t.side === 'buy' ? inst.quoteCcy : inst.baseCcy,
          frozenCcy: t.side === 'buy' ? inst.quoteCcy : inst.baseCcy,
          frozen: ZERO,
          cancelSource: '',
          cTime: t.time,
          uTime: t.time,
          fills: [],
        }
        orders.push(o)
        if (key !== undefined) grouped.set(key, o)
      }
      o.sz = o.sz.add(sz)
      o.accFillSz = o.accFillSz.add(sz)
      o.cost = o.cost.add(sz.mul(px))
      o.fee = o.fee.add(fee)
      o.uTime = t.time
      billSeq += 1n
      tradeSeq += 1
      const f: Fill = {
        tradeId: String(TRADE_BASE + tradeSeq),
        billId: String(BILL_BASE + billSeq),
        px,
        sz,
        fee,
        feeCcy: t.feeCurrency,
        rate: t.maker === true ? makerRate : takerRate,
        execType: t.maker === true ? 'M' : 'T',
        ts: t.time,
      }
      o.fills.push(f)
      out[i] = {id: f.tradeId, orderId: o.ordId}
    }
    return out
  }

  function seedCandles(symbol: string, list: SeedCandle[]): void {
    const inst = bySymbol.get(symbol) ?? byId.get(symbol)
    if (!inst) throw new Error(`fake-okx: seedCandles: unknown instrument ${symbol}`)
    let byTime = candles.get(inst.instId)
    if (!byTime) {
      byTime = new Map()
      candles.set(inst.instId, byTime)
    }
    for (const c of list) {
      if (!Number.isSafeInteger(c.time) || c.time % 60_000 !== 0)
        throw new Error(`fake-okx: seedCandles: ${String(c.time)} is not the start of a minute`)
      for (const v of [c.open, c.high, c.low, c.close, c.volume ?? '0'])
        if (!NUMBER_RE.test(v)) throw new Error(`fake-okx: seedCandles: bad number ${v}`)
      byTime.set(c.time, {...c})
    }
  }

  // ---- request parameters ----------------------------------------------------------------------

  const ok = (data: unknown[]) => jsonReply(200, {code: '0', data, msg: ''})

  function instrumentParam(p: Params, name = 'instId'): Instrument {
    const id = p[name]
    if (id === undefined || id === '') throw empty(name)
    const inst = byId.get(id)
    if (!inst) throw new OkxError(200, '51001', noInstrument())
    return inst
  }

  /** instType: its values are documented per endpoint; this account only has SPOT instruments. */
  function instTypeParam(p: Params, required: boolean): string | undefined {
    const v = p.instType
    if (v === undefined || v === '') {
      if (required) throw empty('instType')
      return undefined
    }
    if (!INST_TYPES.has(v)) throw badParam('instType')
    return v
  }

  function limitParam(p: Params, def = 100, max = 100): number {
    if (p.limit === undefined || p.limit === '') return def
    const n = Number(p.limit)
    if (!/^\d+$/.test(p.limit) || n < 1) throw badParam('limit')
    return Math.min(n, max)
  }

  function timeParam(p: Params, name: string): number | undefined {
    const v = p[name]
    if (v === undefined || v === '') return undefined
    if (!/^\d{1,16}$/.test(v)) throw badParam(name)
    return Number(v)
  }

  /** newest first, as OKX lists orders and fills; `after` (older than) and `before` (newer than) page by id */
  function page<T>(list: T[], p: Params, id: (x: T) => bigint, limit: number): T[] {
    const after = p.after ? BigInt(p.after) : undefined
    const before = p.before ? BigInt(p.before) : undefined
    return list
      .filter((x) => (after === undefined || id(x) < after) && (before === undefined || id(x) > before))
      .sort((a, b) => (id(b) > id(a) ? 1 : id(b) < id(a) ? -1 : 0))
      .slice(0, limit)
  }

  function orderList(p: Params, states: State[], instTypeRequired: boolean): Reply {
    const instType = instTypeParam(p, instTypeRequired)
    if (p.after && !/^\d+$/.test(p.after)) throw badParam('after')
    if (p.before && !/^\d+$/.test(p.before)) throw badParam('before')
    const instId = p.instId ? instrumentParam(p).instId : undefined
    const wantedStates = p.state ? p.state.split(',') : states
    if (wantedStates.some((s) => !(states as string[]).includes(s))) throw badParam('state')
    const ordTypes = p.ordType ? p.ordType.split(',') : undefined
    const begin = timeParam(p, 'begin')
    const end = timeParam(p, 'end')
    const limit = limitParam(p)
    if (instType !== undefined && instType !== 'SPOT') return ok([])
    const list = orders.filter(
      (o) =>
        wantedStates.includes(o.state) &&
        (instId === undefined || o.inst.instId === instId) &&
        (ordTypes === undefined || ordTypes.includes(o.ordType)) &&
        (begin === undefined || o.cTime >= begin) &&
        (end === undefined || o.cTime <= end),
    )
    return ok(page(list, p, (o) => BigInt(o.ordId), limit).map(orderJson))
  }

  /**
   * Get transaction details (last 3 days) serves fills of the last 3 days; Get transaction details (last 3
   * months) "Retrieve recently-filled transaction details in the last 3 months."
   */
  function fillList(p: Params, instTypeRequired: boolean, history: boolean): Reply {
    const instType = instTypeParam(p, instTypeRequired)
    if (p.after && !/^\d+$/.test(p.after)) throw badParam('after')
    if (p.before && !/^\d+$/.test(p.before)) throw badParam('before')
    const instId = p.instId ? instrumentParam(p).instId : undefined
    const begin = timeParam(p, 'begin')
    const end = timeParam(p, 'end')
    const limit = limitParam(p)
    if (instType !== undefined && instType !== 'SPOT') return ok([])
    const oldest = new Date()
    if (history) oldest.setUTCMonth(oldest.getUTCMonth() - 3)
    else oldest.setUTCDate(oldest.getUTCDate() - 3)
    const all = orders.flatMap((o) => o.fills.map((f) => ({o, f})))
    const list = all.filter(
      ({o, f}) =>
        f.ts >= oldest.getTime() &&
        (instId === undefined || o.inst.instId === instId) &&
        (!p.ordId || o.ordId === p.ordId) &&
        (!p.subType || p.subType === (o.side === 'buy' ? '1' : '2')) &&
        (begin === undefined || f.ts >= begin) &&
        (end === undefined || f.ts <= end),
    )
    return ok(page(list, p, ({f}) => BigInt(f.billId), limit).map(({o, f}) => fillJson(o, f)))
  }

  /**
   * Get candlesticks (history): `bar` (default 1m), `after` "records earlier than the requested ts", `before`
   * "records newer than the requested ts", `limit` (candles at most 300, history-candles 100, default 100); newest
   * first, each [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]. Only the seeded one-minute candles exist here;
   * /market/candles serves the latest 1,440 minutes of them.
   */
  function candleList(p: Params, history: boolean): Reply {
    const inst = instrumentParam(p)
    const bar = p.bar ?? '1m'
    if (!CANDLE_BARS.has(bar)) throw badParam('bar')
    if (bar !== '1m') throw new OkxError(501, '50000', `fake-okx: only 1m candles are modelled, not ${bar}`)
    const after = timeParam(p, 'after')
    const before = timeParam(p, 'before')
    const limit = limitParam(p, 100, history ? 100 : 300)
    const recent = Math.floor(Date.now() / 60_000) * 60_000 - 1440 * 60_000
    return ok(
      [...(candles.get(inst.instId)?.values() ?? [])]
        .filter(
          (c) =>
            (history || c.time > recent) &&
            (after === undefined || c.time < after) &&
            (before === undefined || c.time > before),
        )
        .sort((a, b) => b.time - a.time)
        .slice(0, limit)
        .map((c) => {
          const vol = new D(c.volume ?? '0')
          return [String(c.time), c.open, c.high, c.low, c.close, fmt(vol), fmt(vol), fmt(vol.mul(c.close)), '1']
        }),
    )
  }

  // ---- routes ----------------------------------------------------------------------------------

  type Handler = (p: Params, body: unknown) => Reply
  interface Route {
    method: 'GET' | 'POST'
    signed: boolean
    handler: Handler
  }

  const routes: Record<string, Route> = {
    // Public data, Get system time
    '/api/v5/public/time': {method: 'GET', signed: false, handler: () => ok([{ts: String(Date.now())}])},
    // Public data, Get instruments: instType is required; only SPOT instruments exist here
    '/api/v5/public/instruments': {
      method: 'GET',
      signed: false,
      handler: (p) => {
        const instType = instTypeParam(p, true)
        if (instType === 'OPTION' && !p.instFamily && !p.uly) throw empty('instFamily')
        if (instType !== 'SPOT') return ok([])
        if (p.instId) return ok([instrumentParam(p)])
        return ok(instruments)
      },
    },
    // Market data, Get ticker
    '/api/v5/market/ticker': {method: 'GET', signed: false, handler: (p) => ok([tickerJson(instrumentParam(p))])},
    // Market data, Get tickers: instType is required
    '/api/v5/market/tickers': {
      method: 'GET',
      signed: false,
      handler: (p) => {
        const instType = instTypeParam(p, true)
        return ok(instType === 'SPOT' ? instruments.map(tickerJson) : [])
      },
    },
    // Market data, Get candlesticks: "the latest 1,440 data entries"; Get candlesticks history: older ones
    '/api/v5/market/candles': {method: 'GET', signed: false, handler: (p) => candleList(p, false)},
    '/api/v5/market/history-candles': {method: 'GET', signed: false, handler: (p) => candleList(p, true)},
    // Market data, Get order book: `sz` levels (default 1, max 400); each level [px, sz, "0", orders]
    '/api/v5/market/books': {
      method: 'GET',
      signed: false,
      handler: (p) => {
        const inst = instrumentParam(p)
        if (p.sz !== undefined && !/^\d+$/.test(p.sz)) throw badParam('sz')
        const levels = Math.min(Math.max(Number(p.sz ?? '1'), 1), 400)
        const t = tickerOf(inst.instId)
        const tick = new D(inst.tickSz)
        const asks: string[][] = []
        const bids: string[][] = []
        for (let i = 0; i < levels; i++) {
          if (t.askPx.gt(0)) asks.push([fmt(t.askPx.add(tick.mul(i))), t.askSz, '0', '1'])
          const b = t.bidPx.sub(tick.mul(i))
          if (b.gt(0)) bids.push([fmt(b), t.bidSz, '0', '1'])
        }
        return ok([{asks, bids, ts: String(Date.now())}])
      },
    },
    // Funding account, Get currencies (private): one chain per currency
    '/api/v5/asset/currencies': {
      method: 'GET',
      signed: true,
      handler: (p) => {
        const wanted = p.ccy ? new Set(p.ccy.split(',')) : undefined
        const codes = [...new Set(instruments.flatMap((i) => [i.baseCcy, i.quoteCcy]))].filter(
          (c) => !wanted || wanted.has(c),
        )
        return ok(
          codes.map((ccy) => {
            const [name, chain] = CURRENCY_NAMES[ccy] ?? [ccy, ccy]
            return {
              burningFeeRate: '',
              canDep: true,
              canInternal: true,
              canWd: true,
              ccy,
              chain: `${ccy}-${chain}`,
              ctAddr: '',
              depEstOpenTime: '',
              depQuotaFixed: '',
              depQuoteDailyLayer2: '',
              fee: '',
              logoLink: '',
              mainNet: true,
              maxFee: '',
              maxFeeForCtAddr: '',
              maxWd: '10000000',
              minDep: '0.00000001',
              minDepArrivalConfirm: '1',
              minFee: '',
              minFeeForCtAddr: '',
              minInternal: '0.0001',
              minWd: '0.001',
              minWdUnlockConfirm: '2',
              name,
              needTag: false,
              usedDepQuotaFixed: '',
              usedWdQuota: '0',
              wdEstOpenTime: '',
              wdQuota: '10000000',
              wdTickSz: '8',
            }
          }),
        )
      },
    },
    // Trading account, Get balance: assets with a non-zero balance; Spot mode fills availBal / frozenBal, not availEq
    '/api/v5/account/balance': {
      method: 'GET',
      signed: true,
      handler: (p) => {
        const wanted = p.ccy ? p.ccy.split(',') : undefined
        if (wanted && wanted.length > 20) throw new OkxError(200, '50025', 'Parameter ccy count exceeds the limit 20.')
        const now = Date.now()
        let totalEq = ZERO
        const details = [...balances.entries()]
          .filter(([ccy, b]) => !b.avail.add(b.frozen).isZero() && (!wanted || wanted.includes(ccy)))
          .map(([ccy, b]) => {
            const eq = b.avail.add(b.frozen)
            const eqUsd = eq.mul(usdPrice(ccy))
            totalEq = totalEq.add(eqUsd)
            return {
              accAvgPx: '',
              autoLendMtAmt: '0',
              autoLendStatus: 'off',
              availBal: fmt(b.avail),
              availEq: '',
              borrowFroz: '',
              cashBal: fmt(eq),
              ccy,
              clSpotInUseAmt: '',
              colBorrAutoConversion: '0',
              colRes: '0',
              collateralEnabled: false,
              collateralRestrict: false,
              crossLiab: '',
              disEq: fmt(eqUsd),
              eq: fmt(eq),
              eqUsd: fmt(eqUsd),
              fixedBal: '0',
              frozenBal: fmt(b.frozen),
              frpType: '0',
              imr: '',
              interest: '',
              isoEq: '',
              isoLiab: '',
              isoUpl: '',
              liab: '',
              maxLoan: '',
              maxSpotInUse: '',
              mgnRatio: '',
              mmr: '',
              notionalLever: '',
              openAvgPx: '',
              ordFrozen: fmt(b.frozen),
              rewardBal: '0',
              smtSyncEq: '0',
              spotBal: '',
              spotCopyTradingEq: '0',
              spotInUseAmt: '',
              spotIsoBal: '0',
              spotUpl: '',
              spotUplRatio: '',
              stgyEq: '0',
              totalPnl: '',
              totalPnlRatio: '',
              twap: '0',
              uTime: String(b.uTime),
              upl: '',
              uplLiab: '',
            }
          })
        return ok([
          {
            adjEq: '',
            availEq: '',
            borrowFroz: '',
            delta: '',
            deltaLever: '',
            deltaNeutralStatus: '0',
            details,
            imr: '',
            isoEq: '0',
            mgnRatio: '',
            mmr: '',
            notionalUsd: '',
            notionalUsdForBorrow: '',
            notionalUsdForFutures: '',
            notionalUsdForOption: '',
            notionalUsdForSwap: '',
            ordFroz: '',
            totalEq: fmt(totalEq),
            uTime: String(now),
            upl: '',
          },
        ])
      },
    },
    '/api/v5/trade/order': {method: 'POST', signed: true, handler: (_p, body) => placeOrders(body, false)},
    '/api/v5/trade/batch-orders': {method: 'POST', signed: true, handler: (_p, body) => placeOrders(body, true)},
    '/api/v5/trade/cancel-order': {method: 'POST', signed: true, handler: (_p, body) => cancelOrders(body, false)},
    '/api/v5/trade/cancel-batch-orders': {
      method: 'POST',
      signed: true,
      handler: (_p, body) => cancelOrders(body, true),
    },
    // Order details: "Either ordId or clOrdId is required, if both are passed, ordId will be used";
    // "If the clOrdId is associated with multiple orders, only the latest one will be returned."
    'GET /api/v5/trade/order': {
      method: 'GET',
      signed: true,
      handler: (p) => {
        const inst = instrumentParam(p)
        if (!p.ordId && !p.clOrdId) throw new OkxError(200, '51003', 'Either client order ID or order ID is required.')
        const o = p.ordId
          ? orders.find((x) => x.ordId === p.ordId && x.inst === inst)
          : [...orders].reverse().find((x) => x.clOrdId === p.clOrdId && x.inst === inst)
        if (!o) throw new OkxError(200, '51603', 'Order does not exist.')
        return ok([orderJson(o)])
      },
    },
    // Order list: "only returns live and partially_filled"; Order history: "filled, canceled, and mmp_canceled"
    '/api/v5/trade/orders-pending': {
      method: 'GET',
      signed: true,
      handler: (p) => orderList(p, ['live', 'partially_filled'], false),
    },
    '/api/v5/trade/orders-history': {
      method: 'GET',
      signed: true,
      handler: (p) => orderList(p, ['filled', 'canceled'], true),
    },
    '/api/v5/trade/orders-history-archive': {
      method: 'GET',
      signed: true,
      handler: (p) => orderList(p, ['filled', 'canceled'], true),
    },
    // Transaction details (last 3 days / last 3 months): instType optional / required
    '/api/v5/trade/fills': {method: 'GET', signed: true, handler: (p) => fillList(p, false, false)},
    '/api/v5/trade/fills-history': {method: 'GET', signed: true, handler: (p) => fillList(p, true, true)},
  }

  function routeOf(method: string, path: string): Route | undefined {
    return routes[`${method} ${path}`] ?? routes[path]
  }

  /** Overview, REST authentication: Making requests and Signature. */
  function authenticate(request: RecordedRequest): void {
    const header = (name: string) => {
      const v = request.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const key = header('ok-access-key')
    const sign = header('ok-access-sign')
    const timestamp = header('ok-access-timestamp')
    const pass = header('ok-access-passphrase')
    if (!key) throw unauthorized('50103', 'Request header "OK-ACCESS-KEY" cannot be empty.')
    if (!sign) throw unauthorized('50106', 'Request header "OK-ACCESS-SIGN" cannot be empty.')
    if (!timestamp) throw unauthorized('50107', 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.')
    if (!pass) throw unauthorized('50104', 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.')
    const at = Date.parse(timestamp)
    if (!ISO_MS_RE.test(timestamp) || Number.isNaN(at)) throw unauthorized('50112', 'Invalid OK-ACCESS-TIMESTAMP.')
    // "The server rejects requests where this differs from server time by more than 30 seconds (error 50102)."
    if (Math.abs(Date.now() - at) > 30_000) throw unauthorized('50102', 'Timestamp request expired.')
    if (key !== apiKey) throw unauthorized('50111', 'Invalid OK-ACCESS-KEY.')
    if (pass !== passphrase) throw unauthorized('50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')
    // pre-hash: timestamp + method + requestPath + body; "GET request parameters are counted as requestpath, not body"
    const prehash = timestamp + request.method + rawUrl(request) + (request.method === 'GET' ? '' : request.body)
    const expected = crypto.createHmac('sha256', secret).update(prehash).digest()
    const given = Buffer.from(sign, 'base64')
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
      throw unauthorized('50113', 'Invalid signature.')
  }

  function route(request: RecordedRequest): Reply {
    try {
      const r = routeOf(request.method, request.path)
      // not an OKX endpoint: OKX documents no body for this, the fake answers a plain 404
      if (!r)
        return jsonReply(404, {code: '404', msg: `Not Found (fake-okx has no route for ${request.path})`, data: []})
      // Error code 50115 (HTTP 405): "Invalid request method."
      if (r.method !== request.method) throw new OkxError(405, '50115', 'Invalid request method.')
      if (r.signed) authenticate(request)
      let body: unknown
      if (request.method === 'POST') {
        // 50000 "Body for POST request cannot be empty.", 50006 "Invalid Content-Type", 50002 "JSON syntax error"
        if (request.body.trim() === '') throw new OkxError(400, '50000', 'Body for POST request cannot be empty.')
        const type = request.headers['content-type'] ?? ''
        if (!type.toLowerCase().includes('application/json')) {
          throw new OkxError(400, '50006', 'Invalid Content-Type. Please use "application/JSON".')
        }
        try {
          body = JSON.parse(request.body)
        } catch {
          throw new OkxError(400, '50002', 'JSON syntax error')
        }
      }
      const query = Object.fromEntries(new URLSearchParams(rawUrl(request).split('?')[1] ?? ''))
      return r.handler(query, body)
    } catch (e) {
      if (e instanceof OkxError) return jsonReply(e.status, {code: e.code, msg: e.message, data: []})
      if (e instanceof ItemError) return jsonReply(200, {code: e.sCode, msg: e.message, data: []})
      return jsonReply(500, {code: '50026', msg: `System error. Try again later (fake-okx: ${String(e)})`, data: []})
    }
  }

  const dialect: Dialect = {
    route,
    // Error code 50011 with HTTP 429 "Too Many Requests" (Overview, Rate limits: "the system returns error code 50011")
    rateLimited: () => jsonReply(429, {code: '50011', msg: 'Too Many Requests', data: []}),
    // Error code 50001 with HTTP 503 "Service temporarily unavailable. Please try again later."
    serverError: () =>
      jsonReply(503, {code: '50001', msg: 'Service temporarily unavailable. Please try again later.', data: []}),
  }

  const server = await startFakeServer('fake-okx', dialect, opts.port ?? 0)

  const view = (o: Order): FakeOrderView => {
    const quoteSized = o.tgtCcy === 'quote_ccy'
    return {
      id: o.ordId,
      clientOrderId: o.clOrdId === '' ? null : o.clOrdId,
      symbol: `${o.inst.baseCcy}/${o.inst.quoteCcy}`,
      side: o.side,
      type: o.ordType === 'market' ? 'market' : 'limit',
      status: o.state === 'filled' ? 'filled' : o.state === 'canceled' ? 'cancelled' : 'open',
      amount: quoteSized ? null : o.sz.toFixed(),
      quoteAmount: quoteSized ? o.sz.toFixed() : null,
      price: o.px ? o.px.toFixed() : null,
      filled: o.accFillSz.toFixed(),
      cost: o.cost.toFixed(),
      fee: o.fee.toFixed(),
      feeCurrency: o.feeCcy,
    }
  }

  return {
    ...server,
    exchange: 'okx',
    orders: () => orders.map(view),
    balance: (asset) => {
      const b = balances.get(asset)
      return {free: (b?.avail ?? ZERO).toFixed(), locked: (b?.frozen ?? ZERO).toFixed()}
    },
    setPrice: (symbol, price) => {
      const inst = bySymbol.get(symbol)
      if (!inst) throw new Error(`fake-okx: setPrice: unknown symbol ${symbol}`)
      const t = tickerOf(inst.instId)
      for (const [k, v] of Object.entries<string | undefined>(price)) {
        if (v === undefined) continue
        if (!NUMBER_RE.test(v)) throw new Error(`fake-okx: setPrice: bad ${k} ${v}`)
      }
      if (price.last !== undefined) t.last = new D(price.last)
      if (price.bid !== undefined) t.bidPx = new D(price.bid)
      if (price.ask !== undefined) t.askPx = new D(price.ask)
      matchResting(inst.instId)
    },
    okxOrders: () => orders.map(orderJson),
    okxFills: () =>
      orders
        .flatMap((o) => o.fills.map((f) => ({o, f})))
        .sort((a, b) => (BigInt(a.f.billId) < BigInt(b.f.billId) ? -1 : 1))
        .map(({o, f}) => fillJson(o, f)),
    seedTrades,
    seedCandles,
  }
}
