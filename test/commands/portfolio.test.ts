import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  FEE_RATE,
  PORTFOLIO_KEYS,
  POSITION_KEYS,
  defined,
  expectDec,
  expectDecimalOrNull,
  expectDecimalString,
  expectHuman,
  expectJsonError,
  ticker,
} from '../support/e2e.js'
import type {ErrorJson, PortfolioJson, TradeJson} from '../support/json.js'

describe('portfolio (paper)', () => {
  const cli = new Cli(tempHome())
  const eth = ticker('ETHUSDT')
  const btc = ticker('BTCUSDT')
  let json: PortfolioJson
  let human: string
  const trades: TradeJson[] = []

  before(async () => {
    await cli.ok([
      'broker',
      'add',
      'pf',
      '--exchange',
      'paper',
      '--default',
      '--balance',
      'USDT=1000',
      '--balance',
      'BTC=0.5',
      '--balance',
      'ARB=5',
      '--balance',
      'ZZZ=3',
    ])
    trades.push(await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.1']))
    trades.push(await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.2']))
    trades.push(await cli.trade(['sell', 'ETH/USDT', '--quantity', '0.1']))
    const [j, h] = await Promise.all([cli.ok<PortfolioJson>(['portfolio']), cli.run(['portfolio'])])
    json = j
    human = expectHuman(h, 'portfolio')
  })

  it('--json: the SPEC keys and types', () => {
    expect(json).to.have.all.keys(PORTFOLIO_KEYS)
    expect(json.broker).to.equal('pf')
    expectDecimalString(json.total_value_usd, 'total_value_usd')
    for (const p of json.positions) {
      expect(p).to.have.all.keys(POSITION_KEYS)
      for (const k of ['quantity', 'price_usd', 'value_usd', 'allocation_pct'] as const)
        expectDecimalString(p[k], `${p.asset}.${k}`)
      expectDecimalOrNull(p.avg_cost_usd, `${p.asset}.avg_cost_usd`)
      expectDecimalOrNull(p.unrealized_pnl_usd, `${p.asset}.unrealized_pnl_usd`)
    }

    for (const u of json.unpriced) {
      expect(u).to.have.all.keys('asset', 'quantity')
      expectDecimalString(u.quantity, `${u.asset}.quantity`)
    }
  })

  it('every holding is valued at its USD price; the total is their exact sum', () => {
    const byAsset = Object.fromEntries(json.positions.map((p) => [p.asset, p]))
    expect(Object.keys(byAsset)).to.have.members(['USDT', 'BTC', 'ETH'])
    let usdtQty = new Decimal(1000)
    for (const t of trades) {
      const gross = new Decimal(defined(t.filled_quantity, 'filled_quantity')).mul(
        defined(t.filled_price, 'filled_price'),
      )
      const fees = defined(t.fees, 'fees')
      usdtQty = t.side === 'buy' ? usdtQty.minus(gross).minus(fees) : usdtQty.plus(gross).minus(fees)
    }

    expectDec(byAsset.USDT.quantity, usdtQty, 'USDT quantity')
    expectDec(byAsset.USDT.price_usd, 1, 'USDT price')
    expectDec(byAsset.BTC.quantity, '0.5', 'BTC quantity')
    expectDec(byAsset.BTC.price_usd, btc.last, 'BTC price (last)')
    expectDec(byAsset.ETH.quantity, '0.2', 'ETH quantity')
    expectDec(byAsset.ETH.price_usd, eth.last, 'ETH price (last)')
    let total = new Decimal(0)
    for (const p of json.positions) {
      expectDec(
        p.value_usd,
        new Decimal(p.quantity).mul(defined(p.price_usd, `${p.asset}.price_usd`)),
        `${p.asset} value`,
      )
      total = total.plus(defined(p.value_usd, `${p.asset}.value_usd`))
    }

    expectDec(json.total_value_usd, total, 'total_value_usd')
  })

  it('allocation % is value / total to within rounding, largest first', () => {
    const total = new Decimal(json.total_value_usd)
    let sum = new Decimal(0)
    for (const p of json.positions) {
      const exact = new Decimal(defined(p.value_usd, `${p.asset}.value_usd`)).div(total).mul(100)
      expect(
        exact.minus(p.allocation_pct).abs().lte('0.005'),
        `${p.asset}: ${p.allocation_pct} vs ${exact.toFixed()}`,
      ).to.equal(true)
      sum = sum.plus(p.allocation_pct)
    }

    expect(sum.minus(100).abs().lte('0.02'), `allocations add up to 100 (${sum.toFixed()})`).to.equal(true)
    const values = json.positions.map((p) => new Decimal(defined(p.value_usd, `${p.asset}.value_usd`)))
    for (let i = 1; i < values.length; i++) expect(values[i - 1].gte(values[i])).to.equal(true)
  })

  it('average cost and unrealized P&L of ETH from the journal (fees in the cost)', () => {
    const p = defined(
      json.positions.find((x) => x.asset === 'ETH'),
      'the ETH position',
    )
    // two buys at the ask, fee 0.1 %: average cost = ask x 1.001; the sell takes out cost at that average
    const avg = eth.ask.mul(FEE_RATE.plus(1))
    expectDec(p.avg_cost_usd, avg, 'ETH avg cost')
    expectDec(p.unrealized_pnl_usd, eth.last.minus(avg).mul('0.2'), 'ETH unrealized P&L')
  })

  it('assets with no price are listed under unpriced, never dropped', () => {
    expect(json.unpriced).to.have.deep.members([
      {asset: 'ARB', quantity: '5'},
      {asset: 'ZZZ', quantity: '3'},
    ])
    expect(json.positions.map((p) => p.asset)).to.not.include.members(['ARB', 'ZZZ'])
  })

  it('human output: a table, the total, and the unpriced assets', () => {
    for (const a of ['USDT', 'BTC', 'ETH']) expect(human).to.include(a)
    // people see USD to the cent
    expect(human).to.match(
      new RegExp(
        `Total value: ${new Decimal(json.total_value_usd).toFixed(2, Decimal.ROUND_HALF_UP).replace('.', '\\.')} USD`,
      ),
    )
    expect(human).to.include('ARB')
    expect(human).to.include('ZZZ')
  })

  it('a fresh paper broker: 10000 USDT is the whole portfolio; unknown broker exits 2', async () => {
    const [fresh, unknown] = await Promise.all([
      cli.ok<PortfolioJson>(['portfolio', '--broker', 'paper']),
      cli.json<ErrorJson>(['portfolio', '--broker', 'nosuch']),
    ])
    expect(fresh.positions).to.have.length(1)
    expectDec(fresh.total_value_usd, 10000, 'total')
    expectDec(fresh.positions[0].allocation_pct, 100, 'allocation')
    expect(fresh.unpriced).to.deep.equal([])
    expectJsonError(unknown, 2, 'portfolio --broker nosuch')
  })
})
