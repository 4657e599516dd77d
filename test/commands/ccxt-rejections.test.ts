/**
 * End to end, binary -> ccxt.binance -> fake Binance: Binance's own refusals (-1013 NOTIONAL, -2010
 * insufficient balance, -2011 unknown order on cancel, -1121 invalid symbol, -2015 bad key) and
 * missing / unsafe credentials. Build first (`npm run build`).
 *
 * Our validation checks the same rules as Binance, so the exchange only refuses when the market moves
 * between validation and the order: the fake's onRequest hook moves the ticker at the moment the
 * order request arrives. -1121 needs a stale markets cache: a second fake on the same port (same
 * broker URL, same cache) that no longer lists the symbol.
 */
import {expect} from 'chai'
import {chmodSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {BalanceJson, ErrorJson, HistoryJson, SyncJson, TradeJson} from '../support/json.js'
import {
  type Desk,
  GOOD_ENV,
  SENTINEL_KEY,
  SENTINEL_SECRET,
  SENTINEL_WRONG_KEY,
  count,
  databaseFiles,
  expectError,
  expectOk,
  leaksInHomes,
  onPostgres,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

const BTC = snapshotTicker('BTCUSDT')
const ORDER = '/api/v3/order'
const ACCOUNT = '/api/v3/account'

describe('ccxt end to end: Binance rejections and credentials through the CLI', function () {
  this.timeout(60_000)
  let desk: Desk
  const desks: Desk[] = []
  /** client order id -> final journal status; attempts refused before the order request leave no row */
  const expectedRows = new Map<string, string>()

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000'}})
    desks.push(desk)
  })
  after(async () => {
    await Promise.all(desks.map((d) => d.close()))
    removeHomes()
  })

  /** Moves BTCUSDT's book when the order request arrives (after our validation), restores it after. */
  async function withMarketMovingOnOrder<T>(
    book: {askPrice: string; bidPrice: string; lastPrice: string},
    body: () => Promise<T>,
  ): Promise<T> {
    const off = desk.fake.onRequest((r) => {
      if (r.method === 'POST' && r.path === ORDER) desk.fake.setTicker('BTCUSDT', book)
    })
    try {
      return await body()
    } finally {
      off()
      desk.fake.setTicker('BTCUSDT', {askPrice: BTC.askPrice, bidPrice: BTC.bidPrice, lastPrice: BTC.lastPrice})
    }
  }

  const sentClientId = (m: number): string => {
    const posts = desk.since(m).filter((r) => r.method === 'POST' && r.path === ORDER)
    expect(posts, 'exactly one order request').to.have.length(1)
    return posts[0].query.newClientOrderId
  }

  it("-1013 Filter failure: NOTIONAL (the ask fell under the 5 USDT minimum after validation): exit 3, row `rejected` with Binance's message", async () => {
    // validation: 0.0002 x 27910.36 = 5.58 USDT >= 5; at the order: 0.0002 x 20000 = 4 < 5
    const m = desk.mark()
    const t = await withMarketMovingOnOrder({askPrice: '20000', bidPrice: '19999', lastPrice: '20000'}, () =>
      desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.0002', '--yes']),
    )
    expectError(t, 3, undefined, false)
    expect(t.json.error.message).to.contain('Filter failure: NOTIONAL')
    expect(desk.fake.orders()).to.have.length(0)
    expectedRows.set(sentClientId(m), 'rejected')
  })

  it('-2010 insufficient balance (the ask jumped after validation): exit 3 INSUFFICIENT_FUNDS, row `rejected`', async () => {
    // validation: 0.03 x 27910.36 + fee = 838.15 <= 1000 USDT; at the order: 0.03 x 55000 = 1650 > 1000
    const m = desk.mark()
    const t = await withMarketMovingOnOrder({askPrice: '55000', bidPrice: '54999', lastPrice: '55000'}, () =>
      desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.03', '--yes']),
    )
    expectError(t, 3, 'INSUFFICIENT_FUNDS', false)
    expect(t.json.error.message).to.contain('insufficient balance')
    expect(desk.fake.orders()).to.have.length(0)
    expect(desk.fake.balance('USDT').free).to.equal('1000.00000000')
    expectedRows.set(sentClientId(m), 'rejected')
  })

  it('cancel of an order that filled meanwhile (-2011 Unknown order sent): exit 3 ORDER_NOT_FOUND, the row is not marked cancelled, `order sync` settles it `filled`', async () => {
    const t = await desk.td<TradeJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '27000',
      '--quantity',
      '0.001',
      '--yes',
    ])
    expectOk(t)
    expect(t.json.status).to.equal('open')
    expectedRows.set(t.json.client_order_id, 'filled')
    desk.fake.setTicker('BTCUSDT', {askPrice: '26950', bidPrice: '26940', lastPrice: '26950'}) // fills the resting order
    try {
      const c = await desk.td(['order', 'cancel', String(t.json.id)])
      expectError(c, 3, 'ORDER_NOT_FOUND', false)
      expect(c.json.error.message).to.contain('-2011')
      expect(count(desk.fake.requests, 'DELETE', ORDER)).to.equal(1)

      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      const row = s.json.changed.find((x) => x.id === t.json.id)
      expect(
        row,
        'sync only settles rows that are not final: a cancel that failed must not mark it cancelled',
      ).to.not.equal(undefined)
      expect(row).to.deep.include({status: 'filled', filled_quantity: '0.001', filled_price: '27000'})
    } finally {
      desk.fake.setTicker('BTCUSDT', {askPrice: BTC.askPrice, bidPrice: BTC.bidPrice, lastPrice: BTC.lastPrice})
    }
  })

  it('bad API key (-2015, HTTP 401): `broker test`, `balance`, `trade` exit 4; no order request', async () => {
    const bad = {TRADEDESK_BN_API_KEY: SENTINEL_WRONG_KEY, TRADEDESK_BN_SECRET: SENTINEL_SECRET}
    const m = desk.mark()
    const [bt, b, t] = await Promise.all([
      desk.td(['broker', 'test', 'bn'], bad),
      desk.td(['balance'], bad),
      desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], bad),
    ])
    for (const r of [bt, b, t]) expectError(r, 4, 'AUTHENTICATION_FAILED', false)
    expect(count(desk.since(m), 'POST', ORDER)).to.equal(0)
    expect(count(desk.since(m), 'GET', ACCOUNT), 'the fake did see the bad key').to.be.greaterThan(0)
  })

  it('missing credentials: `balance`, `trade`, `order list` exit 4 and nothing private is sent', async () => {
    const m = desk.mark()
    const [b, t, s] = await Promise.all([
      desk.td<ErrorJson>(['balance'], {}),
      desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], {}),
      desk.td(['order', 'list'], {}),
    ])
    for (const r of [b, t, s]) expectError(r, 4, undefined, false)
    expect(b.json.error.message).to.contain('TRADEDESK_BN_API_KEY')
    const signed = desk
      .since(m)
      .filter((r) => r.path === ACCOUNT || r.path === ORDER || r.path === '/api/v3/openOrders')
    expect(signed, 'no signed request without keys').to.deep.equal([])
  })

  it('credentials.json readable by others is refused (exit 4, nothing sent); with mode 0600 it is used', async () => {
    const file = join(desk.home, 'credentials.json')
    writeFileSync(file, JSON.stringify({bn: {apiKey: SENTINEL_KEY, secret: SENTINEL_SECRET}}))
    try {
      chmodSync(file, 0o644)
      let m = desk.mark()
      const unsafe = await desk.td(['balance'], {})
      expectError(unsafe, 4, 'CREDENTIALS_FILE_UNSAFE', false)
      expect(desk.since(m)).to.deep.equal([])

      chmodSync(file, 0o600)
      m = desk.mark()
      const ok = await desk.td<BalanceJson>(['balance'], {})
      expectOk(ok)
      expect(desk.since(m).map((r) => r.path)).to.deep.equal([ACCOUNT])
      expect(ok.json.balances.map((x) => x.asset)).to.include('USDT')
    } finally {
      rmSync(file, {force: true})
    }
  })

  it('-1121 Invalid symbol (delisted since the markets were cached): `price` and `trade` exit 3 UNKNOWN_SYMBOL; nothing sent or recorded', async () => {
    const first = await openDesk({balances: {USDT: '1000'}})
    desks.push(first)
    expectOk(await first.td(['price', 'ETH/USDT'])) // caches the markets, ETH/USDT included
    await first.close()

    const info = JSON.parse(
      readFileSync(new URL('../../data/binance-spot/exchangeInfo.json', import.meta.url), 'utf8'),
    ) as {symbols: {symbol: string}[]}
    info.symbols = info.symbols.filter((s) => s.symbol !== 'ETHUSDT')
    const delisted = join(tmpdir(), `exchangeInfo-no-ETHUSDT-${String(process.pid)}.json`)
    writeFileSync(delisted, JSON.stringify(info))
    const second = await openDesk({
      balances: {USDT: '1000'},
      port: Number(new URL(first.fake.url).port),
      home: first.home,
      skipAdd: true,
      exchangeInfoPath: delisted,
    })
    desks.push(second)
    try {
      const [p, t] = await Promise.all([
        second.td(['price', 'ETH/USDT']),
        second.td(['trade', 'buy', 'ETH/USDT', '--quantity', '0.01', '--yes']),
      ])
      expect(
        second.fake.requests.filter((r) => r.path === '/api/v3/ticker/24hr').map((r) => r.query.symbol),
      ).to.include('ETHUSDT')
      expect(count(second.fake.requests, 'GET', '/api/v3/exchangeInfo'), 'the stale cache was used').to.equal(0)
      for (const r of [p, t]) {
        expectError(r, 3, 'UNKNOWN_SYMBOL', false)
        expect(r.json.error.message).to.contain('Invalid symbol')
      }

      expect(count(second.fake.requests, 'POST', ORDER)).to.equal(0)
      const h = await second.td<HistoryJson>(['history'])
      expectOk(h)
      expect(h.json.trades).to.deep.equal([])
    } finally {
      rmSync(delisted, {force: true})
    }
  })

  describe('afterwards', () => {
    it('the journal holds one row per order request with the expected status, and none for the attempts refused before it', async () => {
      const h = await desk.td<HistoryJson>(['history', '--limit', '1000'], GOOD_ENV)
      expectOk(h)
      const statuses = Object.fromEntries(
        h.json.trades.map((t: {client_order_id: string; status: string}) => [t.client_order_id, t.status]),
      )
      expect(statuses).to.deep.equal(Object.fromEntries(expectedRows))
    })

    it('no credential (good key, secret, or the bad key) in any output nor in the bytes of the SQLite files', () => {
      if (!onPostgres()) expect(databaseFiles().length).to.be.greaterThan(0)
      expect(leaksInHomes()).to.deep.equal([])
    })
  })
})
