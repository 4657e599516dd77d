/**
 * Tests of the fake Binance spot server, driven through the REAL ccxt.binance class.
 * Run: npx mocha --import=tsx 'test/support/fake-binance.test.ts'
 */
import {expect} from 'chai'
import ccxt from 'ccxt'
import type {Balances, binance, Exchange, MarketInterface, Order, Ticker, Trade} from 'ccxt'
import {Decimal} from 'decimal.js'
import crypto from 'node:crypto'
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {defined} from './e2e.js'
import {startFakeBinance, type FakeBinance, type FakeBinanceOptions, type SeedTrade} from './fake-binance.js'

const KEY = 'test-key'
const SECRET = 'test-secret'
const BTC_ASK = '27910.36'
const BTC_BID = '27909.01'
const FEE = '0.001'

/** The ccxt options the app uses; verified against ccxt 4.5.84's binance.js (fetchMarkets / fetchCurrencies / fetchMargins). */
const CCXT_OPTIONS = {fetchMarkets: {types: ['spot']}, fetchCurrencies: false, fetchMargins: false}

/** The raw Binance answers the tests read: ccxt keeps each in `info`, typed any. */
interface BinanceOrderAnswer {
  status: string
  executedQty: string
  cummulativeQuoteQty: string
  /** a cancel's answer: the client order id of the order cancelled */
  origClientOrderId?: string
  fills: {price: string; qty: string; commission: string; commissionAsset: string; tradeId: number}[]
}
interface BinanceTickerAnswer {
  lastPrice: string
  bidPrice: string
  askPrice: string
}
interface BinanceAccountAnswer {
  balances: {asset: string; free: string; locked: string}[]
}
interface BinanceTradeAnswer {
  commission: string
}

const orderAnswer = (o: Order) => o.info as BinanceOrderAnswer
const tickerAnswer = (t: Ticker) => t.info as BinanceTickerAnswer
const accountAnswer = (b: Balances) => b.info as BinanceAccountAnswer
const tradeAnswer = (t: Trade) => t.info as BinanceTradeAnswer

/** Point a ccxt.binance instance at the fake: rewrite the origin of every URL in urls.api. */
function pointAt(ex: Exchange, url: string): void {
  const api = ex.urls.api as Record<string, string>
  for (const k of Object.keys(api)) api[k] = api[k].replace(/^https?:\/\/[^/]+/, url)
}

function makeExchange(fake: FakeBinance, cfg: Record<string, unknown> = {}): binance {
  const ex = new ccxt.binance({
    apiKey: KEY,
    secret: SECRET,
    enableRateLimit: false, // the fake has no limits; ccxt's throttle only slows the tests
    options: {...CCXT_OPTIONS},
    ...cfg,
  })
  pointAt(ex, fake.url)
  return ex
}

// loadMarkets parses 2292 markets; do it for real once, then hand the parsed markets to later exchanges
let cachedMarkets: Exchange['markets'] | undefined
async function ready(fake: FakeBinance, cfg: Record<string, unknown> = {}): Promise<binance> {
  const ex = makeExchange(fake, cfg)
  if (cachedMarkets) ex.setMarkets(cachedMarkets)
  else {
    await ex.loadMarkets()
    cachedMarkets = ex.markets
  }
  return ex
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the promise to reject')
}

const fee8 = (d: Decimal) => d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP)
const dec = (s: string | number) => new Decimal(s)

describe('fake-binance (driven by the real ccxt.binance)', function () {
  this.timeout(20000)
  let fake: FakeBinance
  const started: FakeBinance[] = []
  async function start(opts?: FakeBinanceOptions): Promise<FakeBinance> {
    const f = await startFakeBinance(opts)
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
    it('loadMarkets makes exactly one exchangeInfo request with the spot-only options', async () => {
      const ex = makeExchange(fake)
      expect(ex.options).to.have.nested.property('fetchMarkets.types').that.deep.equals(['spot'])
      await ex.loadMarkets()
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /api/v3/exchangeInfo'])
      expect(fake.countRequests('GET', '/api/v3/exchangeInfo')).to.equal(1)
      const markets = defined(ex.markets, 'the markets')
      const btc = markets['BTC/USDT'] as MarketInterface
      expect(btc.id).to.equal('BTCUSDT')
      expect(btc.precision.amount).to.equal(0.00001)
      expect(Object.keys(markets).length).to.equal(2292)
      await ex.loadMarkets() // cached
      expect(fake.countRequests('GET', '/api/v3/exchangeInfo')).to.equal(1)
      cachedMarkets ??= ex.markets
    })

    it('fetchTicker BTC/USDT returns the snapshot price', async () => {
      const ex = await ready(fake)
      const t = await ex.fetchTicker('BTC/USDT')
      expect(t.last).to.equal(27910.38)
      expect(t.bid).to.equal(27909.01)
      expect(t.ask).to.equal(27910.36)
      expect(tickerAnswer(t).lastPrice).to.equal('27910.38000000')
      expect(fake.requests.at(-1)).to.deep.include({
        method: 'GET',
        path: '/api/v3/ticker/24hr',
        query: {symbol: 'BTCUSDT'},
      })
    })

    it('fetchTickers with and without symbols, fetchOrderBook, setTicker', async () => {
      const ex = await ready(fake)
      const two = await ex.fetchTickers(['BTC/USDT', 'ETH/USDT'])
      expect(Object.keys(two).sort()).to.deep.equal(['BTC/USDT', 'ETH/USDT'])
      expect(two['ETH/USDT'].last).to.equal(1755.75)
      const all = await ex.fetchTickers()
      expect(Object.keys(all).length).to.be.greaterThan(1000)
      fake.setTicker('BTCUSDT', {lastPrice: '30000', bidPrice: '29999.99', askPrice: '30000.01'})
      expect(tickerAnswer(await ex.fetchTicker('BTC/USDT')).askPrice).to.equal('30000.01000000')
      const book = await ex.fetchOrderBook('BTC/USDT', 5)
      expect(book.bids[0][0]).to.equal(29999.99)
      expect(book.asks[0][0]).to.equal(30000.01)
      expect(book.bids.length).to.equal(5)
    })

    it('setBook: depth serves that book as Binance documents it (best first, `limit` levels a side); the ticker follows its top', async () => {
      const ex = await ready(fake)
      fake.setBook('BTCUSDT', {
        bids: [
          ['27999.5', '0.3'],
          ['27999', '1.25'],
          ['27990', '2'],
        ],
        asks: [
          ['28000', '0.01'],
          ['28000.5', '0.02'],
        ],
      })
      const raw = (await (await fetch(`${fake.url}/api/v3/depth?symbol=BTCUSDT&limit=2`)).json()) as {
        lastUpdateId: number
        bids: string[][]
        asks: string[][]
      }
      expect(raw.lastUpdateId).to.be.a('number')
      expect(raw.bids).to.deep.equal([
        ['27999.50000000', '0.30000000'],
        ['27999.00000000', '1.25000000'],
      ])
      expect(raw.asks).to.deep.equal([
        ['28000.00000000', '0.01000000'],
        ['28000.50000000', '0.02000000'],
      ])
      const book = await ex.fetchOrderBook('BTC/USDT')
      expect(book.bids.map(([p, q]) => [p, q])).to.deep.equal([
        [27999.5, 0.3],
        [27999, 1.25],
        [27990, 2],
      ])
      expect(book.asks.map(([p, q]) => [p, q])).to.deep.equal([
        [28000, 0.01],
        [28000.5, 0.02],
      ])
      expect(tickerAnswer(await ex.fetchTicker('BTC/USDT'))).to.include({
        bidPrice: '27999.50000000',
        bidQty: '0.30000000',
        askPrice: '28000.00000000',
        askQty: '0.01000000',
      })
      expect(() => {
        fake.setBook('BTCUSDT', {
          bids: [['1', '1']],
          asks: [
            ['3', '1'],
            ['2', '1'],
          ],
        })
      }).to.throw(/best first/)
      fake.setBook('BTCUSDT', null)
      expect((await ex.fetchOrderBook('BTC/USDT', 5)).asks).to.have.length(5)
    })

    it('exchangeInfo and tickers can be filtered by symbol/symbols; unknown symbols are -1121', async () => {
      const one = (await (await fetch(`${fake.url}/api/v3/exchangeInfo?symbol=ETHBTC`)).json()) as {
        symbols: {symbol: string}[]
      }
      expect(one.symbols.map((s) => s.symbol)).to.deep.equal(['ETHBTC'])
      const q = encodeURIComponent('["BTCUSDT","ETHUSDT"]')
      const two = (await (await fetch(`${fake.url}/api/v3/exchangeInfo?symbols=${q}`)).json()) as {
        symbols: {symbol: string}[]
      }
      expect(two.symbols.map((s) => s.symbol)).to.deep.equal(['BTCUSDT', 'ETHUSDT'])
      const prices: unknown = await (await fetch(`${fake.url}/api/v3/ticker/price?symbols=${q}`)).json()
      expect(prices).to.deep.equal([
        {symbol: 'BTCUSDT', price: '27910.38000000'},
        {symbol: 'ETHUSDT', price: '1755.75000000'},
      ])
      const book: unknown = await (await fetch(`${fake.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`)).json()
      expect(book).to.deep.equal({
        symbol: 'BTCUSDT',
        bidPrice: '27909.01000000',
        bidQty: '0.05000000',
        askPrice: '27910.36000000',
        askQty: '0.01286000',
      })
      const bad = await fetch(`${fake.url}/api/v3/ticker/24hr?symbol=NOPEUSDT`)
      expect(bad.status).to.equal(400)
      expect(await bad.json()).to.deep.equal({code: -1121, msg: 'Invalid symbol.'})
      const time = (await (await fetch(`${fake.url}/api/v3/time`)).json()) as {serverTime: unknown}
      expect(time.serverTime).to.be.a('number')
      expect(await (await fetch(`${fake.url}/api/v3/ping`)).json()).to.deep.equal({})
    })

    it('unknown paths answer 404 with a Binance-style JSON error', async () => {
      const r = await fetch(`${fake.url}/sapi/v1/capital/config/getall`)
      expect(r.status).to.equal(404)
      expect(((await r.json()) as {code: number}).code).to.equal(-1020)
    })
  })

  describe('account and orders', () => {
    it('fetchBalance returns the configured balances', async () => {
      const f = await start({balances: {USDT: '1234.5', BTC: '0.25'}})
      const ex = await ready(f)
      const b = await ex.fetchBalance()
      expect(b.USDT).to.deep.equal({free: 1234.5, used: 0, total: 1234.5})
      expect(b.BTC.free).to.equal(0.25)
      expect(accountAnswer(b).balances).to.deep.include({asset: 'USDT', free: '1234.50000000', locked: '0.00000000'})
      expect(f.requests.map((r) => r.path)).to.include('/api/v3/account')
    })

    it('market buy with clientOrderId: id round-trips, balances move by qty*ask + fee exactly', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'td-buy-1'})
      expect(o.clientOrderId).to.equal('td-buy-1')
      expect(o.status).to.equal('closed')
      expect(orderAnswer(o).status).to.equal('FILLED')
      const sent = defined(
        fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/order'),
        'the order request',
      )
      expect(sent.query).to.include({
        newClientOrderId: 'td-buy-1',
        type: 'MARKET',
        side: 'BUY',
        quantity: '0.001',
        newOrderRespType: 'FULL',
      })

      const cost = dec('0.001').mul(BTC_ASK)
      const fee = fee8(cost.mul(FEE))
      expect(orderAnswer(o).cummulativeQuoteQty).to.equal('27.91036000')
      expect(orderAnswer(o).fills).to.deep.equal([
        {price: '27910.36000000', qty: '0.00100000', commission: fee.toFixed(8), commissionAsset: 'USDT', tradeId: 1},
      ])
      const usdt = dec('10000').minus(cost).minus(fee)
      expect(dec(fake.balance('USDT').free).eq(usdt)).to.equal(true)
      expect(fake.balance('BTC')).to.deep.equal({free: '0.00100000', locked: '0.00000000'})

      const b = await ex.fetchBalance()
      const raw = defined(
        accountAnswer(b).balances.find((x) => x.asset === 'USDT'),
        'the USDT balance',
      )
      expect(dec(raw.free).eq(usdt)).to.equal(true)
      expect(raw.free).to.equal('9972.06172964')

      expect(fake.orders()).to.have.length(1)
      expect(fake.orders()[0]).to.include({clientOrderId: 'td-buy-1', status: 'FILLED', executedQty: '0.00100000'})
      const trades = await ex.fetchMyTrades('BTC/USDT')
      expect(trades).to.have.length(1)
      expect(trades[0].order).to.equal(o.id)
      expect(tradeAnswer(trades[0]).commission).to.equal(fee.toFixed(8))
    })

    it('market sell fills at the bid, fee in quote; market buy with cost uses quoteOrderQty', async () => {
      const f = await start({balances: {USDT: '1000', BTC: '0.5'}})
      const ex = await ready(f)
      await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01)
      const proceeds = dec('0.01').mul(BTC_BID)
      const usdt = dec('1000')
        .plus(proceeds)
        .minus(fee8(proceeds.mul(FEE)))
      expect(dec(f.balance('USDT').free).eq(usdt)).to.equal(true)
      expect(f.balance('BTC').free).to.equal('0.49000000')

      // ccxt turns (amount, price) of a market buy into quoteOrderQty = amount * price
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.002, 25000)
      expect(defined(f.requests.at(-1), 'the last request').query.quoteOrderQty).to.equal('50')
      const qty = dec('50').div(BTC_ASK).toDecimalPlaces(5, Decimal.ROUND_DOWN) // LOT_SIZE step 0.00001
      expect(orderAnswer(o).executedQty).to.equal(qty.toFixed(8))
      const cost = qty.mul(BTC_ASK)
      expect(orderAnswer(o).cummulativeQuoteQty).to.equal(cost.toFixed(8))
      expect(dec(f.balance('USDT').free).eq(usdt.minus(cost).minus(fee8(cost.mul(FEE))))).to.equal(true)
    })

    it('a limit order that does not cross rests (funds locked) and cancel releases them exactly', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'td-lim-1'})
      expect(o.status).to.equal('open')
      expect(orderAnswer(o).status).to.equal('NEW')
      const lock = dec('20').plus(fee8(dec('20').mul(FEE)))
      expect(fake.balance('USDT')).to.deep.equal({free: dec('10000').minus(lock).toFixed(8), locked: lock.toFixed(8)})
      const open = await ex.fetchOpenOrders('BTC/USDT')
      expect(open.map((x) => x.clientOrderId)).to.deep.equal(['td-lim-1'])

      const id = defined(o.id, 'the order id')
      const c = await ex.cancelOrder(id, 'BTC/USDT')
      expect(c.status).to.equal('canceled')
      // Binance answers a cancel with a NEW clientOrderId (the cancel's); the original is info.origClientOrderId
      expect(orderAnswer(c).origClientOrderId).to.equal('td-lim-1')
      expect(c.clientOrderId).to.not.equal('td-lim-1')
      expect(fake.balance('USDT')).to.deep.equal({free: '10000.00000000', locked: '0.00000000'})
      expect(await ex.fetchOpenOrders('BTC/USDT')).to.have.length(0)
      const again = await rejection(ex.cancelOrder(id, 'BTC/USDT'))
      expect(again).to.be.instanceOf(ccxt.OrderNotFound)
      expect(again.message).to.contain('-2011')
    })

    it('fetchOrder works by id, by params.origClientOrderId and by params.clientOrderId', async () => {
      const ex = await ready(fake)
      const o = await ex
        .createOrder('BTC/USDT', 'limit', 'sell', 0.001, 30000, {clientOrderId: 'td-find-me'})
        .catch((e: unknown) => e)
      expect(o).to.be.instanceOf(ccxt.InsufficientFunds) // no BTC yet
      const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'td-find-me'})
      const byId = await ex.fetchOrder(defined(placed.id, 'the order id'), 'BTC/USDT')
      const byOrig = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', {origClientOrderId: 'td-find-me'})
      const byClient = await ex.fetchOrder('', 'BTC/USDT', {clientOrderId: 'td-find-me'})
      for (const x of [byId, byOrig, byClient]) {
        expect(x.id).to.equal(placed.id)
        expect(x.clientOrderId).to.equal('td-find-me')
        expect(x.status).to.equal('open')
      }
      const last = defined(fake.requests.at(-1), 'the last request')
      expect(last.query).to.include({origClientOrderId: 'td-find-me'})
      expect(last.query).to.not.have.property('orderId')
    })

    it('a crossing limit fills at once at the book price; a resting one fills when setTicker crosses it', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 28000)
      expect(orderAnswer(o).status).to.equal('FILLED')
      expect(orderAnswer(o).fills[0].price).to.equal('27910.36000000')
      const spent1 = dec('0.001').mul(BTC_ASK)
      let usdt = dec('10000')
        .minus(spent1)
        .minus(fee8(spent1.mul(FEE)))
      expect(dec(fake.balance('USDT').free).eq(usdt)).to.equal(true)

      const rest = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.002, 27000)
      expect(orderAnswer(rest).status).to.equal('NEW')
      fake.setTicker('BTCUSDT', {bidPrice: '26900', askPrice: '26950', lastPrice: '26950'})
      const filled = await ex.fetchOrder(defined(rest.id, 'the order id'), 'BTC/USDT')
      expect(filled.status).to.equal('closed')
      expect(orderAnswer(filled).cummulativeQuoteQty).to.equal('54.00000000') // maker fill at its limit price
      usdt = usdt.minus('54').minus(fee8(dec('54').mul(FEE)))
      expect(fake.balance('USDT')).to.deep.equal({free: usdt.toFixed(8), locked: '0.00000000'})
      expect(fake.balance('BTC').free).to.equal('0.00300000')
      const trades = await ex.fetchMyTrades('BTC/USDT')
      expect(trades.map((t) => t.takerOrMaker)).to.deep.equal(['taker', 'maker'])
    })

    it('fillRatio gives PARTIALLY_FILLED limits (remainder locked) and EXPIRED partial markets', async () => {
      const f = await start({fillRatio: '0.5'})
      const ex = await ready(f)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.003, 28000)
      expect(orderAnswer(o).status).to.equal('PARTIALLY_FILLED')
      expect(o.status).to.equal('open')
      expect(orderAnswer(o).executedQty).to.equal('0.00150000')
      const cost = dec('0.0015').mul(BTC_ASK)
      const lock = dec('0.0015').mul('28000')
      const lockWithFee = lock.plus(fee8(lock.mul(FEE)))
      expect(f.balance('USDT').locked).to.equal(lockWithFee.toFixed(8))
      expect(
        dec(f.balance('USDT').free).eq(
          dec('10000')
            .minus(cost)
            .minus(fee8(cost.mul(FEE)))
            .minus(lockWithFee),
        ),
      ).to.equal(true)
      await ex.cancelOrder(defined(o.id, 'the order id'), 'BTC/USDT')
      expect(f.balance('USDT').locked).to.equal('0.00000000')

      const m = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.002)
      expect(orderAnswer(m).status).to.equal('EXPIRED')
      expect(orderAnswer(m).executedQty).to.equal('0.00100000')
    })

    it('POST /api/v3/order/test (params.test) validates without creating an order', async () => {
      const ex = await ready(fake)
      await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {test: true})
      expect(fake.countRequests('POST', '/api/v3/order/test')).to.equal(1)
      expect(fake.orders()).to.have.length(0)
      expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 20000, {test: true}))).to.be.instanceOf(
        ccxt.BadRequest,
      )
    })

    it('fetchOpenOrders without a symbol is served (ccxt needs warnWithoutSymbol: false)', async () => {
      const ex = await ready(fake)
      expect(await rejection(ex.fetchOpenOrders())).to.be.instanceOf(ccxt.ExchangeError) // ccxt's own guard, no request
      expect(fake.countRequests('GET', '/api/v3/openOrders')).to.equal(0)
      ex.options.fetchOpenOrders = {warnWithoutSymbol: false}
      await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000)
      await ex.createOrder('ETH/USDT', 'limit', 'buy', 0.01, 1000)
      expect((await ex.fetchOpenOrders()).map((o) => o.symbol).sort()).to.deep.equal(['BTC/USDT', 'ETH/USDT'])
      const all = await ex.fetchOrders('BTC/USDT')
      expect(all).to.have.length(1)
    })
  })

  describe('error answers map to ccxt error classes', () => {
    it('-1013 LOT_SIZE and PRICE_FILTER -> InvalidOrder; NOTIONAL -> BadRequest', async () => {
      const ex = await ready(fake)
      const lot = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 9001, 20000)) // maxQty 9000
      expect(lot).to.be.instanceOf(ccxt.InvalidOrder)
      expect(lot.message).to.contain('Filter failure: LOT_SIZE')
      const step = await rejection(
        ex.privatePostOrder({
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.000015',
          price: '20000',
        }),
      )
      expect(step).to.be.instanceOf(ccxt.InvalidOrder)
      expect(step.message).to.contain('"code":-1013')
      const price = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 1000001)) // maxPrice 1e6
      expect(price).to.be.instanceOf(ccxt.InvalidOrder)
      expect(price.message).to.contain('Filter failure: PRICE_FILTER')
      const tick = await rejection(
        ex.privatePostOrder({
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.001',
          price: '20000.005',
        }),
      )
      expect(tick.message).to.contain('Filter failure: PRICE_FILTER')
      const notional = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 20000)) // 2 USDT < 5
      expect(notional).to.be.instanceOf(ccxt.BadRequest)
      expect(notional).to.not.be.instanceOf(ccxt.InvalidOrder)
      expect(notional.message).to.contain('{"code":-1013,"msg":"Filter failure: NOTIONAL"}')
      const marketNotional = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.0001)) // applyMinToMarket
      expect(marketNotional.message).to.contain('Filter failure: NOTIONAL')
      expect(fake.orders()).to.have.length(0)
    })

    it('-2010 insufficient balance -> InsufficientFunds; duplicate client id / unpriced market -> InvalidOrder', async () => {
      const ex = await ready(fake)
      const poor = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 1))
      expect(poor).to.be.instanceOf(ccxt.InsufficientFunds)
      expect(poor.message).to.contain('Account has insufficient balance for requested action.')
      await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'dup-1'})
      const dup = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'dup-1'}))
      expect(dup).to.be.instanceOf(ccxt.InvalidOrder)
      expect(dup.message).to.contain('Duplicate order sent.')
      // ARBUSDT is TRADING in the exchangeInfo but has no price in the March 2023 ticker
      const unpriced = await rejection(ex.createOrder('ARB/USDT', 'market', 'buy', 10))
      expect(unpriced).to.be.instanceOf(ccxt.InvalidOrder)
      expect(unpriced.message).to.contain('-2010')
      expect(fake.orders()).to.have.length(1)
    })

    it('-2013 / -2011 unknown order -> OrderNotFound', async () => {
      const ex = await ready(fake)
      const get = await rejection(ex.fetchOrder('424242', 'BTC/USDT'))
      expect(get).to.be.instanceOf(ccxt.OrderNotFound)
      expect(get.message).to.contain('{"code":-2013,"msg":"Order does not exist."}')
      const byClient = await rejection(ex.fetchOrder('', 'BTC/USDT', {origClientOrderId: 'never-sent'}))
      expect(byClient).to.be.instanceOf(ccxt.OrderNotFound)
      const del = await rejection(ex.cancelOrder('424242', 'BTC/USDT'))
      expect(del).to.be.instanceOf(ccxt.OrderNotFound)
      expect(del.message).to.contain('{"code":-2011,"msg":"Unknown order sent."}')
    })

    it('-1121 invalid symbol -> BadSymbol; -1102 missing parameter -> BadRequest', async () => {
      const ex = await ready(fake)
      const sym = await rejection(ex.publicGetTicker24hr({symbol: 'NOPEUSDT'}))
      expect(sym).to.be.instanceOf(ccxt.BadSymbol)
      const order = await rejection(
        ex.privatePostOrder({symbol: 'NOPEUSDT', side: 'BUY', type: 'MARKET', quantity: '1'}),
      )
      expect(order).to.be.instanceOf(ccxt.BadSymbol)
      const missing = await rejection(ex.privatePostOrder({symbol: 'BTCUSDT', type: 'MARKET', quantity: '1'}))
      expect(missing).to.be.instanceOf(ccxt.BadRequest)
      expect(missing.message).to.contain("Mandatory parameter 'side' was not sent")
    })

    it('-2015 bad key (HTTP 401) and -1022 bad signature -> AuthenticationError', async () => {
      const wrongKey = await ready(fake, {apiKey: 'wrong-key'})
      const e1 = await rejection(wrongKey.fetchBalance())
      expect(e1).to.be.instanceOf(ccxt.AuthenticationError)
      expect(e1.message).to.contain('-2015')
      const wrongSecret = await ready(fake, {secret: 'wrong-secret'})
      const e2 = await rejection(wrongSecret.fetchBalance())
      expect(e2).to.be.instanceOf(ccxt.AuthenticationError)
      expect(e2.message).to.contain('Signature for this request is not valid.')
    })

    it('surprise: -2015 after one successful private call surfaces as DDoSProtection', async () => {
      const f = await start({apiKey: 'rotating-key'})
      const ex = await ready(f, {apiKey: 'rotating-key'})
      await ex.fetchBalance() // sets ccxt's options.hasAlreadyAuthenticatedSuccessfully
      ex.apiKey = 'revoked-key'
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.DDoSProtection)
      expect(e).to.not.be.instanceOf(ccxt.AuthenticationError)
    })
  })

  describe('signature handling (raw HTTP)', () => {
    const sign = (payload: string) => crypto.createHmac('sha256', SECRET).update(payload).digest('hex')
    const orderParams = () =>
      `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=20000&timestamp=${String(Date.now())}`

    it('accepts signed params in the query string or in the form body of a POST', async () => {
      const q = orderParams()
      const r1 = await fetch(`${fake.url}/api/v3/order?${q}&signature=${sign(q)}`, {
        method: 'POST',
        headers: {'X-MBX-APIKEY': KEY},
      })
      expect(r1.status).to.equal(200)
      const b = orderParams().replace('0.001', '0.002')
      const r2 = await fetch(`${fake.url}/api/v3/order`, {
        method: 'POST',
        headers: {'X-MBX-APIKEY': KEY, 'Content-Type': 'application/x-www-form-urlencoded'},
        body: `${b}&signature=${sign(b)}`,
      })
      expect(r2.status).to.equal(200)
      expect(fake.orders().map((o) => o.origQty)).to.deep.equal(['0.00100000', '0.00200000'])
    })

    it('rejects a missing timestamp (-1102), a bad signature (-1022) and a missing key (-2014, 401)', async () => {
      const noTs = 'symbol=BTCUSDT'
      const r1 = await fetch(`${fake.url}/api/v3/openOrders?${noTs}&signature=${sign(noTs)}`, {
        headers: {'X-MBX-APIKEY': KEY},
      })
      expect(r1.status).to.equal(400)
      expect(((await r1.json()) as {code: number}).code).to.equal(-1102)
      const q = `symbol=BTCUSDT&timestamp=${String(Date.now())}`
      const r2 = await fetch(`${fake.url}/api/v3/openOrders?${q}&signature=${sign(q + 'x')}`, {
        headers: {'X-MBX-APIKEY': KEY},
      })
      expect(await r2.json()).to.deep.equal({code: -1022, msg: 'Signature for this request is not valid.'})
      const r3 = await fetch(`${fake.url}/api/v3/openOrders?${q}&signature=${sign(q)}`)
      expect(r3.status).to.equal(401)
      const r4 = await fetch(`${fake.url}/api/v3/openOrders?${q}&signature=${sign(q)}`, {
        headers: {'X-MBX-APIKEY': 'nope'},
      })
      expect(r4.status).to.equal(401)
      expect(await r4.json()).to.deep.equal({code: -2015, msg: 'Invalid API-key, IP, or permissions for action.'})
    })
  })

  describe('a history made outside tradedesk (seedTrades) and its myTrades rules', () => {
    const sign = (payload: string) => crypto.createHmac('sha256', SECRET).update(payload).digest('hex')
    /** GET /api/v3/myTrades signed by hand, with parameters ccxt would not combine */
    const myTrades = async (params: string) => {
      const q = `symbol=BTCUSDT&${params}${params ? '&' : ''}timestamp=${String(Date.now())}`
      const res = await fetch(`${fake.url}/api/v3/myTrades?${q}&signature=${sign(q)}`, {headers: {'X-MBX-APIKEY': KEY}})
      return {status: res.status, json: (await res.json()) as unknown}
    }
    const DAY = 86_400_000
    const t0 = Date.now() - 10 * DAY
    const seed = (i: number, over: Partial<SeedTrade> = {}): SeedTrade => ({
      symbol: 'BTC/USDT',
      side: 'buy',
      amount: '0.001',
      price: String(27000 + i),
      fee: '0.027',
      feeCurrency: 'USDT',
      time: t0 + i * 3_600_000,
      ...over,
    })

    it('seeded fills are FILLED orders, trade ids in time order, served by myTrades', async () => {
      const seeded = fake.seedTrades([seed(1), seed(0, {side: 'sell', maker: true}), seed(2, {symbol: 'ETHUSDT'})])
      // ids follow time, whatever the order given
      expect(seeded.map((t) => t.id)).to.deep.equal(['2', '1', '3'])
      const ex = await ready(fake, {apiKey: KEY, secret: SECRET})
      const trades = await ex.fetchMyTrades('BTC/USDT', undefined, undefined, {fromId: 0})
      expect(trades.map((t) => [t.id, t.order, t.side, t.takerOrMaker, t.timestamp])).to.deep.equal([
        ['1', seeded[1].orderId, 'sell', 'maker', t0],
        ['2', seeded[0].orderId, 'buy', 'taker', t0 + 3_600_000],
      ])
      expect(trades[1].info).to.deep.include({price: '27001.00000000', qty: '0.00100000', quoteQty: '27.00100000'})
      expect(fake.orders().map((o) => [o.symbol, o.status, o.executedQty])).to.deep.equal([
        ['BTCUSDT', 'FILLED', '0.00100000'],
        ['BTCUSDT', 'FILLED', '0.00100000'],
        ['ETHUSDT', 'FILLED', '0.00100000'],
      ])
      // fills that name one orderId belong to one order
      const [a, b] = fake.seedTrades([seed(3, {orderId: 'w'}), seed(4, {orderId: 'w'})])
      expect(a.orderId).to.equal(b.orderId)
      expect(fake.orders().at(-1)).to.deep.include({executedQty: '0.00200000', cummulativeQuoteQty: '54.00700000'})
    })

    it('fromId gives trades >= it, oldest first; startTime alone from that time; no condition: the most recent', async () => {
      fake.seedTrades(Array.from({length: 30}, (_, i) => seed(i)))
      const ids = (json: unknown) => (json as {id: number}[]).map((t) => t.id)
      expect(ids((await myTrades('fromId=28')).json)).to.deep.equal([28, 29, 30])
      expect(ids((await myTrades(`startTime=${String(t0 + 27 * 3_600_000)}`)).json)).to.deep.equal([28, 29, 30])
      expect(ids((await myTrades('fromId=1&limit=2')).json)).to.deep.equal([1, 2])
      expect(ids((await myTrades('limit=2')).json)).to.deep.equal([29, 30])
      expect(ids((await myTrades(`endTime=${String(t0 + 3_600_000)}`)).json)).to.deep.equal([1, 2])
    })

    it('combinations the docs do not list are -1128; startTime and endTime more than 24 h apart are -1127', async () => {
      const bad = {status: 400, json: {code: -1128, msg: 'Combination of optional parameters invalid.'}}
      expect(await myTrades(`fromId=1&startTime=${String(t0)}`)).to.deep.equal(bad)
      expect(await myTrades(`orderId=1&startTime=${String(t0)}`)).to.deep.equal(bad)
      expect((await myTrades('orderId=1&fromId=1')).status).to.equal(200)
      expect(await myTrades(`startTime=${String(t0)}&endTime=${String(t0 + DAY + 1)}`)).to.deep.equal({
        status: 400,
        json: {code: -1127, msg: 'More than 24 hours between startTime and endTime.'},
      })
      expect((await myTrades(`startTime=${String(t0)}&endTime=${String(t0 + DAY)}`)).status).to.equal(200)
    })

    it('klines: seeded one-minute candles, by startTime / endTime / limit; other intervals are not simulated', async () => {
      const minute = Math.floor(t0 / 60_000) * 60_000
      fake.seedCandles('BTC/USDT', [
        {time: minute, open: '1', high: '3', low: '0.5', close: '2', volume: '10'},
        {time: minute + 60_000, open: '2', high: '4', low: '1.5', close: '3.25'},
      ])
      const ex = await ready(fake)
      expect(await ex.fetchOHLCV('BTC/USDT', '1m', minute, 1)).to.deep.equal([[minute, 1, 3, 0.5, 2, 10]])
      expect(await ex.fetchOHLCV('BTC/USDT', '1m', minute + 1, 5)).to.deep.equal([
        [minute + 60_000, 2, 4, 1.5, 3.25, 0],
      ])
      expect(await ex.fetchOHLCV('BTC/USDT', '1m')).to.have.length(2)
      const raw = (await (
        await fetch(`${fake.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=${String(minute)}`)
      ).json()) as unknown[][]
      expect(raw).to.deep.equal([
        [
          minute,
          '1.00000000',
          '3.00000000',
          '0.50000000',
          '2.00000000',
          '10.00000000',
          minute + 59_999,
          '20.00000000',
          1,
          '0.00000000',
          '0.00000000',
          '0',
        ],
      ])
      expect(await (await fetch(`${fake.url}/api/v3/klines?symbol=BTCUSDT&interval=2m`)).json()).to.deep.equal({
        code: -1120,
        msg: 'Invalid interval.',
      })
      expect(await rejection(ex.fetchOHLCV('BTC/USDT', '5m'))).to.be.instanceOf(ccxt.ExchangeError)
      const offTheMinute = [{time: minute + 1, open: '1', high: '1', low: '1', close: '1'}]
      expect(() => {
        fake.seedCandles('BTC/USDT', offTheMinute)
      }).to.throw(/minute/)
    })
  })

  describe('faults (next matching request only)', () => {
    it('accept-then-hang on POST /api/v3/order -> RequestTimeout, and the order exists exactly once', async () => {
      const ex = await ready(fake, {timeout: 500})
      fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'accept-then-hang'})
      const e = await rejection(
        ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'td-hang-1'}),
      )
      expect(e).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(1)
      expect(fake.orders()[0]).to.include({clientOrderId: 'td-hang-1', status: 'FILLED'})
      expect(fake.balance('BTC').free).to.equal('0.00100000')
      // the fault is consumed: reconciliation by client id works on the next request
      const found = await ex.fetchOrder('', 'BTC/USDT', {origClientOrderId: 'td-hang-1'})
      expect(found.status).to.equal('closed')
      expect(fake.countRequests('POST', '/api/v3/order')).to.equal(1)
    })

    it('hang -> RequestTimeout without processing', async () => {
      const ex = await ready(fake, {timeout: 300})
      fake.injectFault({path: '/api/v3/order', kind: 'hang'})
      expect(await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(0)
      expect(fake.balance('USDT').free).to.equal('10000.00000000')
    })

    it('html-503 -> ExchangeNotAvailable', async () => {
      const ex = await ready(fake)
      fake.injectFault({method: 'GET', path: '/api/v3/ticker/24hr', kind: 'html-503'})
      const e = await rejection(ex.fetchTicker('BTC/USDT'))
      expect(e).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      expect((await ex.fetchTicker('BTC/USDT')).last).to.equal(27910.38) // consumed
    })

    it('rate-limit-429 -> DDoSProtection (not RateLimitExceeded)', async () => {
      const ex = await ready(fake)
      fake.injectFault({method: 'GET', path: '/api/v3/account', kind: 'rate-limit-429'})
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.DDoSProtection)
      expect(e).to.not.be.instanceOf(ccxt.RateLimitExceeded)
      expect(e.message).to.contain('-1003')
    })

    it('malformed-json (HTTP 200, truncated JSON): ccxt raises a plain TypeError, or silently returns garbage', async () => {
      const ex = await ready(fake)
      // ccxt's parseJson swallows the SyntaxError and hands the raw string to the parser
      fake.injectFault({method: 'GET', path: '/api/v3/ticker/24hr', kind: 'malformed-json'})
      const t = await rejection(ex.fetchTicker('BTC/USDT'))
      expect(t).to.be.instanceOf(TypeError)
      expect(t).to.not.be.instanceOf(ccxt.BaseError)

      // the request WAS processed: the order exists although ccxt threw a TypeError
      fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'malformed-json'})
      const o = await rejection(
        ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'td-mangled'}),
      )
      expect(o).to.be.instanceOf(TypeError)
      expect(fake.orders().map((x) => x.clientOrderId)).to.deep.equal(['td-mangled'])

      // fetchBalance does NOT throw: it resolves with an empty balance (info is the raw string)
      fake.injectFault({method: 'GET', path: '/api/v3/account', kind: 'malformed-json'})
      const b = await ex.fetchBalance()
      expect(typeof b.info).to.equal('string')
      expect(b.USDT).to.equal(undefined)
      expect(b.free).to.deep.equal({})

      // fetchOpenOrders does NOT throw either: it returns one garbage order without id/status
      fake.injectFault({method: 'GET', path: '/api/v3/openOrders', kind: 'malformed-json'})
      const open = await ex.fetchOpenOrders('BTC/USDT')
      expect(open).to.have.length(1)
      expect(open[0].status).to.equal(undefined)
    })

    it('malformed-json on exchangeInfo: loadMarkets resolves with ZERO markets (and caches that)', async () => {
      const ex = makeExchange(fake)
      fake.injectFault({method: 'GET', path: '/api/v3/exchangeInfo', kind: 'malformed-json'})
      const markets = await ex.loadMarkets()
      expect(Object.keys(markets)).to.have.length(0)
      expect(await rejection(ex.fetchTicker('BTC/USDT'))).to.be.instanceOf(ccxt.BadSymbol)
      expect(Object.keys(await ex.loadMarkets(true))).to.have.length(2292) // a reload recovers
    })

    it('server-error-500 -> OperationFailed (JSON -1000 wins over the HTTP status), nothing processed', async () => {
      const ex = await ready(fake)
      fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'server-error-500'})
      const e = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))
      expect(e).to.be.instanceOf(ccxt.OperationFailed)
      expect(e).to.not.be.instanceOf(ccxt.NetworkError)
      expect(fake.orders()).to.have.length(0)
    })

    it('a fault only matches its method+path', async () => {
      const ex = await ready(fake)
      fake.injectFault({method: 'DELETE', path: '/api/v3/order', kind: 'html-503'})
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000)
      const id = defined(o.id, 'the order id')
      await ex.fetchOrder(id, 'BTC/USDT')
      expect(await rejection(ex.cancelOrder(id, 'BTC/USDT'))).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      expect((await ex.cancelOrder(id, 'BTC/USDT')).status).to.equal('canceled')
    })

    it('close() ends hanging responses', async () => {
      const f = await start()
      f.injectFault({path: '/api/v3/ping', kind: 'hang'})
      const pending = fetch(`${f.url}/api/v3/ping`).then(
        () => 'answered',
        () => 'failed',
      )
      await new Promise((r) => setTimeout(r, 100))
      const t0 = Date.now()
      await f.close()
      expect(await pending).to.equal('failed')
      expect(Date.now() - t0).to.be.lessThan(2000)
    })
  })

  describe('faults for N requests or always, clearFaults, onRequest, port', () => {
    const ping = async (f: FakeBinance) => (await fetch(`${f.url}/api/v3/ping`)).status

    it('times: N applies to the next N matching requests, then the fault is consumed', async () => {
      fake.injectFault({method: 'GET', path: '/api/v3/ping', kind: 'html-503', times: 3})
      expect([await ping(fake), await ping(fake), await ping(fake), await ping(fake)]).to.deep.equal([
        503, 503, 503, 200,
      ])
      expect(fake.countRequests('GET', '/api/v3/ping')).to.equal(4)
    })

    it("times: 'always' applies until clearFaults(); a 3-attempt read retry cannot get past it", async () => {
      const ex = await ready(fake)
      fake.injectFault({method: 'GET', path: '/api/v3/ticker/24hr', kind: 'html-503', times: 'always'})
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await rejection(ex.fetchTicker('BTC/USDT'))).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      }
      expect(fake.countRequests('GET', '/api/v3/ticker/24hr')).to.equal(3)
      expect(await ping(fake)).to.equal(200) // other paths are untouched
      fake.clearFaults()
      expect((await ex.fetchTicker('BTC/USDT')).last).to.equal(27910.38)
    })

    it('the default is still the next matching request only', async () => {
      fake.injectFault({path: '/api/v3/ping', kind: 'server-error-500'})
      expect([await ping(fake), await ping(fake)]).to.deep.equal([500, 200])
    })

    it('clearFaults(filter) removes only the faults of that path (and method)', async () => {
      fake.injectFault({method: 'GET', path: '/api/v3/ping', kind: 'html-503', times: 'always'})
      fake.injectFault({method: 'GET', path: '/api/v3/time', kind: 'html-503', times: 'always'})
      fake.clearFaults({method: 'POST', path: '/api/v3/ping'}) // other method: nothing removed
      expect(await ping(fake)).to.equal(503)
      fake.clearFaults({path: '/api/v3/ping'})
      expect(await ping(fake)).to.equal(200)
      expect((await fetch(`${fake.url}/api/v3/time`)).status).to.equal(503)
      fake.clearFaults()
      expect((await fetch(`${fake.url}/api/v3/time`)).status).to.equal(200)
    })

    it('faults apply in the order injected; a counted one gives way to the next when used up', async () => {
      fake.injectFault({path: '/api/v3/ping', kind: 'server-error-500', times: 2})
      fake.injectFault({path: '/api/v3/ping', kind: 'html-503', times: 'always'})
      expect([await ping(fake), await ping(fake), await ping(fake), await ping(fake)]).to.deep.equal([
        500, 500, 503, 503,
      ])
    })

    it('refuses a times that is not a positive integer or always', () => {
      for (const times of [0, -1, 1.5, Number.NaN]) {
        expect(() => {
          fake.injectFault({path: '/api/v3/ping', kind: 'hang', times})
        }, String(times)).to.throw(/times/)
      }
    })

    it('onRequest runs before routing (a hook can move the market under an order) and can be removed', async () => {
      const ex = await ready(fake)
      const seen: string[] = []
      const off = fake.onRequest((r) => {
        seen.push(`${r.method} ${r.path}`)
        if (r.method === 'POST' && r.path === '/api/v3/order')
          fake.setTicker('BTCUSDT', {askPrice: '30000', bidPrice: '29999'})
      })
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001)
      expect(orderAnswer(o).fills[0].price).to.equal('30000.00000000') // filled at the price set by the hook
      expect(seen).to.deep.equal(['POST /api/v3/order'])
      off()
      await ex.fetchTicker('BTC/USDT')
      expect(seen).to.have.length(1)
    })

    it('port: a new server can take over the port of a closed one', async () => {
      const first = await startFakeBinance()
      const port = Number(new URL(first.url).port)
      await first.close()
      const second = await start({port})
      expect(second.url).to.equal(first.url)
      expect(await ping(second)).to.equal(200)
    })
  })

  describe('standalone', () => {
    it('node --import tsx test/support/fake-binance.ts --port 0 prints its URL and stops on SIGTERM', async () => {
      const file = fileURLToPath(new URL('./fake-binance.ts', import.meta.url))
      const child = spawn(process.execPath, ['--import', 'tsx', file, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          if (out.includes('\n')) resolve(out.split('\n')[0])
        })
        child.once('exit', (code) => {
          reject(new Error(`exited early: ${String(code)}`))
        })
      })
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await (await fetch(`${url}/api/v3/ping`)).json()).to.deep.equal({})
      const exited = new Promise<number | null>((resolve) => {
        child.once('exit', (code) => {
          resolve(code)
        })
      })
      child.kill('SIGTERM')
      expect(await exited).to.equal(0)
    })
  })
})
