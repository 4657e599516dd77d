/**
 * `stats` against a journal built through the CLI and counted by hand: orders on the paper broker and
 * on the loopback Binance (ccxt.binance, the real binary's code in process) that end filled, open,
 * cancelled, rejected (Binance -2010: the market moved after our validation) and unknown (an HTTP 500
 * on the order), one filled with no USD price for its quote, history brought in by `journal import`
 * (left out), and a validation failure (no row). Every figure is then recomputed from `history --json`
 * here, independently of src/lib/stats.ts. Build first (`npm run build`).
 */
import {expect} from 'chai'

import type {HistoryJson, TradeJson} from '../support/json.js'
import type {StatsFiguresJson, StatsJson} from '../support/json-stats.js'
import {runCli, runJson, tempHome, withJournal} from '../support/cli.js'
import {
  D,
  type Desk,
  GOOD_ENV,
  canon,
  closeOpened,
  expectError,
  expectOk,
  leaksInHomes,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

const BTC = snapshotTicker('BTCUSDT')
const ORDER = '/api/v3/order'
const DAY_MS = 86_400_000

/** YYYY-MM-DD of a UTC day, `offset` days from today. */
const utcDay = (offset = 0) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10)

/** The nearest-rank percentile, as the README defines it: the value at rank ceil(p/100 x n) of the sorted values. */
function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]
}

/** a / b rounded half up to 2 places, canonical. */
const ratio = (a: number, b: number) => canon(new D(a).div(b).toDecimalPlaces(2, D.ROUND_HALF_UP))

/**
 * The figures of some rows, from the SPEC's trade records and the USD price of each row's quote as
 * this test knows it (null: the quote had no USD price when the order was placed).
 */
function expectedFigures(rows: TradeJson[], days: number, quoteUsd: (t: TradeJson) => string | null): StatsFiguresJson {
  const n = (status: string) => rows.filter((t) => t.status === status).length
  const latencies = rows
    .filter((t) => t.status === 'filled')
    .map((t) => Date.parse(t.executed_at ?? 'missing') - Date.parse(t.created_at))
  expect(latencies.every(Number.isInteger), 'every filled row has its execution time').to.equal(true)
  const executed = rows.filter((t) => t.filled_value !== null && !new D(t.filled_value).isZero())
  const priced = executed.filter((t) => quoteUsd(t) !== null)
  const sent = rows.length - n('failed')
  return {
    trades: rows.length,
    sent,
    filled: n('filled'),
    open: n('open'),
    cancelled: n('cancelled'),
    expired: n('expired'),
    rejected: n('rejected'),
    failed: n('failed'),
    unknown: n('unknown'),
    pending: n('pending'),
    success_rate_pct: sent === 0 ? null : ratio(n('filled') * 100, sent),
    trades_per_day: days === 0 ? null : ratio(rows.length, days),
    latency_ms: {
      count: latencies.length,
      avg:
        latencies.length === 0
          ? null
          : new D(latencies.reduce((a, b) => a + b, 0))
              .div(latencies.length)
              .toDecimalPlaces(0, D.ROUND_HALF_UP)
              .toNumber(),
      p95: nearestRank(latencies, 95),
    },
    volume_usd: canon(
      priced.reduce((sum, t) => sum.plus(new D(t.filled_value ?? '0').mul(quoteUsd(t) ?? '0')), new D(0)),
    ),
    unpriced: executed.length - priced.length,
  }
}

describe('stats: the KPIs of a journal built through the CLI, against hand counts', function () {
  this.timeout(120_000)
  let desk: Desk | undefined
  let rows: TradeJson[] = []
  let imported: TradeJson[] = []

  const td = <T>(args: string[]) => {
    if (!desk) throw new Error('before() did not open the desk')
    return desk.td<T>(args)
  }

  /** The USD price of each row's quote when it was placed: USDT is 1, BTC the snapshot's last; VAI has none. */
  const quoteUsd = (t: TradeJson): string | null =>
    t.symbol.endsWith('/USDT') ? '1' : t.symbol.endsWith('/BTC') ? BTC.lastPrice : null

  before(async () => {
    const d = await openDesk({balances: {USDT: '10000', BTC: '1', VAI: '100'}})
    desk = d
    // History made on the website, brought in by `journal import`: rows of trade_type external.
    d.fake.seedTrades([
      {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '0.01',
        price: '25000',
        fee: '0.25',
        feeCurrency: 'USDT',
        time: Date.now() - 3 * DAY_MS,
      },
      {
        symbol: 'BTC/USDT',
        side: 'sell',
        amount: '0.005',
        price: '26000',
        fee: '0.13',
        feeCurrency: 'USDT',
        time: Date.now() - 2 * DAY_MS,
      },
    ])
    expectOk(await d.td(['journal', 'import', '--symbol', 'BTC/USDT']))

    const ok = async (args: string[]) => {
      const r = await d.td<TradeJson>(args)
      expectOk(r)
      return r.json
    }

    // bn (the loopback Binance)
    expect((await ok(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'])).status).to.equal('filled')
    expect((await ok(['trade', 'sell', 'BTC/USDT', '--quantity', '0.0005', '--yes'])).status).to.equal('filled')
    const limit = ['trade', 'buy', 'BTC/USDT', '--type', 'limit', '--price', '27000', '--quantity', '0.001', '--yes']
    expect((await ok(limit)).status).to.equal('open')
    const toCancel = await ok(limit)
    expect((await ok(['order', 'cancel', String(toCancel.id)])).status).to.equal('cancelled')

    // rejected: validated at the snapshot's ask, refused by Binance (-2010) at the ask it jumps to as the order arrives
    const off = d.fake.onRequest((r) => {
      if (r.method === 'POST' && r.path === ORDER)
        d.fake.setTicker('BTCUSDT', {askPrice: '55000', bidPrice: '54999', lastPrice: '55000'})
    })
    try {
      expectError(await d.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.3', '--yes']), 3, 'INSUFFICIENT_FUNDS')
    } finally {
      off()
      d.fake.setTicker('BTCUSDT', {askPrice: BTC.askPrice, bidPrice: BTC.bidPrice, lastPrice: BTC.lastPrice})
    }

    // unknown: an HTTP 500 on the order request
    d.fake.injectFault({method: 'POST', path: ORDER, kind: 'server-error-500'})
    expectError(await d.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes']), 6, 'ORDER_OUTCOME_UNKNOWN')

    // filled, priced through BTC/USDT; and filled with no USD price: VAI is quoted nowhere in USD
    expect((await ok(['trade', 'buy', 'ETH/BTC', '--quantity', '0.01', '--yes'])).status).to.equal('filled')
    expect((await ok(['trade', 'buy', 'BUSD/VAI', '--quantity', '10', '--yes'])).status).to.equal('filled')

    // a validation failure leaves no row
    expectError(await d.td(['trade', 'buy', 'BTC/USDT', '--quantity', '100', '--yes']), 3, 'ORDER_INVALID')

    // paper
    expect(
      (await ok(['trade', 'buy', 'BTC/USDT', '--quantity', '0.002', '--yes', '--broker', 'paper'])).status,
    ).to.equal('filled')
    expect(
      (await ok(['trade', 'sell', 'BTC/USDT', '--quantity', '0.0005', '--yes', '--broker', 'paper'])).status,
    ).to.equal('filled')
    expect((await ok(['trade', 'buy', 'ETH/BTC', '--quantity', '0.01', '--yes', '--broker', 'paper'])).status).to.equal(
      'filled',
    )
    expect((await ok([...limit, '--broker', 'paper'])).status).to.equal('open')

    const h = await d.td<HistoryJson>(['history', '--limit', '1000000'])
    expectOk(h)
    imported = h.json.trades.filter((t) => t.trade_type === 'external')
    rows = h.json.trades.filter((t) => t.trade_type !== 'external').reverse()
  })

  after(async () => {
    await closeOpened(desk)
    expect(leaksInHomes()).to.deep.equal([])
    removeHomes()
  })

  it('the journal is what the test did: 8 rows on bn, 4 on paper, and 2 imported', () => {
    expect(imported).to.have.length(2)
    const summary = (broker: string) =>
      rows.filter((t) => t.broker === broker).map((t) => `${t.side} ${t.symbol} ${t.status}`)
    expect(summary('bn')).to.deep.equal([
      'buy BTC/USDT filled',
      'sell BTC/USDT filled',
      'buy BTC/USDT open',
      'buy BTC/USDT cancelled',
      'buy BTC/USDT rejected',
      'buy BTC/USDT unknown',
      'buy ETH/BTC filled',
      'buy BUSD/VAI filled',
    ])
    expect(summary('paper')).to.deep.equal([
      'buy BTC/USDT filled',
      'sell BTC/USDT filled',
      'buy ETH/BTC filled',
      'buy BTC/USDT open',
    ])
  })

  it('stats --json: every figure per broker and in total equals the one recomputed from history --json', async () => {
    const s = await td<StatsJson>(['stats'])
    expectOk(s)
    // No period: the days from the first trade to the last (imported rows left out).
    const from = rows[0].created_at.slice(0, 10)
    const to = rows[rows.length - 1].created_at.slice(0, 10)
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1
    expect(s.json).to.deep.equal({
      since: null,
      until: null,
      period: {from, to, days, basis: 'trades'},
      brokers: ['bn', 'paper'].map((broker) => ({
        broker,
        ...expectedFigures(
          rows.filter((t) => t.broker === broker),
          days,
          quoteUsd,
        ),
      })),
      total: expectedFigures(rows, days, quoteUsd),
    })
  })

  it('the hand counts: sent, filled, rejected, unknown, cancelled, open, success rate, unpriced', async () => {
    const s = await td<StatsJson>(['stats'])
    const [bn, paper] = s.json.brokers
    expect(bn).to.include({broker: 'bn', trades: 8, sent: 8, filled: 4, open: 1, cancelled: 1, rejected: 1, unknown: 1})
    expect(bn).to.include({failed: 0, pending: 0, expired: 0, success_rate_pct: '50', unpriced: 1})
    expect(paper).to.include({
      broker: 'paper',
      trades: 4,
      sent: 4,
      filled: 3,
      open: 1,
      success_rate_pct: '75',
      unpriced: 0,
    })
    expect(s.json.total).to.include({trades: 12, sent: 12, filled: 7, success_rate_pct: '58.33', unpriced: 1})
    expect(bn.latency_ms.count).to.equal(4)
    expect(s.json.total.latency_ms.count).to.equal(7)
    // per broker: the BTC/USDT fills at 1 USD per USDT, the ETH/BTC fill at the BTC price it was placed at;
    // bn's BUSD/VAI fill has no USD price and is not in it
    for (const f of [bn, paper]) {
      const mine = rows.filter((t) => t.broker === f.broker && t.status === 'filled')
      const usdt = mine.filter((t) => t.symbol === 'BTC/USDT').reduce((a, t) => a.plus(t.filled_value ?? 'x'), new D(0))
      const eth = mine.find((t) => t.symbol === 'ETH/BTC')
      expect(f.volume_usd, f.broker).to.equal(canon(usdt.plus(new D(eth?.filled_value ?? 'x').mul(BTC.lastPrice))))
    }
  })

  it('--broker narrows to one broker: its figures, and a total that is the same', async () => {
    const all = await td<StatsJson>(['stats'])
    const one = await td<StatsJson>(['stats', '--broker', 'paper'])
    expectOk(one)
    expect(one.json.brokers).to.deep.equal([all.json.brokers[1]])
    const {broker, ...figures} = all.json.brokers[1]
    expect(broker).to.equal('paper')
    expect(one.json.total).to.deep.equal(figures)
    expectError(await td(['stats', '--broker', 'nosuch']), 2)
  })

  it('a period: trades per day over its UTC days; nothing in a period after the trades', async () => {
    const since = utcDay(-2)
    const p = await td<StatsJson>(['stats', '--since', since, '--until', utcDay()])
    expectOk(p)
    expect(p.json.since).to.equal(`${since}T00:00:00.000Z`)
    expect(p.json.until).to.equal(`${utcDay(1)}T00:00:00.000Z`)
    expect(p.json.period).to.deep.equal({from: since, to: utcDay(), days: 3, basis: 'period'})
    expect(p.json.total).to.deep.equal(expectedFigures(rows, 3, quoteUsd))
    expect(p.json.total.trades_per_day).to.equal(ratio(12, 3))

    const later = await td<StatsJson>(['stats', '--since', utcDay(1), '--until', utcDay(2)])
    expectOk(later)
    expect(later.json.brokers).to.deep.equal([])
    expect(later.json.period).to.deep.equal({from: utcDay(1), to: utcDay(2), days: 2, basis: 'period'})
    expect(later.json.total).to.deep.equal({
      ...expectedFigures([], 2, quoteUsd),
      success_rate_pct: null,
      trades_per_day: '0',
      latency_ms: {count: 0, avg: null, p95: null},
      volume_usd: '0',
    })
  })

  it('bad dates are usage errors (exit 2)', async () => {
    expectError(await td(['stats', '--since', 'yesterday']), 2)
    expectError(await td(['stats', '--since', utcDay(), '--until', utcDay(-1)]), 2)
  })

  it('a table for people, saying what the days are and how success and latency are counted', async () => {
    if (!desk) throw new Error('no desk')
    const r = await runCli(['stats'], {home: desk.home, env: GOOD_ENV})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/^\s+bn\s+paper\s+total$/m)
    expect(r.stdout).to.match(/^Success rate\s+50 %\s+75 %\s+58\.33 %$/m)
    expect(r.stdout).to.match(/^Unpriced fills\s+1\s+0\s+1$/m)
    expect(r.stdout).to.contain('(first to last trade)')
    expect(r.stdout).to.contain('p95 by nearest rank')
  })
})

describe('stats: the days trades per day is taken over', function () {
  this.timeout(60_000)

  it('no period: from the first trade to the last, each a UTC day; --since alone: to today', async () => {
    const home = tempHome('tradedesk-stats-')
    for (const side of ['buy', 'buy', 'sell'])
      expect((await runJson(['trade', side, 'BTC/USDT', '--quantity', '0.001', '--yes'], {home})).code).to.equal(0)
    // As if placed earlier (each execution with its order: the same latency): the first order four
    // days ago, the other two two days ago, so that the last trade is not today.
    const back = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY_MS).toISOString()
    await withJournal(home, async (db) => {
      const rows = await db('trades').orderBy('id').select<{id: number; created_at: string; executed_at: string}[]>()
      for (const [i, r] of rows.entries()) {
        const days = i === 0 ? 4 : 2
        await db('trades')
          .where({id: r.id})
          .update({created_at: back(r.created_at, days), executed_at: back(r.executed_at, days)})
      }
    })
    const {json: history} = await runJson<HistoryJson>(['history'], {home})
    const first = history.trades[2].created_at.slice(0, 10)
    const last = history.trades[0].created_at.slice(0, 10)
    const days = (Date.parse(last) - Date.parse(first)) / DAY_MS + 1
    expect(days).to.be.within(3, 4) // 4 when the run crosses midnight UTC

    const all = await runJson<StatsJson>(['stats'], {home})
    expect(all.json.period).to.deep.equal({from: first, to: last, days, basis: 'trades'})
    expect(all.json.total).to.deep.equal(expectedFigures([...history.trades].reverse(), days, () => '1'))
    expect(all.json.total.trades_per_day).to.equal(ratio(3, days))

    const since = await runJson<StatsJson>(['stats', '--since', first], {home})
    expect(since.json.period).to.deep.equal({
      from: first,
      to: utcDay(),
      days: (Date.parse(utcDay()) - Date.parse(first)) / DAY_MS + 1,
      basis: 'period',
    })
    expect(since.json.period.days, 'to today, not to the last trade').to.be.greaterThan(days)
    expect(since.json.total.trades_per_day).to.equal(ratio(3, since.json.period.days))
    const recent = await runJson<StatsJson>(['stats', '--since', utcDay(-3)], {home})
    expect(recent.json.total.trades, 'the first order is before the period').to.equal(2)
  })
})
