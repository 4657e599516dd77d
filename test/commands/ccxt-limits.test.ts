/**
 * The guardrails end to end, binary -> ccxt.binance -> fake Binance: a breach is refused (exit 3)
 * before anything is sent (no order request reaches the exchange), and an order within the limits is
 * sent as usual. Build first (`npm run build`).
 */
import {expect} from 'chai'

import type {ErrorJson, HistoryJson, TradeJson, ValidationJson} from '../support/json.js'
import type {LimitsJson} from '../support/json-guard.js'
import type {RecordedRequest} from '../support/fake-binance.js'
import {
  D,
  type Desk,
  canon,
  closeOpened,
  expectError,
  expectOk,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

const BTC = snapshotTicker('BTCUSDT')
const ASK = new D(BTC.askPrice) // 27910.36
const LAST = new D(BTC.lastPrice) // 27910.38

/** The order requests among these: POST /api/v3/order (and its test endpoint). */
const orderPosts = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v3/order')).map((r) => r.path)

describe('ccxt end to end: broker limits against fake Binance', function () {
  this.timeout(60_000)
  let desk: Desk

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000', BTC: '0.1'}})
  })
  after(async () => {
    await closeOpened(desk)
    removeHomes()
  })

  async function limits(...flags: string[]): Promise<void> {
    expectOk(await desk.td<LimitsJson>(['broker', 'limits', 'bn', '--clear', ...flags]))
  }

  /** Refused by our checks with exactly these codes; no order request reached the exchange, no row written. */
  async function expectRefused(args: string[], codes: string[]): Promise<ErrorJson> {
    const rows = (await desk.td<HistoryJson>(['history', '--limit', '1000'])).json.trades.length
    const mark = desk.mark()
    const orders = desk.fake.orders().length
    const run = await desk.td(['trade', ...args, '--yes'])
    expectError(run, 3, 'ORDER_INVALID', false)
    expect((run.json.errors ?? []).map((e) => e.code)).to.deep.equal(codes)
    expect(orderPosts(desk.since(mark)), 'no order request reached the exchange').to.deep.equal([])
    expect(desk.fake.orders()).to.have.length(orders)
    expect((await desk.td<HistoryJson>(['history', '--limit', '1000'])).json.trades, 'no journal row').to.have.length(
      rows,
    )
    return run.json
  }

  /** Sent: one order request, and the trade recorded. */
  async function expectSent(args: string[]): Promise<TradeJson> {
    const mark = desk.mark()
    const run = await desk.td<TradeJson>(['trade', ...args, '--yes'])
    expectOk(run)
    expect(orderPosts(desk.since(mark))).to.deep.equal(['/api/v3/order'])
    return run.json
  }

  it('LIMIT_ORDER_VALUE: validate and trade refuse an order worth more than the limit; nothing is sent', async () => {
    await limits('--max-order-usd', '50')
    const value = ASK.mul('0.002') // 55.82072
    const message = `order value ${canon(value)} USD is above bn's limit of 50 USD per order`
    const mark = desk.mark()
    const v = await desk.td<ValidationJson>(['validate', 'buy', 'BTC/USDT', '--quantity', '0.002'])
    expect(v.code).to.equal(3)
    expect(v.json.errors).to.deep.equal([{code: 'LIMIT_ORDER_VALUE', message}])
    expect(orderPosts(desk.since(mark))).to.deep.equal([])

    const refused = await expectRefused(['buy', 'BTC/USDT', '--quantity', '0.002'], ['LIMIT_ORDER_VALUE'])
    expect(refused.errors).to.deep.equal([{code: 'LIMIT_ORDER_VALUE', message}])
    // a sell is limited too: 0.002 at the bid 27909.01 = 55.81802
    await expectRefused(['sell', 'BTC/USDT', '--quantity', '0.002'], ['LIMIT_ORDER_VALUE'])

    const sent = await expectSent(['buy', 'BTC/USDT', '--quantity', '0.0017'])
    expect(sent).to.include({status: 'filled', total_value: canon(ASK.mul('0.0017'))})
  })

  it('PRICE_DEVIATION: a limit buy too far above the last price is refused; one within the band is sent', async () => {
    await limits('--max-deviation-pct', '1')
    const bound = LAST.mul('1.01') // 28189.4838
    const refused = await expectRefused(
      ['buy', 'BTC/USDT', '--type', 'limit', '--price', '28189.49', '--quantity', '0.001'],
      ['PRICE_DEVIATION'],
    )
    expect(refused.errors?.[0].message).to.equal(
      `limit buy price 28189.49 is more than 1% above the last price ${canon(LAST)} (at most ${canon(bound)})`,
    )
    const sent = await expectSent(['buy', 'BTC/USDT', '--type', 'limit', '--price', '28189.48', '--quantity', '0.001'])
    expect(sent.price).to.equal('28189.48')
  })

  it('PRICE_DEVIATION: a market buy when the ask strays from the last price is refused; back in line, it is sent', async () => {
    await limits('--max-deviation-pct', '1')
    const strayed = LAST.mul('1.015').toDecimalPlaces(2) // 28329.04
    desk.fake.setTicker('BTCUSDT', {askPrice: strayed.toFixed(8)})
    try {
      const refused = await expectRefused(['buy', 'BTC/USDT', '--quantity', '0.001'], ['PRICE_DEVIATION'])
      const away = strayed.minus(LAST).div(LAST).mul(100).toSignificantDigits(6) // 1.49999888 -> 1.5
      expect(refused.errors?.[0].message).to.equal(
        `the market buy would be priced at ${canon(strayed)} (the ask), ${canon(away)}% away from the last price ${canon(LAST)}: more than the 1% allowed`,
      )
      // the sell side (the bid) is still in line
      await expectSent(['sell', 'BTC/USDT', '--quantity', '0.001'])
    } finally {
      desk.fake.setTicker('BTCUSDT', {askPrice: BTC.askPrice})
    }

    await expectSent(['buy', 'BTC/USDT', '--quantity', '0.001'])
  })

  it('SYMBOL_NOT_ALLOWED and LIMIT_DAILY: refused before sending; within them, sent', async () => {
    await limits('--symbols', 'ethusdt')
    await expectRefused(['buy', 'BTC/USDT', '--quantity', '0.001'], ['SYMBOL_NOT_ALLOWED'])

    await limits('--daily-usd', '60')
    // today's buys so far on bn, all filled: what they spent (0.0037 BTC, about 103 USD) is already over
    const trades = (await desk.td<HistoryJson>(['history', '--side', 'buy', '--limit', '1000'])).json.trades
    expect(trades.map((t) => t.status)).to.deep.equal(['filled', 'filled', 'filled'])
    const spent = trades.reduce((sum, t) => sum.plus(t.filled_value ?? 'NaN'), new D(0))
    expect(spent.gt(100)).to.equal(true)
    const refused = await expectRefused(['buy', 'BTC/USDT', '--quantity', '0.0002'], ['LIMIT_DAILY'])
    expect(refused.errors?.[0].message).to.include(`(${canon(spent)} USD already counted)`)
    // a sell is never counted against, nor held by, the daily cap
    await expectSent(['sell', 'BTC/USDT', '--quantity', '0.001'])

    await limits('--daily-usd', canon(spent.plus(ASK.mul('0.0002'))))
    await expectSent(['buy', 'BTC/USDT', '--quantity', '0.0002'])
    await expectRefused(['buy', 'BTC/USDT', '--quantity', '0.0002'], ['LIMIT_DAILY'])
  })
})
