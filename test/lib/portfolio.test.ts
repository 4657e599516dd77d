import {expect} from 'chai'

import {Decimal} from '../../src/lib/decimal.js'
import type {ExchangeGateway} from '../../src/lib/exchange/types.js'
import type {FillRecord} from '../../src/lib/fills.js'
import {buildPortfolio} from '../../src/lib/portfolio.js'
import type {Session} from '../../src/lib/session.js'
import {placeOrder, prepareOrder} from '../../src/lib/trading.js'
import {defined} from '../support/e2e.js'
import {freshSession} from '../support/session.js'

describe('portfolio', () => {
  let session: Session

  beforeEach(async () => {
    session = await freshSession()
  })
  afterEach(() => session.close())

  it('values stables at 1, others via USDT, then via BTC, and lists unpriced assets', async () => {
    const broker = await session.brokers.add({
      name: 'p2',
      exchange: 'paper',
      balances: {USDT: '100', USDC: '50', ETH: '2', PIVX: '1000', ARB: '7'},
    })
    const gateway = await session.gateway(broker)
    let tickerCalls = 0
    const counting = Object.create(gateway) as ExchangeGateway
    counting.fetchTickers = async (symbols) => {
      tickerCalls++
      return gateway.fetchTickers(symbols)
    }

    const p = await buildPortfolio(counting, broker, [])
    expect(tickerCalls).to.equal(1)
    const eth = new Decimal(2).mul(defined((await gateway.fetchTicker('ETH/USDT')).last, 'the ETH/USDT last price'))
    const pivx = new Decimal(1000)
      .mul(defined((await gateway.fetchTicker('PIVX/BTC')).last, 'the PIVX/BTC last price'))
      .mul(defined((await gateway.fetchTicker('BTC/USDT')).last, 'the BTC/USDT last price'))
    const byAsset = Object.fromEntries(p.positions.map((x) => [x.asset, x]))
    expect(byAsset.ETH.value_usd).to.equal(eth.toFixed())
    expect(byAsset.PIVX.value_usd).to.equal(pivx.toFixed())
    expect(byAsset.USDC).to.include({price_usd: '1', value_usd: '50'})
    const total = eth.plus(pivx).plus(150)
    expect(p.total_value_usd).to.equal(total.toFixed())
    expect(p.unpriced).to.deep.equal([{asset: 'ARB', quantity: '7'}])
    const allocation = p.positions.reduce((sum, x) => sum.plus(x.allocation_pct), new Decimal(0))
    expect(allocation.toFixed(), 'allocations add up to exactly 100').to.equal('100')
    expect(p.positions.map((x) => x.asset)).to.deep.equal(
      ['ETH', 'USDT', 'USDC', 'PIVX'].sort((a, b) => new Decimal(byAsset[b].value_usd).cmp(byAsset[a].value_usd)),
    )
  })

  it('derives average cost and unrealized P&L from the journal', async () => {
    const broker = await session.broker()
    const gateway = await session.gateway(broker)
    for (const quantity of ['0.1', '0.2']) {
      await placeOrder(
        gateway,
        session.journal,
        await prepareOrder(gateway, broker, {side: 'buy', symbol: 'ETH/USDT', quantity}),
      )
    }

    const trades = await session.journal.list({broker: broker.name})
    const cost = trades.reduce((sum, t) => {
      const filled = new Decimal(defined(t.filled_quantity, 'the filled quantity'))
      return sum.plus(filled.mul(defined(t.filled_price, 'the filled price'))).plus(defined(t.fees, 'the fees'))
    }, new Decimal(0))
    const fills = await session.journal.fills.list({brokers: [broker.name]})
    expect(fills.map((f) => f.trade_row).sort()).to.deep.equal(trades.map((t) => t.id).sort())
    const p = await buildPortfolio(gateway, broker, fills)
    const eth = defined(
      p.positions.find((x) => x.asset === 'ETH'),
      'the ETH position',
    )
    const avg = cost.div('0.3')
    expect(eth.avg_cost_usd).to.equal(avg.toSignificantDigits(16).toFixed())
    expect(eth.unrealized_pnl_usd).to.equal(
      new Decimal(eth.price_usd).mul('0.3').minus(cost).toDecimalPlaces(8).toFixed(),
    )
    expect(eth.unknown_cost_quantity).to.equal('0')
    expect(
      defined(
        p.positions.find((x) => x.asset === 'USDT'),
        'the USDT position',
      ),
    ).to.include({avg_cost_usd: null, unknown_cost_quantity: null})
  })

  it('average cost from the open lots: first in, first out, or the weighted average', async () => {
    const broker = await session.brokers.add({name: 'lots', exchange: 'paper', balances: {ETH: '2'}})
    const gateway = await session.gateway(broker)
    let id = 0
    const fill = (side: 'buy' | 'sell', amount: string, price: string, fee = '0'): FillRecord => ({
      id: ++id,
      broker: 'lots',
      trade_id: String(id),
      order_id: null,
      trade_row: null,
      symbol: 'ETH/USDT',
      side,
      amount,
      price,
      cost: new Decimal(amount).mul(price).toFixed(),
      fee,
      fee_currency: 'USDT',
      quote_usd: '1',
      fee_usd: fee,
      executed_at: `2026-01-0${String(id)}T00:00:00.000Z`,
      source: 'import',
    })
    const fills = [
      fill('buy', '1', '100', '1'),
      fill('buy', '1', '200'),
      fill('sell', '1', '500'),
      fill('buy', '1', '301'),
    ]
    const eth = async (method: 'fifo' | 'average') =>
      defined(
        (await buildPortfolio(gateway, broker, fills, method)).positions.find((x) => x.asset === 'ETH'),
        'the ETH position',
      )
    // fifo: the sale takes the first lot (100 + fee 1); 200 and 301 are left: (200 + 301) / 2
    expect(await eth('fifo')).to.include({avg_cost_usd: '250.5', unknown_cost_quantity: '0'})
    // average: the pool (101 + 200) / 2 = 150.5 a unit; half of it is sold: 150.5 left, then + 301: 451.5 / 2
    expect(await eth('average')).to.include({avg_cost_usd: '225.75', unknown_cost_quantity: '0'})
  })
})
