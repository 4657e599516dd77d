/**
 * `price SYMBOL...`: several symbols in one batch request, answered in the order asked; one symbol
 * exactly as before; an unknown symbol refused before any request. On the paper exchange, and on the
 * real ccxt.binance class against the loopback Binance (which counts the requests).
 */
import {expect} from 'chai'

import {tempHome} from '../support/cli.js'
import {Cli, PRICE_KEYS, expectDec, expectJsonError, ticker} from '../support/e2e.js'
import type {ErrorJson, PriceJson} from '../support/json.js'
import type {PricesJson} from '../support/json-gateway.js'
import {
  type Desk,
  closeOpened,
  expectError,
  expectOk,
  keys,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

describe('price with several symbols (paper)', () => {
  const cli = new Cli(tempHome())

  it('--json: {broker, prices} in the order given, each the one-symbol object, any spelling', async () => {
    const json = await cli.ok<PricesJson>(['price', 'eth/usdt', 'BTCUSDT', 'ETH-BTC', 'BTC/USDT'])
    expect(json).to.have.all.keys('broker', 'prices')
    expect(json.broker).to.equal('paper')
    expect(json.prices.map((p) => p.symbol)).to.deep.equal(['ETH/USDT', 'BTC/USDT', 'ETH/BTC', 'BTC/USDT'])
    for (const p of json.prices) expect(p).to.have.all.keys(PRICE_KEYS)
    const one = await cli.ok<PriceJson>(['price', 'ETH/USDT'])
    expect(json.prices[0], 'the same object as `price ETH/USDT`').to.deep.equal(one)
    expectDec(json.prices[1].last, ticker('BTCUSDT').last, 'BTC last')
  })

  it('human output: a table, one row per symbol in the order given', async () => {
    const r = await cli.run(['price', 'ETH/USDT', 'BTC/USDT'])
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^Symbol\s+Last\s+Bid\s+Ask/)
    expect(lines[1]).to.match(/^ETH\/USDT\s/)
    expect(lines[2]).to.match(/^BTC\/USDT\s/)
    expect(lines.at(-1)).to.match(/^prices: /)
  })

  it('an unknown symbol anywhere in the list: exit 2, naming it', async () => {
    const r = await cli.json<ErrorJson>(['price', 'BTC/USDT', 'NOPE/USDT'])
    expect(expectJsonError(r, 2, 'price BTC/USDT NOPE/USDT').message).to.include('NOPE/USDT')
  })
})

describe('price with several symbols (loopback Binance)', function () {
  this.timeout(60_000)
  let desk: Desk

  before(async () => {
    desk = await openDesk()
    expectOk(await desk.td(['symbols'])) // a warm markets cache
  })
  after(async () => {
    await closeOpened(desk)
    removeHomes()
  })

  it('one batch request for all of them, the answers in the order given', async () => {
    const mark = desk.mark()
    const r = await desk.td<PricesJson>(['price', 'SOL/USDT', 'BTC/USDT', 'ETH/USDT'])
    expectOk(r)
    expect(keys(desk.since(mark))).to.deep.equal(['GET /api/v3/ticker/24hr'])
    const [request] = desk.since(mark)
    expect(JSON.parse(request.query.symbols)).to.have.members(['SOLUSDT', 'BTCUSDT', 'ETHUSDT'])
    expect(r.json.prices.map((p) => p.symbol)).to.deep.equal(['SOL/USDT', 'BTC/USDT', 'ETH/USDT'])
    for (const [i, id] of ['SOLUSDT', 'BTCUSDT', 'ETHUSDT'].entries())
      expectDec(r.json.prices[i].last, snapshotTicker(id).lastPrice, id)
  })

  it('one symbol: the object of before, from one ticker request', async () => {
    const mark = desk.mark()
    const r = await desk.td<PriceJson>(['price', 'BTC/USDT'])
    expectOk(r)
    expect(r.json).to.have.all.keys(PRICE_KEYS)
    expect(keys(desk.since(mark))).to.deep.equal(['GET /api/v3/ticker/24hr'])
    expect(desk.since(mark)[0].query).to.include({symbol: 'BTCUSDT'})
  })

  it('an unknown symbol: exit 2 and no request at all', async () => {
    const mark = desk.mark()
    const r = await desk.td(['price', 'BTC/USDT', 'NOPE/USDT'])
    expectError(r, 2, 'UNKNOWN_SYMBOL')
    expect(desk.since(mark)).to.deep.equal([])
  })
})
