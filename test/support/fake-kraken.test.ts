/**
 * Tests of the fake Kraken spot server (fake-kraken.ts), driven through the REAL ccxt.kraken class where ccxt can
 * say it, and through raw signed requests where ccxt would refuse or rewrite the input on its own side.
 * Run: npx mocha test/support/fake-kraken.test.ts
 */
import crypto from 'node:crypto'

import {expect} from 'chai'
import ccxt from 'ccxt'
import type {Balances, Dict, kraken, MarketInterface, Order, Ticker} from 'ccxt'
import {Decimal} from 'decimal.js'

import {
  BALANCE_ROUTE,
  DEFAULT_SECRET,
  KRAKEN_ERRORS,
  ORDER_ROUTE,
  type FakeKraken,
  type FakeKrakenOptions,
  krakenSign,
  startFakeKraken,
} from './fake-kraken.js'
import {defined} from './e2e.js'
import {pointAt, rejection} from './fake-exchange.js'

const KEY = 'kraken-test-key'
const SECRET = DEFAULT_SECRET
// BTC/USD (XXBTZUSD, tick 0.1) from Binance BTCUSDT 27909.01 / 27910.36 / 27910.38: bid down, ask up, last nearest
const BTC_BID = '27909'
const BTC_ASK = '27910.4'
// ETH/USD (XETHZUSD, tick 0.01) from ETHUSDT 1755.75 / 1755.76
const ETH_BID = '1755.75'
const TAKER = '0.0026'
const MAKER = '0.0016'

const dec = (v: string | number) => new Decimal(v)
/** fee as Kraken reports it: cost x rate, half-up to the pair's cost_decimals (5 for XXBTZUSD and XETHZUSD) */
const fee5 = (cost: Decimal, rate: string) => cost.mul(rate).toDecimalPlaces(5, Decimal.ROUND_HALF_UP)
/** ZUSD is kept to 4 decimals (Assets decimals), so the ledger rounds what the trade reports */
const usd4 = (d: Decimal) => d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP)

/** The raw Kraken answers the tests read: ccxt keeps each in `info` (typed any), or answers Dict (implicit API). */
interface KrakenAddOrderAnswer {
  descr: {order: string}
  txid: string[]
}
/** An order as QueryOrders / OpenOrders / ClosedOrders give it (the fields read here). */
interface KrakenOrderAnswer {
  oflags: string
  reason?: string | null
  trades: string[]
}
interface KrakenBalanceAnswer {
  result: Record<string, {balance: string; hold_trade: string}>
}
interface KrakenTickerAnswer {
  /** ask: [price, whole lot volume, lot volume] */
  a: string[]
}
interface KrakenCancelAnswer {
  result: {count: number}
}
interface KrakenClosedOrdersAnswer {
  result: {closed: Record<string, unknown>; count: number}
}
interface KrakenTradesHistoryAnswer {
  result: {trades: Record<string, unknown>; count: number}
}

const addOrderAnswer = (o: Order) => o.info as KrakenAddOrderAnswer
const orderAnswer = (o: Order) => o.info as KrakenOrderAnswer
const balanceAnswer = (b: Balances) => b.info as KrakenBalanceAnswer
const tickerAnswer = (t: Ticker) => t.info as KrakenTickerAnswer
const cancelAnswer = (o: Order) => o.info as KrakenCancelAnswer
const closedOrders = async (ex: kraken, params?: Dict) =>
  (await ex.privatePostClosedOrders(params)) as KrakenClosedOrdersAnswer
const idOf = (o: Order) => defined(o.id, 'the order id')

function makeExchange(fake: FakeKraken, cfg: Record<string, unknown> = {}): kraken {
  const ex = new ccxt.kraken({apiKey: KEY, secret: SECRET, enableRateLimit: false, ...cfg})
  pointAt(ex, fake.url)
  return ex
}

async function ready(fake: FakeKraken, cfg: Record<string, unknown> = {}): Promise<kraken> {
  const ex = makeExchange(fake, cfg)
  await ex.loadMarkets()
  return ex
}

const last = (fake: FakeKraken, path: string) =>
  defined(
    [...fake.requests].reverse().find((r) => r.path === path),
    `a request to ${path}`,
  )

let rawNonce = 0
/** A private call signed by hand with Kraken's documented algorithm, form-encoded like the docs' example. */
async function rawPrivate(
  fake: FakeKraken,
  method: string,
  params: Record<string, string>,
  auth: {key?: string; secret?: string; nonce?: string} = {},
): Promise<{status: number; json: {error: string[]; result: Record<string, unknown>}}> {
  rawNonce = Math.max(Date.now(), rawNonce + 1)
  const nonce = auth.nonce ?? String(rawNonce)
  const body = new URLSearchParams({nonce, ...params}).toString()
  const uriPath = `/0/private/${method}`
  const res = await fetch(fake.url + uriPath, {
    method: 'POST',
    headers: {
      'API-Key': auth.key ?? KEY,
      'API-Sign': krakenSign(uriPath, nonce, body, auth.secret ?? SECRET),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body,
  })
  return {status: res.status, json: (await res.json()) as {error: string[]; result: Record<string, unknown>}}
}

describe('fake-kraken (driven by the real ccxt.kraken)', function () {
  this.timeout(20000)
  const started: FakeKraken[] = []
  async function start(opts: FakeKrakenOptions = {}): Promise<FakeKraken> {
    const f = await startFakeKraken({apiKey: KEY, balances: {USD: '10000', BTC: '0.5', ETH: '2'}, ...opts})
    started.push(f)
    return f
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((f) => f.close()))
  })

  describe('authentication (docs.kraken.com spot-rest-auth)', () => {
    it("krakenSign reproduces the signature of Kraken's documented example", () => {
      // the example of the Spot REST Authentication guide: buy 1.25 XBTUSD at 37500
      const sig = krakenSign(
        '/0/private/AddOrder',
        '1616492376594',
        'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25',
        'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
      )
      expect(sig).to.equal('4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==')
    })

    it('a wrong key is EAPI:Invalid key -> AuthenticationError; errors come in HTTP 200', async () => {
      const fake = await start()
      const ex = makeExchange(fake, {apiKey: 'someone-else'})
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.AuthenticationError)
      expect(e.message).to.contain('{"error":["EAPI:Invalid key"],"result":{}}')
      const raw = await rawPrivate(fake, 'BalanceEx', {}, {key: 'nope'})
      expect(raw).to.deep.equal({status: 200, json: {error: ['EAPI:Invalid key'], result: {}}})
    })

    it('a wrong secret is EAPI:Invalid signature, which ccxt 4.5.84 leaves a plain ExchangeError', async () => {
      const fake = await start()
      const ex = makeExchange(fake, {secret: Buffer.from('another secret').toString('base64')})
      const e = await rejection(ex.fetchBalance())
      expect(e.constructor).to.equal(ccxt.ExchangeError)
      expect(e.message).to.contain('EAPI:Invalid signature')
      // the signature covers the exact body: one changed byte after signing fails it too
      const nonce = String(Date.now())
      const body = `nonce=${nonce}`
      const res = await fetch(`${fake.url}/0/private/Balance`, {
        method: 'POST',
        headers: {'API-Key': KEY, 'API-Sign': krakenSign('/0/private/Balance', nonce, body, SECRET)},
        body: body + '&x=1',
      })
      expect(await res.json()).to.deep.equal({error: ['EAPI:Invalid signature'], result: {}})
    })

    it('a nonce not above the last accepted one is EAPI:Invalid nonce -> InvalidNonce', async () => {
      const fake = await start()
      const ex = await ready(fake)
      await ex.fetchBalance()
      const accepted = defined(fake.lastNonce(), 'the last accepted nonce')
      expect(accepted).to.equal(last(fake, '/0/private/BalanceEx').query.nonce)
      ex.nonce = () => Number(accepted) // the same nonce again
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.InvalidNonce)
      expect(e.message).to.contain('EAPI:Invalid nonce')
      ex.nonce = () => Number(accepted) - 1
      expect(await rejection(ex.fetchBalance())).to.be.instanceOf(ccxt.InvalidNonce)
      // a refused nonce is not consumed: the next larger one is fine
      ex.nonce = () => Number(accepted) + 1
      await ex.fetchBalance()
      expect(fake.lastNonce()).to.equal(String(Number(accepted) + 1))
      // two calls signed in the same millisecond (ccxt's nonce is the millisecond clock) clash, as on Kraken
      const now = Date.now() + 1000
      ex.nonce = () => now
      const both = await Promise.allSettled([ex.fetchBalance(), ex.fetchBalance()])
      expect(both.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected'])
    })

    it('sequential ccxt calls never clash: the fake answers after the nonce millisecond, as any round trip does', async () => {
      const fake = await start()
      const ex = await ready(fake)
      for (let i = 0; i < 40; i++) await ex.fetchBalance()
      const nonces = fake.requests.filter((r) => r.path === BALANCE_ROUTE.path).map((r) => BigInt(r.query.nonce))
      expect(nonces).to.have.length(40)
      expect(nonces.every((n, i) => i === 0 || n > nonces[i - 1])).to.equal(true)
    })

    it('the private API also takes a JSON body (ccxt sends one for batch calls); the signature covers it as sent', async () => {
      const fake = await start()
      const nonce = String(Date.now())
      const body = JSON.stringify({
        nonce,
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        volume: '0.001',
        price: '20000.0',
      })
      const res = await fetch(fake.url + ORDER_ROUTE.path, {
        method: ORDER_ROUTE.method,
        headers: {
          'API-Key': KEY,
          'API-Sign': krakenSign(ORDER_ROUTE.path, nonce, body, SECRET),
          'Content-Type': 'application/json',
        },
        body,
      })
      const json = (await res.json()) as {error: string[]; result: {txid: string[]; descr: {order: string}}}
      expect(json.error).to.deep.equal([])
      expect(json.result.descr.order).to.equal('buy 0.00100000 XBTUSD @ limit 20000.0')
      expect(json.result.txid[0]).to.match(/^O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/)
    })
  })

  describe('market data', () => {
    it('loadMarkets reads Assets then AssetPairs; BTC/USD has the precision and limits of XXBTZUSD', async () => {
      const fake = await start()
      const ex = makeExchange(fake)
      await ex.loadMarkets()
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'GET /0/public/Assets',
        'GET /0/public/AssetPairs',
      ])
      const markets = defined(ex.markets, 'the markets') as Record<string, MarketInterface & {altname: string}>
      const m = markets['BTC/USD']
      expect(m).to.deep.include({
        id: 'XXBTZUSD',
        base: 'BTC',
        quote: 'USD',
        baseId: 'BTC',
        quoteId: 'USD',
        active: true,
        spot: true,
      })
      expect(m.altname).to.equal('XBTUSD')
      expect(m.precision).to.deep.equal({amount: 1e-8, price: 0.1})
      expect(defined(m.limits.amount, 'the amount limits').min).to.equal(0.0001)
      expect(defined(m.limits.cost, 'the cost limits').min).to.equal(0.5)
      expect([m.taker, m.maker]).to.deep.equal([0.0026, 0.0016])
      expect(Object.keys(markets)).to.have.length(28)
      expect(markets['ETH/BTC'].id).to.equal('XETHXXBT')
      expect(markets['ETH/BTC'].precision).to.deep.equal({amount: 1e-8, price: 0.00001})
      expect(markets['USDT/USD'].id).to.equal('USDTZUSD')
      expect(markets['BTC/USDT'].id).to.equal('XBTUSDT')
      expect(markets['DOGE/USD'].id).to.equal('XDGUSD')
      expect(markets['SOL/USD'].id).to.equal('SOLUSD')
      expect(markets['BTC/EUR'].id).to.equal('XXBTZEUR')
      expect(ex.currencies.BTC.id).to.equal('XXBT')
      expect(ex.currencies.USD.precision).to.equal(0.0001)
    })

    it('fetchTicker / fetchTickers: prices from the Binance snapshot on the pair grid', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const t = await ex.fetchTicker('BTC/USD')
      expect([t.bid, t.ask, t.last]).to.deep.equal([Number(BTC_BID), Number(BTC_ASK), 27910.4])
      expect(tickerAnswer(t).a[0]).to.equal('27910.40000')
      expect(last(fake, '/0/public/Ticker').query).to.deep.equal({pair: 'XXBTZUSD'})
      const two = await ex.fetchTickers(['BTC/USD', 'ETH/USD'])
      expect(Object.keys(two).sort()).to.deep.equal(['BTC/USD', 'ETH/USD'])
      expect(two['ETH/USD'].bid).to.equal(1755.75)
      expect(last(fake, '/0/public/Ticker').query).to.deep.equal({pair: 'XXBTZUSD,XETHZUSD'})
      expect(Object.keys(await ex.fetchTickers())).to.have.length(28)
      // USDT/USD is priced from 1 / Binance USDCUSDT (0.9970 / 0.9971), its bid from the inverted ask
      const usdt = await ex.fetchTicker('USDT/USD')
      expect([usdt.bid, usdt.ask]).to.deep.equal([1.0029, 1.0031])
      const book = await ex.fetchOrderBook('BTC/USD')
      expect(last(fake, '/0/public/Depth').query).to.deep.equal({pair: 'XXBTZUSD'})
      expect([book.bids[0][0], book.asks[0][0]]).to.deep.equal([Number(BTC_BID), Number(BTC_ASK)])
      const time = (await (await fetch(`${fake.url}/0/public/Time`)).json()) as {result: {rfc1123: string}}
      expect(time.result.rfc1123).to.match(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000$/)
    })

    it('an unknown pair is EQuery:Unknown asset pair (ccxt: a plain ExchangeError)', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const e = await rejection(ex.publicGetTicker({pair: 'NOPEUSD'}))
      expect(e.constructor).to.equal(ccxt.ExchangeError)
      expect(e.message).to.contain('EQuery:Unknown asset pair')
      const pairs = (await (await fetch(`${fake.url}/0/public/AssetPairs?pair=XBTUSD,ETH/BTC`)).json()) as {
        result: object
      }
      expect(Object.keys(pairs.result)).to.deep.equal(['XXBTZUSD', 'XETHXXBT'])
      const raw = await rawPrivate(fake, 'AddOrder', {pair: 'NOPEUSD', type: 'buy', ordertype: 'market', volume: '1'})
      expect(raw.json.error).to.deep.equal(['EQuery:Unknown asset pair'])
    })
  })

  describe('balances and market orders', () => {
    it('fetchBalance (BalanceEx) gives unified codes; balance and hold_trade are strings at asset decimals', async () => {
      const fake = await start({balances: {USD: '1234.5', BTC: '0.25', USDT: '10'}})
      const ex = await ready(fake)
      const b = await ex.fetchBalance()
      expect(last(fake, BALANCE_ROUTE.path).method).to.equal(BALANCE_ROUTE.method)
      expect(b.USD).to.deep.equal({free: 1234.5, used: 0, total: 1234.5})
      expect(b.BTC).to.deep.equal({free: 0.25, used: 0, total: 0.25})
      expect(b.USDT.total).to.equal(10)
      expect(balanceAnswer(b).result).to.deep.equal({
        ZUSD: {balance: '1234.5000', hold_trade: '0.0000'},
        XXBT: {balance: '0.2500000000', hold_trade: '0.0000000000'},
        USDT: {balance: '10.00000000', hold_trade: '0.00000000'},
      })
      expect(fake.balance('USD')).to.deep.equal({free: '1234.5', locked: '0'})
    })

    it('market buy by base volume: txid only, then fetchOrder shows it closed with the exact fee in USD', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'market', 'buy', 0.001)
      // AddOrder answers {descr, txid} and nothing else: ccxt's order has no status, no fill
      expect(o.info).to.have.keys(['descr', 'txid'])
      expect(addOrderAnswer(o).descr).to.deep.equal({order: 'buy 0.00100000 XBTUSD @ market'})
      expect(o.status).to.equal(undefined)
      expect(o.filled).to.equal(undefined)
      expect(last(fake, ORDER_ROUTE.path).query).to.include({
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'market',
        volume: '0.001',
      })

      const cost = dec('0.001').mul(BTC_ASK)
      const fee = fee5(cost, TAKER)
      expect(fee.toFixed()).to.equal('0.07257') // 27.9104 x 0.26% = 0.07256704
      const f = await ex.fetchOrder(idOf(o))
      expect(last(fake, '/0/private/QueryOrders').query).to.include({txid: o.id, trades: 'true'})
      expect(f.status).to.equal('closed')
      expect(f.info).to.deep.include({
        status: 'closed',
        vol: '0.00100000',
        vol_exec: '0.00100000',
        cost: '27.91040',
        fee: '0.07257',
      })
      expect(f.info).to.deep.include({price: '27910.4', oflags: 'fciq', userref: 0, reason: null})
      // ccxt 4.5.84 leaves order.fee.cost the string Kraken sent (order.fees[0].cost is the number)
      expect(f.fee).to.deep.equal({cost: '0.07257', rate: undefined, currency: 'USD'})
      expect((f as unknown as {fees: {cost: number}[]}).fees[0].cost).to.equal(0.07257)
      expect([f.average, f.filled, f.cost]).to.deep.equal([27910.4, 0.001, 27.9104])
      expect(f.clientOrderId).to.equal('0') // ccxt falls back to userref, which Kraken reports as 0

      // the ledger keeps USD to 4 decimals: 0.07257 is charged as 0.0726
      const usd = dec('10000').minus(usd4(cost)).minus(usd4(fee))
      expect(usd.toFixed()).to.equal('9972.017')
      expect(fake.balance('USD')).to.deep.equal({free: usd.toFixed(), locked: '0'})
      expect(fake.balance('BTC')).to.deep.equal({free: '0.501', locked: '0'})
      const b = await ex.fetchBalance()
      expect(balanceAnswer(b).result.ZUSD).to.deep.equal({balance: '9972.0170', hold_trade: '0.0000'})
      expect(fake.orders()).to.deep.equal([
        {
          id: o.id,
          clientOrderId: null,
          symbol: 'BTC/USD',
          side: 'buy',
          type: 'market',
          status: 'filled',
          amount: '0.001',
          quoteAmount: null,
          price: null,
          filled: '0.001',
          cost: '27.9104',
          fee: '0.0726',
          feeCurrency: 'USD',
        },
      ])

      // the fills: fetchOrderTrades takes the trade ids QueryOrders listed; fetchMyTrades reads TradesHistory
      const trades = await ex.fetchOrderTrades(idOf(o), 'BTC/USD', undefined, undefined, {
        trades: orderAnswer(f).trades,
      })
      expect(last(fake, '/0/private/QueryTrades').query.txid).to.equal(orderAnswer(f).trades[0])
      expect(trades).to.have.length(1)
      expect(trades[0].info).to.deep.include({
        ordertxid: o.id,
        pair: 'XXBTZUSD',
        price: '27910.40000',
        cost: '27.91040',
        fee: '0.07257',
      })
      expect(trades[0].info).to.deep.include({vol: '0.00100000', maker: false, type: 'buy', ordertype: 'market'})
      const mine = await ex.fetchMyTrades('BTC/USD')
      expect(
        mine.map((t) => {
          const fee = defined(t.fee, 'the trade fee')
          return [t.order, t.takerOrMaker, fee.currency, fee.cost]
        }),
      ).to.deep.equal([[o.id, 'taker', 'USD', 0.07257]])
    })

    it('market sell fills at the bid; the fee is taken from the USD received', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('ETH/USD', 'market', 'sell', 0.01)
      const f = await ex.fetchOrder(idOf(o))
      const proceeds = dec('0.01').mul(ETH_BID)
      const fee = fee5(proceeds, TAKER)
      expect(f.info).to.deep.include({cost: '17.55750', fee: fee.toFixed(5), price: '1755.75', oflags: 'fciq'})
      expect(fake.balance('ETH').free).to.equal('1.99')
      expect(fake.balance('USD').free).to.equal(dec('10000').plus(usd4(proceeds)).minus(usd4(fee)).toFixed())
    })

    it('market buy by cost: ccxt sends oflags=viqc and the volume in USD; the fake buys what it pays for at the ask', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createMarketBuyOrderWithCost('BTC/USD', 50)
      expect(last(fake, ORDER_ROUTE.path).query).to.include({
        ordertype: 'market',
        type: 'buy',
        volume: '50',
        oflags: 'viqc',
      })
      expect(addOrderAnswer(o).descr.order).to.equal('buy 50.00000000 XBTUSD @ market')
      const base = dec('50').div(BTC_ASK).toDecimalPlaces(8, Decimal.ROUND_DOWN)
      const cost = base.mul(BTC_ASK)
      const f = await ex.fetchOrder(idOf(o))
      expect(f.info).to.deep.include({vol: '50.00000000', vol_exec: base.toFixed(8), oflags: 'viqc,fciq'})
      expect(fake.orders()[0]).to.deep.include({amount: null, quoteAmount: '50', filled: base.toFixed()})
      expect(fake.balance('USD').free).to.equal(
        dec('10000')
          .minus(usd4(cost))
          .minus(usd4(fee5(cost, TAKER)))
          .toFixed(),
      )
      // viqc is for market buys only
      const sell = await rejection(
        ex.privatePostAddOrder({pair: 'XXBTZUSD', type: 'sell', ordertype: 'market', volume: '50', oflags: 'viqc'}),
      )
      expect(sell).to.be.instanceOf(ccxt.InvalidOrder)
      expect(sell.message).to.contain('EGeneral:Invalid arguments:viqc')
    })

    it('oflags=fcib takes the fee in the base currency instead', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('ETH/USD', 'market', 'sell', 0.01, undefined, {oflags: 'fcib'})
      const f = await ex.fetchOrder(idOf(o))
      expect(orderAnswer(f).oflags).to.equal('fcib')
      expect(defined(f.fee, 'the order fee').currency).to.equal('ETH') // ccxt reads the flag; Kraken still reports the fee in quote terms
      const feeEth = dec('0.01').mul(TAKER)
      expect(fake.balance('ETH').free).to.equal(dec('2').minus('0.01').minus(feeEth).toFixed())
      expect(fake.balance('USD').free).to.equal(dec('10000').plus(dec('0.01').mul(ETH_BID)).toFixed())
      expect(fake.orders()[0]).to.deep.include({fee: feeEth.toFixed(), feeCurrency: 'ETH'})
    })

    it('validate=true checks the order and places nothing', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const order = {pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: '20000'}
      const r = await ex.privatePostAddOrder({...order, validate: 'true'})
      expect(r).to.deep.equal({error: [], result: {descr: {order: 'buy 0.00100000 XBTUSD @ limit 20000.0'}}})
      expect(fake.orders()).to.have.length(0)
    })
  })

  describe('limit orders', () => {
    it('a limit buy below the ask rests and holds cost + taker fee; setPrice crossing it fills it as maker', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.002, 27000)
      expect(last(fake, ORDER_ROUTE.path).query).to.include({ordertype: 'limit', price: '27000', volume: '0.002'})
      expect(addOrderAnswer(o).descr.order).to.equal('buy 0.00200000 XBTUSD @ limit 27000.0')
      const hold = usd4(dec('54')).plus(usd4(fee5(dec('54'), TAKER)))
      expect(hold.toFixed()).to.equal('54.1404')
      const b = await ex.fetchBalance()
      expect(b.USD).to.deep.equal({free: 9945.8596, used: 54.1404, total: 10000})
      expect(balanceAnswer(b).result.ZUSD).to.deep.equal({balance: '10000.0000', hold_trade: '54.1404'})

      const open = await ex.fetchOpenOrders()
      expect(open.map((x) => [x.id, x.status, x.price, x.amount, x.filled])).to.deep.equal([
        [o.id, 'open', 27000, 0.002, 0],
      ])
      expect(open[0].info).to.deep.include({cost: '0.00000', fee: '0.00000', price: '0.00000'})
      expect(open[0].info).to.not.have.property('reason')

      fake.setPrice('BTC/USD', {bid: '26990', ask: '26995', last: '26995'})
      const f = await ex.fetchOrder(idOf(o))
      expect(f.status).to.equal('closed')
      const fee = fee5(dec('54'), MAKER)
      expect(f.info).to.deep.include({vol_exec: '0.00200000', cost: '54.00000', fee: fee.toFixed(5), price: '27000.0'})
      expect(fake.balance('USD')).to.deep.equal({
        free: dec('10000').minus('54').minus(usd4(fee)).toFixed(),
        locked: '0',
      })
      expect(fake.balance('BTC').free).to.equal('0.502')
      const closed = await ex.fetchClosedOrders('BTC/USD')
      expect(closed.map((x) => x.id)).to.deep.equal([o.id])
      const mine = await ex.fetchMyTrades('BTC/USD')
      expect(mine.map((t) => [t.takerOrMaker, t.price])).to.deep.equal([['maker', 27000]])
      expect(await ex.fetchOpenOrders()).to.have.length(0)
    })

    it('a limit that crosses fills at once at the book price, as taker', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 28000)
      const f = await ex.fetchOrder(idOf(o))
      expect(f.info).to.deep.include({status: 'closed', price: '27910.4', cost: '27.91040', fee: '0.07257'})
      // a sell limit that rests holds the BTC itself
      await ex.createOrder('BTC/USD', 'limit', 'sell', 0.1, 30000)
      expect(fake.balance('BTC')).to.deep.equal({free: '0.401', locked: '0.1'})
    })

    it('post-only: a limit that would take is cancelled instead (reason "Post only order")', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 28000, {postOnly: true})
      expect(last(fake, ORDER_ROUTE.path).query.oflags).to.equal('post')
      const f = await ex.fetchOrder(idOf(o))
      expect(f.status).to.equal('canceled')
      expect(f.info).to.deep.include({reason: 'Post only order', vol_exec: '0.00000000', oflags: 'post,fciq'})
      expect(f.postOnly).to.equal(true)
      expect(fake.balance('USD')).to.deep.equal({free: '10000', locked: '0'})
      const market = await rejection(
        ex.privatePostAddOrder({pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.001', oflags: 'post'}),
      )
      expect(market.message).to.contain('EGeneral:Invalid arguments:postonly')
    })

    it('cancelOrder by txid releases the hold; an unknown or closed order is EOrder:Unknown order -> OrderNotFound', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20000)
      expect(fake.balance('USD').locked).to.equal('20.052')
      const c = await ex.cancelOrder(idOf(o))
      expect(last(fake, '/0/private/CancelOrder').query).to.include({txid: o.id})
      expect(c.info).to.deep.equal({error: [], result: {count: 1}})
      expect(fake.balance('USD')).to.deep.equal({free: '10000', locked: '0'})
      const f = await ex.fetchOrder(idOf(o))
      expect(f.status).to.equal('canceled')
      expect(orderAnswer(f).reason).to.equal('User requested')
      const again = await rejection(ex.cancelOrder(idOf(o)))
      expect(again).to.be.instanceOf(ccxt.OrderNotFound)
      expect(again.message).to.contain('EOrder:Unknown order')
      const notAnId = await rejection(ex.cancelOrder('not-a-txid'))
      expect(notAnId).to.be.instanceOf(ccxt.InvalidOrder)
      expect(notAnId.message).to.contain('EOrder:Invalid order')
      // QueryOrders leaves a well-formed unknown txid out of its result (ccxt: OrderNotFound); a malformed one is refused
      expect(await rejection(ex.fetchOrder('OAAAAA-BBBBB-CCCCCC'))).to.be.instanceOf(ccxt.OrderNotFound)
      expect(await rejection(ex.fetchOrder('not-a-txid'))).to.be.instanceOf(ccxt.BadRequest)
    })

    it('ClosedOrders pages 50 at a time, newest first, with start (exclusive) / end (inclusive) / ofs and a total count', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const ids: string[] = []
      for (let i = 0; i < 4; i++) ids.push(idOf(await ex.createOrder('BTC/USD', 'market', 'buy', 0.0001)))
      const all = await closedOrders(ex)
      expect(Object.keys(all.result.closed)).to.deep.equal([...ids].reverse())
      expect(all.result.count).to.equal(4)
      const page = await closedOrders(ex, {ofs: 1})
      expect(Object.keys(page.result.closed)).to.deep.equal([ids[2], ids[1], ids[0]])
      expect(page.result.count).to.equal(4)
      // start / end may name an order: its opentm is used
      const between = await closedOrders(ex, {start: ids[0], end: ids[2]})
      expect(Object.keys(between.result.closed)).to.deep.equal([ids[2], ids[1]])
      // ccxt's since becomes start in whole seconds
      const since = Math.floor(Number(fake.krakenOrders()[ids[0]].opentm)) * 1000
      expect(await ex.fetchClosedOrders(undefined, since)).to.have.length(4)
      expect(last(fake, '/0/private/ClosedOrders').query.start).to.equal(String(since / 1000))
      const future = await ex.fetchClosedOrders(undefined, Date.now() + 60_000)
      expect(future).to.have.length(0)
      const history = (await ex.privatePostTradesHistory({ofs: 3})) as KrakenTradesHistoryAnswer
      expect(history.result.count).to.equal(4)
      expect(Object.keys(history.result.trades)).to.have.length(1)
      // a 51st closed order: the first page holds 50, the newest; the oldest is on the next
      for (let i = 0; i < 47; i++) ids.push(idOf(await ex.createOrder('BTC/USD', 'market', 'buy', 0.0001)))
      const first = await closedOrders(ex)
      expect(Object.keys(first.result.closed)).to.have.length(50)
      expect(first.result.count).to.equal(51)
      expect(first.result.closed).to.not.have.property(ids[0])
      expect(Object.keys((await closedOrders(ex, {ofs: 50})).result.closed)).to.deep.equal([ids[0]])
      expect(await ex.fetchClosedOrders()).to.have.length(50)
    })
  })

  describe('a history made outside tradedesk (seedTrades)', () => {
    it('TradesHistory serves it newest first, 50 a page by ofs, start exclusive, with the total count', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const t0 = Math.floor(Date.now() / 1000 - 86_400) * 1000
      const seeded = fake.seedTrades(
        Array.from({length: 60}, (_, i) => ({
          symbol: i % 2 === 0 ? 'BTC/USD' : 'XETHZUSD',
          side: i % 3 === 0 ? ('sell' as const) : ('buy' as const),
          amount: '0.01',
          price: i % 2 === 0 ? '27000.5' : '1600.25',
          fee: '0.07021',
          feeCurrency: 'USD',
          time: t0 + i * 1000 + 500,
          maker: i === 0,
        })),
      )
      const page = async (params: Dict) =>
        ((await ex.privatePostTradesHistory(params)) as KrakenTradesHistoryAnswer).result
      const first = await page({})
      expect(first.count).to.equal(60)
      expect(Object.keys(first.trades)).to.deep.equal(
        seeded
          .slice(10)
          .reverse()
          .map((t) => t.id),
      )
      expect(Object.keys((await page({ofs: 50})).trades)).to.deep.equal(
        seeded
          .slice(0, 10)
          .reverse()
          .map((t) => t.id),
      )
      // start is exclusive: the trade at t0 + 10.5 s is after start t0/1000 + 10, the one at + 9.5 s is not
      const later = await page({start: String(t0 / 1000 + 10)})
      expect(later.count).to.equal(50)
      expect(first.trades[seeded[59].id]).to.deep.include({
        ordertxid: seeded[59].orderId,
        pair: 'XETHZUSD',
        time: (t0 + 59_500) / 1000,
        type: 'buy',
        ordertype: 'market',
        price: '1600.25000',
        cost: '16.00250',
        fee: '0.07021',
        vol: '0.01000000',
        maker: false,
      })
      // the order is there too, closed
      const order = fake.krakenOrders()[seeded[0].orderId]
      expect(order).to.deep.include({status: 'closed', vol_exec: '0.01000000', trades: [seeded[0].id]})
      const [trade] = await ex.fetchMyTrades('BTC/USD', t0, undefined, {ofs: 50})
      expect(trade).to.deep.include({id: seeded[0].id, order: seeded[0].orderId, takerOrMaker: 'maker', side: 'sell'})
    })

    it('fills that name one orderId are one order; a fee not in the quote, or too many decimals, is refused', async () => {
      const fake = await start()
      const time = Date.now() - 60_000
      const base = {symbol: 'BTC/USD', side: 'buy' as const, price: '27000', fee: '0.1', feeCurrency: 'USD', time}
      const [a, b] = fake.seedTrades([
        {...base, amount: '0.01', orderId: 'web-1'},
        {...base, amount: '0.02', orderId: 'web-1', time: time + 1000},
      ])
      expect(a.orderId).to.equal(b.orderId)
      expect(fake.krakenOrders()[a.orderId]).to.deep.include({vol_exec: '0.03000000', trades: [a.id, b.id]})
      expect(() => fake.seedTrades([{...base, amount: '0.01', feeCurrency: 'BTC'}])).to.throw(/quote/)
      expect(() => fake.seedTrades([{...base, amount: '0.000000001'}])).to.throw(/decimals/)
    })
  })

  describe('OHLC (seedCandles)', () => {
    it('one-minute candles of the last 720 minutes, after since, oldest first; other intervals are not modelled', async () => {
      const fake = await start()
      const minute = Math.floor(Date.now() / 60_000) * 60_000
      fake.seedCandles('BTC/USD', [
        {time: minute - 721 * 60_000, open: '1', high: '1', low: '1', close: '1'},
        {time: minute - 120_000, open: '2', high: '3', low: '1.5', close: '2.5', volume: '0.5'},
        {time: minute - 60_000, open: '2.5', high: '2.5', low: '2', close: '2.1'},
      ])
      const get = async (query: string) =>
        (await (await fetch(`${fake.url}/0/public/OHLC?${query}`)).json()) as {error: string[]; result: Dict}
      const all = await get('pair=XBTUSD&interval=1')
      expect(all.result.XXBTZUSD).to.deep.equal([
        [(minute - 120_000) / 1000, '2', '3', '1.5', '2.5', '2.5', '0.5', 0],
        [(minute - 60_000) / 1000, '2.5', '2.5', '2', '2.1', '2.1', '0', 0],
      ])
      expect(all.result.last).to.equal((minute - 60_000) / 1000)
      const since = await get(`pair=XXBTZUSD&since=${String((minute - 120_000) / 1000)}`)
      expect(since.result.XXBTZUSD).to.have.length(1)
      expect((await get('pair=XBTUSD&interval=2')).error).to.deep.equal([KRAKEN_ERRORS.invalidArgument('interval')])
      const ex = await ready(fake)
      expect(await ex.fetchOHLCV('BTC/USD', '1m', minute - 120_000, 1)).to.deep.equal([
        [minute - 120_000, 2, 3, 1.5, 2.5, 0.5],
      ])
    })
  })

  describe('client order ids (docs.kraken.com spot-clordid)', () => {
    it('cl_ord_id: 36-char UUID, 32 hex and free text up to 18 characters pass; 26 or 19 characters of text do not', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const good = ['6d1b345e-2821-40e2-ad83-4ecb18a06876', 'da8e4ad59b78481c93e589746b0cf91f', 'arb-20240509-00010']
      for (const id of good) {
        const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: id})
        expect(last(fake, ORDER_ROUTE.path).query.cl_ord_id).to.equal(id)
        const placed = fake.orders().find((x) => x.id === o.id)
        expect(defined(placed, 'the order').clientOrderId).to.equal(id)
      }
      const tooLong = 'tradedesk-order-000000001x'
      expect(tooLong).to.have.length(26)
      for (const id of [tooLong, 'arb-20240509-000010']) {
        const e = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: id}))
        expect(e).to.be.instanceOf(ccxt.BadRequest)
        expect(e.message).to.contain('{"error":["EGeneral:Invalid arguments"],"result":{}}')
      }
      // 36 characters that are not a UUID, 32 that are not hex
      for (const id of ['6d1b345e-2821-40e2-ad83-4ecb18a0687z', 'zz8e4ad59b78481c93e589746b0cf91f']) {
        const e = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: id}))
        expect(e).to.be.instanceOf(ccxt.BadRequest)
      }
      expect(fake.orders()).to.have.length(3)
    })

    it('a cl_ord_id in use by an open order is refused; once that order is closed it may be used again', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const first = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: 'td-dup'})
      const dup = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20001, {clientOrderId: 'td-dup'}))
      expect(dup.message).to.contain(KRAKEN_ERRORS.duplicateClOrdId)
      expect(dup.constructor).to.equal(ccxt.ExchangeError)
      await ex.cancelOrder(idOf(first))
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20001, {clientOrderId: 'td-dup'})
      // userref and cl_ord_id are mutually exclusive
      const both = await rejection(
        ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: 'td-both', userref: 7}),
      )
      expect(both).to.be.instanceOf(ccxt.BadRequest)
    })

    it('find an order by cl_ord_id with fetchOpenOrders / fetchClosedOrders; cancel by it', async () => {
      const fake = await start()
      const ex = await ready(fake)
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: 'td-other'})
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 21000, {clientOrderId: 'td-find-me'})
      const open = await ex.fetchOpenOrders(undefined, undefined, undefined, {clientOrderId: 'td-find-me'})
      expect(last(fake, '/0/private/OpenOrders').query.cl_ord_id).to.equal('td-find-me')
      expect(open.map((x) => [x.id, x.clientOrderId])).to.deep.equal([[o.id, 'td-find-me']])
      expect(open[0].info).to.deep.include({cl_ord_id: 'td-find-me', userref: null})

      const c = await ex.cancelOrder(undefined as unknown as string, 'BTC/USD', {clientOrderId: 'td-find-me'})
      const sent = last(fake, '/0/private/CancelOrder').query
      expect(sent.cl_ord_id).to.equal('td-find-me')
      expect(sent).to.not.have.property('txid')
      expect(cancelAnswer(c).result).to.deep.equal({count: 1})
      expect(await ex.fetchOpenOrders(undefined, undefined, undefined, {clientOrderId: 'td-find-me'})).to.have.length(0)
      const closed = await ex.fetchClosedOrders(undefined, undefined, undefined, {clientOrderId: 'td-find-me'})
      expect(last(fake, '/0/private/ClosedOrders').query.cl_ord_id).to.equal('td-find-me')
      expect(closed.map((x) => [x.id, x.status, x.clientOrderId])).to.deep.equal([[o.id, 'canceled', 'td-find-me']])
      expect(await ex.fetchClosedOrders(undefined, undefined, undefined, {clientOrderId: 'td-nobody'})).to.have.length(
        0,
      )
      const gone = await rejection(
        ex.cancelOrder(undefined as unknown as string, 'BTC/USD', {clientOrderId: 'td-find-me'}),
      )
      expect(gone).to.be.instanceOf(ccxt.OrderNotFound)
    })

    it("ccxt's fetchOrder(undefined, symbol, {clientOrderId}) sends it as userref with no txid: Kraken refuses both ways", async () => {
      const fake = await start()
      const ex = await ready(fake)
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {clientOrderId: 'td-q-1'})
      const e = await rejection(ex.fetchOrder(undefined as unknown as string, 'BTC/USD', {clientOrderId: 'td-q-1'}))
      const sent = last(fake, '/0/private/QueryOrders').query
      expect(sent).to.include({userref: 'td-q-1', trades: 'true'})
      expect(sent).to.not.have.property('txid')
      expect(sent).to.not.have.property('cl_ord_id')
      // userref is an int32: text is EGeneral:Invalid arguments:userref, which ccxt leaves an ExchangeError
      expect(e.constructor).to.equal(ccxt.ExchangeError)
      expect(e.message).to.contain('EGeneral:Invalid arguments:userref')
      // an integer userref gets past that, but QueryOrders requires a txid
      const noTxid = await rejection(ex.fetchOrder(undefined as unknown as string, 'BTC/USD', {clientOrderId: '42'}))
      expect(noTxid).to.be.instanceOf(ccxt.BadRequest)
      expect(noTxid.message).to.contain('{"error":["EGeneral:Invalid arguments"],"result":{}}')
    })

    it('userref: an int32 on AddOrder, a filter on OpenOrders; text is refused', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {userref: 42})
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {userref: 43})
      const mine = await ex.fetchOpenOrders(undefined, undefined, undefined, {userref: 42})
      expect(last(fake, '/0/private/OpenOrders').query.userref).to.equal('42')
      expect(mine.map((x) => [x.id, x.clientOrderId])).to.deep.equal([[o.id, '42']])
      const text = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {userref: 'abc'}))
      expect(text.message).to.contain('EGeneral:Invalid arguments:userref')
      const big = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000, {userref: '2147483648'}))
      expect(big.message).to.contain('EGeneral:Invalid arguments:userref')
      // CancelOrder's txid may be a userref: every open order carrying it goes
      const c = (await ex.privatePostCancelOrder({txid: 43})) as KrakenCancelAnswer
      expect(c.result).to.deep.equal({count: 1})
      expect((await ex.fetchOpenOrders()).map((x) => x.id)).to.deep.equal([o.id])
    })
  })

  describe('order rules and their ccxt error classes', () => {
    it('insufficient funds -> InsufficientFunds (a buy must pay cost + fee; a sell the base)', async () => {
      const fake = await start({balances: {USD: '27.9104', BTC: '0.001'}})
      const ex = await ready(fake)
      const e = await rejection(ex.createOrder('BTC/USD', 'market', 'buy', 0.001)) // the fee does not fit
      expect(e).to.be.instanceOf(ccxt.InsufficientFunds)
      expect(e.message).to.contain('EOrder:Insufficient funds')
      expect(await rejection(ex.createOrder('BTC/USD', 'limit', 'sell', 0.0011, 30000))).to.be.instanceOf(
        ccxt.InsufficientFunds,
      )
      // funds held by a resting order are not available to the next
      await ex.createOrder('BTC/USD', 'limit', 'sell', 0.001, 30000)
      expect(await rejection(ex.createOrder('BTC/USD', 'market', 'sell', 0.0001))).to.be.instanceOf(
        ccxt.InsufficientFunds,
      )
      expect(fake.orders()).to.have.length(1)
    })

    it('below ordermin -> InvalidOrder; below costmin -> EOrder:Cost minimum not met (ccxt: ExchangeError)', async () => {
      const fake = await start()
      const ex = await ready(fake)
      const min = await rejection(ex.createOrder('BTC/USD', 'market', 'buy', 0.00009))
      expect(min).to.be.instanceOf(ccxt.InvalidOrder)
      expect(min.message).to.contain('EOrder:Order minimum not met')
      const cost = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 1000)) // 0.1 USD < costmin 0.5
      expect(cost.constructor).to.equal(ccxt.ExchangeError)
      expect(cost.message).to.contain('EOrder:Cost minimum not met')
      expect(fake.orders()).to.have.length(0)
    })

    it('volume beyond lot_decimals and price beyond pair_decimals are refused (sent raw, as ccxt rounds first)', async () => {
      const fake = await start()
      const ex = await ready(fake)
      // ccxt truncates the amount to lot_decimals before sending, so Kraken never sees the ninth decimal from it
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.000100009, 20000)
      expect(last(fake, ORDER_ROUTE.path).query.volume).to.equal('0.0001')
      const limit = {pair: 'XBTUSD', type: 'buy', ordertype: 'limit'}
      const vol = await rejection(
        ex.privatePostAddOrder({...limit, pair: 'XXBTZUSD', volume: '0.000100009', price: '20000'}),
      )
      expect(vol).to.be.instanceOf(ccxt.InvalidOrder)
      expect(vol.message).to.contain('EGeneral:Invalid arguments:volume')
      const px = await rejection(ex.privatePostAddOrder({...limit, volume: '0.001', price: '20000.05'}))
      expect(px.constructor).to.equal(ccxt.ExchangeError)
      expect(px.message).to.contain('EOrder:Invalid price:XBTUSD price can only be specified up to 1 decimals.')
      const neg = await rejection(
        ex.privatePostAddOrder({pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: '-1'}),
      )
      expect(neg).to.be.instanceOf(ccxt.InvalidOrder)
      expect(neg.message).to.contain('EGeneral:Invalid arguments:price')
      const side = await rejection(
        ex.privatePostAddOrder({pair: 'XBTUSD', type: 'hold', ordertype: 'limit', volume: '0.001', price: '1'}),
      )
      expect(side.message).to.contain('EGeneral:Invalid arguments:type')
      expect(fake.orders()).to.have.length(1)
    })

    it('order types the fake does not model answer a loud 501, never a pretend success', async () => {
      const fake = await start()
      const stop = {pair: 'XBTUSD', type: 'sell', ordertype: 'stop-loss', volume: '0.001', price: '20000'}
      const raw = await rawPrivate(fake, 'AddOrder', stop)
      expect(raw.status).to.equal(501)
      expect(raw.json.error).to.deep.equal(['EFake:Not modelled:ordertype stop-loss'])
      const ex = await ready(fake)
      const e = await rejection(ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, 20000, {stopLossPrice: 21000}))
      expect(e.constructor).to.equal(ccxt.ExchangeError)
      expect(e.message).to.contain('EFake:Not modelled:ordertype stop-loss-limit')
    })

    it('the optional API call counter answers EAPI:Rate limit exceeded -> DDoSProtection', async () => {
      const fake = await start({apiCounter: {max: 3, decayPerSecond: 0.33}})
      const ex = await ready(fake)
      for (let i = 0; i < 3; i++) await ex.fetchBalance()
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.DDoSProtection)
      expect(e.message).to.contain('EAPI:Rate limit exceeded')
      // AddOrder is on the trading limiter, not this counter
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.0001, 20000)
    })
  })

  describe('transport faults (fake-exchange.ts)', () => {
    it('accept-then-hang: the order is placed, the client times out', async () => {
      const fake = await start()
      const ex = await ready(fake, {timeout: 300})
      fake.injectFault({...ORDER_ROUTE, kind: 'accept-then-hang'})
      const e = await rejection(
        ex.createOrder('BTC/USD', 'market', 'buy', 0.001, undefined, {clientOrderId: 'td-hang-1'}),
      )
      expect(e).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders().map((o) => [o.clientOrderId, o.status])).to.deep.equal([['td-hang-1', 'filled']])
      const found = await ex.fetchClosedOrders(undefined, undefined, undefined, {clientOrderId: 'td-hang-1'})
      expect(found).to.have.length(1)
    })

    it('hang: nothing is placed and the client times out', async () => {
      const fake = await start()
      const ex = await ready(fake, {timeout: 300})
      fake.injectFault({...ORDER_ROUTE, kind: 'hang'})
      expect(await rejection(ex.createOrder('BTC/USD', 'market', 'buy', 0.001))).to.be.instanceOf(ccxt.RequestTimeout)
      expect(fake.orders()).to.have.length(0)
    })

    it('rate-limit: HTTP 200 {"error":["EAPI:Rate limit exceeded"]} -> DDoSProtection (not RateLimitExceeded)', async () => {
      const fake = await start()
      const ex = await ready(fake)
      fake.injectFault({...BALANCE_ROUTE, kind: 'rate-limit'})
      const e = await rejection(ex.fetchBalance())
      expect(e).to.be.instanceOf(ccxt.DDoSProtection)
      expect(e).to.not.be.instanceOf(ccxt.RateLimitExceeded)
      await ex.fetchBalance()
    })

    it("server-error: Cloudflare's 520 page -> ExchangeNotAvailable; the EService:Unavailable variant too", async () => {
      const fake = await start()
      const ex = await ready(fake)
      fake.injectFault({method: 'GET', path: '/0/public/Ticker', kind: 'server-error'})
      const e = await rejection(ex.fetchTicker('BTC/USD'))
      expect(e).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      expect(e.message).to.contain('520')
      const svc = await start({serverError: 'service-unavailable'})
      const ex2 = await ready(svc)
      svc.injectFault({...ORDER_ROUTE, kind: 'server-error', times: 'always'})
      const e2 = await rejection(ex2.createOrder('BTC/USD', 'market', 'buy', 0.001))
      expect(e2).to.be.instanceOf(ccxt.ExchangeNotAvailable)
      expect(e2.message).to.contain('EService:Unavailable')
      expect(svc.orders()).to.have.length(0)
    })

    it('malformed-json on AddOrder: the order is placed, and ccxt 4.5.84 resolves with an order that has no id', async () => {
      const fake = await start()
      const ex = await ready(fake)
      fake.injectFault({...ORDER_ROUTE, kind: 'malformed-json'})
      const o = await ex.createOrder('BTC/USD', 'market', 'buy', 0.001)
      expect(o.id).to.equal(undefined)
      expect(fake.orders()).to.have.length(1)
    })
  })

  it('answers that are not Kraken methods: EGeneral:Unknown method; the standalone exports are wired', async () => {
    const fake = await start()
    const res = await fetch(`${fake.url}/0/public/Nope`)
    expect(res.status).to.equal(404)
    expect(await res.json()).to.deep.equal({error: ['EGeneral:Unknown method'], result: {}})
    expect(ORDER_ROUTE).to.deep.equal({method: 'POST', path: '/0/private/AddOrder'})
    expect(BALANCE_ROUTE).to.deep.equal({method: 'POST', path: '/0/private/BalanceEx'})
    expect(fake.exchange).to.equal('kraken')
    expect(crypto.createHash('sha256').update(DEFAULT_SECRET).digest('hex')).to.have.length(64)
  })
})
