/**
 * The account's trade history through the gateway: the real ccxt class of each exchange against a
 * loopback fake of its REST API (written from the exchange's documentation), with a history seeded
 * as if made on the website. What must hold everywhere: a history longer than a page comes back
 * whole, each trade exactly once, page by page, every page handed over (and awaited) before the
 * next is asked for; `since` is honoured; a failure on a later page keeps what was handed over.
 */
import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import type {Broker} from '../../../src/lib/brokers.js'
import type {Credentials} from '../../../src/lib/credentials.js'
import {TradedeskError} from '../../../src/lib/errors.js'
import {CcxtGateway} from '../../../src/lib/exchange/ccxt-gateway.js'
import {PAPER_TRADES_PAGE, PaperExchange} from '../../../src/lib/exchange/paper.js'
import type {ExchangeGateway, ExchangeTrade, OrderRequest} from '../../../src/lib/exchange/types.js'
import {NO_LIMITS} from '../../../src/lib/limits.js'
import type {Session} from '../../../src/lib/session.js'
import {Store} from '../../../src/lib/store.js'
import {databaseEnv, tempHome} from '../../support/cli.js'
import {defined} from '../../support/e2e.js'
import {type FakeBinance, startFakeBinance} from '../../support/fake-binance.js'
import {type FakeCoinbase, startFakeCoinbase} from '../../support/fake-coinbase.js'
import {DEFAULT_SECRET, type FakeKraken, startFakeKraken} from '../../support/fake-kraken.js'
import {type FakeOkx, startFakeOkx} from '../../support/fake-okx.js'
import type {SeedTrade} from '../../support/seed.js'
import {freshSession} from '../../support/session.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** A trade as a test seeds it: the fields every fake's seedTrades takes. */
type Seed = SeedTrade

/**
 * `count` trades alternating between two markets, one every 10 minutes (plus `offsetMs`) from
 * `start` on: amounts and prices vary so that no two trades look alike.
 */
function history(
  count: number,
  start: number,
  markets: {symbol: string; quote: string; price: string; tick: string}[],
  offsetMs = 0,
): Seed[] {
  return Array.from({length: count}, (_, i) => {
    const m = markets[i % markets.length]
    const price = new Decimal(m.price).plus(new Decimal(m.tick).mul(i))
    const amount = new Decimal('0.001').plus(new Decimal('0.00000001').mul(i))
    return {
      symbol: m.symbol,
      side: i % 3 === 0 ? 'sell' : 'buy',
      amount: amount.toFixed(),
      price: price.toFixed(),
      fee: amount.mul(price).mul('0.001').toDecimalPlaces(5, Decimal.ROUND_DOWN).toFixed(),
      feeCurrency: m.quote,
      time: start + i * 10 * MINUTE + offsetMs,
      maker: i % 4 === 0,
    }
  })
}

interface Opened {
  gateway: CcxtGateway
  close(): Promise<void>
}

/** The gateway of a broker of `exchange` pointed at a fake, on a journal of its own; ccxt's throttle off (the fakes have none). */
async function openGateway(exchange: string, url: string, credentials: Credentials): Promise<Opened> {
  const store = await Store.open(await databaseEnv(tempHome('tradedesk-history-')))
  const broker: Broker = {
    id: 1,
    name: 'history',
    exchange,
    sandbox: false,
    apiUrl: url,
    options: {enableRateLimit: 'false'},
    isDefault: true,
    limits: NO_LIMITS,
    prices: null,
  }
  try {
    const gateway = await CcxtGateway.create(broker, credentials, store)
    return {
      gateway,
      close: async () => {
        await gateway.close()
        await store.close()
      },
    }
  } catch (error) {
    await store.close()
    throw error
  }
}

/** Reads the history, keeping each page as it was handed over. */
async function readPages(
  gateway: ExchangeGateway,
  query: {symbol?: string; since?: number},
): Promise<ExchangeTrade[][]> {
  const pages: ExchangeTrade[][] = []
  await gateway.fetchMyTrades(query, (page) => {
    pages.push(page)
    return Promise.resolve()
  })
  return pages
}

/** Every trade id once: the pages hold no id twice. */
function idsOnce(pages: ExchangeTrade[][]): string[] {
  const ids = pages.flat().map((t) => t.id)
  expect(new Set(ids).size, 'a trade handed over twice').to.equal(ids.length)
  return ids
}

const sorted = (ids: string[]) => [...ids].sort()

/** A request as every fake records it, as far as these tests read it. */
interface Recorded {
  path: string
  query: Record<string, string>
}

/** The requests of one path. */
const calls = (requests: Recorded[], path: string) => requests.filter((r) => r.path === path)

/**
 * onPage is awaited before the next page is asked for: while it waits, the fake receives nothing
 * more. Returns the number of pages handed over.
 */
async function awaitsEachPage(gateway: ExchangeGateway, requests: Recorded[], symbol?: string): Promise<number> {
  let pages = 0
  await gateway.fetchMyTrades({symbol}, async () => {
    const before = requests.length
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(requests.length, 'a request went out while a page was being handed over').to.equal(before)
    pages += 1
  })
  return pages
}

/**
 * A failure on the second page: the first was handed over (and kept), then the read rejects with
 * the house's typed error.
 */
async function failsOnSecondPage(
  gateway: ExchangeGateway,
  injectFault: () => void,
  symbol?: string,
): Promise<{handed: ExchangeTrade[][]; error: TradedeskError}> {
  const handed: ExchangeTrade[][] = []
  try {
    await gateway.fetchMyTrades({symbol}, (page) => {
      handed.push(page)
      if (handed.length === 1) injectFault()
      return Promise.resolve()
    })
  } catch (error) {
    expect(error).to.be.instanceOf(TradedeskError)
    return {handed, error: error as TradedeskError}
  }

  throw new Error('expected the read to fail on its second page')
}

/**
 * The trade a seed became, as the gateway must state it: every number exact; the cost as the
 * exchange states it (by default amount x price), the order type where the history says it.
 */
function expectTrade(
  trade: ExchangeTrade,
  seed: Seed,
  ids: {id: string; orderId: string},
  stated: {cost?: string; orderType?: string | null} = {},
): void {
  expect(trade).to.deep.equal({
    id: ids.id,
    orderId: ids.orderId,
    symbol: seed.symbol,
    side: seed.side,
    amount: new Decimal(seed.amount).toFixed(),
    price: new Decimal(seed.price).toFixed(),
    cost: stated.cost ?? new Decimal(seed.amount).mul(seed.price).toFixed(),
    fee: new Decimal(seed.fee).isZero() ? '0' : new Decimal(seed.fee).toFixed(),
    feeCurrency: seed.feeCurrency,
    timestamp: seed.time,
    takerOrMaker: seed.maker ? 'maker' : 'taker',
    orderType: stated.orderType ?? null,
  })
}

describe('trade history through the gateway', function () {
  describe('binance: myTrades, one symbol at a time, by startTime then fromId', () => {
    let fake: FakeBinance
    let opened: Opened
    let gateway: CcxtGateway
    const start = Date.now() - 20 * DAY
    const seeds = history(2701, start, [
      {symbol: 'BTC/USDT', quote: 'USDT', price: '27000', tick: '0.01'},
      {symbol: 'BTC/USDT', quote: 'USDT', price: '27100', tick: '0.01'},
      {symbol: 'ETH/USDT', quote: 'USDT', price: '1600', tick: '0.01'},
    ])
    const btc = seeds.flatMap((s, i) => (s.symbol === 'BTC/USDT' ? [i] : []))
    const eth = seeds.flatMap((s, i) => (s.symbol === 'ETH/USDT' ? [i] : []))
    let seeded: {id: string; orderId: string}[]

    before(async () => {
      fake = await startFakeBinance({balances: {USDT: '100000'}})
      seeded = fake.seedTrades(seeds)
      opened = await openGateway('binance', fake.url, {apiKey: 'test-key', secret: 'test-secret'})
      gateway = opened.gateway
    })
    after(async () => {
      await opened.close()
      await fake.close()
    })

    it('needs a symbol: without one it refuses before asking anything', async () => {
      expect(gateway.tradesNeedSymbol).to.equal(true)
      const mark = fake.requests.length
      const error = await gateway
        .fetchMyTrades({}, () => Promise.resolve())
        .then(
          () => expect.fail('read without a symbol'),
          (e: unknown) => e,
        )
      expect(error).to.be.instanceOf(TradedeskError).and.include({code: 'SYMBOL_REQUIRED'})
      expect(fake.requests.length).to.equal(mark)
    })

    it('a history of 1801 BTC/USDT fills comes back whole, once each, in pages of 1000 from fromId 0', async () => {
      const mark = fake.requests.length
      const pages = await readPages(gateway, {symbol: 'BTC/USDT'})
      expect(pages.map((p) => p.length)).to.deep.equal([1000, 801])
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(btc.map((i) => seeded[i].id)))
      const asked = calls(fake.requests.slice(mark), '/api/v3/myTrades').map((r) => r.query)
      expect(asked.map((q) => [q.symbol, q.fromId, q.limit, q.startTime])).to.deep.equal([
        ['BTCUSDT', '0', '1000', undefined],
        ['BTCUSDT', String(Number(pages[0].at(-1)?.id) + 1), '1000', undefined],
      ])
      const byId = new Map(pages.flat().map((t) => [t.id, t]))
      // myTrades does not say the order's type
      for (const i of [btc[0], btc[1], btc[999], btc.at(-1) ?? 0])
        expectTrade(defined(byId.get(seeded[i].id), `trade ${seeded[i].id}`), seeds[i], seeded[i])
    })

    it('the other symbol, 900 fills: one page, its own trades only', async () => {
      const pages = await readPages(gateway, {symbol: 'ETH/USDT'})
      expect(pages.map((p) => p.length)).to.deep.equal([900])
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(eth.map((i) => seeded[i].id)))
    })

    it('since: the first page by startTime (inclusive), the next by fromId; nothing older comes back', async () => {
      const since = seeds[btc[500]].time
      const mark = fake.requests.length
      const pages = await readPages(gateway, {symbol: 'BTC/USDT', since})
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(btc.slice(500).map((i) => seeded[i].id)))
      expect(pages.map((p) => p.length)).to.deep.equal([1000, 301])
      const asked = calls(fake.requests.slice(mark), '/api/v3/myTrades').map((r) => r.query)
      expect(asked[0])
        .to.include({startTime: String(since), limit: '1000'})
        .and.not.have.property('fromId')
      expect(asked[1]).to.have.property('fromId').and.that.not.have.property('startTime')
      expect(Math.min(...pages.flat().map((t) => t.timestamp))).to.equal(since)
    })

    it('each page is handed over, and awaited, before the next is asked for', async () => {
      expect(await awaitsEachPage(gateway, fake.requests, 'BTC/USDT')).to.equal(2)
    })

    it('a failure on the second page rejects (typed) after the first page was handed over', async () => {
      const {handed, error} = await failsOnSecondPage(
        gateway,
        () => {
          fake.injectFault({method: 'GET', path: '/api/v3/myTrades', kind: 'rate-limit-429'})
        },
        'BTC/USDT',
      )
      expect(handed.map((p) => p.length)).to.deep.equal([1000])
      expect(error.code).to.equal('RATE_LIMITED')
    })

    it('an order answer carries its trades (the FULL answer fills), under the ids the history shows', async () => {
      const request: OrderRequest = {
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'market',
        amount: '0.002',
        price: null,
        referencePrice: null,
        spend: null,
        clientOrderId: gateway.newClientOrderId(),
      }
      const order = await gateway.createOrder(request)
      const placed = defined(fake.orders().at(-1), 'the order')
      const [fill] = placed.fills
      const trades = defined(order.trades, 'the order answer trades')
      expect(trades).to.deep.equal([
        {
          id: String(fill.tradeId),
          orderId: String(placed.orderId),
          symbol: 'BTC/USDT',
          side: 'buy',
          amount: '0.002',
          price: new Decimal(fill.price).toFixed(),
          cost: new Decimal(fill.price).mul('0.002').toFixed(),
          fee: new Decimal(fill.commission).toFixed(),
          feeCurrency: 'USDT',
          timestamp: placed.updateTime,
          takerOrMaker: null,
          orderType: 'market',
        },
      ])
      const pages = await readPages(gateway, {symbol: 'BTC/USDT', since: placed.updateTime})
      const mine = pages.flat().find((t) => t.id === trades[0].id)
      expect(mine).to.deep.include({orderId: trades[0].orderId, amount: '0.002', cost: trades[0].cost})
    })

    it('priceAt: the close of the seeded one-minute candle that holds the moment; null for a minute without one', async () => {
      const minute = Math.floor((Date.now() - 3 * DAY) / MINUTE) * MINUTE
      fake.seedCandles('BTC/USDT', [
        {time: minute - MINUTE, open: '26990', high: '27010', low: '26980', close: '27000.5'},
        {time: minute, open: '27000.5', high: '27020', low: '26995.25', close: '27012.34', volume: '1.5'},
      ])
      const mark = fake.requests.length
      expect(await gateway.priceAt('BTC/USDT', minute + 59_999)).to.equal('27012.34')
      expect(await gateway.priceAt('BTC/USDT', minute)).to.equal('27012.34')
      expect(await gateway.priceAt('BTC/USDT', minute - 1)).to.equal('27000.5')
      expect(calls(fake.requests.slice(mark), '/api/v3/klines')[0].query).to.deep.include({
        symbol: 'BTCUSDT',
        interval: '1m',
        startTime: String(minute),
        limit: '1',
      })
      expect(await gateway.priceAt('BTC/USDT', minute + MINUTE)).to.equal(null)
      expect(await gateway.priceAt('ETH/USDT', minute)).to.equal(null)
    })
  })

  describe('kraken: TradesHistory, every pair at once, newest first, 50 a page by ofs', () => {
    let fake: FakeKraken
    let opened: Opened
    let gateway: CcxtGateway
    // on a whole second, plus half a second: Kraken states times in seconds with a fraction, which ccxt
    // multiplies by 1000 and truncates, exact for halves
    const start = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000
    // prices on the pairs' ticks (0.1 and 0.01), fees at cost_decimals (5)
    const seeds = history(
      121,
      start,
      [
        {symbol: 'BTC/USD', quote: 'USD', price: '27000', tick: '0.1'},
        {symbol: 'ETH/USD', quote: 'USD', price: '1600', tick: '0.01'},
      ],
      500,
    )
    let seeded: {id: string; orderId: string}[]

    before(async () => {
      fake = await startFakeKraken()
      seeded = fake.seedTrades(seeds)
      opened = await openGateway('kraken', fake.url, {apiKey: 'fake-kraken-key', secret: DEFAULT_SECRET})
      gateway = opened.gateway
    })
    after(async () => {
      await opened.close()
      await fake.close()
    })

    it('121 trades of two pairs come back whole, once each, in pages of 50 (ofs 0, 50, 100)', async () => {
      expect(gateway.tradesNeedSymbol).to.equal(false)
      const mark = fake.requests.length
      const pages = await readPages(gateway, {})
      expect(pages.map((p) => p.length)).to.deep.equal([50, 50, 21])
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.map((s) => s.id)))
      const asked = calls(fake.requests.slice(mark), '/0/private/TradesHistory').map((r) => r.query)
      expect(asked.map((q) => [q.ofs, q.start])).to.deep.equal([
        ['0', undefined],
        ['50', undefined],
        ['100', undefined],
      ])
      // newest first, as Kraken serves it
      expect(pages[0][0].timestamp).to.be.greaterThan(pages[2][0].timestamp)
      const byId = new Map(pages.flat().map((t) => [t.id, t]))
      for (const i of [0, 1, 60, 120]) {
        const trade = defined(byId.get(seeded[i].id), `trade ${seeded[i].id}`)
        // the cost Kraken states: vol x price at the pair's cost_decimals
        const cost = new Decimal(seeds[i].amount).mul(seeds[i].price).toDecimalPlaces(5).toFixed()
        expectTrade(trade, seeds[i], seeded[i], {cost, orderType: 'market'})
      }
    })

    it('a symbol: Kraken cannot filter, so every page is read and only that pair handed over', async () => {
      const mark = fake.requests.length
      const pages = await readPages(gateway, {symbol: 'ETH/USD'})
      const eth = seeds.flatMap((s, i) => (s.symbol === 'ETH/USD' ? [seeded[i].id] : []))
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(eth))
      expect(calls(fake.requests.slice(mark), '/0/private/TradesHistory')).to.have.length(3)
    })

    it('since: start is the second before (exclusive), a trade at exactly since is kept, none older', async () => {
      const since = seeds[70].time
      const mark = fake.requests.length
      const pages = await readPages(gateway, {since})
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.slice(70).map((s) => s.id)))
      expect(pages.map((p) => p.length)).to.deep.equal([50, 1])
      const asked = calls(fake.requests.slice(mark), '/0/private/TradesHistory').map((r) => r.query)
      expect(asked.map((q) => [q.ofs, q.start])).to.deep.equal([
        ['0', String(Math.ceil(since / 1000) - 1)],
        ['50', String(Math.ceil(since / 1000) - 1)],
      ])
    })

    it('each page is handed over, and awaited, before the next is asked for', async () => {
      expect(await awaitsEachPage(gateway, fake.requests)).to.equal(3)
    })

    it('a failure on the second page rejects (typed) after the first page was handed over', async () => {
      const {handed, error} = await failsOnSecondPage(gateway, () => {
        fake.injectFault({method: 'POST', path: '/0/private/TradesHistory', kind: 'rate-limit'})
      })
      expect(handed.map((p) => p.length)).to.deep.equal([50])
      expect(error.code).to.equal('RATE_LIMITED')
    })

    it('priceAt: the seeded candle of the last 720 minutes; older ones Kraken does not serve (null)', async () => {
      const minute = Math.floor((Date.now() - 3_600_000) / MINUTE) * MINUTE
      const old = minute - 13 * 3_600_000
      fake.seedCandles('BTC/USD', [
        {time: old, open: '26000', high: '26000', low: '26000', close: '26000.1'},
        {time: minute, open: '27000', high: '27100', low: '26900', close: '27050.3'},
      ])
      expect(await gateway.priceAt('BTC/USD', minute + 1234)).to.equal('27050.3')
      expect(await gateway.priceAt('BTC/USD', minute + MINUTE)).to.equal(null)
      expect(await gateway.priceAt('BTC/USD', old)).to.equal(null)
    })
  })

  describe('okx: fills-history, newest first, 100 a page, older pages after the oldest billId', () => {
    let fake: FakeOkx
    let opened: Opened
    let gateway: CcxtGateway
    const start = Date.now() - 30 * DAY
    const seeds = history(250, start, [
      {symbol: 'BTC/USDT', quote: 'USDT', price: '27000', tick: '0.1'},
      {symbol: 'ETH/USDT', quote: 'USDT', price: '1600', tick: '0.01'},
    ])
    let seeded: {id: string; orderId: string}[]

    before(async () => {
      fake = await startFakeOkx()
      seeded = fake.seedTrades(seeds)
      opened = await openGateway('okx', fake.url, {
        apiKey: 'test-key',
        secret: 'test-secret',
        password: 'test-passphrase',
      })
      gateway = opened.gateway
    })
    after(async () => {
      await opened.close()
      await fake.close()
    })

    it('250 fills of two instruments come back whole, once each, in pages of 100 paged by `after`', async () => {
      expect(gateway.tradesNeedSymbol).to.equal(false)
      const mark = fake.requests.length
      const pages = await readPages(gateway, {})
      expect(pages.map((p) => p.length)).to.deep.equal([100, 100, 50])
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.map((s) => s.id)))
      const asked = calls(fake.requests.slice(mark), '/api/v5/trade/fills-history').map((r) => r.query)
      const bills = new Map(fake.okxFills().map((f) => [String(f.tradeId), String(f.billId)]))
      const oldestBill = (page: ExchangeTrade[]) =>
        page.map((t) => BigInt(defined(bills.get(t.id), t.id))).reduce((a, b) => (a < b ? a : b))
      expect(asked.map((q) => [q.instType, q.limit, q.after])).to.deep.equal([
        ['SPOT', '100', undefined],
        ['SPOT', '100', String(oldestBill(pages[0]))],
        ['SPOT', '100', String(oldestBill(pages[1]))],
      ])
      const byId = new Map(pages.flat().map((t) => [t.id, t]))
      for (const i of [0, 1, 101, 249]) expectTrade(defined(byId.get(seeded[i].id), seeded[i].id), seeds[i], seeded[i])
    })

    it('a symbol goes to OKX as instId: only its fills are read', async () => {
      const mark = fake.requests.length
      const pages = await readPages(gateway, {symbol: 'BTC/USDT'})
      const btc = seeds.flatMap((s, i) => (s.symbol === 'BTC/USDT' ? [seeded[i].id] : []))
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(btc))
      expect(pages.map((p) => p.length)).to.deep.equal([100, 25])
      const asked = calls(fake.requests.slice(mark), '/api/v5/trade/fills-history').map((r) => r.query)
      expect(asked.every((q) => q.instId === 'BTC-USDT')).to.equal(true)
    })

    it('since: begin (inclusive) on every page; nothing older comes back', async () => {
      const since = seeds[120].time
      const mark = fake.requests.length
      const pages = await readPages(gateway, {since})
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.slice(120).map((s) => s.id)))
      expect(pages.map((p) => p.length)).to.deep.equal([100, 30])
      const asked = calls(fake.requests.slice(mark), '/api/v5/trade/fills-history').map((r) => r.query)
      expect(asked.map((q) => q.begin)).to.deep.equal([String(since), String(since)])
    })

    it('each page is handed over, and awaited, before the next is asked for', async () => {
      expect(await awaitsEachPage(gateway, fake.requests)).to.equal(3)
    })

    it('a failure on the second page rejects (typed, after the read retries) with the first page handed over', async () => {
      let mark = 0
      const {handed, error} = await failsOnSecondPage(gateway, () => {
        mark = fake.requests.length
        fake.injectFault({method: 'GET', path: '/api/v5/trade/fills-history', kind: 'server-error', times: 'always'})
      })
      fake.clearFaults()
      expect(handed.map((p) => p.length)).to.deep.equal([100])
      // OKX's 50001 (HTTP 503) is ccxt's OnMaintenance, a network error: the second page was asked for three times
      expect(error.code).to.equal('EXCHANGE_MAINTENANCE')
      expect(calls(fake.requests.slice(mark), '/api/v5/trade/fills-history')).to.have.length(3)
    })

    it('priceAt: the seeded candle, from /market/candles (the last 1,440) or /history-candles; null without one', async () => {
      const recent = Math.floor((Date.now() - 3_600_000) / MINUTE) * MINUTE
      const old = recent - 5 * DAY
      fake.seedCandles('ETH/USDT', [
        {time: recent, open: '1600', high: '1601', low: '1599', close: '1600.57'},
        {time: old, open: '1500', high: '1501', low: '1499', close: '1500.02'},
      ])
      const mark = fake.requests.length
      expect(await gateway.priceAt('ETH/USDT', recent + 59_000)).to.equal('1600.57')
      expect(await gateway.priceAt('ETH/USDT', old)).to.equal('1500.02')
      expect(fake.requests.slice(mark).map((r) => r.path)).to.deep.equal([
        '/api/v5/market/candles',
        '/api/v5/market/history-candles',
      ])
      expect(await gateway.priceAt('ETH/USDT', old + MINUTE)).to.equal(null)
    })
  })

  describe('coinbase: List Fills, 100 a page, following the cursor', () => {
    let fake: FakeCoinbase
    let opened: Opened
    let gateway: CcxtGateway
    const start = Date.now() - 20 * DAY
    const seeds = history(230, start, [
      {symbol: 'BTC/USD', quote: 'USD', price: '27000', tick: '0.01'},
      {symbol: 'ETH/USD', quote: 'USD', price: '1600', tick: '0.01'},
    ])
    let seeded: {id: string; orderId: string}[]

    before(async () => {
      fake = await startFakeCoinbase({balances: {USD: '100000'}})
      seeded = fake.seedTrades(seeds)
      opened = await openGateway('coinbase', fake.url, {apiKey: fake.apiKey, secret: fake.secret})
      gateway = opened.gateway
    })
    after(async () => {
      await opened.close()
      await fake.close()
    })

    it('230 fills of two products come back whole, once each, in pages of 100 by cursor', async () => {
      expect(gateway.tradesNeedSymbol).to.equal(false)
      const mark = fake.requests.length
      const pages = await readPages(gateway, {})
      expect(pages.map((p) => p.length)).to.deep.equal([100, 100, 30])
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.map((s) => s.id)))
      const asked = calls(fake.requests.slice(mark), '/api/v3/brokerage/orders/historical/fills').map((r) => r.query)
      expect(asked.map((q) => [q.limit, q.cursor])).to.deep.equal([
        ['100', undefined],
        ['100', '100'],
        ['100', '200'],
      ])
      const byId = new Map(pages.flat().map((t) => [t.id, t]))
      for (const i of [0, 1, 150, 229]) expectTrade(defined(byId.get(seeded[i].id), seeded[i].id), seeds[i], seeded[i])
    })

    it('since: start_sequence_timestamp (at or after) on every page; nothing older comes back', async () => {
      const since = seeds[100].time
      const mark = fake.requests.length
      const pages = await readPages(gateway, {since})
      expect(sorted(idsOnce(pages))).to.deep.equal(sorted(seeded.slice(100).map((s) => s.id)))
      expect(pages.map((p) => p.length)).to.deep.equal([100, 30])
      const asked = calls(fake.requests.slice(mark), '/api/v3/brokerage/orders/historical/fills').map((r) => r.query)
      expect(asked.map((q) => q.start_sequence_timestamp)).to.deep.equal([
        new Date(since).toISOString(),
        new Date(since).toISOString(),
      ])
    })

    it('each page is handed over, and awaited, before the next is asked for', async () => {
      expect(await awaitsEachPage(gateway, fake.requests)).to.equal(3)
    })

    it('a failure on the second page rejects (typed) after the first page was handed over', async () => {
      const {handed, error} = await failsOnSecondPage(gateway, () => {
        fake.injectFault({
          method: 'GET',
          path: '/api/v3/brokerage/orders/historical/fills',
          kind: 'server-error',
          times: 'always',
        })
      })
      fake.clearFaults()
      expect(handed.map((p) => p.length)).to.deep.equal([100])
      expect(error).to.be.instanceOf(TradedeskError)
    })

    it('a fill of a quote-sized buy: its stated quote value (size) and price, not the ones ccxt derives', async () => {
      const ask = defined((await gateway.fetchTicker('BTC/USD')).ask, 'the ask')
      const order = await gateway.createOrder({
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        amount: '0.001',
        price: null,
        referencePrice: null,
        spend: '33.33',
        clientOrderId: gateway.newClientOrderId(),
      })
      const raw = defined(fake.rawOrder(order.id), 'the order')
      expect(raw.size_in_quote).to.equal(true)
      const pages = await readPages(gateway, {symbol: 'BTC/USD', since: Date.now() - MINUTE})
      const [trade] = pages.flat().filter((t) => t.orderId === order.id)
      expect(trade.cost).to.equal(new Decimal(String(raw.filled_value)).toFixed())
      expect(trade.price).to.equal(ask)
      // the base is derived (Coinbase states none for such a fill): value / price
      expect(new Decimal(trade.amount).mul(trade.price).minus(trade.cost).abs().toNumber()).to.be.lessThan(1e-12)
    })

    it('priceAt: the close of the seeded one-minute candle; null for a minute without one', async () => {
      const minute = Math.floor((Date.now() - 2 * DAY) / MINUTE) * MINUTE
      fake.seedCandles('BTC/USD', [
        {time: minute, open: '27000', high: '27100', low: '26900', close: '27001.99'},
        {time: minute + MINUTE, open: '27001.99', high: '27002', low: '27000', close: '27000.01'},
      ])
      expect(await gateway.priceAt('BTC/USD', minute + 30_000)).to.equal('27001.99')
      expect(await gateway.priceAt('BTC/USD', minute + MINUTE)).to.equal('27000.01')
      expect(await gateway.priceAt('BTC/USD', minute - 1)).to.equal(null)
    })
  })

  describe('paper: the paper account executions, from its orders', () => {
    let session: Session
    let paper: PaperExchange

    beforeEach(async () => {
      session = await freshSession()
      const gateway = await session.gateway(await session.broker())
      if (!(gateway instanceof PaperExchange)) expect.fail('the paper broker has no PaperExchange gateway')
      paper = gateway
    })
    afterEach(() => session.close())

    const order = (over: Partial<OrderRequest>) =>
      paper.createOrder({
        symbol: 'ETH/USDT',
        side: 'buy',
        type: 'market',
        amount: '0.01',
        price: null,
        referencePrice: null,
        spend: null,
        clientOrderId: paper.newClientOrderId(),
        ...over,
      })

    it('one execution per filled order, under the order id, as the order answers list it; none for a resting order', async () => {
      expect(paper.tradesNeedSymbol).to.equal(false)
      const bought = await order({})
      const sold = await order({side: 'sell', amount: '0.005'})
      const btc = await order({symbol: 'BTC/USDT', amount: '0.001'})
      // a buy limited at the bid does not cross the ask: it rests
      const resting = await order({type: 'limit', price: (await paper.fetchTicker('ETH/USDT')).bid})
      expect(resting.trades).to.equal(undefined)
      const pages = await readPages(paper, {})
      expect(pages).to.have.length(1)
      expect(pages[0]).to.deep.equal([bought, sold, btc].map((o) => defined(o.trades, 'trades')[0]))
      const [trade] = defined(bought.trades, 'trades')
      expect(trade).to.deep.equal({
        id: bought.id,
        orderId: bought.id,
        symbol: 'ETH/USDT',
        side: 'buy',
        amount: '0.01',
        price: bought.average,
        cost: bought.cost,
        fee: bought.fee,
        feeCurrency: 'USDT',
        timestamp: bought.timestamp,
        takerOrMaker: 'taker',
        orderType: 'market',
      })
      expect(new Decimal(trade.amount).mul(trade.price).toFixed()).to.equal(trade.cost)
      expect((await paper.fetchOrder({id: sold.id, clientOrderId: '', symbol: 'ETH/USDT'}))?.trades).to.deep.equal(
        sold.trades,
      )
      expect((await paper.cancelOrder(resting.id, 'ETH/USDT')).trades).to.equal(undefined)
    })

    it('honours symbol and since', async () => {
      const first = await order({})
      await new Promise((resolve) => setTimeout(resolve, 5))
      const second = await order({symbol: 'BTC/USDT', amount: '0.001'})
      const third = await order({})
      expect((await readPages(paper, {symbol: 'ETH/USDT'})).flat().map((t) => t.id)).to.deep.equal([first.id, third.id])
      const since = defined(second.timestamp, 'its time')
      expect((await readPages(paper, {since})).flat().map((t) => t.id)).to.deep.equal([second.id, third.id])
      expect(await readPages(paper, {since: Date.now() + DAY})).to.deep.equal([])
    })

    it(`pages of ${String(PAPER_TRADES_PAGE)}, oldest first, each trade once`, async () => {
      const placed: string[] = []
      for (let i = 0; i < PAPER_TRADES_PAGE + 3; i++) placed.push((await order({amount: '0.004'})).id)
      const pages = await readPages(paper, {})
      expect(pages.map((p) => p.length)).to.deep.equal([PAPER_TRADES_PAGE, 3])
      expect(idsOnce(pages)).to.deep.equal(placed)
    })

    it('priceAt: null (the snapshot has no candles)', async () => {
      const gateway: ExchangeGateway = paper
      expect(gateway.has.fetchOHLCV).to.equal(false)
      expect(await gateway.priceAt('ETH/USDT', Date.now() - DAY)).to.equal(null)
    })
  })
})
