import {expect} from 'chai'

import type {Market} from '../../src/lib/exchange/types.js'
import {MarketCache} from '../../src/lib/markets.js'
import type {Session} from '../../src/lib/session.js'
import {defined} from '../support/e2e.js'
import {freshSession} from '../support/session.js'

const summary = (symbol: string): Market => {
  const [base, quote] = symbol.split('/')
  return {symbol, id: `${base}${quote}`, base, quote, active: true} as Market
}

const raw = (...symbols: string[]) => ({
  markets: Object.fromEntries(
    symbols.map((s) => [s, {symbol: s, id: s.replace('/', ''), precision: {amount: '0.001'}}]),
  ),
  currencies: {BTC: {code: 'BTC'}, USDT: {code: 'USDT'}},
})

describe("MarketCache: one summary per exchange, the library's structure per market", () => {
  let session: Session
  let cache: MarketCache
  const HOUR = 3_600_000

  beforeEach(async () => {
    session = await freshSession()
    cache = new MarketCache(session.store)
  })
  afterEach(() => session.close())

  it('restores only the markets asked for (those the exchange lists), or every one', async () => {
    await cache.put('ex', ['BTC/USDT', 'ETH/USDT', 'ETH/BTC'].map(summary), raw('BTC/USDT', 'ETH/USDT', 'ETH/BTC'))
    const one = await cache.getRaw('ex', HOUR, ['ETH/BTC', 'NOPE/USDT'])
    expect(one).to.deep.equal({markets: {'ETH/BTC': raw('ETH/BTC').markets['ETH/BTC']}, currencies: raw().currencies})
    expect(Object.keys(defined(await cache.getRaw('ex', HOUR), 'the cache entry').markets).sort()).to.deep.equal([
      'BTC/USDT',
      'ETH/BTC',
      'ETH/USDT',
    ])
    expect(await cache.getRaw('ex', HOUR, [])).to.deep.equal({markets: {}, currencies: raw().currencies})
    expect(defined(await cache.get('ex', HOUR), 'the cache entry').markets.map((m) => m.symbol)).to.deep.equal([
      'BTC/USDT',
      'ETH/USDT',
      'ETH/BTC',
    ])
  })

  it('a new download replaces the old one whole; other exchanges are untouched', async () => {
    await cache.put('ex', ['BTC/USDT', 'ETH/USDT'].map(summary), raw('BTC/USDT', 'ETH/USDT'))
    await cache.put('other', [summary('BTC/USDT')], raw('BTC/USDT'))
    await cache.put('ex', [summary('ETH/USDT')], raw('ETH/USDT'))
    expect(Object.keys(defined(await cache.getRaw('ex', HOUR), 'the cache entry').markets)).to.deep.equal(['ETH/USDT'])
    expect(await cache.getRaw('ex', HOUR, ['BTC/USDT'])).to.deep.equal({markets: {}, currencies: raw().currencies})
    expect(Object.keys(defined(await cache.getRaw('other', HOUR), 'the cache entry').markets)).to.deep.equal([
      'BTC/USDT',
    ])
  })

  it('stores thousands of markets in one put (more rows than one insert may bind)', async () => {
    const symbols = Array.from({length: 2300}, (_, i) => `C${String(i)}/USDT`)
    await cache.put('big', symbols.map(summary), raw(...symbols))
    expect(Object.keys(defined(await cache.getRaw('big', HOUR), 'the cache entry').markets)).to.have.length(2300)
    expect(
      Object.keys(
        defined(await cache.getRaw('big', HOUR, ['C2299/USDT', 'C0/USDT']), 'the cache entry').markets,
      ).sort(),
    ).to.deep.equal(['C0/USDT', 'C2299/USDT'])
  })

  it("nothing when stale, unknown, or cached without the library's structures (the paper exchange)", async () => {
    await cache.put('ex', [summary('BTC/USDT')], raw('BTC/USDT'))
    await session.store
      .db('markets')
      .where({exchange_key: 'ex'})
      .update({fetched_at: Date.now() - 2 * HOUR})
    expect(await cache.getRaw('ex', HOUR, ['BTC/USDT'])).to.equal(null)
    expect(await cache.get('ex', HOUR)).to.equal(null)
    expect(await cache.getRaw('unknown', HOUR)).to.equal(null)
    await cache.put('paper', [summary('BTC/USDT')], null)
    expect(await cache.getRaw('paper', HOUR)).to.equal(null)
    expect(defined(await cache.get('paper', HOUR), 'the cache entry').markets).to.have.length(1)
  })
})
