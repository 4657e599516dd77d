import {expect} from 'chai'
import ccxt, {type Exchange} from 'ccxt'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  EXCHANGE_INFO_BOOL_KEYS,
  EXCHANGE_INFO_KEYS,
  expectHuman,
  expectHumanError,
  defined,
  expectJsonError,
} from '../support/e2e.js'
import type {ErrorJson, ExchangeInfoJson, ExchangeListJson} from '../support/json.js'

/** CCXT's `has` of an exchange class, as the SPEC's source of truth. */
function has(id: string): Record<string, unknown> {
  // ccxt's default export holds its exchange classes by id, beside its other members.
  const Exchange = (ccxt as unknown as Record<string, new () => Exchange>)[id]
  return new Exchange().has
}

const works = (v: unknown) => v === true || v === 'emulated'

function expectInfo(json: ExchangeInfoJson, id: string): void {
  expect(json).to.have.all.keys(EXCHANGE_INFO_KEYS)
  expect(json.exchange).to.equal(id)
  expect(json.name).to.be.a('string').and.not.equal('')
  if (json.rate_limit !== null) expect(json.rate_limit).to.be.a('number')
  for (const k of EXCHANGE_INFO_BOOL_KEYS) expect(json[k], k).to.be.a('boolean')
}

describe('exchange-info', () => {
  const cli = new Cli(tempHome())

  it('binance --json: the SPEC keys, booleans, values from CCXT has', async () => {
    const json = await cli.ok<ExchangeInfoJson>(['exchange-info', 'binance'])
    expectInfo(json, 'binance')
    const h = has('binance')
    expect(json.name).to.equal('Binance')
    expect(json.rate_limit).to.equal(new ccxt.binance().rateLimit)
    expect(json.spot_trading).to.equal(works(h.spot))
    expect(json.margin_trading).to.equal(works(h.margin))
    expect(json.options_trading).to.equal(works(h.option))
    expect(json.market_orders).to.equal(works(h.createMarketOrder))
    expect(json.limit_orders).to.equal(works(h.createLimitOrder))
    expect(json.fetch_balance).to.equal(works(h.fetchBalance))
    expect(json.fetch_ticker).to.equal(works(h.fetchTicker))
    expect(json.fetch_order_book).to.equal(works(h.fetchOrderBook))
    expect(json.fetch_ohlcv).to.equal(works(h.fetchOHLCV))
    expect(json.fetch_open_orders).to.equal(works(h.fetchOpenOrders))
    expect(json.cancel_order).to.equal(works(h.cancelOrder))
    expect(json.cancel_all_orders).to.equal(works(h.cancelAllOrders))
    expect(json.sandbox).to.equal(works(h.sandbox))
    expect(json.cors).to.equal(works(h.CORS))
  })

  it('kraken --json and its human view, grouped as the SPEC says', async () => {
    const [json, human] = await Promise.all([
      cli.ok<ExchangeInfoJson>(['exchange-info', 'kraken']),
      cli.run(['exchange-info', 'kraken']),
    ])
    expectInfo(json, 'kraken')
    const h = has('kraken')
    expect(json.fetch_orders).to.equal(works(h.fetchOrders))
    expect(json.futures_trading).to.equal(works(h.future) || works(h.swap))
    const out = expectHuman(human, 'exchange-info kraken')
    for (const group of ['trading types', 'order types', 'system', 'market data', 'order management']) {
      expect(out.toLowerCase(), `group ${group}`).to.include(group)
    }

    expect(out).to.include('Kraken')
  })

  it('paper: the simulated exchange, spot market and limit orders, no futures', async () => {
    const [named, byDefault] = await Promise.all([
      cli.ok<ExchangeInfoJson>(['exchange-info', 'paper']),
      cli.ok<ExchangeInfoJson>(['exchange-info']),
    ])
    expectInfo(named, 'paper')
    expect(named.spot_trading).to.equal(true)
    expect(named.market_orders).to.equal(true)
    expect(named.limit_orders).to.equal(true)
    expect(named.fetch_balance).to.equal(true)
    expect(named.cancel_order).to.equal(true)
    expect(named.futures_trading).to.equal(false)
    expect(byDefault, 'without an argument: the default broker (paper)').to.deep.equal(named)
  })

  it("without an argument it describes --broker's exchange", async () => {
    await cli.ok(['broker', 'add', 'bn', '--exchange', 'binance'])
    const json = await cli.ok<ExchangeInfoJson>(['exchange-info', '--broker', 'bn'])
    expect(json.exchange).to.equal('binance')
  })

  it('--raw adds raw_has, CCXT has as it is', async () => {
    const json = await cli.ok<ExchangeInfoJson>(['exchange-info', 'binance', '--raw'])
    expect(json).to.have.all.keys([...EXCHANGE_INFO_KEYS, 'raw_has'])
    expect(json.raw_has).to.deep.equal(JSON.parse(JSON.stringify(has('binance'))))
    const paper = await cli.ok<ExchangeInfoJson>(['exchange-info', 'paper', '--raw'])
    expect(paper.raw_has).to.be.an('object')
    expect(defined(paper.raw_has, 'raw_has').createOrder).to.equal(true)
  })

  it('--list: every exchange id CCXT supports, binance among them', async () => {
    const [json, human] = await Promise.all([
      cli.ok<ExchangeListJson>(['exchange-info', '--list']),
      cli.run(['exchange-info', '--list']),
    ])
    expect(json).to.have.all.keys('exchanges')
    expect(json.exchanges).to.include('binance')
    expect(json.exchanges).to.include('kraken')
    expect(json.exchanges).to.have.members(ccxt.exchanges)
    const lines = expectHuman(human, 'exchange-info --list')
      .trim()
      .split('\n')
      .map((l) => l.trim())
    expect(lines).to.include('binance')
  })

  it('an unknown exchange id exits 2 with a message', async () => {
    const [json, human, traversal] = await Promise.all([
      cli.json<ErrorJson>(['exchange-info', 'notanexchange']),
      cli.run(['exchange-info', 'notanexchange']),
      cli.json<ErrorJson>(['exchange-info', '../binance']),
    ])
    expect(expectJsonError(json, 2, 'exchange-info notanexchange').message).to.include('notanexchange')
    expectHumanError(human, 2, 'exchange-info notanexchange (human)')
    expectJsonError(traversal, 2, 'exchange-info ../binance')
  })
})
