/**
 * `trade --wait` / `--cancel-after` and `order watch`, end to end: the CLI driving the real
 * ccxt.binance against the loopback fake Binance, whose price a test moves at the moment the n-th
 * poll arrives (a resting buy fills when the ask falls to its price, as on Binance). Exact journal
 * records, the requests the exchange saw, exit codes 0 / 8 / 6. The paper broker: a market order
 * that fills at once returns at once. Build first (`npm run build`).
 */
import {expect} from 'chai'

import {runCli, tempHome} from '../support/cli.js'
import type {ErrorJson, TradeJson} from '../support/json.js'
import {
  D,
  type Desk,
  GOOD_ENV,
  canon,
  closeOpened,
  count,
  expectError,
  expectOk,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

/** One line of `order watch --json`: a trade record, what changed, and whether it is the order's last. */
type WatchLineJson = TradeJson & {event: string; final: boolean}

const BTC = snapshotTicker('BTCUSDT')
const ASK = new D(BTC.askPrice)
const fee8 = (d: InstanceType<typeof D>) => d.toDecimalPlaces(8, D.ROUND_HALF_UP)
/** a limit buy well under the market: it rests */
const LOW = ASK.mul('0.98').toDecimalPlaces(2, D.ROUND_DOWN)
const LOWER = ASK.mul('0.97').toDecimalPlaces(2, D.ROUND_DOWN)
/** fast polls keep the suite short; the exchange's rate limit (50 ms for binance) is still the floor */
const WAIT_ENV = {...GOOD_ENV, TRADEDESK_POLL_MS: '100'}

const limitBuy = (price: InstanceType<typeof D>, quantity: string, ...more: string[]) => [
  'trade',
  'buy',
  'BTC/USDT',
  '--type',
  'limit',
  '--price',
  canon(price),
  '--quantity',
  quantity,
  '--yes',
  ...more,
]

/** Moves the book down so that the ask is at `price` (a resting buy at it fills, at its limit). */
function askFallsTo(desk: Desk, price: InstanceType<typeof D>) {
  desk.fake.setTicker('BTCUSDT', {
    askPrice: canon(price),
    bidPrice: canon(price.minus('0.01')),
    lastPrice: canon(price),
  })
}

/** Calls fn when the n-th request of method+path arrives, before the exchange answers it. */
function atRequest(desk: Desk, method: string, path: string, n: number, fn: () => void): () => void {
  let seen = 0
  return desk.fake.onRequest((r) => {
    if (r.method === method && r.path === path && ++seen === n) fn()
  })
}

describe('ccxt end to end: trade --wait, --cancel-after, order watch', function () {
  this.timeout(60_000)
  let desk: Desk | undefined

  afterEach(async () => {
    await closeOpened(desk)
    desk = undefined
  })
  after(() => {
    removeHomes()
  })

  it('--wait (no value) on a resting limit buy: the ask falls to it at the 3rd poll, exit 0, filled exactly', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const stop = atRequest(d, 'GET', '/api/v3/order', 3, () => {
      askFallsTo(d, LOW)
    })
    const m = d.mark()
    const run = await d.td<TradeJson>(limitBuy(LOW, '0.001', '--wait'), WAIT_ENV)
    stop()
    expectOk(run)
    const value = LOW.mul('0.001')
    const expected = {
      status: 'filled',
      quantity: '0.001',
      price: canon(LOW),
      filled_quantity: '0.001',
      filled_price: canon(LOW),
      filled_value: canon(value),
      fees: canon(fee8(value.mul('0.001'))),
      fee_currency: 'USDT',
    }
    expect(run.json).to.include(expected)
    expect(await d.lastTrade()).to.deep.equal(run.json)
    // It polled until the fill and no further, and never cancelled.
    const requests = d.since(m)
    expect(count(requests, 'GET', '/api/v3/order')).to.equal(3)
    expect(count(requests, 'DELETE', '/api/v3/order')).to.equal(0)
    expect(d.fake.orders().map((o) => o.status)).to.deep.equal(['FILLED'])
  })

  it('--cancel-after alone: still resting at the deadline, it is cancelled on the exchange; exit 8, journal cancelled', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const m = d.mark()
    const run = await d.td<TradeJson>(limitBuy(LOW, '0.001', '--cancel-after', '1'), WAIT_ENV)
    expect(run.code, run.stdout + run.stderr).to.equal(8)
    expect(run.json).to.include({status: 'cancelled', filled_quantity: '0', filled_price: null, filled_value: null})
    expect(await d.lastTrade()).to.deep.equal(run.json)
    const deletes = d.since(m).filter((r) => r.method === 'DELETE' && r.path === '/api/v3/order')
    expect(deletes).to.have.length(1)
    expect(deletes[0].query.orderId).to.equal(run.json.exchange_order_id)
    expect(d.fake.orders().map((o) => o.status)).to.deep.equal(['CANCELED'])
    const usdt = d.fake.balance('USDT')
    expect([canon(usdt.free), canon(usdt.locked)]).to.deep.equal(['1000', '0'])
  })

  it('--wait=1 without --cancel-after: still open when the time is up, exit 8, left on the book', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const m = d.mark()
    const run = await d.td<TradeJson>(limitBuy(LOW, '0.001', '--wait=1'), WAIT_ENV)
    expect(run.code, run.stdout + run.stderr).to.equal(8)
    expect(run.json).to.include({status: 'open', filled_quantity: '0'})
    // polled, and no faster than every TRADEDESK_POLL_MS (100 ms) within the one second: no busy loop
    expect(count(d.since(m), 'GET', '/api/v3/order')).to.be.within(1, 10)
    expect(count(d.since(m), 'DELETE', '/api/v3/order')).to.equal(0)
    expect(d.fake.orders().map((o) => o.status)).to.deep.equal(['NEW'])
  })

  it('a partial fill, then --cancel-after: cancelled with the part that filled kept exactly; exit 8', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}, fillRatio: '0.4'}))
    // A buy at the ask crosses: 40% fills at once, the rest rests until the deadline.
    const run = await d.td<TradeJson>(limitBuy(ASK, '0.001', '--wait', '1', '--cancel-after', '1'), WAIT_ENV)
    expect(run.code, run.stdout + run.stderr).to.equal(8)
    const value = ASK.mul('0.0004')
    expect(run.json).to.include({
      status: 'cancelled',
      quantity: '0.001',
      filled_quantity: '0.0004',
      filled_price: canon(ASK),
      filled_value: canon(value),
      fees: canon(fee8(value.mul('0.001'))),
      fee_currency: 'USDT',
    })
    expect(await d.lastTrade()).to.deep.equal(run.json)
    const [order] = d.fake.orders()
    expect([order.status, canon(order.executedQty)]).to.deep.equal(['CANCELED', '0.0004'])
    expect(count(d.fake.requests, 'DELETE', '/api/v3/order')).to.equal(1)
  })

  it('the order fills just as the deadline cancel is sent: the refused cancel is followed by a read, exit 0, filled', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const stop = atRequest(d, 'DELETE', '/api/v3/order', 1, () => {
      askFallsTo(d, LOW)
    })
    const run = await d.td<TradeJson>(limitBuy(LOW, '0.001', '--cancel-after', '1'), WAIT_ENV)
    stop()
    expectOk(run)
    const value = LOW.mul('0.001')
    expect(run.json).to.include({
      status: 'filled',
      filled_quantity: '0.001',
      filled_price: canon(LOW),
      filled_value: canon(value),
      fees: canon(fee8(value.mul('0.001'))),
    })
    expect(await d.lastTrade()).to.deep.equal(run.json)
    expect(d.fake.orders().map((o) => o.status)).to.deep.equal(['FILLED'])
  })

  it('the cancel at the deadline fails and the order cannot be read: exit 6, the row left open for order sync', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const stop = atRequest(d, 'DELETE', '/api/v3/order', 1, () => {
      d.fake.injectFault({method: 'DELETE', path: '/api/v3/order', kind: 'server-error-500'})
      d.fake.injectFault({method: 'GET', path: '/api/v3/order', kind: 'server-error-500', times: 'always'})
    })
    const run = await d.td<ErrorJson>(limitBuy(LOW, '0.001', '--cancel-after', '1'), WAIT_ENV)
    stop()
    expectError(run, 6, 'ORDER_OUTCOME_UNKNOWN')
    expect(run.json.error.message).to.match(/order sync/)
    d.fake.clearFaults()
    const row = await d.lastTrade()
    expect(row).to.include({status: 'open', filled_quantity: '0'})
    expect(run.json.error.message).to.contain(row.client_order_id)
  })

  it('a market order that fills at once returns at once: no poll, exit 0', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const m = d.mark()
    const run = await d.td<TradeJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--wait'], WAIT_ENV)
    expectOk(run)
    expect(run.json).to.include({status: 'filled', filled_quantity: '0.001'})
    expect(count(d.since(m), 'GET', '/api/v3/order')).to.equal(0)
  })

  it('order watch --json: NDJSON, one object per change, written as it happens, the last one final', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const a = await d.td<TradeJson>(limitBuy(LOW, '0.001'))
    const b = await d.td<TradeJson>(limitBuy(LOWER, '0.002'))
    expectOk(a)
    expectOk(b)
    expect([a.json.status, b.json.status]).to.deep.equal(['open', 'open'])

    // The real binary, read as it writes: the price moves only once the lines before have arrived,
    // so the watch could not end if its lines were held back until the end.
    let seen = ''
    const moved: string[] = []
    const react = () => {
      const lines = seen.split('\n').filter(Boolean)
      if (lines.length >= 2 && !moved.includes('a')) {
        moved.push('a')
        askFallsTo(d, LOW)
      }

      if (lines.some((l) => (JSON.parse(l) as WatchLineJson).event === 'filled') && !moved.includes('b')) {
        moved.push('b')
        askFallsTo(d, LOWER)
      }
    }

    const run = await runCli(['order', 'watch', '--json'], {
      home: d.home,
      env: WAIT_ENV,
      binary: true,
      timeoutMs: 30_000,
      onSpawn: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString()
          react()
        })
      },
    })
    expect(run.code, run.stderr).to.equal(0)
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as WatchLineJson)
    expect(lines.map((l) => [l.id, l.event, l.status, l.final])).to.deep.equal([
      [a.json.id, 'watching', 'open', false],
      [b.json.id, 'watching', 'open', false],
      [a.json.id, 'filled', 'filled', true],
      [b.json.id, 'filled', 'filled', true],
    ])
    const last = lines[lines.length - 1]
    expect(last).to.include({
      filled_quantity: '0.002',
      filled_price: canon(LOWER),
      filled_value: canon(LOWER.mul('0.002')),
    })
    // every line is the journal's record as it was then, plus the two keys
    const {event, final, ...record} = last
    expect([event, final]).to.deep.equal(['filled', true])
    const history = await d.td<{trades: TradeJson[]}>(['history'])
    expect(history.json.trades.find((t) => t.id === b.json.id)).to.deep.equal(record)
    expect(history.json.trades.map((t) => t.status)).to.deep.equal(['filled', 'filled'])
  })

  it('order watch --json interrupted (SIGTERM): exit 143, the envelope as one more NDJSON line, the order as it was', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const a = await d.td<TradeJson>(limitBuy(LOW, '0.001'))
    expectOk(a)
    const run = await runCli(['order', 'watch', '--json'], {
      home: d.home,
      env: WAIT_ENV,
      binary: true,
      timeoutMs: 30_000,
      onSpawn: (child) => {
        // once: a second signal, after the first one's handler, would end it the default way
        child.stdout?.once('data', () => {
          child.kill('SIGTERM')
        })
      },
    })
    expect(run.code, run.stderr).to.equal(143)
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as WatchLineJson | ErrorJson)
    expect(lines[0]).to.include({id: a.json.id, event: 'watching', status: 'open'})
    expect(lines[lines.length - 1]).to.deep.nested.include({'error.code': 'INTERRUPTED', 'error.exit_code': 143})
    expect(await d.lastTrade()).to.deep.equal(a.json)
  })

  it('trade --wait interrupted (SIGTERM) while polling: exit 143, the order left on the book and open in the journal', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    let kill = () => undefined as unknown
    const stop = atRequest(d, 'GET', '/api/v3/order', 1, () => kill())
    const run = await runCli([...limitBuy(LOW, '0.001', '--wait', '30'), '--json'], {
      home: d.home,
      env: WAIT_ENV,
      binary: true,
      timeoutMs: 30_000,
      onSpawn: (child) => {
        kill = () => child.kill('SIGTERM')
      },
    })
    stop()
    expect(run.code, run.stderr).to.equal(143)
    expect(JSON.parse(run.stdout)).to.deep.nested.include({'error.code': 'INTERRUPTED'})
    expect(await d.lastTrade()).to.include({status: 'open', filled_quantity: '0'})
    expect(d.fake.orders().map((o) => o.status)).to.deep.equal(['NEW'])
    expect(count(d.fake.requests, 'DELETE', '/api/v3/order')).to.equal(0)
  })

  it('order watch ID on an order already final: its one line, final; an unknown id is exit 2', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const t = await d.td<TradeJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'])
    expectOk(t)
    const run = await runCli(['order', 'watch', String(t.json.id), '--json'], {home: d.home, env: WAIT_ENV})
    expect(run.code, run.stderr).to.equal(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).to.have.length(1)
    expect(JSON.parse(lines[0])).to.deep.equal({...t.json, event: 'watching', final: true})
    const unknown = await d.td(['order', 'watch', String(t.json.id), '999'], WAIT_ENV)
    expectError(unknown, 2, 'UNKNOWN_TRADE')
  })

  it('order watch for people: one line per change; the websocket tried first, polling when it fails', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const a = await d.td<TradeJson>(limitBuy(LOW, '0.001'))
    expectOk(a)
    const stop = atRequest(d, 'GET', '/api/v3/order', 2, () => {
      askFallsTo(d, LOW)
    })
    const m = d.mark()
    const run = await runCli(['order', 'watch'], {home: d.home, env: WAIT_ENV})
    stop()
    expect(run.code, run.stderr).to.equal(0)
    // ccxt.pro's binance pushes orders over its ws-api: the watch tried that socket first (on the
    // fake's origin, which speaks REST only and answers the upgrade 404), then polled instead.
    expect(count(d.since(m), 'GET', '/ws-api/v3')).to.equal(1)
    expect(run.stderr).to.match(
      /websocket for order updates failed \(binance: Unexpected server response: 404\): polling instead/,
    )
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).to.have.length(2)
    expect(lines[0]).to.match(
      new RegExp(`trade ${String(a.json.id)} BTC/USDT buy limit ${canon(LOW)}: watching, open, 0 of 0.001 filled$`),
    )
    expect(lines[1]).to.match(/: filled, filled, 0\.001 of 0\.001 filled at /)
  })

  it('usage: --wait 0 and --cancel-after with no number are exit 2, and nothing is sent', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const m = d.mark()
    expectError(await d.td(limitBuy(LOW, '0.001', '--wait', '0'), WAIT_ENV), 2)
    expectError(await d.td(limitBuy(LOW, '0.001', '--cancel-after'), WAIT_ENV), 2)
    expect(count(d.since(m), 'POST', '/api/v3/order')).to.equal(0)
  })
})

describe('paper: trade --wait', function () {
  this.timeout(30_000)

  it('a market order on the paper broker fills at once and --wait returns at once, exit 0', async () => {
    const home = tempHome('tradedesk-wait-paper-')
    const run = await runCli(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--wait', '--json'], {home})
    expect(run.code, run.stdout + run.stderr).to.equal(0)
    expect(JSON.parse(run.stdout)).to.include({broker: 'paper', status: 'filled', filled_quantity: '0.001'})
  })
})
