import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {Cli, START_USDT, dbState, defined, expectDec, expectJsonError, withDb} from '../support/e2e.js'
import type {BalanceJson, BrokerListJson, ErrorJson, HistoryJson, OrderListJson, TradeJson} from '../support/json.js'

describe('profiles: --profile and TRADEDESK_PROFILE', () => {
  const cli = new Cli(tempHome())
  const alice = ['--profile', 'alice']
  const bob = ['--profile', 'bob']
  let filled: TradeJson
  let open: TradeJson

  before(async () => {
    await cli.ok(['broker', 'add', 'ally', '--exchange', 'paper', '--balance', 'USDT=777', ...alice])
    filled = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.001', ...alice])
    open = await cli.trade(['buy', 'BTC/USDT', '--type', 'limit', '--price', '10000', '--quantity', '0.001', ...alice])
  })

  it("bob sees none of alice's brokers, balances or trades", async () => {
    const [brokers, balance, history, orders] = await Promise.all([
      cli.ok<BrokerListJson>(['broker', 'list', ...bob]),
      cli.ok<BalanceJson>(['balance', ...bob]),
      cli.ok<HistoryJson>(['history', ...bob]),
      cli.ok<OrderListJson>(['order', 'list', ...bob]),
    ])
    expect(brokers.brokers.map((b) => b.name)).to.deep.equal(['paper'])
    expect(balance.balances).to.have.length(1)
    expectDec(balance.balances[0].free, START_USDT, 'bob USDT free')
    expectDec(balance.balances[0].used, 0, 'bob USDT used')
    expect(history.trades).to.deep.equal([])
    expect(orders.orders).to.deep.equal([])
  })

  it('alice sees hers, through --profile and through TRADEDESK_PROFILE', async () => {
    const [flag, env] = await Promise.all([
      cli.ok<HistoryJson>(['history', ...alice]),
      cli.ok<HistoryJson>(['history'], {TRADEDESK_PROFILE: 'alice'}),
    ])
    expect(flag.trades.map((t) => t.id)).to.have.members([filled.id, open.id])
    expect(env.trades).to.deep.equal(flag.trades)
    const brokers = await cli.ok<BrokerListJson>(['broker', 'list'], {TRADEDESK_PROFILE: 'alice'})
    expect(brokers.brokers.map((b) => b.name)).to.have.members(['paper', 'ally'])
    const bal = await cli.ok<BalanceJson>(['balance', '--broker', 'paper'], {TRADEDESK_PROFILE: 'alice'})
    const usdt = defined(
      bal.balances.find((b) => b.asset === 'USDT'),
      'USDT row',
    )
    expect(new Decimal(usdt.used).gt(0), 'alice has funds reserved').to.equal(true)
  })

  it('--profile wins over TRADEDESK_PROFILE', async () => {
    const json = await cli.ok<HistoryJson>(['history', ...bob], {TRADEDESK_PROFILE: 'alice'})
    expect(json.trades).to.deep.equal([])
  })

  it("bob cannot show, cancel or use alice's trades and brokers", async () => {
    const state = await dbState(cli.home)
    const [show, cancel, broker] = await Promise.all([
      cli.json<ErrorJson>(['history', 'show', String(filled.id), ...bob]),
      cli.json<ErrorJson>(['order', 'cancel', String(open.id), ...bob]),
      cli.json<ErrorJson>(['balance', '--broker', 'ally', ...bob]),
    ])
    expectJsonError(show, 2, "bob: history show alice's trade")
    expectJsonError(cancel, 2, "bob: order cancel alice's order")
    expectJsonError(broker, 2, "bob: alice's broker")
    expect(await dbState(cli.home)).to.deep.equal(state)
    expect((await cli.ok<TradeJson>(['history', 'show', String(open.id), ...alice])).status).to.equal('open')
  })

  it('the same broker name in two profiles is two separate accounts', async () => {
    await cli.ok(['broker', 'add', 'ally', '--exchange', 'paper', '--balance', 'USDT=5', ...bob])
    const [a, b] = await Promise.all([
      cli.ok<BalanceJson>(['balance', '--broker', 'ally', ...alice]),
      cli.ok<BalanceJson>(['balance', '--broker', 'ally', ...bob]),
    ])
    expectDec(a.balances[0].total, 777, 'alice ally')
    expectDec(b.balances[0].total, 5, 'bob ally')
    await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.0002', '--broker', 'ally', ...alice])
    const b2 = await cli.ok<BalanceJson>(['balance', '--broker', 'ally', ...bob])
    expect(b2).to.deep.equal(b)
  })

  it('the journal rows carry their profile', async () => {
    await withDb(cli.home, async (db) => {
      const rows = await db('trades').select<{id: number; profile: string}[]>('id', 'profile')
      expect(rows.length).to.equal(3)
      for (const r of rows) expect(r.profile).to.equal('alice')
    })
  })

  it('an invalid profile name exits 2', async () => {
    expectJsonError(await cli.json<ErrorJson>(['balance', '--profile', '../etc']), 2, '--profile ../etc')
  })
})
