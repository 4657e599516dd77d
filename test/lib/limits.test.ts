import {expect} from 'chai'

import {Decimal} from '../../src/lib/decimal.js'
import {TradedeskError} from '../../src/lib/errors.js'
import {
  type BrokerLimits,
  type DayBuy,
  type LimitedOrder,
  NO_LIMITS,
  limitFailures,
  spentUsd,
  utcDay,
} from '../../src/lib/limits.js'
import type {Session} from '../../src/lib/session.js'
import {placeOrder, prepareOrder} from '../../src/lib/trading.js'
import {freshSession} from '../support/session.js'

const order = (fields: Partial<LimitedOrder> = {}): LimitedOrder => ({
  broker: 'b',
  symbol: 'X/Y',
  quote: 'Y',
  side: 'buy',
  type: 'market',
  price: new Decimal(100),
  last: new Decimal(100),
  value: new Decimal(100),
  quoteUsd: new Decimal(1),
  spentTodayUsd: new Decimal(0),
  ...fields,
})
const codes = (limits: Partial<BrokerLimits>, o: LimitedOrder) =>
  limitFailures({...NO_LIMITS, ...limits}, o).map((f) => f.code)

describe('limits: the guardrails as rules', () => {
  it('utcDay: the UTC day an instant falls in, as ISO bounds [start, end)', () => {
    expect(utcDay(new Date('2026-12-05T23:59:59.999Z'))).to.deep.equal({
      start: '2026-12-05T00:00:00.000Z',
      end: '2026-12-06T00:00:00.000Z',
    })
    expect(utcDay(new Date('2026-12-06T00:00:00.000Z')).start).to.equal('2026-12-06T00:00:00.000Z')
    // a local time just after midnight east of UTC is still the previous UTC day
    expect(utcDay(new Date('2026-12-06T00:30:00+02:00')).start).to.equal('2026-12-05T00:00:00.000Z')
  })

  it('no limits, no failures', () => {
    expect(limitFailures(NO_LIMITS, order({value: new Decimal('1e9'), last: null, quoteUsd: null}))).to.deep.equal([])
  })

  it('a limit that cannot be checked refuses the order: no USD price for the quote, no last price', () => {
    const unpriced = order({quoteUsd: null})
    expect(codes({maxOrderUsd: '1000'}, unpriced)).to.deep.equal(['LIMIT_ORDER_VALUE'])
    expect(codes({dailyUsd: '1000'}, unpriced)).to.deep.equal(['LIMIT_DAILY'])
    expect(limitFailures({...NO_LIMITS, maxOrderUsd: '1000'}, unpriced)[0].message).to.equal(
      "no USD price for Y: the order's value cannot be checked against b's limit of 1000 USD per order",
    )
    expect(codes({maxDeviationPct: '5'}, order({last: null}))).to.deep.equal(['PRICE_DEVIATION'])
    expect(codes({maxDeviationPct: '5'}, order({last: new Decimal(0)}))).to.deep.equal(['PRICE_DEVIATION'])
  })

  it('the order value in USD is its value in the quote times the quote price; the limit itself is allowed', () => {
    const inBtc = order({value: new Decimal('0.01'), quoteUsd: new Decimal('30000')}) // 300 USD
    expect(codes({maxOrderUsd: '300'}, inBtc)).to.deep.equal([])
    expect(codes({maxOrderUsd: '299.99'}, inBtc)).to.deep.equal(['LIMIT_ORDER_VALUE'])
  })

  it('the daily cap holds buys only, counting what was spent today plus this order', () => {
    expect(codes({dailyUsd: '150'}, order({spentTodayUsd: new Decimal(50)}))).to.deep.equal([])
    expect(codes({dailyUsd: '150'}, order({spentTodayUsd: new Decimal('50.01')}))).to.deep.equal(['LIMIT_DAILY'])
    expect(codes({dailyUsd: '1'}, order({side: 'sell', spentTodayUsd: new Decimal(50)}))).to.deep.equal([])
  })

  it('deviation: limit orders only through the market; market orders either way', () => {
    const dev = {maxDeviationPct: '1'}
    expect(codes(dev, order({type: 'limit', side: 'buy', price: new Decimal('101')}))).to.deep.equal([])
    expect(codes(dev, order({type: 'limit', side: 'buy', price: new Decimal('101.01')}))).to.deep.equal([
      'PRICE_DEVIATION',
    ])
    expect(codes(dev, order({type: 'limit', side: 'buy', price: new Decimal('50')}))).to.deep.equal([])
    expect(codes(dev, order({type: 'limit', side: 'sell', price: new Decimal('99')}))).to.deep.equal([])
    expect(codes(dev, order({type: 'limit', side: 'sell', price: new Decimal('98.99')}))).to.deep.equal([
      'PRICE_DEVIATION',
    ])
    expect(codes(dev, order({type: 'limit', side: 'sell', price: new Decimal('500')}))).to.deep.equal([])
    expect(codes(dev, order({side: 'buy', price: new Decimal('98.9')}))).to.deep.equal(['PRICE_DEVIATION'])
    expect(codes(dev, order({side: 'sell', price: new Decimal('101.1')}))).to.deep.equal(['PRICE_DEVIATION'])
    expect(codes(dev, order({side: 'sell', price: new Decimal('99')}))).to.deep.equal([])
  })

  it('spentUsd: the USD price recorded with each row; a USD stable at 1 when none was; unpriced rows left out', () => {
    const row = (fields: Partial<DayBuy>): DayBuy => ({
      symbol: 'BTC/USDT',
      status: 'filled',
      total_value: '10',
      filled_value: '10',
      quote_usd: null,
      ...fields,
    })
    expect(
      spentUsd([
        row({}), // 10: USDT at 1
        row({symbol: 'BTC/USDC', quote_usd: '0.9998', filled_value: '100'}), // 99.98
        row({symbol: 'ETH/BTC', filled_value: '1'}), // BTC without a recorded price: left out
        row({symbol: 'ETH/BTC', filled_value: '0.001', quote_usd: '30000'}), // 30
        row({filled_value: null, total_value: '4'}), // a fill without its value: what was asked
      ]).toFixed(),
    ).to.equal('143.98')
  })
})

describe('limits: the daily cap at the moment the journal row is written', () => {
  let session: Session
  beforeEach(async () => {
    session = await freshSession('guard')
  })
  afterEach(() => session.close())

  it('a buy written since validation is seen under the write lock: no row, nothing sent, LIMIT_DAILY (exit 3)', async () => {
    await session.brokers.setLimits('paper', {dailyUsd: '50'})
    const broker = await session.broker('paper')
    const gateway = await session.gateway(broker)
    const input = {side: 'buy', symbol: 'BTC/USDT', quantity: '0.001'} // 27.91036 USD
    const prepared = await prepareOrder(gateway, broker, input, session.journal)
    expect(prepared.errors).to.deep.equal([])
    // another process's buy, recorded after this one was validated and before it is placed
    await placeOrder(gateway, session.journal, await prepareOrder(gateway, broker, input, session.journal))
    const rows = async () => (await session.journal.list({})).length
    const orders = async () =>
      Number((await session.store.query<{n: unknown}>('SELECT COUNT(*) AS n FROM paper_orders'))[0].n)
    const [rowsBefore, ordersBefore] = [await rows(), await orders()]
    const balance = await gateway.fetchBalance()

    const error = await placeOrder(gateway, session.journal, prepared).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).to.be.instanceOf(TradedeskError)
    const refused = error as TradedeskError
    expect(refused.exitCode).to.equal(3)
    expect(refused.errors?.map((e) => e.code)).to.deep.equal(['LIMIT_DAILY'])
    expect(refused.message).to.equal(
      "order invalid: LIMIT_DAILY: this buy (27.91036 USD) would bring paper's buys today (UTC) to 55.82072 USD, above its daily limit of 50 USD (27.91036 USD already counted)",
    )
    expect(await rows(), 'no pending row').to.equal(rowsBefore)
    expect(await orders(), 'no order reached the paper exchange').to.equal(ordersBefore)
    expect(await gateway.fetchBalance(), 'the paper exchange filled nothing').to.deep.equal(balance)
  })
})
