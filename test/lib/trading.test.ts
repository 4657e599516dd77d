import {expect} from 'chai'

import type {Broker} from '../../src/lib/brokers.js'
import {Decimal} from '../../src/lib/decimal.js'
import {ExitCode, NotSentError, TradedeskError} from '../../src/lib/errors.js'
import type {ExchangeGateway, OrderRequest} from '../../src/lib/exchange/types.js'
import type {Session} from '../../src/lib/session.js'
import {type OrderInput, placeOrder, prepareOrder} from '../../src/lib/trading.js'
import {defined} from '../support/e2e.js'
import {freshSession} from '../support/session.js'

describe('trading: prepareOrder and placeOrder', () => {
  let session: Session
  let broker: Broker
  let gateway: ExchangeGateway

  beforeEach(async () => {
    session = await freshSession()
    broker = await session.broker()
    gateway = await session.gateway(broker)
  })
  afterEach(() => session.close())

  const prepare = (input: Partial<OrderInput>) =>
    prepareOrder(gateway, broker, {side: 'buy', symbol: 'BTC/USDT', ...input})
  const codes = async (input: Partial<OrderInput>) => (await prepare(input)).errors.map((e) => e.code)

  it('sizes by quantity, truncating to the step', async () => {
    const v = await prepare({quantity: '0.0123456'})
    expect(v.valid).to.equal(true)
    expect(v.order.quantity).to.equal('0.01234')
    expect(v.order.price).to.equal('27910.36') // the ask, for a market buy
    expect(v.order.total_value).to.equal(new Decimal('0.01234').mul('27910.36').toFixed())
    expect(v.order.estimated_fee).to.equal(new Decimal('0.01234').mul('27910.36').mul('0.001').toFixed())
    expect(v.warnings.join()).to.contain('truncated')
  })

  it('sizes by USD at the reference price: a buy spends at most the value, fee included', async () => {
    const v = await prepare({usd: '100'})
    expect(v.order.quantity).to.equal(
      new Decimal(100).div(new Decimal('27910.36').mul('1.001')).toDecimalPlaces(5, Decimal.ROUND_DOWN).toFixed(),
    )
    const sell = await prepare({side: 'sell', usd: '100'})
    expect(sell.order.price).to.equal('27909.01') // the bid, for a market sell
  })

  it('sizes a buy by percent of the free quote, leaving room for the fee', async () => {
    const v = await prepare({percent: '100'})
    const q = new Decimal(defined(v.order.quantity, 'the quantity'))
    const required = new Decimal(defined(v.balance.required, 'the required balance'))
    expect(v.valid).to.equal(true)
    expect(required.lte(10000)).to.equal(true)
    // one more step would not fit
    expect(q.plus('0.00001').mul('27910.36').mul('1.001').gt(10000)).to.equal(true)
  })

  it('sells everything the step allows with --percent 100', async () => {
    await placeOrder(gateway, session.journal, await prepare({symbol: 'ETH/USDT', quantity: '0.12345'}))
    const v = await prepare({side: 'sell', symbol: 'ETH/USDT', percent: '100'})
    expect(v.valid).to.equal(true)
    expect(v.order.quantity).to.equal('0.1234')
  })

  it('reports every failing rule, each with its stable code', async () => {
    expect(await codes({symbol: 'NOPE/USDT', quantity: '1'})).to.deep.equal(['UNKNOWN_SYMBOL'])
    expect(await codes({quantity: '0'})).to.include('AMOUNT_TOO_SMALL')
    expect(await codes({quantity: '0.000001'})).to.include('AMOUNT_TOO_SMALL')
    expect(await codes({quantity: '100000'})).to.include.members(['AMOUNT_TOO_LARGE', 'INSUFFICIENT_FUNDS'])
    expect(await codes({quantity: '0.0001'})).to.deep.equal(['COST_TOO_SMALL'])
    expect(await codes({type: 'limit', quantity: '0.01'})).to.deep.equal(['PRICE_REQUIRED'])
    expect(await codes({type: 'limit', quantity: '0.01', price: '0'})).to.include('PRICE_OUT_OF_RANGE')
    expect(await codes({type: 'limit', quantity: '0.01', price: '2000000'})).to.include('PRICE_OUT_OF_RANGE')
    expect(await codes({quantity: '1'})).to.deep.equal(['INSUFFICIENT_FUNDS'])
    expect(await codes({side: 'sell', quantity: '0.01'})).to.deep.equal(['INSUFFICIENT_FUNDS'])
    expect(await codes({symbol: 'ARB/USDT', quantity: '10'})).to.include('MARKET_INACTIVE')
    const inactive = defined(
      (await gateway.markets()).find((m) => !m.active),
      'an inactive market',
    )
    expect(await codes({symbol: inactive.symbol, type: 'limit', quantity: '1', price: '1'})).to.include(
      'MARKET_INACTIVE',
    )
  })

  it('refuses an order type the market does not allow', async () => {
    const limitOnly = Object.create(gateway) as ExchangeGateway
    const markets = (await gateway.markets()).map((m) => (m.symbol === 'BTC/USDT' ? {...m, orderTypes: ['limit']} : m))
    limitOnly.markets = () => Promise.resolve(markets)
    const v = await prepareOrder(limitOnly, broker, {side: 'buy', symbol: 'BTC/USDT', quantity: '0.001'})
    expect(v.errors.map((e) => e.code)).to.deep.equal(['ORDER_TYPE_UNSUPPORTED'])
  })

  it('rounds a limit price to the tick and warns', async () => {
    const v = await prepare({type: 'limit', quantity: '0.01', price: '20000.123'})
    expect(v.order.price).to.equal('20000.12')
    expect(v.warnings.join()).to.contain('rounded')
  })

  it('refuses malformed sizes as usage errors', async () => {
    for (const bad of ['-1', 'NaN', '1e309', 'abc', '0x10', 'Infinity', '', '٣']) {
      try {
        await prepare({quantity: bad})
        expect.fail(`accepted ${bad}`)
      } catch (error) {
        expect((error as TradedeskError).exitCode, bad).to.equal(ExitCode.USAGE)
      }
    }
  })

  it('records the pending row with its client order id before the order leaves', async () => {
    const prepared = await prepare({quantity: '0.001'})
    let seen: OrderRequest | undefined
    let rowWhileSending: unknown
    const spy = Object.create(gateway) as ExchangeGateway
    spy.createOrder = async (req) => {
      seen = req
      rowWhileSending = await session.store.db('trades').where({client_order_id: req.clientOrderId}).first('status')
      return gateway.createOrder(req)
    }

    const record = await placeOrder(spy, session.journal, prepared)
    expect(rowWhileSending).to.deep.equal({status: 'pending'})
    expect(defined(seen, 'the order request sent').clientOrderId).to.equal(record.client_order_id)
    expect(record.status).to.equal('filled')
  })

  const failingWith = (error: Error): ExchangeGateway => {
    const g = Object.create(gateway) as ExchangeGateway
    g.createOrder = () => Promise.reject(error)

    return g
  }

  it('records an order whose send was not confirmed as unknown (exit 6), never failed', async () => {
    const prepared = await prepare({quantity: '0.001'})
    for (const error of [
      new TradedeskError('ORDER_OUTCOME_UNKNOWN', 'timed out', ExitCode.OUTCOME_UNKNOWN),
      new TypeError('garbled'),
    ]) {
      try {
        await placeOrder(failingWith(error), session.journal, prepared)
        expect.fail('no error')
      } catch (error_) {
        expect((error_ as TradedeskError).exitCode).to.equal(ExitCode.OUTCOME_UNKNOWN)
      }
    }

    const rows = await session.journal.list({})
    expect(rows.map((r) => r.status)).to.deep.equal(['unknown', 'unknown'])
  })

  it('records a definitive refusal as rejected and a failure before sending as failed', async () => {
    const prepared = await prepare({quantity: '0.001'})
    const refusal = new TradedeskError(
      'INSUFFICIENT_FUNDS',
      'binance: Account has insufficient balance',
      ExitCode.ORDER_INVALID,
    )
    const notSent = new NotSentError('CREDENTIALS_MISSING', 'no credentials', ExitCode.CREDENTIALS)
    for (const error of [refusal, notSent]) {
      try {
        await placeOrder(failingWith(error), session.journal, prepared)
        expect.fail('no error')
      } catch (error_) {
        expect(error_).to.equal(error)
      }
    }

    const [failed, rejected] = await session.journal.list({})
    expect(rejected).to.include({status: 'rejected', error_message: refusal.message})
    expect(failed).to.include({status: 'failed', error_message: notSent.message})
  })

  it('refuses to place an invalid order and records nothing', async () => {
    const prepared = await prepare({quantity: '1'})
    try {
      await placeOrder(gateway, session.journal, prepared)
      expect.fail('placed an invalid order')
    } catch (error) {
      expect((error as TradedeskError).exitCode).to.equal(ExitCode.ORDER_INVALID)
    }

    expect(await session.journal.list({})).to.deep.equal([])
  })
})
