import {expect} from 'chai'

import {Decimal} from '../../../src/lib/decimal.js'
import {PaperExchange} from '../../../src/lib/exchange/paper.js'
import {newClientOrderId as newId} from '../../../src/lib/exchange/dialects.js'
const newClientOrderId = () => newId('hex32')
import type {Session} from '../../../src/lib/session.js'
import {defined} from '../../support/e2e.js'
import {freshSession} from '../../support/session.js'

const FLOAT_ARTEFACT = /\d\.\d*0000000\d|\d\.\d*9999999\d|e[-+]\d/

describe('PaperExchange', () => {
  let session: Session
  let paper: PaperExchange

  beforeEach(async () => {
    session = await freshSession()
    const broker = await session.broker()
    const gateway = await session.gateway(broker)
    if (!(gateway instanceof PaperExchange)) expect.fail('the paper broker has no PaperExchange gateway')
    paper = gateway
  })
  afterEach(() => session.close())

  const free = async (asset: string) =>
    new Decimal((await paper.fetchBalance()).find((b) => b.asset === asset)?.free ?? '0')
  const used = async (asset: string) =>
    new Decimal((await paper.fetchBalance()).find((b) => b.asset === asset)?.used ?? '0')
  const order = (over: Partial<Parameters<PaperExchange['createOrder']>[0]>) =>
    paper.createOrder({
      symbol: 'ETH/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.1',
      price: null,
      referencePrice: null,
      spend: null,
      clientOrderId: newClientOrderId(),
      ...over,
    })

  it('starts the built-in paper broker with 10000 USDT', async () => {
    expect(await paper.fetchBalance()).to.deep.equal([{asset: 'USDT', free: '10000', used: '0', total: '10000'}])
  })

  it('fills market buys at the ask with a 0.1% fee in the quote, exactly', async () => {
    const ticker = await paper.fetchTicker('ETH/USDT')
    let spent = new Decimal(0)
    for (const amount of ['0.1', '0.2', '0.1']) {
      const o = await order({amount})
      expect(o.status).to.equal('closed')
      expect(o.average).to.equal(ticker.ask)
      const cost = new Decimal(amount).mul(defined(ticker.ask, 'the ask'))
      expect(o.cost).to.equal(cost.toFixed())
      expect(o.fee).to.equal(cost.mul('0.001').toFixed())
      expect(o.feeCurrency).to.equal('USDT')
      spent = spent.plus(cost).plus(cost.mul('0.001'))
    }

    expect((await free('USDT')).toFixed()).to.equal(new Decimal(10000).minus(spent).toFixed())
    expect((await free('ETH')).toFixed()).to.equal('0.4')
    const dump =
      JSON.stringify(await session.store.db('paper_balances').select()) +
      JSON.stringify(await session.store.db('paper_orders').select()) +
      JSON.stringify(await session.store.db('paper_fills').select())
    expect(dump).to.not.match(FLOAT_ARTEFACT)
  })

  it('fills market sells at the bid and credits the quote less the fee', async () => {
    await order({amount: '0.3'})
    const before = await free('USDT')
    const ticker = await paper.fetchTicker('ETH/USDT')
    const o = await order({side: 'sell', amount: '0.3'})
    const proceeds = new Decimal('0.3').mul(defined(ticker.bid, 'the bid'))
    expect(o.average).to.equal(ticker.bid)
    expect((await free('USDT')).toFixed()).to.equal(before.plus(proceeds).minus(proceeds.mul('0.001')).toFixed())
    expect((await free('ETH')).toFixed()).to.equal('0')
  })

  it('rests a limit order that does not cross, reserving cost and fee, and releases it on cancel', async () => {
    const o = await order({type: 'limit', amount: '0.5', price: '1000'})
    expect(o.status).to.equal('open')
    const reserved = new Decimal('0.5').mul(1000).mul('1.001')
    expect((await used('USDT')).toFixed()).to.equal(reserved.toFixed())
    expect((await free('USDT')).toFixed()).to.equal(new Decimal(10000).minus(reserved).toFixed())
    expect((await paper.fetchOpenOrders()).map((x) => x.id)).to.deep.equal([o.id])
    const cancelled = await paper.cancelOrder(o.id, 'ETH/USDT')
    expect(cancelled.status).to.equal('canceled')
    expect((await free('USDT')).toFixed()).to.equal('10000')
    expect((await used('USDT')).toFixed()).to.equal('0')
    expect(await paper.fetchOpenOrders()).to.deep.equal([])
    try {
      await paper.cancelOrder(o.id, 'ETH/USDT')
      expect.fail('a cancelled order was cancelled again')
    } catch (error) {
      expect((error as {code: string}).code).to.equal('ORDER_NOT_OPEN')
    }
  })

  it('fills a crossing limit order at once at the book price', async () => {
    const ticker = await paper.fetchTicker('ETH/USDT')
    const o = await order({type: 'limit', amount: '0.1', price: '2000'})
    expect(o.status).to.equal('closed')
    expect(o.average).to.equal(ticker.ask)
  })

  it('enforces the market rules as Binance does', async () => {
    const rejects = async (over: Parameters<typeof order>[0], code: string) => {
      try {
        await order(over)
        expect.fail(`accepted ${JSON.stringify(over)}`)
      } catch (error) {
        expect((error as {code: string}).code, JSON.stringify(over)).to.equal(code)
      }
    }

    await rejects({amount: '0.00015'}, 'AMOUNT_INVALID') // off the 0.0001 step
    await rejects({amount: '0.001'}, 'COST_TOO_SMALL') // 1.75 USDT < 5 NOTIONAL
    await rejects({type: 'limit', amount: '0.1', price: '1000.001'}, 'PRICE_INVALID') // off the 0.01 tick
    await rejects({type: 'limit', amount: '0.1', price: '300'}, 'PRICE_INVALID') // PERCENT_PRICE_BY_SIDE: below last x 0.2
    await rejects({type: 'limit', side: 'sell', amount: '0.1', price: '9000'}, 'PRICE_INVALID') // above last x 5
    await rejects({amount: '10'}, 'INSUFFICIENT_FUNDS')
    await rejects({side: 'sell', amount: '0.1'}, 'INSUFFICIENT_FUNDS')
    await rejects({symbol: 'ARB/USDT', amount: '10'}, 'MARKET_INACTIVE') // no price in the snapshot: it cannot trade
    expect((await paper.fetchBalance()).map((b) => b.asset)).to.deep.equal(['USDT'])
    expect((await free('USDT')).toFixed()).to.equal('10000')
  })

  it('never accepts the same client order id twice', async () => {
    const id = newClientOrderId()
    await order({clientOrderId: id})
    try {
      await order({clientOrderId: id})
      expect.fail('a duplicate client order id was accepted')
    } catch (error) {
      expect((error as {code: string}).code).to.equal('DUPLICATE_ORDER')
    }

    expect((await free('ETH')).toFixed()).to.equal('0.1')
  })

  it('finds an order by client order id', async () => {
    const id = newClientOrderId()
    const o = await order({clientOrderId: id})
    expect((await paper.fetchOrder({id: null, clientOrderId: id, symbol: 'ETH/USDT'}))?.id).to.equal(o.id)
    expect(await paper.fetchOrder({id: null, clientOrderId: newClientOrderId(), symbol: 'ETH/USDT'})).to.equal(null)
  })

  it('lists 2292 markets from the snapshot and caches them in the database', async () => {
    const markets = await paper.markets()
    expect(markets).to.have.length(2292)
    const btc = defined(
      markets.find((m) => m.symbol === 'BTC/USDT'),
      'the BTC/USDT market',
    )
    expect(btc).to.include({id: 'BTCUSDT', amountStep: '0.00001', priceTick: '0.01', minCost: '5', active: true})
    const rows = await session.store.db('markets').select<{exchange_key: string}[]>('exchange_key')
    expect(rows.map((r) => r.exchange_key)).to.deep.equal(['paper:binance-spot-2023-09-08:2'])
  })
})
