/**
 * Tests of the fake OKX v5 spot API, driven through the REAL ccxt.okx class (ccxt 4.5.84), plus raw
 * signed requests where ccxt cannot send what a rule is about (it rounds sizes and prices itself).
 * Run: npx mocha test/support/fake-okx.test.ts
 */
import {expect} from 'chai'
import ccxt from 'ccxt'
import type {Balances, MarketInterface, okx, Order, Trade} from 'ccxt'
import {Decimal} from 'decimal.js'
import crypto from 'node:crypto'

import {
  BALANCE_ROUTE,
  type FakeOkx,
  type FakeOkxOptions,
  ORDER_ROUTE,
  type SeedTrade,
  sentOrders,
  startFakeOkx,
} from './fake-okx.js'
import {defined} from './e2e.js'
import {pointAt, rejection} from './fake-exchange.js'

const KEY = 'okx-test-key'
const SECRET = 'okx-test-secret'
const PASS = 'okx-test-passphrase'
/** BTC-USDT as the fake quotes it: Binance's BTCUSDT snapshot moved onto OKX's tickSz 0.1 (bid down, ask up) */
const BTC_ASK = '27910.4'
const BTC_BID = '27909'
const TAKER = '0.001'
const MAKER = '0.0008'
const INSTRUMENTS = 22

/**
 * Spot markets with one request: options.fetchMarkets.types narrows fetchMarkets to
 * GET /public/instruments?instType=SPOT, and has.fetchCurrencies = false stops loadMarkets from
 * calling the signed GET /asset/currencies (options.fetchCurrencies is not read by okx.js).
 */
const SPOT_ONLY = {options: {fetchMarkets: {types: ['spot']}}, has: {fetchCurrencies: false}}

const dec = (v: Decimal.Value) => new Decimal(v)

/** The raw OKX answers the tests read: ccxt keeps each in `info`, typed any. */
interface OkxBalanceAnswer {
  data: {details: Record<string, string>[]}[]
}
interface OkxFillAnswer {
  feeRate: string
}

const balanceAnswer = (b: Balances) => b.info as OkxBalanceAnswer
const fillAnswer = (t: Trade) => t.info as OkxFillAnswer
const idOf = (o: Order) => defined(o.id, 'the order id')
/** The markets ccxt loaded, by symbol. */
const marketsOf = (ex: okx) => defined(ex.markets, 'the markets') as Record<string, MarketInterface>

function makeExchange(fake: FakeOkx, cfg: Record<string, unknown> = {}): okx {
  const ex = new ccxt.okx({
    apiKey: KEY,
    secret: SECRET,
    password: PASS,
    enableRateLimit: false, // the fake has no limits; ccxt's throttle only slows the tests
    ...SPOT_ONLY,
    ...cfg,
  })
  pointAt(ex, fake.url)
  return ex
}

async function ready(fake: FakeOkx, cfg: Record<string, unknown> = {}): Promise<okx> {
  const ex = makeExchange(fake, cfg)
  await ex.loadMarkets()
  return ex
}

interface Raw {
  status: number
  json: {code: string; msg: string; data: Record<string, string>[]}
}

/** A request signed as OKX documents it: base64(HMAC-SHA256(timestamp + method + requestPath + body, secret)). */
async function signed(
  fake: FakeOkx,
  method: 'GET' | 'POST',
  requestPath: string,
  body?: unknown,
  over: {secret?: string; headers?: Record<string, string>; timestamp?: string} = {},
): Promise<Raw> {
  const timestamp = over.timestamp ?? new Date().toISOString()
  const text = body === undefined ? '' : JSON.stringify(body)
  const sign = crypto
    .createHmac('sha256', over.secret ?? SECRET)
    .update(timestamp + method + requestPath + text)
    .digest('base64')
  const all: Record<string, string> = {
    'OK-ACCESS-KEY': KEY,
    'OK-ACCESS-SIGN': sign,
    'OK-ACCESS-TIMESTAMP': timestamp,
    'OK-ACCESS-PASSPHRASE': PASS,
    'Content-Type': 'application/json',
    ...over.headers,
  }
  // a header given as '' is left out
  const headers = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ''))
  const r = await fetch(fake.url + requestPath, {method, headers, body: text === '' ? undefined : text})
  return {status: r.status, json: (await r.json()) as Raw['json']}
}

const spotOrder = (over: Record<string, string> = {}) => ({
  instId: 'BTC-USDT',
  tdMode: 'cash',
  side: 'buy',
  ordType: 'limit',
  px: '20000',
  sz: '0.001',
  ...over,
})

describe('fake-okx (driven by the real ccxt.okx)', function () {
  this.timeout(20000)
  let fake: FakeOkx
  const started: FakeOkx[] = []
  async function start(opts: FakeOkxOptions = {}): Promise<FakeOkx> {
    const f = await startFakeOkx({apiKey: KEY, secret: SECRET, password: PASS, ...opts})
    started.push(f)
    return f
  }
  beforeEach(async () => {
    fake = await start()
  })
  afterEach(async () => {
    await Promise.all(started.splice(0).map((f) => f.close()))
  })

  const sent = (route: {method: string; path: string}) =>
    fake.requests.filter((r) => r.method === route.method && r.path === route.path)
  const lastOrderSent = () => sentOrders(defined(sent(ORDER_ROUTE).at(-1), 'the last order request'))
  const lastRequest = () => defined(fake.requests.at(-1), 'the last request')

  describe('markets', () => {
    it('loadMarkets with the spot-only options makes exactly one request; BTC/USDT carries OKX precision and limits', async () => {
      const ex = makeExchange(fake)
      await ex.loadMarkets()
      expect(fake.requests.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query)}`)).to.deep.equal([
        'GET /api/v5/public/instruments?instType=SPOT',
      ])
      const markets = marketsOf(ex)
      const m = markets['BTC/USDT']
      expect(m).to.include({id: 'BTC-USDT', type: 'spot', spot: true, active: true, base: 'BTC', quote: 'USDT'})
      expect(m.precision).to.deep.equal({amount: 0.00000001, price: 0.1})
      expect(m.limits.amount).to.deep.equal({min: 0.00001, max: 9999999999})
      expect(m.limits.cost?.max).to.equal(1000000) // maxMktSz, in USDT
      expect(Object.keys(markets)).to.have.length(INSTRUMENTS)
      expect(Object.values(markets).every((x) => x.spot)).to.equal(true)
      expect(markets['ETH/BTC'].precision).to.deep.equal({amount: 0.000001, price: 0.00001})
      await ex.loadMarkets()
      expect(fake.requests).to.have.length(1)
    })

    it('with keys set, loadMarkets also calls the signed GET /asset/currencies unless has.fetchCurrencies is false', async () => {
      // options.fetchCurrencies: false (what the Binance row uses) is not read by okx.js
      const ex = makeExchange(fake, {has: {}, options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false}})
      await ex.loadMarkets()
      expect(fake.requests.map((r) => r.path)).to.deep.equal(['/api/v5/asset/currencies', '/api/v5/public/instruments'])
      expect(fake.requests[0].headers['ok-access-key']).to.equal(KEY)
      expect(ex.currencies.BTC.name).to.equal('Bitcoin')
      // so a wrong key fails loadMarkets itself
      const bad = makeExchange(fake, {apiKey: 'wrong', has: {}})
      const e = await rejection(bad.loadMarkets())
      expect(e).to.be.instanceOf(ccxt.AuthenticationError)
      expect(e.message).to.contain('50111')
    })

    it('without options ccxt asks for every instrument type: 5 instrument requests and the currencies', async () => {
      const ex = makeExchange(fake, {has: {}, options: {}})
      await ex.loadMarkets()
      const types = fake.requests.filter((r) => r.path === '/api/v5/public/instruments').map((r) => r.query.instType)
      expect(types.sort()).to.deep.equal(['FUTURES', 'OPTION', 'OPTION', 'SPOT', 'SWAP'])
      expect(fake.requests).to.have.length(6)
      expect(Object.keys(marketsOf(ex))).to.have.length(INSTRUMENTS) // the fake lists spot instruments only
    })

    it('fetchTicker and fetchTickers: Binance prices on OKX tick sizes; setPrice moves them', async () => {
      const ex = await ready(fake)
      const t = await ex.fetchTicker('BTC/USDT')
      expect(fake.requests.at(-1)).to.deep.include({
        method: 'GET',
        path: '/api/v5/market/ticker',
        query: {instId: 'BTC-USDT'},
      })
      expect([t.last, t.bid, t.ask]).to.deep.equal([27910.4, 27909, 27910.4])
      expect(t.info).to.include({
        instType: 'SPOT',
        instId: 'BTC-USDT',
        last: '27910.4',
        bidPx: BTC_BID,
        askPx: BTC_ASK,
        open24h: '28196.7',
      })
      const two = await ex.fetchTickers(['BTC/USDT', 'ETH/USDT'])
      expect(Object.keys(two).sort()).to.deep.equal(['BTC/USDT', 'ETH/USDT'])
      expect(lastRequest().query).to.deep.equal({instType: 'SPOT'})
      expect(two['ETH/USDT'].info).to.include({last: '1755.75', bidPx: '1755.75', askPx: '1755.76'})
      expect(Object.keys(await ex.fetchTickers())).to.have.length(INSTRUMENTS)
      fake.setPrice('BTC/USDT', {last: '30000', bid: '29999.9', ask: '30000.1'})
      expect((await ex.fetchTicker('BTC/USDT')).info).to.include({last: '30000', bidPx: '29999.9', askPx: '30000.1'})
      const book = await ex.fetchOrderBook('BTC/USDT', 5)
      expect(book.bids[0].slice(0, 2)).to.deep.equal([29999.9, 0.05])
      expect(book.asks.map((a) => a[0])).to.deep.equal([30000.1, 30000.2, 30000.3, 30000.4, 30000.5])
      expect(() => {
        fake.setPrice('NOPE/USDT', {last: '1'})
      }).to.throw(/unknown symbol/)
    })

    it('public errors: an unknown instrument is 51001 (HTTP 200), a missing instType is 50014 (HTTP 400)', async () => {
      const r = await fetch(`${fake.url}/api/v5/market/ticker?instId=NOPE-USDT`)
      expect(r.status).to.equal(200)
      expect(await r.json()).to.deep.equal({
        code: '51001',
        msg: "Instrument ID, Instrument ID code or Spread ID doesn't exist.",
        data: [],
      })
      const i = await fetch(`${fake.url}/api/v5/public/instruments`)
      expect(i.status).to.equal(400)
      expect(await i.json()).to.deep.equal({code: '50014', msg: 'Parameter instType can not be empty.', data: []})
      const swap: unknown = await (await fetch(`${fake.url}/api/v5/public/instruments?instType=SWAP`)).json()
      expect(swap).to.deep.equal({code: '0', data: [], msg: ''})
      const time = (await (await fetch(`${fake.url}/api/v5/public/time`)).json()) as Raw['json']
      expect(Math.abs(Number(time.data[0].ts) - Date.now())).to.be.lessThan(5000)
      const ex = await ready(fake)
      expect(await rejection(ex.publicGetMarketTicker({instId: 'NOPE-USDT'}))).to.be.instanceOf(ccxt.BadSymbol)
      expect(await ex.fetchTime()).to.be.a('number')
    })
  })

  describe('authentication', () => {
    it('fetchBalance: Spot mode answers availBal / frozenBal (availEq empty), only non-zero assets', async () => {
      const f = await start({balances: {USDT: '1234.5', BTC: '0.25', ETH: '0'}})
      const ex = await ready(f)
      const b = await ex.fetchBalance()
      expect(f.requests.at(-1)).to.deep.include({method: BALANCE_ROUTE.method, path: BALANCE_ROUTE.path})
      expect(b.USDT).to.deep.equal({free: 1234.5, used: 0, total: 1234.5})
      expect(b.BTC).to.deep.equal({free: 0.25, used: 0, total: 0.25})
      expect(b.ETH).to.equal(undefined)
      const usdt = defined(
        balanceAnswer(b).data[0].details.find((d) => d.ccy === 'USDT'),
        'the USDT details',
      )
      expect(usdt).to.include({
        availBal: '1234.5',
        frozenBal: '0',
        cashBal: '1234.5',
        eq: '1234.5',
        availEq: '',
        ordFrozen: '0',
      })
      const one = await signed(f, 'GET', '/api/v5/account/balance?ccy=BTC')
      expect(one.json.data[0].details).to.have.length(1)
    })

    it('each header is checked as documented, with HTTP 401 and the documented code', async () => {
      const cases: [Parameters<typeof signed>[4], string, string][] = [
        [{headers: {'OK-ACCESS-KEY': ''}}, '50103', 'Request header "OK-ACCESS-KEY" cannot be empty.'],
        [{headers: {'OK-ACCESS-SIGN': ''}}, '50106', 'Request header "OK-ACCESS-SIGN" cannot be empty.'],
        [{headers: {'OK-ACCESS-TIMESTAMP': ''}}, '50107', 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.'],
        [{headers: {'OK-ACCESS-PASSPHRASE': ''}}, '50104', 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.'],
        [{timestamp: '1700000000000'}, '50112', 'Invalid OK-ACCESS-TIMESTAMP.'],
        [{timestamp: new Date(Date.now() - 31_000).toISOString()}, '50102', 'Timestamp request expired.'],
        [{headers: {'OK-ACCESS-KEY': 'wrong'}}, '50111', 'Invalid OK-ACCESS-KEY.'],
        [{headers: {'OK-ACCESS-PASSPHRASE': 'wrong'}}, '50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.'],
        [{secret: 'wrong'}, '50113', 'Invalid signature.'],
      ]
      for (const [over, code, msg] of cases) {
        const r = await signed(fake, 'GET', '/api/v5/account/balance', undefined, over)
        expect(r, code).to.deep.equal({status: 401, json: {code, msg, data: []}})
      }
      // the query string is part of what is signed
      const ts = new Date().toISOString()
      const sign = crypto.createHmac('sha256', SECRET).update(`${ts}GET/api/v5/account/balance`).digest('base64')
      const headers = {
        'OK-ACCESS-KEY': KEY,
        'OK-ACCESS-SIGN': sign,
        'OK-ACCESS-TIMESTAMP': ts,
        'OK-ACCESS-PASSPHRASE': PASS,
      }
      const r = await fetch(`${fake.url}/api/v5/account/balance?ccy=BTC`, {headers})
      expect([r.status, ((await r.json()) as Raw['json']).code]).to.deep.equal([401, '50113'])
      expect((await signed(fake, 'GET', '/api/v5/account/balance?ccy=BTC')).status).to.equal(200)
    })

    it('through ccxt: bad key, passphrase or secret -> AuthenticationError; a 31 s clock skew -> InvalidNonce', async () => {
      for (const [cfg, code] of [
        [{apiKey: 'wrong'}, '50111'],
        [{password: 'wrong'}, '50105'],
        [{secret: 'wrong'}, '50113'],
      ] as const) {
        const ex = await ready(fake, cfg)
        const e = await rejection(ex.fetchBalance())
        expect(e, code).to.be.instanceOf(ccxt.AuthenticationError)
        expect(e.message).to.contain(`"code":"${code}"`)
      }
      const ex = await ready(fake)
      ex.options.timeDifference = 31_000 // ccxt signs with milliseconds() - timeDifference
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.InvalidNonce)
      expect(e.message).to.contain('50102')
      ex.options.timeDifference = 25_000
      expect((await ex.fetchBalance()).USDT.free).to.equal(10000)
    })

    it('a missing passphrase: ccxt refuses before sending anything private (and loads markets without currencies)', async () => {
      const ex = makeExchange(fake, {password: undefined, has: {}})
      await ex.loadMarkets()
      expect(fake.requests.map((r) => r.path)).to.deep.equal(['/api/v5/public/instruments'])
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.AuthenticationError)
      expect(e.message).to.equal('okx requires "password" credential')
      const o = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))
      expect(o).to.be.instanceOf(ccxt.AuthenticationError)
      expect(fake.requests).to.have.length(1)
    })

    it('request-level errors: wrong method 405/50115, empty body 50000, bad JSON 50002, bad Content-Type 50006', async () => {
      expect(await signed(fake, 'GET', '/api/v5/trade/batch-orders')).to.deep.equal({
        status: 405,
        json: {code: '50115', msg: 'Invalid request method.', data: []},
      })
      const empty = await signed(fake, 'POST', '/api/v5/trade/order')
      expect([empty.status, empty.json.code]).to.deep.equal([400, '50000'])
      const ts = new Date().toISOString()
      const body = '{"instId":'
      const sign = crypto.createHmac('sha256', SECRET).update(`${ts}POST/api/v5/trade/order${body}`).digest('base64')
      const headers = {
        'OK-ACCESS-KEY': KEY,
        'OK-ACCESS-SIGN': sign,
        'OK-ACCESS-TIMESTAMP': ts,
        'OK-ACCESS-PASSPHRASE': PASS,
      }
      const json = {...headers, 'Content-Type': 'application/json'}
      const bad = await fetch(`${fake.url}/api/v5/trade/order`, {method: 'POST', headers: json, body})
      expect([bad.status, ((await bad.json()) as Raw['json']).code]).to.deep.equal([400, '50002'])
      const form = await signed(fake, 'POST', '/api/v5/trade/order', spotOrder(), {
        headers: {'Content-Type': 'text/plain'},
      })
      expect([form.status, form.json.code]).to.deep.equal([400, '50006'])
      expect(fake.orders()).to.have.length(0)
    })
  })

  describe('orders', () => {
    it('market buy by base amount: what OKX receives, an answer with no state, fetchOrder filled with the fee in BTC', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, {clientOrderId: 'tdbuy1'})
      expect(sent(ORDER_ROUTE)).to.have.length(1)
      expect(lastOrderSent()).to.deep.equal([
        {
          instId: 'BTC-USDT',
          side: 'buy',
          ordType: 'market',
          sz: '0.01',
          tdMode: 'cash',
          tgtCcy: 'base_ccy',
          clOrdId: 'tdbuy1',
        },
      ])
      // the batch answer carries ids only: ccxt's order has no status, amount, filled or fee
      expect(Object.keys(o.info as object).sort()).to.deep.equal([
        'clOrdId',
        'ordId',
        'sCode',
        'sMsg',
        'subCode',
        'tag',
        'ts',
      ])
      expect(o).to.include({
        clientOrderId: 'tdbuy1',
        status: undefined,
        filled: undefined,
        amount: undefined,
        fee: undefined,
      })

      const cost = dec('0.01').mul(BTC_ASK)
      const fee = dec('0.01').mul(TAKER)
      const f = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      expect(fake.requests.at(-1)).to.deep.include({
        path: '/api/v5/trade/order',
        query: {instId: 'BTC-USDT', ordId: o.id},
      })
      expect(f).to.include({id: o.id, clientOrderId: 'tdbuy1', status: 'closed', amount: 0.01, filled: 0.01})
      expect(f).to.include({average: 27910.4, cost: 279.104})
      expect(f.fee).to.deep.equal({cost: 0.00001, currency: 'BTC'})
      expect(f.info).to.include({
        state: 'filled',
        accFillSz: '0.01',
        avgPx: BTC_ASK,
        fee: '-0.00001',
        feeCcy: 'BTC',
        tgtCcy: 'base_ccy',
      })

      expect(fake.balance('USDT')).to.deep.equal({free: dec('10000').minus(cost).toFixed(), locked: '0'})
      expect(fake.balance('BTC')).to.deep.equal({free: dec('0.01').minus(fee).toFixed(), locked: '0'})
      expect(fake.balance('BTC').free).to.equal('0.00999')
      const b = await ex.fetchBalance()
      expect([b.USDT.free, b.BTC.free]).to.deep.equal([9720.896, 0.00999])

      const trades = await ex.fetchOrderTrades(idOf(o), 'BTC/USDT')
      const query = {instId: 'BTC-USDT', ordId: o.id, instType: 'SPOT'}
      expect(fake.requests.at(-1)).to.deep.include({path: '/api/v5/trade/fills-history', query})
      expect(trades).to.have.length(1)
      expect(trades[0]).to.include({order: o.id, side: 'buy', price: 27910.4, amount: 0.01, takerOrMaker: 'taker'})
      expect(trades[0].fee).to.deep.include({cost: 0.00001, currency: 'BTC'})
      expect(trades[0].info).to.include({
        fee: '-0.00001',
        feeCcy: 'BTC',
        feeRate: '-0.001',
        execType: 'T',
        subType: '1',
      })

      expect(fake.orders()).to.deep.equal([
        {
          id: o.id,
          clientOrderId: 'tdbuy1',
          symbol: 'BTC/USDT',
          side: 'buy',
          type: 'market',
          status: 'filled',
          amount: '0.01',
          quoteAmount: null,
          price: null,
          filled: '0.01',
          cost: '279.104',
          fee: '0.00001',
          feeCurrency: 'BTC',
        },
      ])
    })

    it('market sell: fills at the bid, fee in the quote currency', async () => {
      const f = await start({balances: {USDT: '1000', BTC: '0.5'}})
      const ex = await ready(f)
      const o = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.005)
      const proceeds = dec('0.005').mul(BTC_BID)
      const fee = proceeds.mul(TAKER)
      expect(f.balance('USDT').free).to.equal(dec('1000').plus(proceeds).minus(fee).toFixed())
      expect(f.balance('BTC').free).to.equal('0.495')
      const got = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      expect(got.info).to.include({fee: fee.neg().toFixed(), feeCcy: 'USDT', avgPx: BTC_BID, tgtCcy: 'base_ccy'})
      expect(got.fee).to.deep.equal({cost: 0.139545, currency: 'USDT'})
    })

    it('market buy sized by quote: createMarketBuyOrderWithCost sends tgtCcy=quote_ccy, sz truncated to tickSz', async () => {
      const ex = await ready(fake)
      const o = await ex.createMarketBuyOrderWithCost('BTC/USDT', 100.123)
      const [req] = lastOrderSent()
      expect(req).to.include({ordType: 'market', side: 'buy', tgtCcy: 'quote_ccy', sz: '100.1'})
      // no client id given: ccxt makes one of its broker id and 16 hex digits, and tags the order
      expect(req.clOrdId).to.match(/^6b9ad766b55dBCDE[0-9a-f]{16}$/)
      expect(req.tag).to.equal('6b9ad766b55dBCDE')
      const base = dec('100.1').div(BTC_ASK).toDecimalPlaces(8, Decimal.ROUND_DOWN) // lotSz 0.00000001
      const got = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      expect(got.info).to.include({sz: '100.1', tgtCcy: 'quote_ccy', accFillSz: base.toFixed(), avgPx: BTC_ASK})
      // ccxt reports the requested quote as the cost, not what was spent
      expect(got.cost).to.equal(100.1)
      expect(fake.orders()[0]).to.include({
        amount: null,
        quoteAmount: '100.1',
        filled: base.toFixed(),
        cost: base.mul(BTC_ASK).toFixed(),
      })
      expect(fake.balance('USDT').free).to.equal(dec('10000').minus(base.mul(BTC_ASK)).toFixed())
      // params.tgtCcy quote_ccy makes `amount` the quote to spend (okx's createMarketBuyOrderRequiresPrice is false),
      // truncated to tickSz: 0.01 becomes sz "0", which OKX refuses (51000 sz -> BadRequest)
      await ex.createOrder('BTC/USDT', 'market', 'buy', 50, undefined, {tgtCcy: 'quote_ccy'})
      expect(lastOrderSent()[0]).to.include({tgtCcy: 'quote_ccy', sz: '50'})
      const e = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, {tgtCcy: 'quote_ccy'}))
      expect(lastOrderSent()[0]).to.include({tgtCcy: 'quote_ccy', sz: '0'})
      expect(e).to.be.instanceOf(ccxt.BadRequest)
      expect(e.message).to.contain('Parameter sz error')
      // without tgtCcy, OKX takes a spot market buy's sz in quote (ccxt always sends tgtCcy)
      const raw = await signed(fake, 'POST', '/api/v5/trade/order', {
        ...spotOrder({ordType: 'market', sz: '50'}),
        px: undefined,
      })
      expect(raw.json.code).to.equal('0')
      expect(fake.okxOrders().at(-1)).to.include({tgtCcy: 'quote_ccy', sz: '50'})
    })

    it('a limit order rests with its funds frozen, is listed open, and fills as maker when setPrice crosses it', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: 'tdlimit1'})
      expect(lastOrderSent()[0]).to.include({ordType: 'limit', px: '20000', sz: '0.001', tgtCcy: 'base_ccy'})
      expect(fake.balance('USDT')).to.deep.equal({free: '9980', locked: '20'})
      const b = await ex.fetchBalance()
      expect(b.USDT).to.deep.equal({free: 9980, used: 20, total: 10000})
      const open = await ex.fetchOpenOrders('BTC/USDT')
      expect(fake.requests.at(-1)).to.deep.include({path: '/api/v5/trade/orders-pending', query: {instId: 'BTC-USDT'}})
      const listed = open.map((x) => [x.id, x.clientOrderId, x.status, x.price, x.amount])
      expect(listed).to.deep.equal([[o.id, 'tdlimit1', 'open', 20000, 0.001]])
      expect((await ex.fetchOrder(idOf(o), 'BTC/USDT')).info).to.include({
        state: 'live',
        accFillSz: '0',
        fee: '0',
        feeCcy: 'BTC',
        avgPx: '',
      })

      fake.setPrice('BTC/USDT', {last: '19999.9', bid: '19999.8', ask: '19999.9'})
      const filled = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      const fee = dec('0.001').mul(MAKER)
      expect(filled).to.include({status: 'closed', filled: 0.001, average: 20000})
      expect(filled.info).to.include({fee: fee.neg().toFixed(), feeCcy: 'BTC'})
      expect(fake.balance('USDT')).to.deep.equal({free: '9980', locked: '0'})
      expect(fake.balance('BTC').free).to.equal(dec('0.001').minus(fee).toFixed())
      expect(await ex.fetchOpenOrders('BTC/USDT')).to.have.length(0)
      const closed = await ex.fetchClosedOrders('BTC/USDT')
      expect(lastRequest().query).to.include({instType: 'SPOT', state: 'filled'})
      expect(closed.map((x) => x.id)).to.deep.equal([o.id])
      const [trade] = await ex.fetchMyTrades('BTC/USDT')
      expect(trade).to.include({takerOrMaker: 'maker', price: 20000})
      expect(fillAnswer(trade).feeRate).to.equal('-0.0008')
    })

    it('a crossing limit order fills at once at the book price, as taker', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 28000)
      const got = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      expect(got).to.include({status: 'closed', price: 28000, average: 27910.4})
      expect(fake.balance('USDT')).to.deep.equal({
        free: dec('10000').minus(dec('0.001').mul(BTC_ASK)).toFixed(),
        locked: '0',
      })
    })

    it('cancelOrder: the answer has no state, the order is canceled, funds come back; again is OrderNotFound (51400)', async () => {
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.001, 30000).catch((e: unknown) => e)
      expect(o).to.be.instanceOf(ccxt.InsufficientFunds) // no BTC
      const buy = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.002, 25000, {clientOrderId: 'tdcancel1'})
      const c = await ex.cancelOrder(idOf(buy), 'BTC/USDT')
      expect(fake.requests.at(-1)).to.deep.include({method: 'POST', path: '/api/v5/trade/cancel-order'})
      expect(JSON.parse(lastRequest().body)).to.deep.equal({instId: 'BTC-USDT', ordId: buy.id})
      expect(c).to.include({id: buy.id, clientOrderId: 'tdcancel1', status: undefined})
      expect(fake.balance('USDT')).to.deep.equal({free: '10000', locked: '0'})
      const got = await ex.fetchOrder(idOf(buy), 'BTC/USDT')
      expect(got.status).to.equal('canceled')
      expect(got.info).to.include({state: 'canceled', cancelSource: '1'})
      const again = await rejection(ex.cancelOrder(idOf(buy), 'BTC/USDT'))
      expect(again).to.be.instanceOf(ccxt.OrderNotFound)
      expect(again.message).to.contain('51400')
      // ccxt's fetchClosedOrders asks for state=filled only; canceled orders need fetchCanceledOrders
      expect(await ex.fetchClosedOrders('BTC/USDT')).to.have.length(0)
      expect((await ex.fetchCanceledOrders('BTC/USDT')).map((x) => x.id)).to.deep.equal([buy.id])
      expect(fake.orders()[0]).to.include({status: 'cancelled', filled: '0', fee: '0'})
    })

    it('fetchOrder by clientOrderId sends clOrdId (no ordId); an unknown one is OrderNotFound (51603)', async () => {
      const ex = await ready(fake)
      const placed = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'tdfindme'})
      const byClient = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', {clientOrderId: 'tdfindme'})
      expect(lastRequest().query).to.deep.equal({instId: 'BTC-USDT', clOrdId: 'tdfindme'})
      expect(byClient).to.include({id: placed.id, clientOrderId: 'tdfindme', status: 'closed', filled: 0.001})
      const missing = await rejection(ex.fetchOrder('', 'BTC/USDT', {clientOrderId: 'tdnosuchorder'}))
      expect(missing).to.be.instanceOf(ccxt.OrderNotFound)
      expect(missing.message).to.contain('51603')
      const byId = await rejection(ex.fetchOrder('123', 'BTC/USDT'))
      expect(byId).to.be.instanceOf(ccxt.OrderNotFound)
    })

    it('clOrdId: 1-32 letters and digits; dash, underscore, 33 characters -> 51000 (BadRequest); pending duplicate -> 51016', async () => {
      const ex = await ready(fake)
      for (const id of ['td-1', 'td_1', 'a'.repeat(33)]) {
        const e = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: id}))
        expect(e, id).to.be.instanceOf(ccxt.BadRequest)
        expect(e, id).to.not.be.instanceOf(ccxt.InvalidOrder)
        expect(e.message).to.contain('"sCode":"51000"').and.contain('Parameter clOrdId error')
      }
      expect(fake.orders()).to.have.length(0)
      const longest = 'A1'.repeat(16)
      const first = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, {clientOrderId: longest})
      expect(first.clientOrderId).to.equal(longest)
      const dup = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 21000, {clientOrderId: longest}))
      expect(dup).to.be.instanceOf(ccxt.InvalidOrder)
      expect(dup.message).to.contain('51016')
      // once the first is canceled the id may be used again; a lookup by it returns the latest order
      await ex.cancelOrder(idOf(first), 'BTC/USDT')
      const second = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 21000, {clientOrderId: longest})
      expect((await ex.fetchOrder('', 'BTC/USDT', {clientOrderId: longest})).id).to.equal(second.id)
      // a batch may not carry the same clOrdId twice either
      const batch = await signed(fake, 'POST', '/api/v5/trade/batch-orders', [
        spotOrder({clOrdId: 'twice'}),
        spotOrder({clOrdId: 'twice'}),
      ])
      expect(batch.json.code).to.equal('2')
      expect(batch.json.data.map((d) => d.sCode)).to.deep.equal(['0', '51016'])
    })

    it('insufficient balance -> 51008 (InsufficientFunds), nothing placed', async () => {
      const ex = await ready(fake)
      const e = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, 27000))
      expect(e).to.be.instanceOf(ccxt.InsufficientFunds)
      expect(e.message).to.contain('"sCode":"51008"').and.contain('Order failed. Insufficient USDT balance in account')
      expect(e.message).to.contain('"subCode":"1000"')
      const s = await rejection(ex.createOrder('BTC/USDT', 'market', 'sell', 0.01))
      expect(s).to.be.instanceOf(ccxt.InsufficientFunds)
      const q = await rejection(ex.createMarketBuyOrderWithCost('BTC/USDT', 10001))
      expect(q).to.be.instanceOf(ccxt.InsufficientFunds)
      expect(fake.orders()).to.have.length(0)
      expect(fake.balance('USDT')).to.deep.equal({free: '10000', locked: '0'})
    })

    it('a market buy in base that the balance cannot pay is reduced to what it can buy, unless banAmend is true', async () => {
      const ex = await ready(fake)
      const banned = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 1, undefined, {banAmend: true}))
      expect(lastOrderSent()[0]).to.include({banAmend: true, tgtCcy: 'base_ccy', sz: '1'})
      expect(banned).to.be.instanceOf(ccxt.InsufficientFunds)
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 1)
      const affordable = dec('10000').div(BTC_ASK).toDecimalPlaces(8, Decimal.ROUND_DOWN)
      const got = await ex.fetchOrder(idOf(o), 'BTC/USDT')
      expect(got.info).to.include({state: 'filled', sz: affordable.toFixed(), accFillSz: affordable.toFixed()})
      expect(got.filled).to.equal(affordable.toNumber())
      expect(fake.balance('USDT').free).to.equal(dec('10000').minus(affordable.mul(BTC_ASK)).toFixed())
    })

    it('sizes: below minSz -> 51020 (InvalidOrder); off the lotSz -> 51121; price off tickSz -> 51000 px', async () => {
      const ex = await ready(fake)
      const small = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.000009))
      expect(lastOrderSent()[0].sz).to.equal('0.000009') // ccxt does not check minSz itself
      expect(small).to.be.instanceOf(ccxt.InvalidOrder)
      expect(small.message).to.contain('51020')
      // ccxt rounds amounts and prices to the market's precision, so these need raw requests
      const lot = await signed(
        fake,
        'POST',
        '/api/v5/trade/order',
        spotOrder({instId: 'ETH-USDT', sz: '0.0012345', px: '1000'}),
      )
      expect(lot.json).to.deep.include({code: '1', msg: 'All operations failed'})
      expect(lot.json.data[0]).to.include({
        sCode: '51121',
        sMsg: 'Order quantity must be a multiple of the lot size.',
        ordId: '',
      })
      const tick = await signed(fake, 'POST', '/api/v5/trade/order', spotOrder({px: '20000.05'}))
      expect(tick.json.data[0]).to.include({sCode: '51000', sMsg: 'Parameter px error'})
      const none = await signed(fake, 'POST', '/api/v5/trade/order', spotOrder({instId: 'NOPE-USDT'}))
      expect(none.json.data[0]).to.include({sCode: '51001'})
      const margin = await signed(fake, 'POST', '/api/v5/trade/order', spotOrder({tdMode: 'cross'}))
      expect(margin.json.data[0]).to.include({sCode: '51010'})
      const noPx = await signed(fake, 'POST', '/api/v5/trade/order', {...spotOrder(), px: ''})
      expect(noPx.json.data[0]).to.include({sCode: '51204'})
      const noSz = await signed(fake, 'POST', '/api/v5/trade/order', {...spotOrder(), sz: ''})
      expect(noSz).to.deep.equal({status: 400, json: {code: '50014', msg: 'Parameter sz can not be empty.', data: []}})
      const many = await signed(
        fake,
        'POST',
        '/api/v5/trade/batch-orders',
        Array.from({length: 21}, () => spotOrder()),
      )
      expect(many.json.code).to.equal('51111')
      expect(fake.orders()).to.have.length(0)
    })

    it('post_only that would take is canceled (cancelSource 31); an ioc that cannot fill is canceled (14); sCode is still 0', async () => {
      const post = await signed(
        fake,
        'POST',
        '/api/v5/trade/order',
        spotOrder({ordType: 'post_only', px: '28000', clOrdId: 'po1'}),
      )
      const ioc = await signed(
        fake,
        'POST',
        '/api/v5/trade/order',
        spotOrder({ordType: 'ioc', px: '20000', clOrdId: 'ioc1'}),
      )
      const fok = await signed(
        fake,
        'POST',
        '/api/v5/trade/order',
        spotOrder({ordType: 'fok', px: '28000', clOrdId: 'fok1'}),
      )
      expect([post, ioc, fok].map((r) => r.json.data[0].sCode)).to.deep.equal(['0', '0', '0'])
      const states = fake.okxOrders().map((o) => [o.clOrdId, o.ordType, o.state, o.cancelSource, o.accFillSz])
      expect(states).to.deep.equal([
        ['po1', 'post_only', 'canceled', '31', '0'],
        ['ioc1', 'ioc', 'canceled', '14', '0'],
        ['fok1', 'fok', 'filled', '', '0.001'],
      ])
      const ex = await ready(fake)
      expect((await ex.fetchOrder('', 'BTC/USDT', {clientOrderId: 'po1'})).postOnly).to.equal(true)
    })

    it('the neutral view for scenario tests: the end-to-end prices, a 0.01 buy costs exactly 279.1', async () => {
      const ex = await ready(fake)
      fake.setPrice('BTC/USDT', {last: '27909.5', bid: '27909', ask: '27910'})
      await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, {clientOrderId: 'tdview'})
      await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.005, 30000, {clientOrderId: 'tdrest'})
      expect(fake.orders().map(({id: _id, ...rest}) => rest)).to.deep.equal([
        {
          clientOrderId: 'tdview',
          symbol: 'BTC/USDT',
          side: 'buy',
          type: 'market',
          status: 'filled',
          amount: '0.01',
          quoteAmount: null,
          price: null,
          filled: '0.01',
          cost: '279.1',
          fee: '0.00001',
          feeCurrency: 'BTC',
        },
        {
          clientOrderId: 'tdrest',
          symbol: 'BTC/USDT',
          side: 'sell',
          type: 'limit',
          status: 'open',
          amount: '0.005',
          quoteAmount: null,
          price: '30000',
          filled: '0',
          cost: '0',
          fee: '0',
          feeCurrency: 'USDT',
        },
      ])
      expect(fake.balance('USDT')).to.deep.equal({free: '9720.9', locked: '0'})
      expect(fake.balance('BTC')).to.deep.equal({free: '0.00499', locked: '0.005'})
      expect(fake.balance('ETH')).to.deep.equal({free: '0', locked: '0'})
      fake.setPrice('BTC/USDT', {bid: '30000', ask: '30000.1'})
      const fee = dec('0.005').mul('30000').mul(MAKER)
      expect(fake.orders()[1]).to.include({status: 'filled', cost: '150', fee: fee.toFixed()})
      expect(fake.balance('USDT').free).to.equal(dec('9720.9').plus('150').minus(fee).toFixed())
      expect(fake.okxFills().map((f) => [f.side, f.execType, f.feeCcy])).to.deep.equal([
        ['buy', 'T', 'BTC'],
        ['sell', 'M', 'USDT'],
      ])
    })

    it('a batch: orders are placed in turn, per-order sCode, top-level code 0 / 2 / 1', async () => {
      const r = await signed(fake, 'POST', '/api/v5/trade/batch-orders', [
        spotOrder({clOrdId: 'b1'}),
        spotOrder({clOrdId: 'b2', sz: '5'}),
      ])
      expect(r.status).to.equal(200)
      expect(r.json).to.deep.include({code: '2', msg: 'Bulk operation partially succeeded.'})
      expect(r.json.data.map((d) => [d.clOrdId, d.sCode, d.sMsg])).to.deep.equal([
        ['b1', '0', 'Order placed'],
        ['b2', '51008', 'Order failed. Insufficient USDT balance in account'],
      ])
      expect(r.json.data[0].ordId).to.match(/^\d{19}$/)
      const c = await signed(fake, 'POST', '/api/v5/trade/cancel-batch-orders', [
        {instId: 'BTC-USDT', clOrdId: 'b1'},
        {instId: 'BTC-USDT', clOrdId: 'b2'},
      ])
      expect(c.json.data.map((d) => d.sCode)).to.deep.equal(['0', '51400'])
      expect(fake.orders().map((o) => o.status)).to.deep.equal(['cancelled'])
    })
  })

  describe('a history made outside tradedesk (seedTrades)', () => {
    const DAY = 86_400_000
    const seed = (time: number, over: Partial<SeedTrade> = {}): SeedTrade => ({
      symbol: 'BTC/USDT',
      side: 'buy',
      amount: '0.01',
      price: '27000.1',
      fee: '0.00001',
      feeCurrency: 'BTC',
      time,
      ...over,
    })
    const fills = async (query: string) => {
      const r = await signed(fake, 'GET', `/api/v5/trade/fills-history?instType=SPOT${query}`)
      expect(r.status).to.equal(200)
      return r.json.data
    }

    it('fills-history: newest first, at most 100, older than `after` (a billId), begin / end inclusive', async () => {
      const t0 = Date.now() - 20 * DAY
      const seeded = fake.seedTrades(Array.from({length: 120}, (_, i) => seed(t0 + i * 60_000)))
      const first = await fills('')
      expect(first.map((f) => f.tradeId)).to.deep.equal(
        seeded
          .slice(20)
          .reverse()
          .map((t) => t.id),
      )
      const after = defined(first.at(-1), 'the oldest fill').billId
      expect((await fills(`&after=${after}`)).map((f) => f.tradeId)).to.deep.equal(
        seeded
          .slice(0, 20)
          .reverse()
          .map((t) => t.id),
      )
      const window = await fills(`&begin=${String(t0 + 60_000)}&end=${String(t0 + 3 * 60_000)}`)
      expect(window.map((f) => f.tradeId)).to.deep.equal([seeded[3].id, seeded[2].id, seeded[1].id])
      expect(first.at(-1)).to.deep.include({
        instId: 'BTC-USDT',
        ordId: seeded[20].orderId,
        side: 'buy',
        fillSz: '0.01',
        fillPx: '27000.1',
        fee: '-0.00001',
        feeCcy: 'BTC',
        execType: 'T',
        ts: String(t0 + 20 * 60_000),
      })
      const [trade] = await (await ready(fake)).fetchMyTrades('BTC/USDT', t0, undefined, {after})
      expect(trade).to.deep.include({id: seeded[0].id, order: seeded[0].orderId, takerOrMaker: 'taker'})
    })

    it('fills-history serves the last 3 months, fills the last 3 days', async () => {
      const old = new Date()
      old.setUTCMonth(old.getUTCMonth() - 3)
      const [tooOld, recent, today] = fake.seedTrades([
        seed(old.getTime() - DAY),
        seed(Date.now() - 10 * DAY),
        seed(Date.now() - 60_000, {side: 'sell', feeCurrency: 'USDT', maker: true}),
      ])
      expect((await fills('')).map((f) => f.tradeId)).to.deep.equal([today.id, recent.id])
      const r = await signed(fake, 'GET', '/api/v5/trade/fills?instType=SPOT')
      expect(r.json.data.map((f) => f.tradeId)).to.deep.equal([today.id])
      expect(fake.okxFills().map((f) => f.tradeId)).to.include(tooOld.id)
    })
  })

  describe('candlesticks (seedCandles)', () => {
    it('newest first, after / before a ts (exclusive), /candles the last 1,440 minutes, /history-candles older', async () => {
      const minute = Math.floor(Date.now() / 60_000) * 60_000
      const old = minute - 2 * 86_400_000
      fake.seedCandles('BTC-USDT', [
        {time: old, open: '1', high: '1', low: '1', close: '1'},
        {time: minute - 120_000, open: '2', high: '3', low: '1.5', close: '2.5', volume: '4'},
        {time: minute - 60_000, open: '2.5', high: '2.5', low: '2', close: '2.1'},
      ])
      const get = async (path: string) =>
        (await (await fetch(`${fake.url}/api/v5/market/${path}`)).json()) as {code: string; data: string[][]}
      const recent = await get('candles?instId=BTC-USDT&bar=1m')
      expect(recent.data.map((c) => c[0])).to.deep.equal([String(minute - 60_000), String(minute - 120_000)])
      expect(recent.data[1]).to.deep.equal([String(minute - 120_000), '2', '3', '1.5', '2.5', '4', '4', '10', '1'])
      const between = await get(`candles?instId=BTC-USDT&after=${String(minute - 60_000)}&before=${String(old)}`)
      expect(between.data.map((c) => c[0])).to.deep.equal([String(minute - 120_000)])
      const history = await get(`history-candles?instId=BTC-USDT&after=${String(old + 1)}`)
      expect(history.data.map((c) => c[0])).to.deep.equal([String(old)])
      expect((await get('candles?instId=BTC-USDT&bar=7m')).code).to.equal('51000')
    })
  })

  describe('faults', () => {
    it('accept-then-hang on the order: RequestTimeout, yet the order exists once and is found by its clOrdId', async () => {
      const ex = await ready(fake, {timeout: 500})
      fake.injectFault({...ORDER_ROUTE, kind: 'accept-then-hang'})
      const e = await rejection(
        ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'tdhang1'}),
      )
      expect(e).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(1)
      expect(fake.orders()[0]).to.include({clientOrderId: 'tdhang1', status: 'filled', filled: '0.001'})
      const found = await ex.fetchOrder('', 'BTC/USDT', {clientOrderId: 'tdhang1'})
      expect(found.status).to.equal('closed')
      expect(sent(ORDER_ROUTE)).to.have.length(1)
    })

    it('hang: RequestTimeout, nothing placed', async () => {
      const ex = await ready(fake, {timeout: 300})
      fake.injectFault({path: ORDER_ROUTE.path, kind: 'hang'})
      expect(await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(0)
      expect(fake.balance('USDT').free).to.equal('10000')
    })

    it('rate limit: HTTP 429 {"code":"50011"} -> RateLimitExceeded (code 50011 wins over ccxt okx httpExceptions 429)', async () => {
      const ex = await ready(fake)
      fake.injectFault({...BALANCE_ROUTE, kind: 'rate-limit'})
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.RateLimitExceeded)
      expect(e).to.not.be.instanceOf(ccxt.ExchangeNotAvailable)
      fake.injectFault({path: '/api/v5/public/time', kind: 'rate-limit'})
      const r = await fetch(`${fake.url}/api/v5/public/time`)
      expect(r.status).to.equal(429)
      expect(await r.json()).to.deep.equal({code: '50011', msg: 'Too Many Requests', data: []})
      fake.injectFault({...ORDER_ROUTE, kind: 'rate-limit'})
      expect(await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))).to.be.instanceOf(
        ccxt.RateLimitExceeded,
      )
      expect(fake.orders()).to.have.length(0)
    })

    it('server error: HTTP 503 {"code":"50001"} -> OnMaintenance (an ExchangeNotAvailable, a NetworkError); nothing placed', async () => {
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'server-error'})
      const e = await rejection(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001))
      expect(e).to.be.instanceOf(ccxt.OnMaintenance)
      expect(e).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      expect(e).to.be.instanceOf(ccxt.NetworkError)
      expect(fake.orders()).to.have.length(0)
      const r = await fetch(`${fake.url}/api/v5/public/time`)
      expect(r.status).to.equal(200) // consumed
    })

    it('malformed JSON (HTTP 200, cut in half): ccxt raises NOTHING; createOrder resolves with no id, reads come back empty', async () => {
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'malformed-json'})
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, {clientOrderId: 'tdmangled'})
      expect(o).to.include({id: undefined, clientOrderId: undefined, status: undefined})
      expect(o.info).to.deep.equal({})
      expect(fake.orders().map((x) => x.clientOrderId)).to.deep.equal(['tdmangled']) // it was placed
      fake.injectFault({...BALANCE_ROUTE, kind: 'malformed-json'})
      const b = await ex.fetchBalance()
      expect([typeof b.info, b.USDT, b.total]).to.deep.equal(['string', undefined, {}])
      fake.injectFault({method: 'GET', path: '/api/v5/trade/order', kind: 'malformed-json'})
      expect(await ex.fetchOrder('', 'BTC/USDT', {clientOrderId: 'tdmangled'})).to.include({
        id: undefined,
        status: undefined,
      })
      fake.injectFault({method: 'GET', path: '/api/v5/trade/orders-pending', kind: 'malformed-json'})
      expect(await ex.fetchOpenOrders('BTC/USDT')).to.deep.equal([])
    })

    it('close() ends hanging responses', async () => {
      const f = await start()
      f.injectFault({path: '/api/v5/public/time', kind: 'hang'})
      const pending = fetch(`${f.url}/api/v5/public/time`).then(
        () => 'answered',
        () => 'failed',
      )
      await new Promise((r) => setTimeout(r, 100))
      await f.close()
      expect(await pending).to.equal('failed')
    })
  })
})
