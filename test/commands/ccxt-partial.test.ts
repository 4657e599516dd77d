/**
 * Partial fills, end to end through ccxt.binance against the fake: a crossing limit order that fills
 * half rests `open` with what did fill recorded (quantity, average price, fees, fee currency), and
 * `order sync` settles it once the rest fills; a market order that fills half ends `expired`.
 */
import {expect} from 'chai'

import {defined} from '../support/e2e.js'
import type {SyncJson, TradeJson} from '../support/json.js'
import {D, type Desk, canon, closeOpened, expectOk, openDesk, removeHomes, snapshotTicker} from './ccxt-support.js'

const BTC = snapshotTicker('BTCUSDT')
const ASK = new D(BTC.askPrice)
const fee8 = (d: InstanceType<typeof D>) => d.toDecimalPlaces(8, D.ROUND_HALF_UP)

describe('ccxt end to end: partial fills', function () {
  this.timeout(60_000)
  let desk: Desk

  beforeEach(async () => {
    desk = await openDesk({balances: {USDT: '1000'}, fillRatio: '0.5'})
  })
  afterEach(() => closeOpened(desk))
  after(() => {
    removeHomes()
  })

  it('records a half-filled limit order as open with its fill, then order sync settles it filled', async () => {
    const placed = await desk.td<TradeJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      canon(ASK),
      '--quantity',
      '0.002',
      '--yes',
    ])
    expectOk(placed)
    const firstFee = fee8(ASK.mul('0.001').mul('0.001'))
    expect(placed.json).to.include({
      status: 'open',
      quantity: '0.002',
      filled_quantity: '0.001',
      filled_price: canon(ASK),
      fee_currency: 'USDT',
    })
    expect(placed.json.fees).to.equal(canon(firstFee))

    // The market comes down through the order's price: the rest fills at the limit.
    desk.fake.setTicker('BTCUSDT', {
      askPrice: canon(ASK.minus(10)),
      bidPrice: canon(ASK.minus(11)),
      lastPrice: canon(ASK.minus(10)),
    })
    const synced = await desk.td<SyncJson>(['order', 'sync'])
    expectOk(synced)
    expect(synced.json.checked).to.equal(1)
    expect(synced.json.changed).to.have.length(1)
    const settled = synced.json.changed[0]
    expect(settled).to.include({
      id: placed.json.id,
      status: 'filled',
      filled_quantity: '0.002',
      filled_price: canon(ASK),
      fee_currency: 'USDT',
    })
    const fees = defined(settled.fees, 'the fees of the settled order')
    expect(new D(fees).eq(firstFee.plus(fee8(ASK.mul('0.001').mul('0.001'))))).to.equal(true)
    expect(desk.fake.orders()).to.have.length(1)
  })

  it('records a half-filled market order as expired, with what filled', async () => {
    const placed = await desk.td<TradeJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.002', '--yes'])
    expectOk(placed)
    expect(placed.json).to.include({status: 'expired', filled_quantity: '0.001', filled_price: canon(ASK)})
    expect(placed.json.executed_at).to.be.a('string')
  })
})
