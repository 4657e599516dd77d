/**
 * End to end, binary -> ccxt.binance -> fake Binance, with transport faults: an order that reached the
 * exchange but whose answer never came back, 5xx / 429 / garbled answers on reads and on the order.
 * Build first (`npm run build`). The broker's timeout is 1000 ms, so a hang costs one second.
 */
import {expect} from 'chai'

import {defined} from '../support/e2e.js'
import type {HistoryJson, PriceJson, SyncJson, TradeJson} from '../support/json.js'
import {
  D,
  type Desk,
  canon,
  closeOpened,
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
const TICKER = '/api/v3/ticker/24hr'
const ACCOUNT = '/api/v3/account'

describe('ccxt end to end: faults between tradedesk and fake Binance', function () {
  this.timeout(60_000)
  let desk: Desk

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000'}, timeoutMs: 1000})
  })
  afterEach(() => {
    desk.fake.clearFaults()
  })
  after(async () => {
    await closeOpened(desk)
    removeHomes()
  })

  /**
   * client order id -> the journal status its row must have at the end. Every order attempt that
   * reached the order endpoint is here; an attempt that failed on a read must leave no row at all.
   */
  const expectedRows = new Map<string, string>()
  const sentClientId = (m: number): string => {
    const posts = desk.since(m).filter((r) => r.method === 'POST' && r.path === ORDER)
    expect(posts, 'exactly one order request').to.have.length(1)
    return posts[0].query.newClientOrderId
  }

  const buy = (qty = '0.001') => desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', qty, '--yes'])

  it('a signed read that times out or meets an HTML 503: exit 5, its URL quoted without the signature', async () => {
    for (const kind of ['hang', 'html-503'] as const) {
      desk.fake.injectFault({method: 'GET', path: ACCOUNT, kind, times: 'always'})
      // td() fails on any `signature=` in stdout or stderr; the message still names the request
      const run = await desk.td(['balance'])
      desk.fake.clearFaults()
      expectError(run, 5, undefined, true)
      expect(run.json.error.message, kind).to.match(
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/account\?timestamp=\d+&recvWindow=\d+ /,
      )
    }
  })

  describe('on the order request', () => {
    it('accept-then-hang: exit 6, row `unknown`, exactly one order on the exchange, no resend; `order sync` settles it `filled` with the fills', async () => {
      desk.fake.injectFault({method: 'POST', path: ORDER, kind: 'accept-then-hang'})
      const m = desk.mark()
      const t = await buy()
      expectError(t, 6, 'ORDER_OUTCOME_UNKNOWN', false)
      expect(t.json.error.message).to.match(/order sync/)
      expect(count(desk.since(m), 'POST', ORDER), 'never resent').to.equal(1)
      const orders = desk.fake.orders()
      expect(orders).to.have.length(1)
      expect(orders[0].status).to.equal('FILLED')

      const row = await desk.lastTrade()
      expect(row).to.deep.include({
        status: 'unknown',
        client_order_id: orders[0].clientOrderId,
        symbol: 'BTC/USDT',
        quantity: '0.001',
      })
      const sent = defined(
        desk.since(m).find((r) => r.method === 'POST'),
        'the order request',
      )
      expect(row.client_order_id).to.equal(sent.query.newClientOrderId)
      expectedRows.set(row.client_order_id, 'filled') // once `order sync` below has settled it

      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      const fills = orders[0].fills
      const qty = fills.reduce((a, f) => a.plus(f.qty), new D(0))
      const quote = fills.reduce((a, f) => a.plus(new D(f.qty).mul(f.price)), new D(0))
      const fees = fills.reduce((a, f) => a.plus(f.commission), new D(0))
      expect(s.json.changed).to.have.length(1)
      expect(s.json.changed[0]).to.deep.include({
        id: row.id,
        status: 'filled',
        exchange_order_id: String(orders[0].orderId),
        filled_quantity: canon(qty),
        filled_price: canon(quote.div(qty)),
        fees: canon(fees),
        fee_currency: 'USDT',
      })
      expect(count(desk.since(m), 'POST', ORDER), 'sync never resends').to.equal(1)
      expect(desk.fake.orders()).to.have.length(1)
    })

    it('429 on the order: exit 5 (retryable), row `rejected`, no order, no resend', async () => {
      desk.fake.injectFault({method: 'POST', path: ORDER, kind: 'rate-limit-429', times: 'always'})
      const before = desk.fake.orders().length
      const m = desk.mark()
      const t = await buy()
      expectError(t, 5, 'RATE_LIMITED', true)
      expect(count(desk.since(m), 'POST', ORDER)).to.equal(1)
      expect(desk.fake.orders()).to.have.length(before)
      expectedRows.set(sentClientId(m), 'rejected') // checked at the end, with one `history`
    })

    it('html 503 on the order: exit 6, row `unknown`, no resend; `order sync` finds no such order (-2013) and leaves it `unknown` within the grace minute', async () => {
      desk.fake.injectFault({method: 'POST', path: ORDER, kind: 'html-503', times: 'always'})
      const m = desk.mark()
      const t = await buy()
      expectError(t, 6, 'ORDER_OUTCOME_UNKNOWN', false)
      const clientId = sentClientId(m)
      expectedRows.set(clientId, 'unknown')

      desk.fake.clearFaults()
      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      expect(s.json.changed.map((c) => c.client_order_id)).to.not.include(clientId)
      const lookups = desk.since(m).filter((r) => r.method === 'GET' && r.path === ORDER)
      expect(
        lookups.map((r) => r.query.origClientOrderId),
        'looked up by client order id',
      ).to.include(clientId)
      expect(count(desk.since(m), 'POST', ORDER)).to.equal(1)
    })

    it('500 -1000 on the order: exit 6, row `unknown`, no resend', async () => {
      desk.fake.injectFault({method: 'POST', path: ORDER, kind: 'server-error-500', times: 'always'})
      const m = desk.mark()
      const t = await buy()
      expectError(t, 6, 'ORDER_OUTCOME_UNKNOWN', false)
      expectedRows.set(sentClientId(m), 'unknown')
    })

    it('malformed JSON (HTTP 200) on the order: exit 6 and `unknown`, never `failed`; the order exists and `order sync` settles it', async () => {
      desk.fake.injectFault({method: 'POST', path: ORDER, kind: 'malformed-json', times: 'always'})
      const before = desk.fake.orders().length
      const m = desk.mark()
      const t = await buy()
      expectError(t, 6, 'ORDER_OUTCOME_UNKNOWN', false)
      expect(count(desk.since(m), 'POST', ORDER)).to.equal(1)
      expect(desk.fake.orders()).to.have.length(before + 1)
      const row = await desk.lastTrade()
      expect(row.status).to.equal('unknown')
      expect(row.client_order_id).to.equal(defined(desk.fake.orders().at(-1), 'the newest order').clientOrderId)
      expectedRows.set(row.client_order_id, 'filled') // once `order sync` below has settled it

      desk.fake.clearFaults()
      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      const settled = s.json.changed.find((c) => c.id === row.id)
      expect(settled).to.deep.include({status: 'filled', filled_quantity: '0.001', filled_price: canon(BTC.askPrice)})
    })
  })

  describe('on reads', () => {
    it('html 503 on every ticker read: `price` exits 5 (retryable) after 3 attempts; `trade` sends and records nothing', async () => {
      desk.fake.injectFault({method: 'GET', path: TICKER, kind: 'html-503', times: 'always'})
      const m = desk.mark()
      const [p, t] = await Promise.all([desk.td(['price', 'ETH/USDT']), buy()])
      expectError(p, 5, 'EXCHANGE_UNAVAILABLE', true)
      const ethTickers = desk.since(m).filter((r) => r.path === TICKER && r.query.symbol === 'ETHUSDT')
      expect(ethTickers, 'a read is tried 3 times, no more').to.have.length(3)
      expectError(t, 5, undefined, true)
      expect(count(desk.since(m), 'POST', ORDER), 'nothing sent (and no row: see the end)').to.equal(0)
    })

    it('one html 503 on a read is recovered by the retry', async () => {
      desk.fake.injectFault({method: 'GET', path: TICKER, kind: 'html-503'})
      const m = desk.mark()
      const p = await desk.td<PriceJson>(['price', 'BTC/USDT'])
      expectOk(p)
      expect(p.json.last).to.equal(canon(BTC.lastPrice))
      expect(count(desk.since(m), 'GET', TICKER)).to.equal(2)
    })

    it('429 on every balance read: `balance` and `trade` exit 5 (retryable); nothing sent, nothing recorded', async () => {
      desk.fake.injectFault({method: 'GET', path: ACCOUNT, kind: 'rate-limit-429', times: 'always'})
      const m = desk.mark()
      const [b, t] = await Promise.all([desk.td(['balance']), buy()])
      expectError(b, 5, 'RATE_LIMITED', true)
      expectError(t, 5, 'RATE_LIMITED', true)
      expect(count(desk.since(m), 'POST', ORDER), 'nothing sent (and no row: see the end)').to.equal(0)
    })

    it('malformed JSON on the balance read: exit 5, never read as zero funds (balance, validate, portfolio)', async () => {
      desk.fake.injectFault({method: 'GET', path: ACCOUNT, kind: 'malformed-json', times: 'always'})
      const [b, v, p] = await Promise.all([
        desk.td(['balance']),
        desk.td(['validate', 'buy', 'BTC/USDT', '--quantity', '0.001']),
        desk.td(['portfolio']),
      ])
      expectError(b, 5, undefined, true)
      expectError(v, 5, undefined, true) // not exit 3 INSUFFICIENT_FUNDS
      expectError(p, 5, undefined, true) // not a total of 0
    })

    it('a redirect is never followed (the transport refuses it): `price` exits 5 instead of reading elsewhere', async () => {
      // The fake redirects to the very same URL, so a client that followed redirects would succeed.
      desk.fake.injectFault({method: 'GET', path: TICKER, kind: 'redirect-302', times: 'always'})
      const m = desk.mark()
      expectError(await desk.td(['price', 'BTC/USDT']), 5, undefined, true)
      expect(count(desk.since(m), 'GET', TICKER), 'three refused attempts, none followed').to.equal(3)
    })

    it('malformed JSON on the ticker read: `price` exits 5', async () => {
      desk.fake.injectFault({method: 'GET', path: TICKER, kind: 'malformed-json', times: 'always'})
      expectError(await desk.td(['price', 'BTC/USDT']), 5, undefined, true)
    })
  })

  describe('garbled answers on order lookups and cancels', () => {
    let resting: TradeJson

    it('malformed JSON on the open-orders read: `order list` exits 5 and lists no made-up orders', async () => {
      const t = await desk.td<TradeJson>([
        'trade',
        'buy',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        '20000',
        '--quantity',
        '0.001',
        '--yes',
      ])
      expectOk(t)
      expect(t.json.status).to.equal('open')
      resting = t.json
      expectedRows.set(t.json.client_order_id, 'cancelled') // by the last test of this group

      desk.fake.injectFault({method: 'GET', path: '/api/v3/openOrders', kind: 'malformed-json', times: 'always'})
      const list = await desk.td(['order', 'list'])
      expectError(list, 5, undefined, true)
    })

    it('malformed JSON on the order lookup: `order sync` exits 5 and settles nothing', async () => {
      desk.fake.injectFault({method: 'GET', path: ORDER, kind: 'malformed-json', times: 'always'})
      const s = await desk.td(['order', 'sync'])
      expectError(s, 5, undefined, true) // the rows keep their status: checked at the end
    })

    it('malformed JSON on the cancel answer: exit 5, the row keeps its ids; a clean `order sync` records it `cancelled`', async () => {
      desk.fake.injectFault({method: 'DELETE', path: ORDER, kind: 'malformed-json', times: 'always'})
      const c = await desk.td(['order', 'cancel', String(resting.id)])
      expectError(c, 5, undefined, true)
      expect(
        defined(
          desk.fake.orders().find((o) => o.clientOrderId === resting.client_order_id),
          'the order on the exchange',
        ).status,
        'the exchange did cancel it',
      ).to.equal('CANCELED')

      desk.fake.clearFaults()
      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      const row = s.json.changed.find((x) => x.id === resting.id)
      expect(row).to.deep.include({
        status: 'cancelled',
        exchange_order_id: resting.exchange_order_id,
        client_order_id: resting.client_order_id,
        filled_quantity: '0',
      })
    })
  })

  describe('afterwards', () => {
    it('the journal: one row per order request with the expected status, none for the attempts that failed on a read; none `filled` without a fill', async () => {
      const h = await desk.td<HistoryJson>(['history', '--limit', '1000'])
      expectOk(h)
      const statuses = Object.fromEntries(
        h.json.trades.map((t: {client_order_id: string; status: string}) => [t.client_order_id, t.status]),
      )
      expect(statuses).to.deep.equal(Object.fromEntries(expectedRows))
      const filledOnExchange = new Set(
        desk.fake
          .orders()
          .filter((o) => o.status === 'FILLED')
          .map((o) => o.clientOrderId),
      )
      for (const t of h.json.trades.filter((x: {status: string}) => x.status === 'filled')) {
        expect(filledOnExchange.has(t.client_order_id), `row ${String(t.id)}`).to.equal(true)
      }
    })

    it('no credential in any output (checked per run) nor in the bytes of the SQLite files', () => {
      if (!onPostgres()) expect(databaseFiles().length).to.be.greaterThan(0)
      expect(leaksInHomes()).to.deep.equal([])
    })
  })
})
