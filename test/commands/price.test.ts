import {expect} from 'chai'

import {tempHome} from '../support/cli.js'
import {Decimal} from 'decimal.js'

import {
  Cli,
  PRICE_KEYS,
  defined,
  expectDec,
  expectHuman,
  expectIso,
  expectJsonError,
  market,
  ticker,
} from '../support/e2e.js'
import type {ErrorJson, PriceJson} from '../support/json.js'

describe('price (paper)', () => {
  const cli = new Cli(tempHome())

  it('--json: last, bid, ask, 24h change and timestamp of the snapshot, exact', async () => {
    const json = await cli.ok<PriceJson>(['price', 'BTC/USDT'])
    const t = ticker('BTCUSDT')
    expect(json).to.have.all.keys(PRICE_KEYS)
    expect(json.broker).to.equal('paper')
    expect(json.symbol).to.equal('BTC/USDT')
    expectDec(json.last, t.last, 'last')
    expectDec(json.bid, t.bid, 'bid')
    expectDec(json.ask, t.ask, 'ask')
    expectDec(json.change_24h_pct, t.changePct, 'change_24h_pct')
    expectIso(json.timestamp)
    expect(json.timestamp).to.equal(new Date(t.closeTime).toISOString())
  })

  it('accepts a lower-case symbol, and prices other markets from the snapshot', async () => {
    const [eth, ethbtc] = await Promise.all([
      cli.ok<PriceJson>(['price', 'eth/usdt']),
      cli.ok<PriceJson>(['price', 'ETH/BTC']),
    ])
    expect(eth.symbol).to.equal('ETH/USDT')
    expectDec(eth.last, ticker('ETHUSDT').last, 'ETH last')
    // the snapshot's ask 0.062909 is off the 0.00001 tick: quoted (and filled) on it, rounded up
    expectDec(ethbtc.ask, ticker('ETHBTC').ask.toNearest(market('ETH/BTC').tick, Decimal.ROUND_CEIL), 'ETH/BTC ask')
  })

  it('human output: the four values as text, no color', async () => {
    const t = ticker('BTCUSDT')
    const out = expectHuman(await cli.run(['price', 'BTC/USDT']), 'price')
    for (const v of [t.last, t.bid, t.ask]) expect(out).to.include(v.toFixed())
    expect(out).to.include(t.changePct)
  })

  it('an unknown symbol or broker fails with a clear message, never exit 0 or 1', async () => {
    const [unknown, human, broker] = await Promise.all([
      cli.json<ErrorJson>(['price', 'NOPE/USDT']),
      cli.run(['price', 'NOPE/USDT']),
      cli.json<ErrorJson>(['price', 'BTC/USDT', '--broker', 'nosuch']),
    ])
    expect(unknown.code).to.be.oneOf([2, 3])
    expect(expectJsonError(unknown, defined(unknown.code, 'exit code'), 'price NOPE/USDT').message).to.include(
      'NOPE/USDT',
    )
    expect(human.code).to.equal(unknown.code)
    expect(human.stderr).to.include('NOPE/USDT')
    expectJsonError(broker, 2, 'price --broker nosuch')
  })

  it('no symbol: exit 2', async () => {
    expectJsonError(await cli.json<ErrorJson>(['price']), 2, 'price without SYMBOL')
  })
})
