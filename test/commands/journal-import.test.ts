/**
 * `journal import`, `pnl`, `portfolio` and `journal export` end to end: the CLI through the real
 * ccxt.binance class against the loopback fake Binance, which holds a trade history made outside
 * tradedesk (seedTrades): three symbols, orders filled in several parts, fees in the base and in the
 * quote, an ETH/BTC market priced through BTC/USDT candles (and one fill the candles do not cover),
 * a sale with no acquisition, and more than one page of myTrades (Binance pages by 1000).
 *
 * The realized P&L is recomputed here from the seeded history alone, by its own small lots engine
 * that follows the rules the issue states (a base fee reduces the quantity received, a quote fee
 * adds to the cost or reduces the proceeds, a crypto quote is disposed of), never from the journal.
 */
import {expect} from 'chai'

import {runCli, tempHome} from '../support/cli.js'
import {Cli, defined, parseCsv} from '../support/e2e.js'
import type {SeedCandle, SeedTrade, SeededTrade} from '../support/fake-binance.js'
import type {HistoryJson, ImportJson, PnlAssetJson, PnlJson, PortfolioJson} from '../support/json.js'
import {
  canon,
  closeOpened,
  D,
  type Dec,
  type Desk,
  expectError,
  expectOk,
  GOOD_ENV,
  leaksInHomes,
  openDesk,
  removeHomes,
} from './ccxt-support.js'

const MINUTE = 60_000
const START = Date.UTC(2026, 9, 1) // 2026-10-01T00:00:00Z
const BTC_FILLS = 1200 // more than Binance's 1000 per myTrades page
const minuteOf = (t: number) => t - (t % MINUTE)

/** A seeded trade and the USD price of its quote at that time (null: no candle covers it). */
interface Seed extends SeedTrade {
  quoteUsd: Dec | null
}

/**
 * The history: BTC/USDT orders of three partial fills each (two buy orders, then a sell, over and
 * over; buys pay their fee in BTC, sells in USDT), ETH/USDT orders of two fills (buys' fees in ETH,
 * sells' in USDT), ETH/BTC trades priced by a BTC/USDT candle, one ETH/BTC buy no candle covers
 * (last of all), and a SOL sale of coins never bought here.
 */
function makeHistory(): {seeds: Seed[]; candles: SeedCandle[]} {
  const seeds: Seed[] = []
  for (let i = 0; i < BTC_FILLS; i++) {
    const order = Math.floor(i / 3)
    const side = order % 3 === 2 ? 'sell' : 'buy'
    const price = new D(25_000).plus((i * 37) % 5000).plus(new D('0.25').mul(i % 4))
    const amount = side === 'buy' ? new D('0.0103').plus(new D('0.0001').mul(i % 7)) : new D('0.0149')
    const fee = side === 'buy' ? amount.mul('0.001') : amount.mul(price).mul('0.001').toDecimalPlaces(8, D.ROUND_DOWN)
    seeds.push({
      symbol: 'BTC/USDT',
      side,
      amount: amount.toFixed(),
      price: price.toFixed(),
      fee: fee.toFixed(),
      feeCurrency: side === 'buy' ? 'BTC' : 'USDT',
      time: START + i * 10 * MINUTE,
      orderId: `btc-${String(order)}`,
      maker: i % 5 === 0,
      quoteUsd: new D(1),
    })
  }

  for (let j = 0; j < 12; j++) {
    const order = Math.floor(j / 2)
    const side = order % 3 === 2 ? 'sell' : 'buy'
    const amount = new D('0.5').plus(new D('0.01').mul(j))
    const price = new D(1600).plus(new D('13.5').mul(j))
    seeds.push({
      symbol: 'ETH/USDT',
      side,
      amount: amount.toFixed(),
      price: price.toFixed(),
      fee: (side === 'buy' ? amount.mul('0.001') : amount.mul(price).mul('0.00075')).toFixed(),
      feeCurrency: side === 'buy' ? 'ETH' : 'USDT',
      time: START + 5 * MINUTE + j * 17 * 60 * MINUTE,
      orderId: `eth-${String(order)}`,
      quoteUsd: new D(1),
    })
  }

  const candles: SeedCandle[] = []
  const ethBtc = (t: number, side: 'buy' | 'sell', amount: string, price: string, btcUsd: string | null): Seed => {
    const cost = new D(amount).mul(price)
    if (btcUsd !== null)
      candles.push({time: minuteOf(t), open: btcUsd, high: btcUsd, low: btcUsd, close: btcUsd, volume: '1'})
    return {
      symbol: 'ETH/BTC',
      side,
      amount,
      price,
      // a buy pays in ETH (the base), a sell in BTC (the quote)
      fee: (side === 'buy' ? new D(amount).mul('0.001') : cost.mul('0.001')).toFixed(),
      feeCurrency: side === 'buy' ? 'ETH' : 'BTC',
      time: t,
      quoteUsd: btcUsd === null ? null : new D(btcUsd),
    }
  }
  seeds.push(ethBtc(START + 3 * MINUTE + 30 * 60 * MINUTE, 'buy', '0.3', '0.0651', '27013.5'))
  seeds.push(ethBtc(START + 3 * MINUTE + 100 * 60 * MINUTE, 'sell', '0.1', '0.0655', '26991.25'))
  seeds.push({
    symbol: 'SOL/USDT',
    side: 'sell',
    amount: '2',
    price: '21.5',
    fee: '0.043',
    feeCurrency: 'USDT',
    time: START + 7 * MINUTE + 50 * 60 * MINUTE,
    quoteUsd: new D(1),
  })
  // the last trade of all, in a minute no candle covers: its USD value is unknown
  seeds.push(ethBtc(START + BTC_FILLS * 10 * MINUTE + 3 * MINUTE, 'buy', '0.2', '0.066', null))
  return {seeds, candles}
}

// ---------------------------------------------------------------------------------------------
// The reference: realized P&L and open lots from the seeds alone
// ---------------------------------------------------------------------------------------------

const STABLE = new Set(['USDT', 'USDC', 'USD', 'BUSD', 'DAI'])

interface Leg {
  asset: string
  qty: Dec
  /** acquisition: cost in USD; disposal: proceeds in USD; null when the fill has no USD price */
  usd: Dec | null
  /** acquisition: the lot's fee in USD; disposal: the sale's fee in USD */
  fee: Dec
}

/** What a trade acquires and disposes of, in USD (a stablecoin is cash and has no lots). */
function legsOf(s: Seed): {acquired: Leg[]; disposed: Leg[]} {
  const [base, quote] = s.symbol.split('/')
  const amount = new D(s.amount)
  const cost = amount.mul(s.price)
  const fee = new D(s.fee)
  const rate = s.quoteUsd
  const usd = (v: Dec) => (rate === null ? null : v.mul(rate))
  const zeroIfNull = (v: Dec | null) => v ?? new D(0)
  let acquired: Leg[]
  let disposed: Leg[]
  if (s.feeCurrency === base) {
    const feeQuote = fee.mul(s.price)
    acquired =
      s.side === 'buy'
        ? [{asset: base, qty: amount.minus(fee), usd: usd(cost.minus(feeQuote)), fee: zeroIfNull(usd(feeQuote))}]
        : [{asset: quote, qty: cost, usd: usd(cost), fee: new D(0)}]
    disposed =
      s.side === 'buy'
        ? [{asset: quote, qty: cost, usd: usd(cost), fee: new D(0)}]
        : [{asset: base, qty: amount.plus(fee), usd: usd(cost.plus(feeQuote)), fee: zeroIfNull(usd(feeQuote))}]
  } else {
    expect(s.feeCurrency, 'the reference knows fees in the base or the quote').to.equal(quote)
    acquired =
      s.side === 'buy'
        ? [{asset: base, qty: amount, usd: usd(cost), fee: zeroIfNull(usd(fee))}]
        : [{asset: quote, qty: cost.minus(fee), usd: usd(cost.minus(fee)), fee: new D(0)}]
    disposed =
      s.side === 'buy'
        ? [{asset: quote, qty: cost.plus(fee), usd: usd(cost.plus(fee)), fee: new D(0)}]
        : [{asset: base, qty: amount, usd: usd(cost), fee: zeroIfNull(usd(fee))}]
  }

  const crypto = (l: Leg) => !STABLE.has(l.asset)
  return {acquired: acquired.filter(crypto), disposed: disposed.filter(crypto)}
}

/** `part` of `whole`'s `value`, the value itself when the part is all of it. */
const share = (value: Dec, part: Dec, whole: Dec) => (part.eq(whole) ? value : value.mul(part).div(whole))

interface RefAsset {
  sold: Dec
  proceeds: Dec
  cost: Dec
  fees: Dec
  unmatched: Dec
  unmatchedProceeds: Dec
}

interface RefLot {
  qty: Dec
  cost: Dec | null
  fee: Dec
}

interface Reference {
  assets: Map<string, RefAsset>
  unpriced: {asset: string; quantity: Dec}[]
  /** per asset: quantity held by lots, of which known, and the known cost with fees */
  open: Map<string, {qty: Dec; known: Dec; knownCost: Dec}>
}

function reference(seeds: Seed[], method: 'fifo' | 'average'): Reference {
  const lots = new Map<string, RefLot[]>() // fifo: a queue; average: one pooled lot of known cost, one of unknown
  const assets = new Map<string, RefAsset>()
  const unpriced: Reference['unpriced'] = []
  const zero = () => new D(0)
  for (const s of [...seeds].sort((a, b) => a.time - b.time)) {
    const {acquired, disposed} = legsOf(s)
    for (const d of disposed) {
      const tally = assets.get(d.asset) ?? {
        sold: zero(),
        proceeds: zero(),
        cost: zero(),
        fees: zero(),
        unmatched: zero(),
        unmatchedProceeds: zero(),
      }
      assets.set(d.asset, tally)
      tally.sold = tally.sold.plus(d.qty)
      const queue = lots.get(d.asset) ?? []
      let known = zero()
      let knownCost = zero()
      let knownFee = zero()
      let left = d.qty
      if (method === 'fifo') {
        while (left.gt(0) && queue.length > 0) {
          const lot = queue[0]
          const take = D.min(left, lot.qty)
          const fee = share(lot.fee, take, lot.qty)
          expect(lot.cost, 'the reference history sells only lots of known cost').to.not.equal(null)
          const cost = share(defined(lot.cost), take, lot.qty)
          known = known.plus(take)
          knownCost = knownCost.plus(cost)
          knownFee = knownFee.plus(fee)
          lot.cost = defined(lot.cost).minus(cost)
          lot.fee = lot.fee.minus(fee)
          lot.qty = lot.qty.minus(take)
          if (lot.qty.isZero()) queue.shift()
          left = left.minus(take)
        }
      } else if (queue.length > 0) {
        expect(queue, 'the reference history disposes of nothing once a lot of unknown cost is held').to.have.length(1)
        const pool = queue[0]
        const take = D.min(left, pool.qty)
        knownCost = share(defined(pool.cost), take, pool.qty)
        knownFee = share(pool.fee, take, pool.qty)
        pool.cost = defined(pool.cost).minus(knownCost)
        pool.fee = pool.fee.minus(knownFee)
        pool.qty = pool.qty.minus(take)
        known = take
        left = left.minus(take)
      }

      if (d.usd === null) {
        unpriced.push({asset: d.asset, quantity: d.qty})
        continue
      }

      tally.proceeds = tally.proceeds.plus(share(d.usd, known, d.qty))
      tally.cost = tally.cost.plus(knownCost)
      tally.fees = tally.fees.plus(share(d.fee, known, d.qty)).plus(knownFee)
      tally.unmatched = tally.unmatched.plus(left)
      tally.unmatchedProceeds = tally.unmatchedProceeds.plus(share(d.usd, left, d.qty))
    }

    for (const a of acquired) {
      const queue = lots.get(a.asset) ?? []
      lots.set(a.asset, queue)
      const lot = {qty: a.qty, cost: a.usd, fee: a.usd === null ? zero() : a.fee}
      const pool = queue[0] as RefLot | undefined
      if (method === 'average' && pool && lot.cost !== null && pool.cost !== null) {
        pool.qty = pool.qty.plus(lot.qty)
        pool.cost = pool.cost.plus(lot.cost)
        pool.fee = pool.fee.plus(lot.fee)
      } else {
        // fifo: a lot of its own; average: the first pool, or a lot of unknown cost kept apart
        if (method === 'average' && pool?.qty.isZero()) queue.shift()
        queue.push(lot)
      }
    }
  }

  const open = new Map<string, {qty: Dec; known: Dec; knownCost: Dec}>()
  for (const [asset, queue] of lots) {
    const held = queue.filter((l) => l.qty.gt(0))
    if (held.length === 0) continue
    const known = held.filter((l) => l.cost !== null)
    open.set(asset, {
      qty: held.reduce((s, l) => s.plus(l.qty), new D(0)),
      known: known.reduce((s, l) => s.plus(l.qty), new D(0)),
      knownCost: known.reduce((s, l) => s.plus(defined(l.cost)).plus(l.fee), new D(0)),
    })
  }

  return {assets, unpriced, open}
}

function expectedAsset(asset: string, t: RefAsset): PnlAssetJson & {unmatched_proceeds_usd: string} {
  return {
    asset,
    quantity_sold: canon(t.sold),
    proceeds_usd: canon(t.proceeds),
    cost_usd: canon(t.cost),
    fees_usd: canon(t.fees),
    realized_pnl_usd: canon(t.proceeds.minus(t.cost).minus(t.fees)),
    unmatched_quantity: canon(t.unmatched),
    unmatched_proceeds_usd: canon(t.unmatchedProceeds),
  }
}

// ---------------------------------------------------------------------------------------------

describe('journal import, pnl, portfolio and exports against the loopback Binance (history made elsewhere)', function () {
  this.timeout(120_000)
  const {seeds, candles} = makeHistory()
  let desk: Desk
  let seeded: SeededTrade[]
  let firstRun: ImportJson
  const realized: Partial<Record<'fifo' | 'average', PnlJson>> = {}
  const myTrades = () => desk.fake.requests.filter((r) => r.path === '/api/v3/myTrades')

  before(async () => {
    const fifo = reference(seeds, 'fifo')
    const held = (asset: string) => defined(fifo.open.get(asset), `${asset} lots`).qty.toFixed()
    // the account holds what the history left (seeding does not move balances) and some SOL
    desk = await openDesk({balances: {USDT: '10000', BTC: held('BTC'), ETH: held('ETH'), SOL: '0.5'}})
    seeded = desk.fake.seedTrades(seeds)
    desk.fake.seedCandles('BTC/USDT', candles)
  })

  after(async () => {
    await closeOpened(desk)
    expect(leaksInHomes()).to.deep.equal([])
    removeHomes()
  })

  it('an import interrupted on its second page keeps the first, sets no cursor, and the next one finishes it', async () => {
    // the exchange fails (HTML 503, every retry) once BTC/USDT's second page is asked for
    const removeHook = desk.fake.onRequest((r) => {
      // the first page asks from trade id 0 (Binance gives only the most recent trades without it)
      if (
        r.path === '/api/v3/myTrades' &&
        r.query.symbol === 'BTCUSDT' &&
        'fromId' in r.query &&
        r.query.fromId !== '0'
      )
        desk.fake.injectFault({method: 'GET', path: '/api/v3/myTrades', kind: 'html-503', times: 'always'})
    })
    const broken = await desk.td(['journal', 'import'])
    removeHook()
    desk.fake.clearFaults()
    expectError(broken, 5, undefined, true)

    const kept = await desk.td<{fills: unknown[]}>(['journal', 'export', '--format', 'csv'])
    expectOk(kept)
    expect(kept.json.fills, 'the first page (1000 fills), written in its own transaction').to.have.length(1000)
    const history = await desk.td<HistoryJson>(['history', '--limit', '1000'])
    expectOk(history)
    expect(history.json.trades.every((t) => t.trade_type === 'external' && t.symbol === 'BTC/USDT')).to.equal(true)

    const before = myTrades().length
    const run = await desk.td<ImportJson>(['journal', 'import'])
    expectOk(run)
    firstRun = run.json
    // no cursor was kept for BTC/USDT: it is read from its first trade again, and nothing doubles
    const btc = myTrades()
      .slice(before)
      .filter((r) => r.query.symbol === 'BTCUSDT')
    expect([btc[0].query.fromId, btc[0].query.startTime], 'read from the start').to.deep.equal(['0', undefined])
    expect(run.json).to.deep.equal({
      imported: seeds.length - 1000,
      skipped: 1000,
      symbols_scanned: new Set(
        myTrades()
          .slice(before)
          .map((r) => r.query.symbol),
      ).size,
      since: null,
    })
    expect(btc.length, 'BTC/USDT in more than one page').to.be.greaterThan(1)
    for (const symbol of ['BTCUSDT', 'ETHUSDT', 'ETHBTC', 'SOLUSDT'])
      expect(
        myTrades()
          .slice(before)
          .map((r) => r.query.symbol),
        'the assets crossed with the quotes',
      ).to.include(symbol)
  })

  it('a second import adds nothing: reading again from --since the start skips every trade', async () => {
    const again = await desk.td<ImportJson>(['journal', 'import'])
    expectOk(again)
    expect(again.json.imported).to.equal(0)
    expect(again.json.symbols_scanned).to.equal(firstRun.symbols_scanned)
    expect(again.json.since, 'from where the cursors stopped').to.be.a('string')

    const whole = await desk.td<ImportJson>(['journal', 'import', '--since', '2026-09-30'])
    expectOk(whole)
    expect(whole.json).to.deep.include({imported: 0, skipped: seeds.length, since: '2026-09-30T00:00:00.000Z'})

    const one = await desk.td<ImportJson>(['journal', 'import', '--symbol', 'SOL/USDT', '--since', '2026-09-30'])
    expectOk(one)
    expect(one.json).to.deep.equal({imported: 0, skipped: 1, symbols_scanned: 1, since: '2026-09-30T00:00:00.000Z'})
    const unknown = await desk.td(['journal', 'import', '--symbol', 'NOPE/USDT'])
    expectError(unknown, 2, 'UNKNOWN_SYMBOL')

    const exported = await desk.td<{fills: {trade_id: string}[]}>(['journal', 'export', '--format', 'csv'])
    expectOk(exported)
    expect(exported.json.fills.map((f) => f.trade_id).sort()).to.deep.equal(seeded.map((s) => s.id).sort())
  })

  it('orders placed elsewhere are external rows of the journal, one per order, their fills summed', async () => {
    const history = await desk.td<HistoryJson>(['history', '--limit', '10000'])
    expectOk(history)
    const orders = new Map<string, Seed[]>()
    seeds.forEach((s, i) => {
      const key = seeded[i].orderId
      orders.set(key, [...(orders.get(key) ?? []), s])
    })
    expect(history.json.trades).to.have.length(orders.size)
    for (const row of history.json.trades) {
      expect(row.trade_type).to.equal('external')
      expect(row.status).to.equal('filled')
      const fills = defined(orders.get(defined(row.exchange_order_id)), `the order of row ${String(row.id)}`)
      const amount = fills.reduce((s, f) => s.plus(f.amount), new D(0))
      const value = fills.reduce((s, f) => s.plus(new D(f.amount).mul(f.price)), new D(0))
      expect(row.symbol).to.equal(fills[0].symbol)
      expect(row.side).to.equal(fills[0].side)
      expect(row.filled_quantity).to.equal(canon(amount))
      expect(row.filled_value).to.equal(canon(value))
      expect(row.fees).to.equal(canon(fills.reduce((s, f) => s.plus(f.fee), new D(0))))
      expect(row.fee_currency).to.equal(fills[0].feeCurrency)
      expect(row.executed_at).to.equal(new Date(Math.min(...fills.map((f) => f.time))).toISOString())
    }
  })

  for (const method of ['fifo', 'average'] as const) {
    it(`pnl --method ${method}: every asset to the last decimal, the oversell unmatched, the uncovered fill unpriced`, async () => {
      const ref = reference(seeds, method)
      const run = await desk.td<PnlJson & {broker: string}>(['pnl', '--method', method])
      expectOk(run)
      const expected = [...ref.assets.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, t]) => expectedAsset(asset, t))
      expect(run.json.assets).to.deep.equal(expected)
      expect(run.json.total_realized_pnl_usd).to.equal(
        canon(expected.reduce((s, a) => s.plus(a.realized_pnl_usd), new D(0))),
      )
      expect(run.json.method).to.equal(method)
      // SOL was sold with nothing bought: unmatched, never at a cost of zero
      const sol = defined(run.json.assets.find((a) => a.asset === 'SOL'))
      expect(sol).to.deep.include({quantity_sold: '2', unmatched_quantity: '2', realized_pnl_usd: '0'})
      // the ETH/BTC buy no candle covers: the BTC it spent has no USD value
      expect(run.json.unpriced.map((u) => ({asset: u.asset, quantity: u.quantity}))).to.deep.equal(
        ref.unpriced.map((u) => ({asset: u.asset, quantity: canon(u.quantity)})),
      )
      expect(ref.unpriced).to.have.length(1)
      realized[method] = run.json
    })
  }

  it('fifo and average differ on the same history (lots bought at different prices)', () => {
    const btc = (m: 'fifo' | 'average') => defined(realized[m]?.assets.find((a) => a.asset === 'BTC'))
    expect(btc('fifo').quantity_sold).to.equal(btc('average').quantity_sold)
    expect(btc('fifo').cost_usd).to.not.equal(btc('average').cost_usd)
    expect(new D(btc('fifo').realized_pnl_usd).isZero()).to.equal(false)
  })

  it('pnl --since/--until/--asset narrow the disposals reported', async () => {
    const since = START + 5 * 24 * 60 * MINUTE
    const until = START + 8 * 24 * 60 * MINUTE
    const run = await desk.td<PnlJson>([
      'pnl',
      '--asset',
      'btc',
      '--since',
      new Date(since).toISOString(),
      '--until',
      new Date(until).toISOString(),
    ])
    expectOk(run)
    expect(run.json.assets.map((a) => a.asset)).to.deep.equal(['BTC'])
    // between those days BTC leaves only through BTC/USDT sells (every ETH/BTC trade is outside them)
    const inPeriod = (s: Seed) => s.time >= since && s.time < until
    expect(seeds.filter((s) => s.symbol === 'ETH/BTC' && inPeriod(s))).to.have.length(0)
    const sold = seeds
      .filter((s) => s.symbol === 'BTC/USDT' && s.side === 'sell' && inPeriod(s))
      .reduce((sum, s) => sum.plus(s.amount), new D(0))
    expect(sold.isZero()).to.equal(false)
    expect(run.json.assets[0].quantity_sold).to.equal(canon(sold))
    expect(run.json.unpriced).to.deep.equal([])
  })

  it('portfolio: the average cost of the open lots (imported ones), and the ETH whose cost is unknown said so', async () => {
    for (const method of ['fifo', 'average'] as const) {
      const ref = reference(seeds, method)
      const run = await desk.td<PortfolioJson>(['portfolio', '--method', method])
      expectOk(run)
      const btc = defined(run.json.positions.find((p) => p.asset === 'BTC'))
      const lots = defined(ref.open.get('BTC'))
      expect(btc.quantity).to.equal(canon(lots.qty))
      expect(btc.unknown_cost_quantity).to.equal('0')
      expect(btc.avg_cost_usd, method).to.equal(canon(lots.knownCost.div(lots.known).toSignificantDigits(16)))
      const price = new D(defined(btc.price_usd))
      expect(btc.unrealized_pnl_usd).to.equal(canon(price.mul(lots.qty).minus(lots.knownCost).toDecimalPlaces(8)))

      const eth = defined(run.json.positions.find((p) => p.asset === 'ETH'))
      const ethLots = defined(ref.open.get('ETH'))
      expect(eth.avg_cost_usd).to.equal(null)
      expect(eth.unknown_cost_quantity).to.equal(canon(ethLots.qty.minus(ethLots.known)))
      expect(eth.unknown_cost_quantity).to.equal('0.1998') // the uncovered buy's 0.2 less its 0.0002 fee
      const sol = defined(run.json.positions.find((p) => p.asset === 'SOL'))
      expect(sol).to.deep.include({avg_cost_usd: null, unknown_cost_quantity: '0.5'})
    }
  })

  it('journal export: Koinly and CoinTracking files, read by their headers, one trade per seeded fill', async () => {
    const byId = new Map(seeded.map((s, i) => [s.id, seeds[i]]))
    const read = async (format: string) => {
      const run = await runCli(['journal', 'export', '--format', format], {home: desk.home, env: GOOD_ENV})
      expect(run.code, run.stderr).to.equal(0)
      const [header, ...rows] = parseCsv(run.stdout)
      return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
    }

    const koinly = await read('koinly')
    expect(koinly).to.have.length(seeds.length)
    for (const row of koinly) {
      const s = defined(byId.get(row.TxHash), `seed of ${row.TxHash}`)
      const [base, quote] = s.symbol.split('/')
      const baseLeg = [canon(s.amount), base]
      const quoteLeg = [canon(new D(s.amount).mul(s.price)), quote]
      const [sent, received] = s.side === 'buy' ? [quoteLeg, baseLeg] : [baseLeg, quoteLeg]
      expect([row['Sent Amount'], row['Sent Currency']]).to.deep.equal(sent)
      expect([row['Received Amount'], row['Received Currency']]).to.deep.equal(received)
      expect([row['Fee Amount'], row['Fee Currency']]).to.deep.equal([canon(s.fee), s.feeCurrency])
      expect(row.Date).to.equal(`${new Date(s.time).toISOString().slice(0, 19).replace('T', ' ')} UTC`)
      const worth = s.quoteUsd === null ? '' : canon(new D(s.amount).mul(s.price).mul(s.quoteUsd))
      expect(row['Net Worth Amount']).to.equal(worth)
    }

    const ct = await read('cointracking')
    expect(ct).to.have.length(seeds.length)
    for (const row of ct) {
      const s = defined(byId.get(row.Comment), `seed of ${row.Comment}`)
      const [base, quote] = s.symbol.split('/')
      const cost = new D(s.amount).mul(s.price)
      // CoinTracking books what moved: a fee in the currency bought comes off the amount bought
      const baseLeg = {amount: new D(s.amount), currency: base}
      const quoteLeg = {amount: cost, currency: quote}
      const [bought, sold] = s.side === 'buy' ? [baseLeg, quoteLeg] : [quoteLeg, baseLeg]
      if (s.feeCurrency === bought.currency) bought.amount = bought.amount.minus(s.fee)
      else sold.amount = sold.amount.plus(s.fee)
      expect(row.Type).to.equal('Trade')
      expect([row['Buy Amount'], row['Buy Currency']]).to.deep.equal([canon(bought.amount), bought.currency])
      expect([row['Sell Amount'], row['Sell Currency']]).to.deep.equal([canon(sold.amount), sold.currency])
      expect([row.Fee, row['Fee Currency'], row.Exchange, row['Trade-Group']]).to.deep.equal([
        canon(s.fee),
        s.feeCurrency,
        'binance',
        'bn',
      ])
      const iso = new Date(s.time).toISOString()
      const [y, m, d] = iso.slice(0, 10).split('-')
      expect(row.Date).to.equal(`${d}.${m}.${y} ${iso.slice(11, 19)}`)
    }
  })
})

describe('journal import on the paper broker: its own orders are known, nothing is doubled', () => {
  it('the paper history links to the rows tradedesk wrote; a second import adds nothing', async () => {
    const cli = new Cli(tempHome())
    await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.01'])
    await cli.trade(['sell', 'BTC/USDT', '--quantity', '0.004'])
    const first = await cli.ok<ImportJson>(['journal', 'import'])
    expect(first).to.deep.equal({imported: 0, skipped: 2, symbols_scanned: 1, since: null})
    const second = await cli.ok<ImportJson>(['journal', 'import'])
    expect(second.imported).to.equal(0)

    const history = await cli.history()
    expect(history.map((t) => t.trade_type)).to.deep.equal(['manual', 'manual'])
    const fills = await cli.ok<{fills: {trade_id: string}[]}>([
      'journal',
      'export',
      '--format',
      'csv',
      '--broker',
      'paper',
    ])
    // each order's real execution id, no order:<client id> stand-in
    expect(fills.fills.map((f) => f.trade_id).sort()).to.deep.equal(
      history.map((t) => defined(t.exchange_order_id)).sort(),
    )
  })
})
