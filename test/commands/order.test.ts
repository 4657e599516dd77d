import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  FEE_RATE,
  START_USDT,
  TRADE_KEYS,
  dbState,
  defined,
  expectDec,
  expectHuman,
  expectHumanError,
  expectJsonError,
  expectTradeRecord,
} from '../support/e2e.js'
import type {BalanceJson, ErrorJson, OrderListJson, SyncJson, TradeJson} from '../support/json.js'

describe('order list / cancel / sync (paper)', () => {
  const cli = new Cli(tempHome())
  let resting: TradeJson

  before(async () => {
    await cli.ok(['broker', 'add', 'o', '--exchange', 'paper', '--default'])
  })

  it('a limit buy far below the market rests: status open, its funds (fee included) in used', async () => {
    resting = await cli.trade([
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '15000',
      '--quantity',
      '0.02',
      '--note',
      'far below',
    ])
    expect(resting.status).to.equal('open')
    expect(resting.filled_price).to.equal(null)
    const reserved = new Decimal('0.02').mul('15000').mul(FEE_RATE.plus(1))
    const json = await cli.ok<BalanceJson>(['balance'])
    const usdt = defined(
      json.balances.find((b) => b.asset === 'USDT'),
      'the USDT balance',
    )
    expectDec(usdt.used, reserved, 'USDT used')
    expectDec(usdt.free, START_USDT.minus(reserved), 'USDT free')
    expectDec(usdt.total, START_USDT, 'USDT total')
  })

  it('order list --json lists it with its journal id', async () => {
    const json = await cli.ok<OrderListJson>(['order', 'list'])
    expect(json).to.have.all.keys('orders')
    expect(json.orders).to.have.length(1)
    const o = json.orders[0]
    expect(o.id).to.equal(resting.id)
    expect(o.symbol).to.equal('BTC/USDT')
    expect(o.side).to.equal('buy')
    expect(o.client_order_id).to.equal(resting.client_order_id)
    expect(o.exchange_order_id).to.equal(resting.exchange_order_id)
    expectDec(o.quantity, '0.02', 'quantity')
    expectDec(o.price, '15000', 'price')
  })

  it('order list (human) shows the journal id in a table', async () => {
    const out = expectHuman(await cli.run(['order', 'list']), 'order list')
    const row = out.split('\n').find((l) => l.includes('BTC/USDT'))
    expect(row, 'a row for the order').to.not.equal(undefined)
    expect(defined(row, 'a row for the order').trim().split(/\s+/)[0]).to.equal(String(resting.id))
  })

  it('order sync on paper returns {checked, changed, left} and leaves the open order as it is', async () => {
    const json = await cli.ok<SyncJson>(['order', 'sync'])
    expect(json).to.have.all.keys('checked', 'changed', 'left')
    expect(json.left).to.deep.equal([])
    expect(json.checked).to.be.a('number')
    expect(json.checked).to.equal(1)
    expect(json.changed).to.deep.equal([])
    expectHuman(await cli.run(['order', 'sync']), 'order sync')
  })

  it('order cancel ID: the trade record, status cancelled, funds back in free exactly', async () => {
    const t = await cli.ok(['order', 'cancel', String(resting.id)])
    expectTradeRecord(t)
    expect(t).to.have.all.keys(TRADE_KEYS)
    expect(t.id).to.equal(resting.id)
    expect(t.status).to.equal('cancelled')
    expect(t.client_order_id).to.equal(resting.client_order_id)
    expect(t.notes).to.equal('far below')
    const json = await cli.ok<BalanceJson>(['balance'])
    expect(json.balances).to.have.length(1)
    expectDec(json.balances[0].free, START_USDT, 'USDT free')
    expectDec(json.balances[0].used, 0, 'USDT used')
    const shown = await cli.ok<TradeJson>(['history', 'show', String(resting.id)])
    expect(shown.status).to.equal('cancelled')
    expect((await cli.ok<OrderListJson>(['order', 'list'])).orders).to.deep.equal([])
  })

  it('cancelling it again fails with exit 3 and changes nothing', async () => {
    const state = await dbState(cli.home)
    const err = expectJsonError(await cli.json<ErrorJson>(['order', 'cancel', String(resting.id)]), 3, 'second cancel')
    expect(err.message).to.match(/cancel/i)
    expectHumanError(await cli.run(['order', 'cancel', String(resting.id)]), 3, 'second cancel (human)')
    expect(await dbState(cli.home)).to.deep.equal(state)
  })

  it('cancelling a filled order fails with exit 3; an unknown or malformed id with exit 2', async () => {
    const filled = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.001'])
    expect(filled.status).to.equal('filled')
    expectJsonError(await cli.json<ErrorJson>(['order', 'cancel', String(filled.id)]), 3, 'cancel a filled order')
    expect(
      expectJsonError(await cli.json<ErrorJson>(['order', 'cancel', '987654']), 2, 'cancel unknown id').message,
    ).to.include('987654')
    expectJsonError(await cli.json<ErrorJson>(['order', 'cancel', 'abc']), 2, 'cancel abc')
  })

  it('a resting limit sell reserves the base asset, and cancel gives it back', async () => {
    await cli.ok(['broker', 'add', 's', '--exchange', 'paper', '--balance', 'BTC=0.1'])
    const t = await cli.trade([
      'sell',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '40000',
      '--quantity',
      '0.05',
      '--broker',
      's',
    ])
    expect(t.status).to.equal('open')
    let b = defined(
      (await cli.ok<BalanceJson>(['balance', '--broker', 's'])).balances.find((x) => x.asset === 'BTC'),
      'the BTC balance',
    )
    expectDec(b.used, '0.05', 'BTC used')
    expectDec(b.free, '0.05', 'BTC free')
    const list = await cli.ok<OrderListJson>(['order', 'list', '--broker', 's'])
    expect(list.orders.map((o) => o.id)).to.deep.equal([t.id])
    expect((await cli.ok<OrderListJson>(['order', 'list'])).orders, 'the other broker has none').to.deep.equal([])
    expectJsonError(await cli.json<ErrorJson>(['order', 'cancel', String(t.id)]), 2, 'cancel through the wrong broker')
    const c = expectHuman(await cli.run(['order', 'cancel', String(t.id), '--broker', 's']), 'order cancel (human)')
    expect(c).to.include('cancelled')
    expect(c).to.include(t.client_order_id)
    b = defined(
      (await cli.ok<BalanceJson>(['balance', '--broker', 's'])).balances.find((x) => x.asset === 'BTC'),
      'the BTC balance',
    )
    expectDec(b.free, '0.1', 'BTC free')
    expectDec(b.used, 0, 'BTC used')
  })

  it('order list with no open order says so in text', async () => {
    const out = expectHuman(await cli.run(['order', 'list']), 'order list (empty)')
    expect(out).to.match(/no open orders/i)
  })
})
