/**
 * End to end, binary -> ccxt.binance -> fake Binance: price, balance, symbols, portfolio, and what
 * each costs in HTTP requests. Build first (`npm run build`): the binary runs dist/.
 */
import {expect} from 'chai'

import {defined} from '../support/e2e.js'
import type {BalanceJson, ErrorJson, PortfolioJson, PriceJson, SymbolsJson} from '../support/json.js'
import {
  D,
  type Desk,
  type Dec,
  canon,
  count,
  databaseFiles,
  expectOk,
  keys,
  leaksInHomes,
  onPostgres,
  openDesk,
  removeHomes,
  snapshotTicker,
} from './ccxt-support.js'

const TICKER = 'GET /api/v3/ticker/24hr'
const EXCHANGE_INFO = 'GET /api/v3/exchangeInfo'
const ACCOUNT = 'GET /api/v3/account'

describe('ccxt end to end: market data and account reads against fake Binance', function () {
  this.timeout(60_000)
  let desk: Desk
  const desks: Desk[] = []

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000', BTC: '0.5', ETH: '2.12345678'}})
    desks.push(desk)
  })
  after(async () => {
    await Promise.all(desks.map((d) => d.close()))
    removeHomes()
  })

  it('price: a cold run downloads exchangeInfo once; a warm run costs exactly 1 request (the 24h ticker)', async () => {
    const cold = await desk.td<PriceJson>(['price', 'BTC/USDT'])
    expectOk(cold)
    expect(keys(desk.since(0))).to.deep.equal([EXCHANGE_INFO, TICKER])

    const m = desk.mark()
    const warm = await desk.td<PriceJson>(['price', 'eth/usdt'])
    expectOk(warm)
    expect(keys(desk.since(m))).to.deep.equal([TICKER])
    expect(desk.since(m)[0].query).to.deep.equal({symbol: 'ETHUSDT'})

    const t = snapshotTicker('ETHUSDT')
    expect(warm.json).to.deep.include({
      broker: 'bn',
      symbol: 'ETH/USDT',
      last: canon(t.lastPrice),
      bid: canon(t.bidPrice),
      ask: canon(t.askPrice),
      change_24h_pct: canon(t.priceChangePercent),
    })
    expect(warm.json.timestamp).to.equal(new Date(Number(t.closeTime)).toISOString())
    expect(cold.json.last).to.equal(canon(snapshotTicker('BTCUSDT').lastPrice))
  })

  it('balance: exactly 1 request, exact decimal strings, zero assets hidden', async () => {
    const m = desk.mark()
    const b = await desk.td<BalanceJson>(['balance'])
    expectOk(b)
    expect(keys(desk.since(m))).to.deep.equal([ACCOUNT])
    expect(b.json).to.deep.equal({
      broker: 'bn',
      exchange: 'binance',
      prices: null,
      balances: [
        {asset: 'BTC', free: '0.5', used: '0', total: '0.5'},
        {asset: 'ETH', free: '2.12345678', used: '0', total: '2.12345678'},
        {asset: 'USDT', free: '1000', used: '0', total: '1000'},
      ],
    })
  })

  it('symbols: served from the markets cache (0 requests); --refresh downloads exchangeInfo again, once', async () => {
    let m = desk.mark()
    const s = await desk.td<SymbolsJson>(['symbols', '--search', 'btc', '--page-size', '5'])
    expectOk(s)
    expect(desk.since(m), 'a warm symbols makes no request').to.have.length(0)
    expect(s.json.symbols).to.include('BTC/USDT')
    expect(s.json.symbols.every((x) => x.endsWith('/USDT') && x.includes('BTC'))).to.equal(true)
    expect(s.json).to.include({broker: 'bn', page: 1, page_size: 5})
    expect(s.json.total).to.be.greaterThan(0)
    expect(s.json.symbols).to.have.length(Math.min(5, s.json.total))
    expect(s.json.has_next).to.equal(s.json.total > 5)
    expect(
      count(desk.fake.requests, 'GET', '/api/v3/exchangeInfo'),
      'downloaded once across price, balance, symbols',
    ).to.equal(1)

    m = desk.mark()
    const r = await desk.td<SymbolsJson>(['symbols', '--refresh', '--all', '--search', 'eth/btc'])
    expectOk(r)
    expect(keys(desk.since(m))).to.deep.equal([EXCHANGE_INFO])
    expect(r.json.symbols).to.include('ETH/BTC')

    m = desk.mark()
    expectOk(await desk.td(['price', 'BTC/USDT']))
    expect(keys(desk.since(m)), 'the refreshed cache serves the next command').to.deep.equal([TICKER])
    expect(count(desk.fake.requests, 'GET', '/api/v3/exchangeInfo')).to.equal(2)
  })

  it('a garbled exchangeInfo on a cold cache: exit 5, zero markets never cached; the next run downloads them again', async () => {
    const d = await openDesk({balances: {USDT: '1000'}})
    desks.push(d)
    d.fake.injectFault({method: 'GET', path: '/api/v3/exchangeInfo', kind: 'malformed-json'})
    const bad = await d.td<ErrorJson>(['price', 'BTC/USDT'])
    expect(bad.code, bad.stdout).to.equal(5)
    expect(bad.json.error.retryable).to.equal(true)
    const good = await d.td<PriceJson>(['price', 'BTC/USDT'])
    expectOk(good)
    expect(good.json.last).to.equal(canon(snapshotTicker('BTCUSDT').lastPrice))
    expect(count(d.fake.requests, 'GET', '/api/v3/exchangeInfo')).to.equal(2)
  })

  describe('portfolio: at most 2 requests whatever the number of assets, exact USD values', () => {
    const COINS =
      'BTC ETH BNB XRP ADA DOGE SOL DOT LTC LINK TRX AVAX MATIC ATOM UNI XLM ETC FIL NEAR APT ALGO VET ICP SAND MANA AAVE EOS XTZ THETA'.split(
        ' ',
      )
    /** 8-decimal quantities that are not round numbers: (i+1)/7 truncated */
    const qty = (i: number) => new D(i + 1).div(7).toDecimalPlaces(8, D.ROUND_DOWN)

    interface Case {
      name: string
      balances: Record<string, string>
      unpriced: string[]
    }
    const cases: Case[] = [
      {name: '1 asset (BTC)', balances: {BTC: '0.5'}, unpriced: []},
      {
        name: '10 assets, 2 of them without a USD price (ARB: listed, never traded; NOPE: no market)',
        balances: {
          USDT: '250.5',
          ...Object.fromEntries(COINS.slice(0, 7).map((c, i) => [c, qty(i).toFixed()])),
          ARB: '12',
          NOPE: '3',
        },
        unpriced: ['ARB', 'NOPE'],
      },
      {
        name: '30 assets',
        balances: {USDT: '1000', ...Object.fromEntries(COINS.map((c, i) => [c, qty(i).toFixed()]))},
        unpriced: [],
      },
    ]

    const results = new Map<string, {json: PortfolioJson; requests: string[]}>()
    before(async function () {
      this.timeout(60_000)
      await Promise.all(
        cases.map(async (c) => {
          const d = await openDesk({balances: c.balances})
          desks.push(d)
          expectOk(await d.td(['symbols', '--page-size', '1'])) // warm the markets cache
          const m = d.mark()
          const p = await d.td<PortfolioJson>(['portfolio'])
          expectOk(p)
          results.set(c.name, {json: p.json, requests: keys(d.since(m))})
        }),
      )
    })

    for (const c of cases) {
      it(c.name, () => {
        const {json, requests} = defined(results.get(c.name), `the portfolio of ${c.name}`)
        expect(requests.length, requests.join(', ')).to.be.at.most(2)
        expect(requests.filter((r) => r === ACCOUNT)).to.have.length(1)
        expect(requests).to.not.include(EXCHANGE_INFO)

        const priced: {asset: string; quantity: Dec; price: Dec}[] = []
        for (const [asset, q] of Object.entries(c.balances)) {
          if (c.unpriced.includes(asset)) continue
          const price = asset === 'USDT' ? new D(1) : new D(snapshotTicker(`${asset}USDT`).lastPrice)
          priced.push({asset, quantity: new D(q), price})
        }

        const total = priced.reduce((s, p) => s.plus(p.quantity.mul(p.price)), new D(0))
        expect(json.broker).to.equal('bn')
        expect(json.total_value_usd).to.equal(canon(total))
        // Allocations to the cent that add up to 100: floored, then the cents left go to the largest remainders.
        const byValue = [...priced].sort(
          (a, b) => b.quantity.mul(b.price).cmp(a.quantity.mul(a.price)) || a.asset.localeCompare(b.asset),
        )
        const exact = byValue.map((p) => p.quantity.mul(p.price).div(total).mul(100))
        const pct = exact.map((e) => e.toDecimalPlaces(2, D.ROUND_DOWN))
        let cents = new D(100)
          .minus(pct.reduce((sum, x) => sum.plus(x), new D(0)))
          .mul(100)
          .toNumber()
        for (const i of exact
          .map((_, i) => i)
          .sort((i, j) => exact[j].minus(pct[j]).cmp(exact[i].minus(pct[i])) || i - j)) {
          if (cents-- <= 0) break
          pct[i] = pct[i].plus('0.01')
        }

        const expected = byValue
          .map((p, i) => {
            const value = p.quantity.mul(p.price)
            return {
              asset: p.asset,
              quantity: canon(p.quantity),
              price_usd: canon(p.price),
              value_usd: canon(value),
              allocation_pct: canon(pct[i]),
              avg_cost_usd: null,
              unrealized_pnl_usd: null,
              // funded on the exchange, never bought through the journal: its cost is unknown (USDT has none)
              unknown_cost_quantity: p.asset === 'USDT' ? null : canon(p.quantity),
            }
          })
          .sort((a, b) => a.asset.localeCompare(b.asset))
        expect(expected.reduce((sum, x) => sum.plus(x.allocation_pct), new D(0)).toFixed()).to.equal('100')
        const got = [...json.positions].sort((a, b) => a.asset.localeCompare(b.asset))
        expect(got).to.deep.equal(expected)
        // largest holding first
        const values = json.positions.map((p) => new D(defined(p.value_usd, `the value of ${p.asset}`)))
        for (let i = 1; i < values.length; i++) expect(values[i - 1].gte(values[i])).to.equal(true)
        expect(json.unpriced).to.have.deep.members(
          c.unpriced.map((asset) => ({asset, quantity: canon(c.balances[asset])})),
        )
      })
    }
  })

  describe('afterwards', () => {
    it('no credential in any output (checked per run) nor in the bytes of the SQLite files', () => {
      if (!onPostgres()) expect(databaseFiles().length).to.be.greaterThan(0)
      expect(leaksInHomes()).to.deep.equal([])
    })
  })
})
