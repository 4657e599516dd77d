/**
 * End to end, binary -> ccxt.binance -> fake Binance: validate, market and limit trade --yes, order
 * list / cancel / sync, broker test; exact balances and journal records. Build first (`npm run build`).
 */
import {expect} from 'chai'

import {defined} from '../support/e2e.js'
import type {
  BalanceJson,
  BrokerTestJson,
  OrderListJson,
  PortfolioJson,
  SyncJson,
  TradeJson,
  ValidationJson,
} from '../support/json.js'
import {
  D,
  type Desk,
  canon,
  closeOpened,
  count,
  databaseFiles,
  expectOk,
  keys,
  leaksInHomes,
  onPostgres,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

const BTC = snapshotTicker('BTCUSDT')
const ASK = new D(BTC.askPrice)
const FEE_RATE = new D('0.001')
const fee8 = (d: InstanceType<typeof D>) => d.toDecimalPlaces(8, D.ROUND_HALF_UP)

describe('ccxt end to end: trading against fake Binance', function () {
  this.timeout(60_000)
  let desk: Desk

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000'}})
  })
  after(async () => {
    await closeOpened(desk)
    removeHomes()
  })

  it('validate: the computed order, exactly; every failing rule; nothing sent', async () => {
    const m = desk.mark()
    const ok = await desk.td<ValidationJson>(['validate', 'buy', 'BTC/USDT', '--quantity', '0.001'])
    expectOk(ok)
    const cost = ASK.mul('0.001')
    expect(ok.json).to.deep.include({valid: true, errors: []})
    expect(ok.json.order).to.deep.equal({
      broker: 'bn',
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'market',
      quantity: '0.001',
      price: canon(ASK),
      total_value: canon(cost),
      estimated_fee: canon(cost.mul(FEE_RATE)),
      fee_currency: 'USDT',
    })
    expect(ok.json.balance).to.deep.equal({asset: 'USDT', free: '1000', required: canon(cost.plus(cost.mul(FEE_RATE)))})

    // a limit below the minimum price (0.01) and under the 5 USDT minimum notional, on too little money
    const [bad, poor] = await Promise.all([
      desk.td<ValidationJson>([
        'validate',
        'buy',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        '0.001',
        '--quantity',
        '0.00001',
      ]),
      desk.td<ValidationJson>(['validate', 'buy', 'BTC/USDT', '--quantity', '1']),
    ])
    expect(bad.code).to.equal(3)
    expect(bad.json.valid).to.equal(false)
    expect(bad.json.errors.map((e) => e.code)).to.have.members(['PRICE_OUT_OF_RANGE', 'COST_TOO_SMALL'])
    expect(poor.code).to.equal(3)
    expect(poor.json.errors.map((e) => e.code)).to.deep.equal(['INSUFFICIENT_FUNDS'])

    const sent = desk.since(m)
    expect(
      count(sent, 'POST', '/api/v3/order') + count(sent, 'POST', '/api/v3/order/test'),
      'validate never sends',
    ).to.equal(0)
    expect(sent.every((r) => r.method === 'GET')).to.equal(true)
  })

  it('market buy: the record matches the fills exactly, the client id is the one the exchange got, balances move exactly', async () => {
    const m = desk.mark()
    const t = await desk.td<TradeJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--quantity',
      '0.001',
      '--yes',
      '--note',
      'e2e buy',
    ])
    expectOk(t)
    const posts = desk.since(m).filter((r) => r.method === 'POST' && r.path === '/api/v3/order')
    expect(posts).to.have.length(1)
    expect(posts[0].query).to.include({symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001'})

    const orders = desk.fake.orders()
    expect(orders).to.have.length(1)
    const [o] = orders
    expect(o.status).to.equal('FILLED')
    const qty = o.fills.reduce((s, f) => s.plus(f.qty), new D(0))
    const quote = o.fills.reduce((s, f) => s.plus(new D(f.qty).mul(f.price)), new D(0))
    const fees = o.fills.reduce((s, f) => s.plus(f.commission), new D(0))
    expect(canon(fees)).to.equal(canon(fee8(ASK.mul('0.001').mul(FEE_RATE)))) // the fake charged what we think

    const r = t.json
    expect(r.client_order_id).to.be.a('string').and.not.equal('')
    expect(r.client_order_id).to.equal(posts[0].query.newClientOrderId)
    expect(r.client_order_id).to.equal(o.clientOrderId)
    expect(r).to.deep.include({
      broker: 'bn',
      trade_type: 'manual',
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'market',
      quantity: '0.001',
      status: 'filled',
      filled_quantity: canon(qty),
      filled_price: canon(quote.div(qty)),
      fees: canon(fees),
      fee_currency: 'USDT',
      exchange_order_id: String(o.orderId),
      error_message: null,
      notes: 'e2e buy',
    })
    expect(r.filled_price).to.equal(canon(ASK))
    expect(r.executed_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)

    const [shown, b] = await Promise.all([
      desk.td<TradeJson>(['history', 'show', String(r.id)]),
      desk.td<BalanceJson>(['balance']),
    ])
    expectOk(shown)
    expect(shown.json, 'the journal row is what trade printed').to.deep.equal(r)
    expectOk(b)
    const usdt = new D('1000').minus(quote).minus(fees)
    expect(b.json.balances).to.deep.equal([
      {asset: 'BTC', free: canon(qty), used: '0', total: canon(qty)},
      {asset: 'USDT', free: canon(usdt), used: '0', total: canon(usdt)},
    ])
    expect(canon(desk.fake.balance('USDT').free)).to.equal(canon(usdt))
  })

  it('portfolio after the buy: average cost (fee included) and unrealized P&L from the journal, exactly', async () => {
    const p = await desk.td<PortfolioJson>(['portfolio'])
    expectOk(p)
    const btc = defined(
      p.json.positions.find((x) => x.asset === 'BTC'),
      'the BTC position',
    )
    const cost = ASK.mul('0.001')
    const avg = cost.plus(fee8(cost.mul(FEE_RATE))).div('0.001')
    const last = new D(BTC.lastPrice)
    expect(btc).to.deep.equal({
      asset: 'BTC',
      quantity: '0.001',
      price_usd: canon(last),
      value_usd: canon(last.mul('0.001')),
      allocation_pct: btc.allocation_pct,
      avg_cost_usd: canon(avg.toSignificantDigits(16)),
      unrealized_pnl_usd: canon(last.minus(avg).mul('0.001').toDecimalPlaces(8)),
      unknown_cost_quantity: '0',
    })
  })

  it('limit buy below the market rests: `open`, listed by `order list` with its journal id, then `order cancel` cancels it on the exchange', async () => {
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
    expect(t.json).to.deep.include({
      status: 'open',
      order_type: 'limit',
      price: '20000',
      quantity: '0.001',
      filled_quantity: '0',
      filled_price: null,
    })
    const onExchange = defined(
      desk.fake.orders().find((o) => o.clientOrderId === t.json.client_order_id),
      'the order on the exchange',
    )
    expect(onExchange).to.include({status: 'NEW', type: 'LIMIT', price: '20000.00000000', origQty: '0.00100000'})
    expect(canon(desk.fake.balance('USDT').locked)).to.equal('20.02')

    const m = desk.mark()
    const list = await desk.td<OrderListJson>(['order', 'list'])
    expectOk(list)
    expect(keys(desk.since(m))).to.deep.equal(['GET /api/v3/openOrders'])
    expect(list.json.orders).to.have.length(1)
    expect(list.json.orders[0]).to.deep.include({
      id: t.json.id,
      exchange_order_id: String(onExchange.orderId),
      client_order_id: t.json.client_order_id,
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'limit',
      quantity: '0.001',
      price: '20000',
      filled_quantity: '0',
    })

    const c = await desk.td<TradeJson>(['order', 'cancel', String(t.json.id)])
    expectOk(c)
    expect(c.json).to.deep.include({
      id: t.json.id,
      status: 'cancelled',
      client_order_id: t.json.client_order_id,
      filled_quantity: '0',
    })
    expect(
      defined(
        desk.fake.orders().find((o) => o.orderId === onExchange.orderId),
        'the order on the exchange',
      ).status,
    ).to.equal('CANCELED')
    expect(desk.fake.balance('USDT').locked).to.equal('0.00000000')
    expect(count(desk.fake.requests, 'DELETE', '/api/v3/order')).to.equal(1)
  })

  it('order sync: a resting limit that filled on the exchange becomes `filled` with its fill price and fee', async () => {
    const t = await desk.td<TradeJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '27000',
      '--quantity',
      '0.002',
      '--yes',
    ])
    expectOk(t)
    expect(t.json.status).to.equal('open')
    try {
      desk.fake.setTicker('BTCUSDT', {lastPrice: '26950', bidPrice: '26940', askPrice: '26950'}) // crosses 27000: fills at 27000
      const s = await desk.td<SyncJson>(['order', 'sync'])
      expectOk(s)
      expect(s.json.checked).to.equal(1)
      expect(s.json.changed).to.have.length(1)
      expect(s.json.changed[0]).to.deep.include({
        id: t.json.id,
        status: 'filled',
        filled_quantity: '0.002',
        filled_price: '27000',
        fees: '0.054',
        fee_currency: 'USDT',
        client_order_id: t.json.client_order_id,
      })
      expect(count(desk.fake.requests, 'POST', '/api/v3/order'), 'sync never resends').to.equal(3)
    } finally {
      desk.fake.setTicker('BTCUSDT', {lastPrice: BTC.lastPrice, bidPrice: BTC.bidPrice, askPrice: BTC.askPrice})
    }
  })

  it('broker test: one balance call, ok', async () => {
    const m = desk.mark()
    const t = await desk.td<BrokerTestJson>(['broker', 'test', 'bn'])
    expectOk(t)
    expect(t.json).to.deep.include({broker: 'bn', exchange: 'binance', ok: true})
    expect(keys(desk.since(m))).to.deep.equal(['GET /api/v3/account'])
  })

  it('exchangeInfo was downloaded once across every command above; no credential in outputs or the SQLite files', () => {
    expect(count(desk.fake.requests, 'GET', '/api/v3/exchangeInfo')).to.equal(1)
    if (!onPostgres()) expect(databaseFiles().length).to.be.greaterThan(0)
    expect(leaksInHomes()).to.deep.equal([])
  })
})
