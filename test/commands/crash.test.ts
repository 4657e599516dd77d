/**
 * Crash safety: a trade process killed with SIGKILL at each point of its life, against the loopback
 * Binance. Whatever the point, the exchange never holds an order the journal has no row for, and
 * `order sync` settles the row from what the exchange says. Nothing is ever sent twice.
 */
import {expect} from 'chai'
import type {ChildProcess} from 'node:child_process'

import {runCli} from '../support/cli.js'
import type {HistoryJson, SyncJson} from '../support/json.js'
import {type Desk, GOOD_ENV, closeOpened, count, expectOk, openDesk, removeHomes} from './ccxt-support.js'

describe('crash safety: trade killed with SIGKILL', function () {
  this.timeout(60_000)
  let desk: Desk

  beforeEach(async () => {
    desk = await openDesk({balances: {USDT: '1000'}})
    expectOk(await desk.td(['symbols'])) // a warm markets cache, as on a machine in use
  })
  afterEach(() => closeOpened(desk))
  after(() => {
    removeHomes()
  })

  /** Runs `trade buy BTC/USDT --quantity 0.001 --yes` and kills it when the fake sees `method path`. */
  async function tradeKilledAt(method: string, path: string, delayMs = 0) {
    let child: ChildProcess | undefined
    const stop = desk.fake.onRequest((r) => {
      if (r.method === method && r.path === path) setTimeout(() => child?.kill('SIGKILL'), delayMs)
    })
    try {
      const run = await runCli(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--json'], {
        home: desk.home,
        env: GOOD_ENV,
        binary: true,
        onSpawn: (c) => (child = c),
      })
      expect(run.signal, `${run.stdout}${run.stderr}`).to.equal('SIGKILL')
    } finally {
      stop()
    }
  }

  const trades = async () => (await desk.td<HistoryJson>(['history'])).json.trades

  it('killed while validating: no row and no order', async () => {
    await tradeKilledAt('GET', '/api/v3/account')
    expect(await trades()).to.deep.equal([])
    expect(desk.fake.orders()).to.deep.equal([])
  })

  it('killed after recording, before the order reached the exchange: pending, then failed by sync once its grace is over', async () => {
    desk.fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'hang'})
    await tradeKilledAt('POST', '/api/v3/order')
    const [row] = await trades()
    expect(row).to.include({status: 'pending'})
    expect(desk.fake.orders()).to.deep.equal([])

    // Within the grace period another process could still be sending it: left as it is.
    const early = await desk.td<SyncJson>(['order', 'sync'])
    expectOk(early)
    expect(early.json).to.deep.include({checked: 1, changed: []})
    expect(early.json.left).to.have.length(1)
    expect(early.json.left[0]).to.include({id: row.id, status: 'pending'})
    expect(early.json.left[0].reason, 'says why it was left alone').to.match(
      /grace period \(TRADEDESK_PENDING_GRACE_SECONDS\)/,
    )
    const human = await runCli(['order', 'sync'], {home: desk.home, env: GOOD_ENV})
    expect(human.stdout).to.include(
      `Left trade ${String(row.id)} (pending) as it is: not on the exchange, but recorded`,
    )

    const late = await desk.td<SyncJson>(['order', 'sync'], {...GOOD_ENV, TRADEDESK_PENDING_GRACE_SECONDS: '0'})
    expectOk(late)
    expect(late.json.changed).to.have.length(1)
    expect(late.json.changed[0]).to.include({id: row.id, status: 'failed'})
    expect(late.json.left).to.deep.equal([])
    expect(desk.fake.orders()).to.deep.equal([])
  })

  it('killed while sending, the exchange having taken the order: sync finds it by client id and records the fill', async () => {
    desk.fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'accept-then-hang'})
    await tradeKilledAt('POST', '/api/v3/order', 100)
    const [row] = await trades()
    expect(row).to.include({status: 'pending'})
    const [order] = desk.fake.orders()
    expect(order.clientOrderId).to.equal(row.client_order_id)

    const synced = await desk.td<SyncJson>(['order', 'sync'])
    expectOk(synced)
    expect(synced.json.changed[0]).to.include({
      id: row.id,
      status: 'filled',
      filled_quantity: '0.001',
      exchange_order_id: String(order.orderId),
    })
    expect(count(desk.fake.requests, 'POST', '/api/v3/order'), 'never resent').to.equal(1)
    expect(desk.fake.orders()).to.have.length(1)
  })
})
