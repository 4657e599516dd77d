import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {Cli, defined, parseCsv} from '../support/e2e.js'
import type {PnlJson, PortfolioJson, TradeJson} from '../support/json.js'

const D = Decimal.clone({precision: 80, toExpNeg: -100, toExpPos: 100})
type Dec = InstanceType<typeof D>
const canon = (d: Dec) => (d.isZero() ? '0' : d.toFixed())

/**
 * Realized P&L recomputed from the journal's own records (`history --json`), not from the fills
 * table: USDT-quoted orders whose fees are in USDT, as the paper exchange charges them.
 */
function recompute(trades: TradeJson[], method: 'fifo' | 'average') {
  const lots: {qty: Dec; cost: Dec; fee: Dec}[] = []
  const out = {sold: new D(0), proceeds: new D(0), cost: new D(0), fees: new D(0)}
  for (const t of [...trades].sort((a, b) => a.id - b.id)) {
    const qty = new D(defined(t.filled_quantity, 'filled quantity'))
    const value = new D(defined(t.filled_value, 'filled value'))
    const fee = new D(defined(t.fees, 'fees'))
    expect(t.fee_currency).to.equal('USDT')
    if (t.side === 'buy') {
      lots.push({qty, cost: value, fee})
      continue
    }

    out.sold = out.sold.plus(qty)
    out.proceeds = out.proceeds.plus(value)
    out.fees = out.fees.plus(fee)
    if (method === 'average') {
      const pool = lots.reduce(
        (p, l) => ({qty: p.qty.plus(l.qty), cost: p.cost.plus(l.cost), fee: p.fee.plus(l.fee)}),
        {
          qty: new D(0),
          cost: new D(0),
          fee: new D(0),
        },
      )
      const cost = pool.cost.mul(qty).div(pool.qty)
      const poolFee = pool.fee.mul(qty).div(pool.qty)
      out.cost = out.cost.plus(cost)
      out.fees = out.fees.plus(poolFee)
      lots.splice(0, lots.length, {qty: pool.qty.minus(qty), cost: pool.cost.minus(cost), fee: pool.fee.minus(poolFee)})
      continue
    }

    let left = qty
    while (left.gt(0)) {
      const lot = defined(lots[0], 'a lot to sell from')
      const take = D.min(left, lot.qty)
      const cost = lot.qty.eq(take) ? lot.cost : lot.cost.mul(take).div(lot.qty)
      const fee = lot.qty.eq(take) ? lot.fee : lot.fee.mul(take).div(lot.qty)
      out.cost = out.cost.plus(cost)
      out.fees = out.fees.plus(fee)
      lot.qty = lot.qty.minus(take)
      lot.cost = lot.cost.minus(cost)
      lot.fee = lot.fee.minus(fee)
      if (lot.qty.isZero()) lots.shift()
      left = left.minus(take)
    }
  }

  return {...out, pnl: out.proceeds.minus(out.cost).minus(out.fees), lots}
}

describe('pnl, journal export and the portfolio from fills (paper)', () => {
  const cli = new Cli(tempHome())
  let trades: TradeJson[]

  before(async () => {
    await cli.ok(['broker', 'add', 'pp', '--exchange', 'paper', '--default', '--balance', 'USDT=100000'])
    // Three buys and two sells that span lots (the snapshot's price is frozen: the lots differ in
    // size and fees; lots at different prices are in the loopback exchange's test, journal-import).
    for (const args of [
      ['buy', 'ETH/USDT', '--quantity', '0.5'],
      ['buy', 'ETH/USDT', '--quantity', '0.3'],
      ['sell', 'ETH/USDT', '--quantity', '0.6'],
      ['buy', 'ETH/USDT', '--quantity', '1.1'],
      ['sell', 'ETH/USDT', '--quantity', '0.25'],
    ])
      await cli.trade(args)
    trades = await cli.history(['--symbol', 'ETH/USDT'])
  })

  for (const method of ['fifo', 'average'] as const) {
    it(`pnl --method ${method}: proceeds, cost, fees and realized P&L to the last decimal`, async () => {
      const json = await cli.ok<PnlJson>(['pnl', '--method', method])
      expect(json).to.include.all.keys('method', 'currency', 'assets', 'total_realized_pnl_usd', 'unpriced')
      expect(json.method).to.equal(method)
      expect(json.currency).to.equal('USD')
      const want = recompute(trades, method)
      expect(json.assets).to.have.length(1)
      const eth = json.assets[0]
      expect(eth).to.include({
        asset: 'ETH',
        quantity_sold: canon(want.sold),
        proceeds_usd: canon(want.proceeds),
        cost_usd: canon(want.cost),
        fees_usd: canon(want.fees),
        realized_pnl_usd: canon(want.pnl),
        unmatched_quantity: '0',
      })
      expect(json.total_realized_pnl_usd).to.equal(canon(want.pnl))
      expect(json.unpriced).to.deep.equal([])
    })
  }

  it('portfolio: the average cost of the open lots under each method', async () => {
    for (const method of ['fifo', 'average'] as const) {
      const want = recompute(trades, method)
      const qty = want.lots.reduce((s, l) => s.plus(l.qty), new D(0))
      const cost = want.lots.reduce((s, l) => s.plus(l.cost).plus(l.fee), new D(0))
      const json = await cli.ok<PortfolioJson>(['portfolio', '--method', method])
      const eth = defined(
        json.positions.find((p) => p.asset === 'ETH'),
        'the ETH position',
      )
      expect(eth.quantity).to.equal(canon(qty))
      expect(eth.avg_cost_usd).to.equal(canon(cost.div(qty).toSignificantDigits(16)))
    }
  })

  it('--since/--until select the sales; --asset filters; bad dates are usage errors', async () => {
    const later = await cli.ok<PnlJson>(['pnl', '--since', '2999-01-01'])
    expect(later.assets).to.deep.equal([])
    expect(later.total_realized_pnl_usd).to.equal('0')
    const before = await cli.ok<PnlJson>(['pnl', '--until', '2000-01-01'])
    expect(before.assets).to.deep.equal([])
    expect((await cli.ok<PnlJson>(['pnl', '--asset', 'btc'])).assets).to.deep.equal([])
    expect((await cli.ok<PnlJson>(['pnl', '--asset', 'eth'])).assets).to.have.length(1)
    const bad = await cli.json(['pnl', '--since', 'yesterday'])
    expect(bad.code).to.equal(2)
    expect(bad.stdout).to.contain('--since must be an ISO date')
    for (const command of [['pnl'], ['journal', 'export', '--format', 'csv']]) {
      const backwards = await cli.json([...command, '--since', '2026-02-01', '--until', '2026-01-31'])
      expect(backwards.code, command.join(' ')).to.equal(2)
      expect(backwards.stdout).to.contain('--since must be before --until')
    }
  })

  it('an oversell is unmatched, never at a cost of zero', async () => {
    const other = new Cli(tempHome())
    await other.ok(['broker', 'add', 'gift', '--exchange', 'paper', '--default', '--balance', 'BTC=1'])
    const sold = await other.trade(['sell', 'BTC/USDT', '--quantity', '0.4'])
    const json = await other.ok<PnlJson>(['pnl'])
    expect(json.assets).to.have.length(1)
    expect(json.assets[0]).to.include({
      asset: 'BTC',
      quantity_sold: '0.4',
      unmatched_quantity: '0.4',
      proceeds_usd: '0',
      cost_usd: '0',
      realized_pnl_usd: '0',
    })
    expect(json.total_realized_pnl_usd).to.equal('0')
    expect(sold.filled_quantity).to.equal('0.4')
    const human = await other.run(['pnl'])
    expect(human.stdout).to.contain('Unmatched')
  })

  it('journal export: Koinly and CoinTracking headers, one row per fill, exact amounts', async () => {
    const koinly = await cli.run(['journal', 'export', '--format', 'koinly', '--broker', 'pp'])
    expect(koinly.code).to.equal(0)
    const [header, ...rows] = parseCsv(koinly.stdout)
    expect(header.join(',')).to.equal(
      'Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash',
    )
    expect(rows).to.have.length(trades.length)
    const byOldest = [...trades].sort((a, b) => a.id - b.id)
    for (const [i, row] of rows.entries()) {
      const cell = Object.fromEntries(header.map((h, j) => [h, row[j]]))
      const t = byOldest[i]
      const [sent, received] =
        t.side === 'buy' ? [t.filled_value, t.filled_quantity] : [t.filled_quantity, t.filled_value]
      expect(cell['Sent Amount']).to.equal(sent)
      expect(cell['Received Amount']).to.equal(received)
      expect(cell['Fee Amount']).to.equal(t.fees)
      expect(cell.Date).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/)
    }

    const ct = await cli.run(['journal', 'export', '--format', 'cointracking', '--broker', 'pp'])
    const [ctHeader, ...ctRows] = parseCsv(ct.stdout)
    expect(ct.stdout.split('\n')[0]).to.equal(
      '"Type","Buy Amount","Buy Currency","Sell Amount","Sell Currency","Fee","Fee Currency","Exchange","Trade-Group","Comment","Date"',
    )
    expect(ctRows).to.have.length(trades.length)
    for (const row of ctRows) expect(row[ctHeader.indexOf('Type')]).to.equal('Trade')
  })

  it('journal export leaves paper brokers out unless named; --format is required', async () => {
    const all = await cli.run(['journal', 'export', '--format', 'csv'])
    expect(all.code).to.equal(0)
    expect(parseCsv(all.stdout)).to.have.length(1)
    const missing = await cli.run(['journal', 'export'])
    expect(missing.code).to.equal(2)
  })
})
