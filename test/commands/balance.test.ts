import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {runJson, tempHome} from '../support/cli.js'
import {
  Cli,
  FEE_RATE,
  START_USDT,
  defined,
  expectBalanceJson,
  expectDec,
  expectHuman,
  expectJsonError,
  market,
  ticker,
  truncate,
} from '../support/e2e.js'
import type {BalanceJson, ErrorJson, HistoryJson} from '../support/json.js'

describe('balance (paper)', () => {
  const cli = new Cli(tempHome())

  it('a new profile has the built-in paper broker with 10000 USDT, exact keys and types', async () => {
    const json = await cli.ok<BalanceJson>(['balance'])
    expectBalanceJson(json, 'paper', 'paper')
    expect(json.balances).to.have.length(1)
    expect(json.balances[0].asset).to.equal('USDT')
    expectDec(json.balances[0].free, START_USDT, 'USDT free')
    expectDec(json.balances[0].used, 0, 'USDT used')
    expectDec(json.balances[0].total, START_USDT, 'USDT total')
  })

  it('human output is a table with the same numbers, no color when piped', async () => {
    const out = expectHuman(await cli.run(['balance']), 'balance')
    const lines = out.trim().split('\n')
    expect(lines[0]).to.match(/Asset\s+Free\s+Used\s+Total/)
    const usdt = lines.find((l) => l.trim().startsWith('USDT'))
    const cells = defined(usdt, 'a USDT row').trim().split(/\s+/)
    expect(cells.slice(1).map((c) => new Decimal(c).toFixed())).to.deep.equal([
      START_USDT.toFixed(),
      '0',
      START_USDT.toFixed(),
    ])
  })

  it('hides zero balances unless --all, and agrees with the fills exactly', async () => {
    await cli.ok(['broker', 'add', 'bal0', '--exchange', 'paper'])
    const m = market('BTC/USDT')
    const t = ticker('BTCUSDT')
    const qty = truncate('0.00123', m.step)
    const buy = await cli.trade(['buy', 'BTC/USDT', '--quantity', qty.toFixed(), '--broker', 'bal0'])
    const sell = await cli.trade(['sell', 'BTC/USDT', '--quantity', qty.toFixed(), '--broker', 'bal0'])
    expectDec(buy.filled_price, t.ask, 'buy fill price')
    expectDec(sell.filled_price, t.bid, 'sell fill price')

    const json = await cli.ok<BalanceJson>(['balance', '--broker', 'bal0'])
    expectBalanceJson(json, 'bal0')
    expect(
      json.balances.map((b) => b.asset),
      'BTC is back to 0: hidden',
    ).to.deep.equal(['USDT'])
    const spent = new Decimal(defined(buy.filled_quantity, 'buy filled_quantity'))
      .mul(defined(buy.filled_price, 'buy filled_price'))
      .plus(defined(buy.fees, 'buy fees'))
    const received = new Decimal(defined(sell.filled_quantity, 'sell filled_quantity'))
      .mul(defined(sell.filled_price, 'sell filled_price'))
      .minus(defined(sell.fees, 'sell fees'))
    expectDec(json.balances[0].free, START_USDT.minus(spent).plus(received), 'USDT after a round trip')
    // and the same from the market data alone
    const fromBook = START_USDT.minus(qty.mul(t.ask).mul(FEE_RATE.plus(1))).plus(
      qty.mul(t.bid).mul(new Decimal(1).minus(FEE_RATE)),
    )
    expectDec(json.balances[0].free, fromBook, 'USDT after a round trip, from the book')

    const all = await cli.ok<BalanceJson>(['balance', '--broker', 'bal0', '--all'])
    expectBalanceJson(all, 'bal0')
    const btc = all.balances.find((b) => b.asset === 'BTC')
    expect(btc, '--all lists the zero BTC balance').to.not.equal(undefined)
    expectDec(btc?.total, 0, 'BTC total')
  })

  it('a paper broker added with --balance starts with exactly those balances', async () => {
    await cli.ok(['broker', 'add', 'bal1', '--exchange', 'paper', '--balance', 'USDT=500', '--balance', 'BTC=0.1'])
    const json = await cli.ok<BalanceJson>(['balance', '--broker', 'bal1'])
    expectBalanceJson(json, 'bal1')
    const byAsset = Object.fromEntries(json.balances.map((b) => [b.asset, b]))
    expect(Object.keys(byAsset).sort()).to.deep.equal(['BTC', 'USDT'])
    expectDec(byAsset.USDT.free, 500, 'USDT free')
    expectDec(byAsset.BTC.free, '0.1', 'BTC free')
    expectDec(byAsset.BTC.used, 0, 'BTC used')
  })

  it('--broker unknown exits 2 with the envelope; TRADEDESK_BROKER selects a broker', async () => {
    const err = expectJsonError(
      await cli.json<ErrorJson>(['balance', '--broker', 'nosuch']),
      2,
      'balance --broker nosuch',
    )
    expect(err.message).to.include('nosuch')
    const viaEnv = await cli.ok<BalanceJson>(['balance'], {TRADEDESK_BROKER: 'bal1'})
    expect(viaEnv.broker).to.equal('bal1')
  })

  it('several processes starting at once on a new home all succeed, and the home keeps working', async () => {
    // SPEC: migrations apply themselves on first use, safely when several processes start at once.
    // A race, so several fresh homes are tried; each must answer every process, then a later one.
    for (let trial = 0; trial < 2; trial++) {
      const home = tempHome()
      const results = await Promise.all(
        Array.from({length: 4}, () => runJson<BalanceJson>(['balance'], {home, binary: true})),
      )
      results.forEach((r, i) => expect(r.code, `trial ${String(trial)}, process ${String(i)}: ${r.stdout}`).to.equal(0))
      for (const r of results) expectDec(r.json.balances[0].total, START_USDT, 'USDT total')
      const later = await runJson<HistoryJson>(['history'], {home})
      expect(later.code, `trial ${String(trial)}, a later command: ${later.stdout}`).to.equal(0)
    }
  })
})
