import {expect} from 'chai'

import type {Broker} from '../../src/lib/brokers.js'
import {NO_LIMITS} from '../../src/lib/limits.js'
import type {Market} from '../../src/lib/exchange/types.js'
import {SNAPSHOT_ID} from '../../src/lib/exchange/snapshot.js'
import {MarketCache, type MarketListing, marketsCacheKey, paperMarketsKey} from '../../src/lib/markets.js'
import {Session} from '../../src/lib/session.js'
import {type SymbolQuery, brokerSymbols, listSymbols} from '../../src/lib/symbols.js'
import {databaseEnv, tempHome} from '../support/cli.js'

const summary = (symbol: string, active = true): Market => {
  const [base, quote] = symbol.split('/')
  return {symbol, id: `${base}${quote}`, base, quote, active} as Market
}

const bySymbol = (a: MarketListing, b: MarketListing) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)

describe('MarketCache.listing: each market one row (symbol, quote, tradable), read without the summary', () => {
  let session: Session
  let cache: MarketCache
  const HOUR = 3_600_000

  beforeEach(async () => {
    session = await Session.open({profile: 'tester', env: await databaseEnv(tempHome())})
    cache = new MarketCache(session.store)
  })
  afterEach(() => session.close())

  it('every market, or those of the quotes asked for; none of a quote the exchange lists none in', async () => {
    await cache.put('ex', [summary('BTC/USDT'), summary('ETH/BTC', false), summary('ETH/USDT')], null)
    expect((await cache.listing('ex', HOUR))?.sort(bySymbol)).to.deep.equal([
      {symbol: 'BTC/USDT', quote: 'USDT', active: true},
      {symbol: 'ETH/BTC', quote: 'BTC', active: false},
      {symbol: 'ETH/USDT', quote: 'USDT', active: true},
    ])
    expect((await cache.listing('ex', HOUR, ['USDT', 'EUR']))?.map((m) => m.symbol).sort()).to.deep.equal([
      'BTC/USDT',
      'ETH/USDT',
    ])
    expect(await cache.listing('ex', HOUR, ['EUR'])).to.deep.equal([])
  })

  it('nothing when unknown or stale, or when the summary was replaced without its rows', async () => {
    await cache.put('ex', [summary('BTC/USDT')], null)
    expect(await cache.listing('unknown', HOUR)).to.equal(null)
    // Another version of tradedesk downloads again, writing only the summary: its rows are not these.
    await session.store
      .db('markets')
      .where({exchange_key: 'ex'})
      .update({fetched_at: Date.now() - 1})
    expect(await cache.listing('ex', HOUR)).to.equal(null)
    expect(await cache.listing('ex', HOUR, ['USDT'])).to.equal(null)
    await cache.put('ex', [summary('BTC/USDT')], null)
    const before = Date.now() - 2 * HOUR
    await session.store.db('markets').where({exchange_key: 'ex'}).update({fetched_at: before})
    await session.store.db('market_symbols').where({exchange_key: 'ex'}).update({fetched_at: before})
    expect(await cache.listing('ex', HOUR)).to.equal(null)
    expect(await cache.listing('ex', 3 * HOUR)).to.have.length(1)
  })

  it('a new download replaces the rows whole; other exchanges are untouched; thousands in one put', async () => {
    const many = Array.from({length: 2300}, (_, i) => summary(`C${String(i)}/USDT`))
    await cache.put('ex', many, null)
    await cache.put('other', [summary('BTC/USDT')], null)
    expect(await cache.listing('ex', HOUR)).to.have.length(2300)
    await cache.put('ex', [summary('ETH/USDT', false)], null)
    expect(await cache.listing('ex', HOUR)).to.deep.equal([{symbol: 'ETH/USDT', quote: 'USDT', active: false}])
    expect(await cache.listing('other', HOUR)).to.deep.equal([{symbol: 'BTC/USDT', quote: 'USDT', active: true}])
  })

  it('a cache warmed before the table existed is listed once migrated', async () => {
    const env = await databaseEnv(tempHome())
    const first = await Session.open({profile: 'tester', env})
    await new MarketCache(first.store).put('ex', [summary('BTC/USDT'), summary('ETH/BTC', false)], null)
    // As the journal was before the migration: no table, the migration not applied.
    await first.store.db.schema.dropTable('market_symbols')
    await first.store.db('knex_migrations').where({name: '20261204000002_market_symbols'}).delete()
    await first.close()
    const second = await Session.open({profile: 'tester', env})
    try {
      expect((await new MarketCache(second.store).listing('ex', HOUR))?.sort(bySymbol)).to.deep.equal([
        {symbol: 'BTC/USDT', quote: 'USDT', active: true},
        {symbol: 'ETH/BTC', quote: 'BTC', active: false},
      ])
    } finally {
      await second.close()
    }
  })
})

describe('brokerSymbols: the same page from the rows of a warm cache as from the markets', () => {
  const queries: SymbolQuery[] = [
    {quotes: ['USDT'], page: 1, pageSize: 100},
    {quotes: ['USDT'], search: 'btc', page: 1, pageSize: 100},
    {quotes: null, search: ' Doge ', page: 1, pageSize: 5000},
    {quotes: ['BTC', 'ETH'], page: 3, pageSize: 7},
    {quotes: ['USDC'], search: 'zzzz', page: 1, pageSize: 10},
    {quotes: null, search: 'arb', page: 2, pageSize: 1},
  ]

  it('the paper exchange: its cache entry is the one listed, and every page is the same', async () => {
    const session = await Session.open({profile: 'tester', env: await databaseEnv(tempHome())})
    try {
      const paper = await session.broker('paper')
      const cache = new MarketCache(session.store)
      expect(await cache.listing(paperMarketsKey(SNAPSHOT_ID), Number.POSITIVE_INFINITY)).to.equal(null)
      // A cold cache: the markets, as any command gets them (which warms the cache).
      const cold = await brokerSymbols(session, paper, queries[0])
      const markets = await session.markets(paper)
      expect(cold).to.deep.equal(listSymbols(markets, queries[0]))
      expect(await cache.listing(paperMarketsKey(SNAPSHOT_ID), Number.POSITIVE_INFINITY)).to.have.length(markets.length)
      for (const q of queries) {
        expect(await brokerSymbols(session, paper, q), JSON.stringify(q)).to.deep.equal(listSymbols(markets, q))
      }
    } finally {
      await session.close()
    }
  })

  it('a warm cache is listed from its rows: the summary is not read', async () => {
    const env = await databaseEnv(tempHome())
    const first = await Session.open({profile: 'tester', env})
    const expected = listSymbols(await first.markets(await first.broker('paper')), queries[1])
    await first.store.db('markets').update({summary: '[]'})
    await first.close()
    const session = await Session.open({profile: 'tester', env})
    try {
      expect(await brokerSymbols(session, await session.broker('paper'), queries[1])).to.deep.equal(expected)
    } finally {
      await session.close()
    }
  })

  it("a real exchange's warm cache, under its own key and freshness", async () => {
    const session = await Session.open({profile: 'tester', env: await databaseEnv(tempHome())})
    try {
      const broker: Broker = {
        id: 99,
        name: 'bn',
        exchange: 'binance',
        sandbox: false,
        apiUrl: 'http://127.0.0.1:1',
        options: {},
        isDefault: false,
        limits: NO_LIMITS,
        prices: null,
      }
      const markets = [summary('BTC/USDT'), summary('DOGE/USDT', false), summary('DOGE/BTC'), summary('ETH/BTC')]
      await new MarketCache(session.store).put(marketsCacheKey(broker), markets, null)
      await session.store.db('markets').update({summary: '[]'})
      for (const q of queries) {
        expect(await brokerSymbols(session, broker, q), JSON.stringify(q)).to.deep.equal(listSymbols(markets, q))
      }
    } finally {
      await session.close()
    }
  })
})
