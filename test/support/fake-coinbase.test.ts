/**
 * Tests of the fake Coinbase Advanced Trade server, driven through the REAL ccxt.coinbase class (ccxt 4.5.84), plus raw
 * HTTP where ccxt cannot reach a rule (it rounds sizes before sending, it never sends a bad signature).
 * Run: npx mocha test/support/fake-coinbase.test.ts
 */
import crypto from 'node:crypto'

import {expect} from 'chai'
import ccxt from 'ccxt'
import type {Balances, coinbase, Exchange, MarketInterface, Order} from 'ccxt'
import {Decimal} from 'decimal.js'

import {
  BALANCE_ROUTE,
  CCXT_COINBASE_CONFIG,
  LIST_ORDERS_ROUTE,
  ORDER_ROUTE,
  type FakeCoinbase,
  type FakeCoinbaseOptions,
  type SeedTrade,
  startFakeCoinbase,
} from './fake-coinbase.js'
import {defined} from './e2e.js'
import {pointAt, rejection} from './fake-exchange.js'

const KEY_NAME = 'organizations/2f1d0c3b-8a7e-4d6c-9b5a-1e2f3a4b5c6d/apiKeys/9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'
const KEYS = crypto.generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
// ccxt 4.5.84 parses only the SEC1 "-----BEGIN EC PRIVATE KEY-----" PEM (what the CDP portal hands out)
const SECRET = KEYS.privateKey.export({type: 'sec1', format: 'pem'}).toString()

// BTC-USD is priced from the Binance snapshot's BTCUSDT (data/binance-spot/ticker-24hr.json)
const BTC_LAST = '27910.38'
const BTC_BID = '27909.01'
const BTC_ASK = '27910.36'
const TAKER = '0.012'
const MAKER = '0.006'

// the default 20 significant digits would round the 16-decimal amounts Coinbase states
const D = Decimal.clone({precision: 80})
const dec = (v: Decimal.Value) => new D(v)
const floor16 = (d: Decimal) => d.toDecimalPlaces(16, Decimal.ROUND_DOWN)

/** The raw Coinbase answers the tests read: ccxt keeps each in `info`, typed any. */
interface CoinbaseProductAnswer {
  alias: string
}
interface CoinbaseAccountsAnswer {
  accounts: {currency: string; hold: {value: string; currency: string}}[]
  has_next: boolean
}
/** An order as GET /orders/historical/{order_id} shows it (the fields read here). */
interface CoinbaseOrderAnswer {
  product_id: string
  average_filled_price: string
  filled_value: string
  filled_size: string
  time_in_force: string
}
/** What the raw calls read of Coinbase's JSON answers: each answer carries some of these fields. */
interface CoinbaseJson {
  products?: unknown[]
  num_products?: number
  error?: string
  epochSeconds?: string
  accounts?: {currency: string}[]
  size?: number
  has_next?: boolean
  cursor?: string
  success?: boolean
  results?: unknown[]
  errs?: string[]
  error_response?: {error: string; preview_failure_reason: string}
  fills?: Record<string, unknown>[]
}
/** The body of an order request as ccxt sent it (the fields read here). */
interface OrderRequestBody {
  client_order_id: string
  order_configuration: Record<string, unknown>
}

const accountsAnswer = (b: Balances) => b.info as CoinbaseAccountsAnswer
const orderAnswer = (o: Order) => o.info as CoinbaseOrderAnswer
const idOf = (o: Order) => defined(o.id, 'the order id')
const lastRequest = (fake: FakeCoinbase) => defined(fake.requests.at(-1), 'the last request')
const jsonOf = (r: {json: CoinbaseJson | undefined}) => defined(r.json, 'the JSON answer')

function makeExchange(fake: FakeCoinbase, cfg: Record<string, unknown> = {}): coinbase {
  const {options, ...rest} = cfg
  const ex = new ccxt.coinbase({
    apiKey: KEY_NAME,
    secret: SECRET,
    enableRateLimit: false, // the fake has no limits; ccxt's throttle only slows the tests
    has: {...CCXT_COINBASE_CONFIG.has},
    options: {...CCXT_COINBASE_CONFIG.options, ...(options as object)},
    ...rest,
  })
  pointAt(ex, fake.url)
  return ex
}

let cachedMarkets: Exchange['markets'] | undefined
async function ready(fake: FakeCoinbase, cfg: Record<string, unknown> = {}): Promise<coinbase> {
  const ex = makeExchange(fake, cfg)
  if (cachedMarkets) ex.setMarkets(cachedMarkets)
  else {
    await ex.loadMarkets()
    cachedMarkets = ex.markets
  }
  return ex
}

interface TokenOptions {
  key?: crypto.KeyObject
  kid?: string
  sub?: string
  iss?: string
  nbf?: number
  exp?: number
  uri?: string
}

/** A CDP JWT built the documented way (ES256, kid + nonce header, sub/iss/nbf/exp/uri claims) with node:crypto only. */
function cdpJwt(method: string, hostAndPath: string, t: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000)
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const header = b64({alg: 'ES256', typ: 'JWT', kid: t.kid ?? KEY_NAME, nonce: crypto.randomBytes(16).toString('hex')})
  const nbf = t.nbf ?? now
  const claims = b64({
    sub: t.sub ?? KEY_NAME,
    iss: t.iss ?? 'cdp',
    nbf,
    exp: t.exp ?? nbf + 120,
    uri: t.uri ?? `${method} ${hostAndPath}`,
  })
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${claims}`), {
    key: t.key ?? KEYS.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${header}.${claims}.${signature.toString('base64url')}`
}

async function call(
  fake: FakeCoinbase,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  token?: TokenOptions | null,
) {
  const host = new URL(fake.url).host
  const path = pathAndQuery.split('?')[0]
  const headers: Record<string, string> = {'Content-Type': 'application/json'}
  if (token !== null) headers.Authorization = `Bearer ${cdpJwt(method, `${host}${path}`, token)}`
  const r = await fetch(`${fake.url}${pathAndQuery}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await r.text()
  let json: CoinbaseJson | undefined
  try {
    json = JSON.parse(text) as CoinbaseJson
  } catch {
    json = undefined
  }
  return {status: r.status, text, json}
}

const lastOrderBody = (fake: FakeCoinbase) => {
  const sent = defined(fake.requests.filter((r) => r.path === ORDER_ROUTE.path).at(-1), 'the last order request')
  return JSON.parse(sent.body) as OrderRequestBody
}

describe('fake-coinbase (driven by the real ccxt.coinbase)', function () {
  this.timeout(20000)
  let fake: FakeCoinbase
  const started: FakeCoinbase[] = []
  async function start(opts: FakeCoinbaseOptions = {}): Promise<FakeCoinbase> {
    const f = await startFakeCoinbase({apiKey: KEY_NAME, secret: SECRET, ...opts})
    started.push(f)
    return f
  }
  beforeEach(async () => {
    fake = await start()
  })
  afterEach(async () => {
    await Promise.all(started.splice(0).map((f) => f.close()))
  })

  describe('market data', () => {
    it('loadMarkets: four v3 requests with the recommended config, BTC/USD with precision, limits and fee tier', async () => {
      const ex = makeExchange(fake)
      await ex.loadMarkets()
      const seen = fake.requests.map((r) => `${r.method} ${(r as unknown as {url: string}).url}`).sort()
      expect(seen).to.deep.equal([
        'GET /api/v3/brokerage/market/products',
        'GET /api/v3/brokerage/market/products?product_type=FUTURE',
        'GET /api/v3/brokerage/market/products?product_type=FUTURE&contract_expiry_type=PERPETUAL',
        'GET /api/v3/brokerage/transaction_summary',
      ])
      const markets = defined(ex.markets, 'the markets') as Record<string, MarketInterface>
      const m = markets['BTC/USD']
      expect(m.id).to.equal('BTC-USD')
      expect(m.spot).to.equal(true)
      expect(m.precision).to.deep.equal({amount: 1e-8, price: 0.01})
      expect(m.limits.amount).to.deep.equal({min: 1e-8, max: 3400})
      expect(m.limits.cost).to.deep.equal({min: 1, max: 150000000})
      expect([m.taker, m.maker]).to.deep.equal([0.012, 0.006]) // from GET /transaction_summary's fee_tier
      expect((markets['BTC/USDC'].info as CoinbaseProductAnswer).alias).to.equal('BTC-USD')
      expect(markets['MATIC/USD'].active).to.equal(false)
      // quirk: ccxt's hard-coded options.stablePairs gives USDT-USD a 0.001% taker fee whatever the fee tier says
      expect(markets['USDT/USD'].taker).to.equal(0.00001)
      expect(Object.keys(markets)).to.have.length(21)
      await ex.loadMarkets()
      expect(fake.requests).to.have.length(4) // cached
      cachedMarkets ??= ex.markets
    })

    it("with ccxt's own defaults, loadMarkets and fetchBalance reach for v2 endpoints Advanced Trade does not serve", async () => {
      const ex = new ccxt.coinbase({apiKey: KEY_NAME, secret: SECRET, enableRateLimit: false})
      pointAt(ex, fake.url)
      expect(await rejection(ex.loadMarkets())).to.be.instanceOf(ccxt.ExchangeError)
      expect(fake.requests.map((r) => r.path)).to.include('/v2/currencies')
      expect(fake.requests.every((r) => r.path.startsWith('/v2/'))).to.equal(true)
      ex.setMarkets(cachedMarkets ?? (await ready(fake)).markets)
      await rejection(ex.fetchBalance())
      expect(lastRequest(fake).path).to.equal('/v2/accounts')
    })

    it('fetchTicker uses the market trades endpoint; fetchTickers (products) has no bid/ask; fetchBidsAsks has', async () => {
      const ex = await ready(fake)
      const t = await ex.fetchTicker('BTC/USD')
      expect([t.last, t.bid, t.ask]).to.deep.equal([Number(BTC_LAST), Number(BTC_BID), Number(BTC_ASK)])
      expect(fake.requests.at(-1)).to.deep.include({
        method: 'GET',
        path: '/api/v3/brokerage/market/products/BTC-USD/ticker',
      })
      expect(lastRequest(fake).query).to.deep.equal({limit: '1'})
      expect(lastRequest(fake).headers.authorization).to.equal(undefined) // public endpoint

      const two = await ex.fetchTickers(['BTC/USD', 'ETH/USD'])
      expect(Object.keys(two).sort()).to.deep.equal(['BTC/USD', 'ETH/USD'])
      expect(two['ETH/USD'].last).to.equal(1755.75)
      expect(two['BTC/USD'].bid).to.equal(undefined)
      expect((fake.requests.at(-1) as unknown as {url: string}).url).to.equal(
        '/api/v3/brokerage/market/products?product_ids=BTC-USD&product_ids=ETH-USD&product_type=SPOT',
      )
      const books = await ex.fetchBidsAsks(['BTC/USD'])
      expect([books['BTC/USD'].bid, books['BTC/USD'].ask]).to.deep.equal([Number(BTC_BID), Number(BTC_ASK)])

      // USDC books are the USD books (Coinbase's USD/USDC unification): one setPrice moves both
      fake.setPrice('BTC/USD', {last: '30000', bid: '29999.99', ask: '30000.01'})
      const usdc = await ex.fetchTicker('BTC/USDC')
      expect([usdc.last, usdc.bid, usdc.ask]).to.deep.equal([30000, 29999.99, 30000.01])
      const book = await ex.fetchOrderBook('BTC/USD', 3)
      expect(book.bids.map((b) => b[0])).to.deep.equal([29999.99, 29999.98, 29999.97])
      expect(book.asks[0][0]).to.equal(30000.01)
    })

    it('products: product_ids filter, limit/offset paging, FUTURE is empty, a single product, 404 for unknown', async () => {
      const page = await call(fake, 'GET', '/api/v3/brokerage/market/products?limit=5&offset=5', undefined, null)
      expect(jsonOf(page).products).to.have.length(5)
      expect(jsonOf(page).num_products).to.equal(21)
      const btc = await call(fake, 'GET', '/api/v3/brokerage/market/products/BTC-USD', undefined, null)
      expect(btc.json).to.deep.include({
        product_id: 'BTC-USD',
        price: BTC_LAST,
        base_increment: '0.00000001',
        quote_increment: '0.01',
      })
      expect(btc.json).to.deep.include({
        status: 'online',
        trading_disabled: false,
        product_type: 'SPOT',
        alias_to: ['BTC-USDC'],
      })
      const fut = await call(fake, 'GET', '/api/v3/brokerage/market/products?product_type=FUTURE', undefined, null)
      expect(fut.json).to.deep.equal({products: [], num_products: 0})
      const nope = await call(fake, 'GET', '/api/v3/brokerage/market/products/NOPE-USD', undefined, null)
      expect(nope.status).to.equal(404)
      expect(jsonOf(nope).error).to.equal('NOT_FOUND')
      const time = await call(fake, 'GET', '/api/v3/brokerage/time', undefined, null)
      expect(Number(jsonOf(time).epochSeconds)).to.be.closeTo(Date.now() / 1000, 5)
    })
  })

  describe('accounts', () => {
    it('fetchBalance reads GET /api/v3/brokerage/accounts (available + hold) and sends limit=250', async () => {
      const f = await start({balances: {USD: '1234.5', BTC: '0.25'}})
      const ex = await ready(f)
      const b = await ex.fetchBalance()
      expect(f.requests.at(-1)).to.deep.include({method: BALANCE_ROUTE.method, path: BALANCE_ROUTE.path})
      expect(lastRequest(f).query).to.deep.equal({limit: '250'})
      expect(b.USD).to.deep.equal({free: 1234.5, used: 0, total: 1234.5})
      expect(b.BTC.free).to.equal(0.25)
      const usd = defined(
        accountsAnswer(b).accounts.find((a) => a.currency === 'USD'),
        'the USD account',
      )
      expect(usd).to.deep.include({type: 'ACCOUNT_TYPE_FIAT', available_balance: {value: '1234.5', currency: 'USD'}})
      expect(usd.hold).to.deep.equal({value: '0', currency: 'USD'})
      expect(accountsAnswer(b).has_next).to.equal(false)
    })

    it('cursor paging as documented (default 49, has_next + cursor); ccxt does not follow the cursor', async () => {
      const all: string[] = []
      let cursor = ''
      for (let i = 0; i < 10; i++) {
        const r = await call(fake, 'GET', `/api/v3/brokerage/accounts?limit=5${cursor ? `&cursor=${cursor}` : ''}`)
        expect(r.status).to.equal(200)
        const page = jsonOf(r)
        const accounts = defined(page.accounts, 'the accounts')
        all.push(...accounts.map((a) => a.currency))
        expect(page.size).to.equal(accounts.length)
        if (!page.has_next) break
        cursor = defined(page.cursor, 'the cursor')
      }
      expect(all).to.have.length(12)
      expect(new Set(all).size).to.equal(12)
      const ex = await ready(fake)
      const b = await ex.fetchBalance({limit: 5})
      expect(accountsAnswer(b).has_next).to.equal(true)
      expect(Object.keys(b.total)).to.have.length(5) // the other wallets are silently missing
    })
  })

  describe('orders', () => {
    it('market buy by cost: quote_size includes the fee, balances move exactly; createOrder itself has no status', async () => {
      const ex = await ready(fake)
      const placed = await ex.createMarketBuyOrderWithCost('BTC/USD', 100)
      expect(lastOrderBody(fake)).to.deep.include({
        product_id: 'BTC-USD',
        side: 'BUY',
        order_configuration: {market_market_ioc: {quote_size: '100'}},
      })
      // quirk: the answer is only success_response (ids), so ccxt's order has no status, fill or fee
      expect(placed.id).to.be.a('string')
      expect([placed.status, placed.filled, placed.amount]).to.deep.equal([undefined, undefined, undefined])

      const value = floor16(dec(100).div(dec(TAKER).add(1)))
      const fee = dec(100).minus(value)
      const base = floor16(value.div(BTC_ASK))
      const o = await ex.fetchOrder(idOf(placed), 'BTC/USD')
      expect(o.status).to.equal('closed')
      expect(o.info).to.deep.include({
        status: 'FILLED',
        order_type: 'MARKET',
        filled_size: base.toFixed(),
        filled_value: value.toFixed(),
        total_fees: fee.toFixed(),
        total_value_after_fees: '100',
        size_in_quote: true,
        size_inclusive_of_fees: true,
        number_of_fills: '1',
      })
      // quirk: ccxt leaves order.fee.cost a string here (order.fees[0].cost is a number)
      expect(o.fee).to.deep.equal({cost: fee.toFixed(), currency: 'USD'})
      expect(fake.balance('USD')).to.deep.equal({free: '9900', locked: '0'})
      expect(fake.balance('BTC')).to.deep.equal({free: base.toFixed(), locked: '0'})
      expect(fake.orders()[0]).to.deep.include({
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        status: 'filled',
        amount: null,
        quoteAmount: '100',
        filled: base.toFixed(),
        cost: value.toFixed(),
        fee: fee.toFixed(),
        feeCurrency: 'USD',
      })

      const trades = await ex.fetchMyTrades('BTC/USD', undefined, undefined, {order_ids: [placed.id]})
      expect(trades).to.have.length(1)
      expect(trades[0].info).to.deep.include({
        size: value.toFixed(), // in quote: size_in_quote
        size_in_quote: true,
        commission: fee.toFixed(),
        liquidity_indicator: 'TAKER',
      })
      expect(trades[0].takerOrMaker).to.equal('taker')
      expect(trades[0].price).to.equal(Number(BTC_ASK))
      expect(lastRequest(fake).query).to.deep.include({product_id: 'BTC-USD', order_ids: placed.id})
      // ccxt.coinbase has no fetchOrderTrades: fetchMyTrades with order_ids (or the older order_id) is the way
      expect(await rejection(ex.fetchOrderTrades(idOf(placed), 'BTC/USD'))).to.be.instanceOf(ccxt.NotSupported)
      expect(await ex.fetchMyTrades(undefined, undefined, undefined, {order_id: 'another'})).to.have.length(0)
    })

    it('how ccxt sizes a market buy: price argument (amount*price, truncated), params.cost, or the option off', async () => {
      const ex = await ready(fake)
      await ex.createOrder('BTC/USD', 'market', 'buy', 0.001, Number(BTC_ASK))
      expect(lastOrderBody(fake).order_configuration).to.deep.equal({market_market_ioc: {quote_size: '27.91'}}) // 27.91036 cut to 0.01
      await ex.createOrder('BTC/USD', 'market', 'buy', 0, undefined, {cost: 12.345})
      expect(lastOrderBody(fake).order_configuration).to.deep.equal({market_market_ioc: {quote_size: '12.34'}})
      await ex.createOrder('BTC/USD', 'market', 'buy', 15, undefined, {createMarketBuyOrderRequiresPrice: false})
      expect(lastOrderBody(fake).order_configuration).to.deep.equal({market_market_ioc: {quote_size: '15'}})
      const sent = fake.requests.length
      const e = await rejection(ex.createOrder('BTC/USD', 'market', 'buy', 0.001))
      expect(e).to.be.instanceOf(ccxt.InvalidOrder) // thrown locally, nothing sent
      expect(fake.requests).to.have.length(sent)
      expect(dec(fake.balance('USD').free).eq(dec(10000).minus('27.91').minus('12.34').minus('15'))).to.equal(true)
    })

    it('market sell by base fills at the bid, fee in quote; a base-sized market buy pays the fee on top', async () => {
      const f = await start({balances: {USD: '1000', BTC: '0.5'}})
      const ex = await ready(f)
      const sell = await ex.createOrder('BTC/USD', 'market', 'sell', 0.01)
      expect(lastOrderBody(f).order_configuration).to.deep.equal({market_market_ioc: {base_size: '0.01'}})
      const proceeds = dec('0.01').mul(BTC_BID)
      const sellFee = proceeds.mul(TAKER)
      const o = await ex.fetchOrder(idOf(sell))
      expect(o.info).to.deep.include({
        filled_size: '0.01',
        filled_value: proceeds.toFixed(),
        total_fees: sellFee.toFixed(),
        total_value_after_fees: proceeds.minus(sellFee).toFixed(),
        average_filled_price: BTC_BID,
        size_in_quote: false,
        size_inclusive_of_fees: false,
      })
      let usd = dec(1000).plus(proceeds).minus(sellFee)
      expect(f.balance('USD').free).to.equal(usd.toFixed())
      expect(f.balance('BTC').free).to.equal('0.49')

      // base-sized market buys are documented since May 2024; ccxt cannot send one, so raw HTTP
      const r = await call(f, 'POST', ORDER_ROUTE.path, {
        client_order_id: 'raw-base-buy',
        product_id: 'BTC-USD',
        side: 'BUY',
        order_configuration: {market_market_ioc: {base_size: '0.002'}},
      })
      expect(jsonOf(r).success).to.equal(true)
      const cost = dec('0.002').mul(BTC_ASK)
      usd = usd.minus(cost).minus(cost.mul(TAKER))
      expect(f.balance('USD').free).to.equal(usd.toFixed())
      expect(f.balance('BTC').free).to.equal('0.492')
    })

    it('a limit buy that does not cross rests with a hold; fetchOpenOrders lists it; setPrice fills it as maker', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 27000)
      expect(lastOrderBody(fake).order_configuration).to.deep.equal({
        limit_limit_gtc: {base_size: '0.01', limit_price: '27000', post_only: false},
      })
      const hold = dec('0.01').mul(27000).mul(dec(TAKER).add(1)) // value plus the most fee it could pay
      expect(fake.balance('USD')).to.deep.equal({free: dec(10000).minus(hold).toFixed(), locked: hold.toFixed()})

      const open = await ex.fetchOpenOrders('BTC/USD')
      expect(open.map((x) => x.id)).to.deep.equal([o.id])
      expect(open[0]).to.deep.include({
        status: 'open',
        type: 'limit',
        side: 'buy',
        price: 27000,
        amount: 0.01,
        filled: 0,
      })
      expect(lastRequest(fake).path).to.equal(LIST_ORDERS_ROUTE.path)
      expect(lastRequest(fake).query).to.deep.include({order_status: 'OPEN', product_id: 'BTC-USD', limit: '100'})

      fake.setPrice('BTC/USD', {bid: '26990', ask: '26999.99', last: '26999.99'})
      const filled = await ex.fetchOrder(idOf(o))
      expect(filled.status).to.equal('closed')
      const fee = dec(270).mul(MAKER)
      expect(filled.info).to.deep.include({
        filled_value: '270',
        total_fees: fee.toFixed(),
        average_filled_price: '27000',
        outstanding_hold_amount: '0',
      })
      expect(fake.balance('USD')).to.deep.equal({free: dec(10000).minus(270).minus(fee).toFixed(), locked: '0'})
      expect(fake.balance('BTC').free).to.equal('0.01')
      const trades = await ex.fetchMyTrades('BTC/USD')
      expect(trades.map((t) => t.takerOrMaker)).to.deep.equal(['maker'])
      expect(await ex.fetchOpenOrders('BTC/USD')).to.have.length(0)
      expect((await ex.fetchClosedOrders('BTC/USD')).map((x) => x.id)).to.deep.equal([o.id])
    })

    it('a crossing limit fills at once at the touch (taker); IOC that does not cross is cancelled; post-only rejected', async () => {
      const ex = await ready(fake)
      const cross = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 28000)
      const c = await ex.fetchOrder(idOf(cross))
      expect(c.info).to.deep.include({status: 'FILLED', average_filled_price: BTC_ASK})
      const ioc = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20000, {timeInForce: 'IOC'})
      expect(lastOrderBody(fake).order_configuration).to.deep.equal({
        sor_limit_ioc: {base_size: '0.001', limit_price: '20000'},
      })
      const i = await ex.fetchOrder(idOf(ioc))
      expect([i.status, orderAnswer(i).filled_size, orderAnswer(i).time_in_force]).to.deep.equal([
        'canceled',
        '0',
        'IMMEDIATE_OR_CANCEL',
      ])
      const usd = dec(10000).minus(dec('0.001').mul(BTC_ASK).mul(dec(TAKER).add(1)))
      expect(fake.balance('USD')).to.deep.equal({free: usd.toFixed(), locked: '0'})
      const po = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 28000, {postOnly: true}))
      expect(po).to.be.instanceOf(ccxt.ExchangeError)
      expect(po).to.not.be.instanceOf(ccxt.InvalidOrder)
      expect(po.message).to.contain('PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY')
      expect(fake.orders()).to.have.length(2)
    })

    it('cancelOrder posts batch_cancel, releases the hold; its answer has no status; a second cancel is BadRequest', async () => {
      const f = await start({balances: {USD: '0', BTC: '0.5'}})
      const ex = await ready(f)
      const o = await ex.createOrder('BTC/USD', 'limit', 'sell', 0.1, 30000)
      expect(f.balance('BTC')).to.deep.equal({free: '0.4', locked: '0.1'})
      const c = await ex.cancelOrder(idOf(o), 'BTC/USD')
      expect(f.requests.at(-1)).to.deep.include({method: 'POST', path: '/api/v3/brokerage/orders/batch_cancel'})
      expect(JSON.parse(lastRequest(f).body)).to.deep.equal({order_ids: [o.id]})
      expect(c.info).to.deep.equal({success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: o.id})
      expect([c.id, c.status]).to.deep.equal([o.id, undefined])
      expect(f.balance('BTC')).to.deep.equal({free: '0.5', locked: '0'})
      expect((await ex.fetchOrder(idOf(o))).status).to.equal('canceled')
      expect(await rejection(ex.cancelOrder(idOf(o)))).to.be.instanceOf(ccxt.BadRequest)
      expect(await rejection(ex.cancelOrder('00000000-0000-4000-8000-000000000000'))).to.be.instanceOf(ccxt.BadRequest)
      const raw = await call(f, 'POST', '/api/v3/brokerage/orders/batch_cancel', {order_ids: [o.id, 'nope']})
      expect(jsonOf(raw).results).to.deep.equal([
        {success: false, failure_reason: 'DUPLICATE_CANCEL_REQUEST', order_id: o.id},
        {success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: 'nope'},
      ])
    })

    it('client ids: ccxt drops params.clientOrderId, sends params.client_order_id; find an order by listing', async () => {
      const ex = await ready(fake)
      const dropped = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'td-ignored'})
      expect(lastOrderBody(fake).client_order_id).to.match(/^ccxt-[0-9a-f-]{36}$/)
      expect(dropped.clientOrderId).to.not.equal('td-ignored')
      const kept = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20001, {client_order_id: 'td-kept-1'})
      expect(lastOrderBody(fake).client_order_id).to.equal('td-kept-1')
      expect(kept.clientOrderId).to.equal('td-kept-1')
      // no lookup by client id exists on Coinbase: list (all statuses, newest first) and match client_order_id
      const all = await ex.fetchOrders('BTC/USD')
      expect(all.map((x) => x.clientOrderId)).to.deep.equal([dropped.clientOrderId, 'td-kept-1']) // ccxt sorts oldest first
      const found = all.find((x) => x.clientOrderId === 'td-kept-1')
      expect(defined(found, 'the td-kept-1 order').id).to.equal(kept.id)
    })

    it('the same client_order_id twice: no second order, the first is returned, even with other parameters', async () => {
      const ex = await ready(fake)
      const first = await ex.createMarketBuyOrderWithCost('BTC/USD', 100, {client_order_id: 'td-dup-1'})
      const again = await ex.createMarketBuyOrderWithCost('BTC/USD', 100, {client_order_id: 'td-dup-1'})
      const other = await ex.createOrder('ETH/USD', 'limit', 'sell', 1, 9999, {client_order_id: 'td-dup-1'})
      expect([again.id, other.id]).to.deep.equal([first.id, first.id])
      expect(other.symbol).to.equal('BTC/USD') // the order that owns the id, not what was asked
      expect(fake.orders()).to.have.length(1)
      expect(fake.balance('USD').free).to.equal('9900')
      // a rejected request creates no order, so its client_order_id stays free (INFERRED)
      const poor = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 50000, {client_order_id: 'td-dup-2'}))
      expect(poor).to.be.instanceOf(ccxt.InsufficientFunds)
      const ok = await ex.createMarketBuyOrderWithCost('BTC/USD', 50, {client_order_id: 'td-dup-2'})
      expect(fake.orders().map((o) => o.id)).to.deep.equal([first.id, ok.id])
    })

    it('an X-USDC product trades on the X-USD book and settles in USDC', async () => {
      const f = await start({balances: {USDC: '500'}})
      const ex = await ready(f)
      const o = await ex.createMarketBuyOrderWithCost('BTC/USDC', 100)
      const info = orderAnswer(await ex.fetchOrder(idOf(o)))
      expect(info.product_id).to.equal('BTC-USDC')
      expect(info.average_filled_price).to.equal(floor16(dec(info.filled_value).div(info.filled_size)).toFixed())
      expect(f.balance('USDC').free).to.equal('400')
      expect(f.balance('USD').free).to.equal('0')
    })

    it('preview creates nothing and reports errs', async () => {
      const ex = await ready(fake)
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 27000, {preview: true})
      expect(lastRequest(fake).path).to.equal('/api/v3/brokerage/orders/preview')
      expect(fake.orders()).to.have.length(0)
      const r = await call(fake, 'POST', '/api/v3/brokerage/orders/preview', {
        product_id: 'BTC-USD',
        side: 'BUY',
        order_configuration: {market_market_ioc: {quote_size: '20000'}},
      })
      expect(jsonOf(r).errs).to.deep.equal(['PREVIEW_INSUFFICIENT_FUND'])
    })
  })

  describe('rejections and ccxt error classes', () => {
    it('INSUFFICIENT_FUND -> InsufficientFunds (through preview_failure_reason); HTTP 200 success:false envelope', async () => {
      const ex = await ready(fake)
      const e = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 10000.01))
      expect(e).to.be.instanceOf(ccxt.InsufficientFunds)
      const r = await call(fake, 'POST', ORDER_ROUTE.path, {
        client_order_id: 'raw-poor',
        product_id: 'BTC-USD',
        side: 'SELL',
        order_configuration: {market_market_ioc: {base_size: '1'}},
      })
      expect(r.status).to.equal(200)
      expect(r.json).to.deep.equal({
        success: false,
        failure_reason: 'UNKNOWN_FAILURE_REASON',
        order_id: '',
        error_response: {
          error: 'INSUFFICIENT_FUND',
          message: 'Insufficient balance in source account',
          error_details: 'BTC available is below 1',
          preview_failure_reason: 'PREVIEW_INSUFFICIENT_FUND',
          new_order_failure_reason: 'INSUFFICIENT_FUND',
        },
        order_configuration: {market_market_ioc: {base_size: '1'}},
      })
      expect(fake.orders()).to.have.length(0)
    })

    it('size limits and precision are plain ExchangeError in ccxt (not InvalidOrder); the reason is in the message', async () => {
      const ex = await ready(fake)
      const small = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 0.5))
      expect(small).to.be.instanceOf(ccxt.ExchangeError)
      expect(small).to.not.be.instanceOf(ccxt.InvalidOrder)
      expect(small.message).to.contain('PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL')
      const f = await start({balances: {DOGE: '100'}})
      const exd = await ready(f)
      const dust = await rejection(exd.createOrder('DOGE/USD', 'market', 'sell', 5)) // 5 DOGE is about $0.36
      expect(dust.message).to.contain('PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL')
      const disabled = await rejection(ex.createOrder('MATIC/USD', 'limit', 'buy', 10, 1))
      expect(disabled).to.be.instanceOf(ccxt.ExchangeError)
      expect(disabled.message).to.contain('ORDER_ENTRY_DISABLED')

      const order = (cfg: Record<string, unknown>, side = 'BUY', product = 'BTC-USD') =>
        call(fake, 'POST', ORDER_ROUTE.path, {
          client_order_id: crypto.randomUUID(),
          product_id: product,
          side,
          order_configuration: cfg,
        })
      const reasons = async (cfg: Record<string, unknown>, side?: string, product?: string) => {
        const failure = defined(jsonOf(await order(cfg, side, product)).error_response, 'the error_response')
        return [failure.error, failure.preview_failure_reason]
      }
      expect(await reasons({limit_limit_gtc: {base_size: '0.000000001', limit_price: '27000'}})).to.deep.equal([
        'INVALID_SIZE_PRECISION',
        'PREVIEW_INVALID_SIZE_PRECISION',
      ])
      expect(await reasons({limit_limit_gtc: {base_size: '0.01', limit_price: '27000.001'}})).to.deep.equal([
        'INVALID_PRICE_PRECISION',
        'PREVIEW_INVALID_PRICE_PRECISION',
      ])
      expect(await reasons({market_market_ioc: {quote_size: '10.001'}})).to.deep.equal([
        'INVALID_SIZE_PRECISION',
        'PREVIEW_INVALID_QUOTE_SIZE_PRECISION',
      ])
      expect(await reasons({market_market_ioc: {base_size: '0'}}, 'SELL', 'DOGE-USD')).to.deep.equal([
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_BASE_SIZE_TOO_SMALL',
      ])
      expect(await reasons({limit_limit_gtc: {base_size: '3401', limit_price: '1'}})).to.deep.equal([
        'UNKNOWN_FAILURE_REASON',
        'PREVIEW_INVALID_BASE_SIZE_TOO_LARGE',
      ])
      const unsupported = ['UNSUPPORTED_ORDER_CONFIGURATION', 'PREVIEW_INVALID_ORDER_CONFIG']
      expect(await reasons({market_market_ioc: {quote_size: '10'}}, 'SELL')).to.deep.equal(unsupported)
      expect(await reasons({stop_limit_stop_limit_gtc: {base_size: '1'}})).to.deep.equal(unsupported)
      expect(await reasons({market_market_ioc: {quote_size: '10'}}, 'BUY', 'NOPE-USD')).to.deep.equal([
        'INVALID_PRODUCT_ID',
        'PREVIEW_INVALID_PRODUCT_ID',
      ])
      const noClientId = await call(fake, 'POST', ORDER_ROUTE.path, {
        product_id: 'BTC-USD',
        side: 'BUY',
        order_configuration: {},
      })
      expect(noClientId.status).to.equal(400)
      expect(jsonOf(noClientId).error).to.equal('INVALID_ARGUMENT')
      const numeric = await order({market_market_ioc: {quote_size: 10}})
      expect([numeric.status, jsonOf(numeric).error]).to.deep.equal([400, 'INVALID_ARGUMENT'])
      expect(fake.orders()).to.have.length(0)
      expect(fake.balance('USD')).to.deep.equal({free: '10000', locked: '0'})
    })

    it('fetchOrder of an unknown id is HTTP 404 NOT_FOUND, which ccxt raises as ExchangeError, not OrderNotFound', async () => {
      const ex = await ready(fake)
      const e = await rejection(ex.fetchOrder('00000000-0000-4000-8000-000000000000'))
      expect(e).to.be.instanceOf(ccxt.ExchangeError)
      expect(e).to.not.be.instanceOf(ccxt.OrderNotFound)
    })
  })

  describe('authentication (CDP JWT)', () => {
    it('a wrong key pair, or a wrong key name, is HTTP 401 -> AuthenticationError', async () => {
      const other = crypto
        .generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
        .privateKey.export({type: 'sec1', format: 'pem'})
        .toString()
      const ex = await ready(fake, {secret: other})
      expect(await rejection(ex.fetchBalance())).to.be.instanceOf(ccxt.AuthenticationError)
      const ex2 = await ready(fake, {apiKey: 'organizations/x/apiKeys/y'})
      expect(await rejection(ex2.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20000))).to.be.instanceOf(
        ccxt.AuthenticationError,
      )
      expect(fake.orders()).to.have.length(0)
      // ccxt's JWT: ES256, kid + nonce, iss "coinbase-cloud", aud ["retail_rest_api_proxy"], uri "GET http://HOST/path"
      const token = defined(lastRequest(fake).headers.authorization, 'the Authorization header').slice(7)
      const [h, c] = token
        .split('.')
        .slice(0, 2)
        .map((x) => JSON.parse(Buffer.from(x, 'base64url').toString()) as unknown)
      expect(h).to.include({alg: 'ES256', kid: 'organizations/x/apiKeys/y', typ: 'JWT'})
      expect(c).to.include({
        iss: 'coinbase-cloud',
        sub: 'organizations/x/apiKeys/y',
        uri: `POST ${fake.url}/api/v3/brokerage/orders`,
      })
      const {exp, nbf} = c as {exp: number; nbf: number}
      expect(exp - nbf).to.equal(120)
    })

    it('raw: missing, tampered, expired, too long-lived, other-uri or other-key tokens are 401 "Unauthorized"', async () => {
      const path = BALANCE_ROUTE.path
      const ok = await call(fake, 'GET', path)
      expect(ok.status).to.equal(200)
      expect((await call(fake, 'GET', path, undefined, {iss: 'coinbase-cloud'})).status).to.equal(200)
      expect((await call(fake, 'GET', path, undefined, {uri: `GET api.coinbase.com${path}`})).status).to.equal(200)
      const now = Math.floor(Date.now() / 1000)
      const other = crypto.generateKeyPairSync('ec', {namedCurve: 'prime256v1'}).privateKey
      const bad: TokenOptions[] = [
        {nbf: now - 300, exp: now - 180},
        {nbf: now + 60},
        {nbf: now, exp: now + 600},
        {uri: `GET 127.0.0.1/api/v3/brokerage/orders/historical/batch`},
        {uri: `POST ${new URL(fake.url).host}${path}`},
        {key: other},
        {kid: 'organizations/x/apiKeys/y'},
        {sub: 'organizations/x/apiKeys/y'},
        {iss: 'someone'},
      ]
      for (const t of bad) {
        const r = await call(fake, 'GET', path, undefined, t)
        expect(r.status, JSON.stringify(t)).to.equal(401)
        expect(r.text).to.equal('Unauthorized\n')
      }
      expect((await call(fake, 'GET', path, undefined, null)).status).to.equal(401)
      const token = cdpJwt('GET', `${new URL(fake.url).host}${path}`)
      const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
      const r = await fetch(`${fake.url}${path}`, {headers: {Authorization: `Bearer ${tampered}`}})
      expect(r.status).to.equal(401)
    })

    it('what decides the scheme in ccxt: legacy HMAC keys get CB-ACCESS-* headers (401 here); PKCS#8 PEM is refused', async () => {
      const legacy = await ready(fake, {apiKey: 'legacykey123', secret: 'legacysecret456'})
      expect(await rejection(legacy.fetchBalance())).to.be.instanceOf(ccxt.AuthenticationError)
      const headers = lastRequest(fake).headers
      expect(headers.authorization).to.equal(undefined)
      expect(headers).to.include.keys('cb-access-key', 'cb-access-sign', 'cb-access-timestamp')
      const pkcs8 = KEYS.privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
      const ex = await ready(fake, {secret: pkcs8})
      const e = await rejection(ex.fetchBalance())
      expect(e.message).to.contain('Unsupported key format')
      expect(e).to.not.be.instanceOf(ccxt.BaseError) // a plain Error from ccxt's signer, no request sent
    })

    it('public market endpoints need no authentication', async () => {
      expect(
        (await call(fake, 'GET', '/api/v3/brokerage/market/products/BTC-USD/ticker?limit=1', undefined, null)).status,
      ).to.equal(200)
      expect(
        (await call(fake, 'GET', '/api/v3/brokerage/products/BTC-USD/ticker?limit=1', undefined, null)).status,
      ).to.equal(401)
    })
  })

  describe('a history made outside tradedesk (seedTrades)', () => {
    const DAY = 86_400_000
    const seed = (time: number, over: Partial<SeedTrade> = {}): SeedTrade => ({
      symbol: 'BTC/USD',
      side: 'buy',
      amount: '0.01',
      price: '27000.01',
      fee: '3.24',
      feeCurrency: 'USD',
      time,
      ...over,
    })
    const fills = async (query: string) => {
      const r = await call(fake, 'GET', `/api/v3/brokerage/orders/historical/fills${query}`)
      expect(r.status).to.equal(200)
      const json = jsonOf(r)
      return {ids: defined(json.fills, 'fills').map((f) => String(f.trade_id)), cursor: json.cursor, fills: json.fills}
    }

    it('List Fills: newest first, 100 by default, then the cursor; start at or after, end before', async () => {
      const t0 = Date.now() - 10 * DAY
      const seeded = fake.seedTrades(Array.from({length: 130}, (_, i) => seed(t0 + i * 60_000)))
      const newestFirst = seeded.map((t) => t.id).reverse()
      const first = await fills('')
      expect(first.ids).to.deep.equal(newestFirst.slice(0, 100))
      const next = await fills(`?cursor=${String(first.cursor)}`)
      expect(next.ids).to.deep.equal(newestFirst.slice(100))
      expect(next.cursor).to.equal('')
      const from = new Date(t0 + 60_000).toISOString()
      const to = new Date(t0 + 3 * 60_000).toISOString()
      const window = await fills(`?start_sequence_timestamp=${from}&end_sequence_timestamp=${to}`)
      expect(window.ids).to.deep.equal([seeded[2].id, seeded[1].id])
      expect(defined(first.fills, 'fills').at(-1)).to.deep.include({
        trade_id: seeded[30].id,
        order_id: seeded[30].orderId,
        trade_time: new Date(t0 + 30 * 60_000).toISOString(),
        price: '27000.01',
        size: '0.01',
        commission: '3.24',
        product_id: 'BTC-USD',
        liquidity_indicator: 'TAKER',
        size_in_quote: false,
        side: 'BUY',
      })
      const ex = await ready(fake)
      const trades = await ex.fetchMyTrades('BTC/USD', t0, 2)
      expect(trades.map((t) => t.id)).to.have.members([seeded[129].id, seeded[128].id])
    })

    it('fills that name one orderId are one FILLED order; a fee not in the quote is refused', () => {
      const t = Date.now() - DAY
      const [a, b] = fake.seedTrades([
        seed(t, {orderId: 'web', side: 'sell', maker: true}),
        seed(t + 1000, {orderId: 'web', side: 'sell', amount: '0.02'}),
      ])
      expect(a.orderId).to.equal(b.orderId)
      expect(fake.rawOrder(a.orderId)).to.deep.include({status: 'FILLED', filled_size: '0.03', side: 'SELL'})
      expect(() => fake.seedTrades([seed(t, {feeCurrency: 'BTC'})])).to.throw(/quote/)
    })
  })

  describe('product candles (seedCandles)', () => {
    it('start, end (seconds) and granularity required; newest first; public and private paths alike', async () => {
      const minute = Math.floor(Date.now() / 60_000) * 60_000
      fake.seedCandles('BTC/USD', [
        {time: minute - 120_000, open: '2', high: '3', low: '1.5', close: '2.5', volume: '4'},
        {time: minute - 60_000, open: '2.5', high: '2.5', low: '2', close: '2.1'},
      ])
      const range = `start=${String((minute - 120_000) / 1000)}&end=${String(minute / 1000)}&granularity=ONE_MINUTE`
      const pub = await call(fake, 'GET', `/api/v3/brokerage/market/products/BTC-USD/candles?${range}`, undefined, null)
      expect(pub.status).to.equal(200)
      expect(JSON.parse(pub.text)).to.deep.equal({
        candles: [
          {start: String((minute - 60_000) / 1000), low: '2', high: '2.5', open: '2.5', close: '2.1', volume: '0'},
          {start: String((minute - 120_000) / 1000), low: '1.5', high: '3', open: '2', close: '2.5', volume: '4'},
        ],
      })
      const priv = await call(fake, 'GET', `/api/v3/brokerage/products/BTC-USD/candles?${range}`)
      expect(priv.text).to.equal(pub.text)
      const noEnd = await call(
        fake,
        'GET',
        '/api/v3/brokerage/market/products/BTC-USD/candles?start=1',
        undefined,
        null,
      )
      expect(noEnd.status).to.equal(400)
      const ex = await ready(fake)
      expect(await ex.fetchOHLCV('BTC/USD', '1m', minute - 60_000, 1)).to.deep.equal([
        [minute - 60_000, 2.5, 2.5, 2, 2.1, 0],
      ])
    })
  })

  describe('faults', () => {
    it('accept-then-hang on create: RequestTimeout, the order exists; re-sending the same client_order_id is safe', async () => {
      const ex = await ready(fake, {timeout: 500})
      fake.injectFault({...ORDER_ROUTE, kind: 'accept-then-hang'})
      const e = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 100, {client_order_id: 'td-hang-1'}))
      expect(e).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders().map((o) => [o.clientOrderId, o.status])).to.deep.equal([['td-hang-1', 'filled']])
      expect(fake.balance('USD').free).to.equal('9900')
      // recovery 1: Coinbase's documented idempotency: the retry answers with the existing order, nothing new happens
      const retry = await ex.createMarketBuyOrderWithCost('BTC/USD', 100, {client_order_id: 'td-hang-1'})
      expect(retry.id).to.equal(fake.orders()[0].id)
      expect(fake.orders()).to.have.length(1)
      expect(fake.balance('USD').free).to.equal('9900')
      // recovery 2: list orders and match client_order_id
      const found = defined(
        (await ex.fetchClosedOrders('BTC/USD')).find((o) => o.clientOrderId === 'td-hang-1'),
        'the td-hang-1 order',
      )
      expect(found.id).to.equal(retry.id)
    })

    it('hang: RequestTimeout and nothing processed', async () => {
      const ex = await ready(fake, {timeout: 300})
      fake.injectFault({...ORDER_ROUTE, kind: 'hang'})
      expect(await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 100))).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(0)
    })

    it('rate limit: HTTP 429 with an HTML page -> RateLimitExceeded; nothing processed', async () => {
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'rate-limit'})
      const e = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 100))
      expect(e).to.be.instanceOf(ccxt.RateLimitExceeded)
      expect(e).to.be.instanceOf(ccxt.NetworkError)
      expect(fake.orders()).to.have.length(0)
      fake.injectFault({...BALANCE_ROUTE, kind: 'rate-limit', times: 'always'})
      for (let i = 0; i < 2; i++) expect(await rejection(ex.fetchBalance())).to.be.instanceOf(ccxt.RateLimitExceeded)
      fake.clearFaults()
      expect((await ex.fetchBalance()).USD.free).to.equal(10000)
    })

    it('server error: HTTP 500 JSON -> ExchangeError (not a NetworkError: ccxt reads the JSON before the status)', async () => {
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'server-error'})
      const e = await rejection(ex.createMarketBuyOrderWithCost('BTC/USD', 100))
      expect(e).to.be.instanceOf(ccxt.ExchangeError)
      expect(e).to.not.be.instanceOf(ccxt.NetworkError)
      expect(e.message).to.contain('INTERNAL')
      expect(fake.orders()).to.have.length(0)
    })

    it('malformed JSON (processed, answer cut): createOrder resolves to an order without id; fetchBalance to nothing', async () => {
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'malformed-json'})
      const o = await ex.createMarketBuyOrderWithCost('BTC/USD', 100, {client_order_id: 'td-cut-1'})
      expect(o.id).to.equal(undefined) // no error at all, yet the order exists and balances moved
      expect(fake.orders().map((x) => x.clientOrderId)).to.deep.equal(['td-cut-1'])
      fake.injectFault({...BALANCE_ROUTE, kind: 'malformed-json'})
      const b = await ex.fetchBalance()
      expect(b.USD).to.equal(undefined)
      expect(typeof b.info).to.equal('string')
    })
  })

  describe('the exchange-neutral view', () => {
    it('orders(), balance(), setPrice() on a resting sell; unknown symbols and bad prices throw', async () => {
      const f = await start({balances: {ETH: '2'}})
      const ex = await ready(f)
      const o = await ex.createOrder('ETH/USD', 'limit', 'sell', 1.5, 1800, {client_order_id: 'td-view-1'})
      expect(f.orders()).to.deep.equal([
        {
          id: o.id,
          clientOrderId: 'td-view-1',
          symbol: 'ETH/USD',
          side: 'sell',
          type: 'limit',
          status: 'open',
          amount: '1.5',
          quoteAmount: null,
          price: '1800',
          filled: '0',
          cost: '0',
          fee: '0',
          feeCurrency: 'USD',
        },
      ])
      expect(f.balance('ETH')).to.deep.equal({free: '0.5', locked: '1.5'})
      f.setPrice('ETH/USD', {bid: '1799.99'})
      expect(f.orders()[0].status).to.equal('open')
      f.setPrice('ETH/USDC', {bid: '1800.5', ask: '1800.6'}) // same book as ETH-USD
      const view = f.orders()[0]
      expect(view).to.deep.include({status: 'filled', filled: '1.5', cost: '2700', fee: dec(2700).mul(MAKER).toFixed()})
      expect(f.balance('ETH')).to.deep.equal({free: '0.5', locked: '0'})
      expect(f.balance('USD').free).to.equal(dec(2700).minus(dec(2700).mul(MAKER)).toFixed())
      expect(f.balance('NOPE')).to.deep.equal({free: '0', locked: '0'})
      expect(() => {
        f.setPrice('NOPE/USD', {last: '1'})
      }).to.throw(/unknown symbol/)
      expect(() => {
        f.setPrice('ETH/USD', {last: '-1'})
      }).to.throw(/bad last/)
      expect(f.rawOrder(idOf(o))).to.deep.include({status: 'FILLED', client_order_id: 'td-view-1'})
    })

    it('a fake started without key material makes its own and says so', async () => {
      const f = await startFakeCoinbase()
      started.push(f)
      expect(f.apiKey).to.match(/^organizations\/.+\/apiKeys\/.+$/)
      expect(f.secret).to.match(/^-----BEGIN EC PRIVATE KEY-----/)
      expect(f.fees).to.deep.equal({taker: TAKER, maker: MAKER})
      const ex = new ccxt.coinbase({
        apiKey: f.apiKey,
        secret: f.secret,
        enableRateLimit: false,
        ...CCXT_COINBASE_CONFIG,
      })
      pointAt(ex, f.url)
      ex.setMarkets(cachedMarkets ?? (await ready(fake)).markets)
      expect((await ex.fetchBalance()).USD.free).to.equal(10000)
    })
  })
})
