/**
 * `paper set-price SYMBOL PRICE` (issue 15): moving a snapshot paper market offline. The resting
 * orders the move crosses fill at their limit, with exact balances; the moved price stays for that
 * broker; live and non-paper brokers, unknown symbols and bad prices are refused with nothing changed.
 */
import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome, withJournal} from '../support/cli.js'
import {Cli, FEE_RATE, dbState, defined, expectHuman, expectJsonError} from '../support/e2e.js'
import type {BalanceJson, ErrorJson, PriceJson, TradeJson} from '../support/json.js'
import type {SetPriceJson} from '../support/json-paper.js'

describe('paper set-price (snapshot paper broker)', () => {
  const cli = new Cli(tempHome())
  let buy: TradeJson
  let sell: TradeJson
  // What the account holds, recomputed here from every fill.
  let usdt = new Decimal('10000')
  let btc = new Decimal('0.1')

  const balance = async (asset: string) => {
    const json = await cli.ok<BalanceJson>(['balance', '--all'])
    return defined(
      json.balances.find((b) => b.asset === asset),
      `the ${asset} balance`,
    )
  }

  before(async () => {
    await cli.ok(['broker', 'add', 'sp', '--exchange', 'paper', '--balance', 'USDT=10000', '--balance', 'BTC=0.1'])
    await cli.ok(['broker', 'default', 'sp'])
    const limit = (side: string, price: string, quantity: string) =>
      cli.trade([side, 'BTC/USDT', '--type', 'limit', '--price', price, '--quantity', quantity])
    // The snapshot's BTC/USDT: bid 27909.01, ask 27910.36.
    buy = await limit('buy', '27000', '0.01')
    sell = await limit('sell', '29000', '0.02')
    expect([buy.status, sell.status]).to.deep.equal(['open', 'open'])
  })

  it('a move that leaves the ask above a buy limit fills nothing: last = PRICE, bid and ask one tick around it', async () => {
    const moved = await cli.ok<SetPriceJson>(['paper', 'set-price', 'btcusdt', '27000'])
    expect(moved).to.deep.equal({
      broker: 'sp',
      symbol: 'BTC/USDT',
      last: '27000',
      bid: '26999.99',
      ask: '27000.01',
      filled: [],
    })
    const reserved = new Decimal('0.01').mul('27000').mul(FEE_RATE.plus(1))
    expect(await balance('USDT')).to.deep.include({free: usdt.minus(reserved).toFixed(), used: reserved.toFixed()})
  })

  it('a move whose ask reaches the buy limit fills it at the limit, with exact balances, journal included', async () => {
    const moved = await cli.ok<SetPriceJson>(['paper', 'set-price', 'BTC/USDT', '26999.99'])
    expect(moved).to.include({last: '26999.99', bid: '26999.98', ask: '27000'})
    const value = new Decimal('0.01').mul('27000')
    const fee = value.mul(FEE_RATE)
    expect(moved.filled).to.have.length(1)
    expect(moved.filled[0]).to.include({
      id: buy.id,
      status: 'filled',
      filled_quantity: '0.01',
      filled_price: '27000',
      filled_value: value.toFixed(),
      fees: fee.toFixed(),
      fee_currency: 'USDT',
    })
    usdt = usdt.minus(value).minus(fee)
    btc = btc.plus('0.01')
    expect(await balance('USDT')).to.deep.equal({asset: 'USDT', free: usdt.toFixed(), used: '0', total: usdt.toFixed()})
    // The resting sell still holds its 0.02 BTC.
    expect(await balance('BTC')).to.deep.equal({
      asset: 'BTC',
      free: btc.minus('0.02').toFixed(),
      used: '0.02',
      total: btc.toFixed(),
    })
    const shown = await cli.ok<TradeJson>(['history', 'show', String(buy.id)])
    expect(shown).to.include({status: 'filled', filled_price: '27000', fees: fee.toFixed()})
  })

  it('the moved price stays for that broker: price and a market order see it; other brokers keep the snapshot', async () => {
    const price = await cli.ok<PriceJson>(['price', 'BTC/USDT'])
    expect(price).to.include({last: '26999.99', bid: '26999.98', ask: '27000'})
    const other = await cli.ok<PriceJson>(['price', 'BTC/USDT', '--broker', 'paper'])
    expect(other).to.include({last: '27910.38', bid: '27909.01', ask: '27910.36'})
    const bought = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.001'])
    expect(bought).to.include({status: 'filled', filled_price: '27000'})
    const value = new Decimal('0.001').mul('27000')
    usdt = usdt.minus(value).minus(value.mul(FEE_RATE))
    btc = btc.plus('0.001')
    expect((await balance('USDT')).free).to.equal(usdt.toFixed())
  })

  it('a move whose bid reaches the sell limit fills it: the quote credited less the fee, the base released', async () => {
    const moved = await cli.ok<SetPriceJson>(['paper', 'set-price', 'BTC/USDT', '29000.01'])
    const value = new Decimal('0.02').mul('29000')
    const fee = value.mul(FEE_RATE)
    expect(moved.filled.map((t) => [t.id, t.status, t.filled_price, t.fees])).to.deep.equal([
      [sell.id, 'filled', '29000', fee.toFixed()],
    ])
    usdt = usdt.plus(value).minus(fee)
    btc = btc.minus('0.02')
    expect(await balance('USDT')).to.deep.equal({asset: 'USDT', free: usdt.toFixed(), used: '0', total: usdt.toFixed()})
    expect(await balance('BTC')).to.deep.equal({asset: 'BTC', free: btc.toFixed(), used: '0', total: btc.toFixed()})
    const human = expectHuman(await cli.run(['paper', 'set-price', 'BTC/USDT', '29100']), 'set-price (human)')
    expect(human).to.include('29100').and.include('No resting order crossed')
  })

  it('refuses (exit 2) a live-price broker, a non-paper broker, an unknown symbol and bad prices, changing nothing', async () => {
    await cli.ok([
      'broker',
      'add',
      'live',
      '--exchange',
      'paper',
      '--prices',
      'binance',
      '--api-url',
      'http://127.0.0.1:9',
    ])
    await cli.ok(['broker', 'add', 'bn', '--exchange', 'binance'])
    const state = await dbState(cli.home)
    const refusals: [string[], string, RegExp][] = [
      [['--broker', 'live'], 'PRICES_LIVE', /live binance prices/],
      [['--broker', 'bn'], 'NOT_PAPER', /not paper/],
    ]
    for (const [extra, code, message] of refusals) {
      const err = expectJsonError(
        await cli.json<ErrorJson>(['paper', 'set-price', 'BTC/USDT', '27000', ...extra]),
        2,
        code,
      )
      expect(err.code).to.equal(code)
      expect(err.message).to.match(message)
    }

    const unknown = expectJsonError(await cli.json<ErrorJson>(['paper', 'set-price', 'NOPE/USDT', '1']), 2)
    expect(unknown.code).to.equal('UNKNOWN_SYMBOL')
    for (const bad of ['abc', '-5', '0', '27000.005', '0.01', '1e5']) {
      const err = expectJsonError(await cli.json<ErrorJson>(['paper', 'set-price', 'BTC/USDT', bad]), 2, bad)
      expect(err.code, bad).to.be.oneOf(['BAD_NUMBER', 'BAD_PRICE', 'USAGE'])
    }

    expect(await dbState(cli.home)).to.deep.equal(state)
    expect(await cli.ok<PriceJson>(['price', 'BTC/USDT'])).to.include({last: '29100'})
  })

  it('a removed broker takes its moved prices with it', async () => {
    await cli.ok(['broker', 'add', 'tmp', '--exchange', 'paper'])
    await cli.ok(['paper', 'set-price', 'ETH/USDT', '1500', '--broker', 'tmp'])
    const rows = (name: string) =>
      withJournal(cli.home, async (db) => {
        const broker = await db('brokers').where({name}).first<{id: number} | undefined>('id')
        const moved = await db('paper_prices').select<{broker_id: number; symbol: string}[]>('broker_id', 'symbol')
        return {broker: broker?.id ?? null, moved}
      })
    const before = await rows('tmp')
    expect(before.moved.filter((r) => r.broker_id === before.broker).map((r) => r.symbol)).to.deep.equal(['ETH/USDT'])
    await cli.ok(['broker', 'remove', 'tmp'])
    const after = await rows('tmp')
    expect(after.broker).to.equal(null)
    expect(after.moved.filter((r) => r.broker_id === before.broker)).to.deep.equal([])
  })
})
