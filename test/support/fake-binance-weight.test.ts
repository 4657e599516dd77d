/**
 * The fake Binance's opt-in request-weight limit, as Binance documents it: the weight used in the
 * current window on every answer (X-MBX-USED-WEIGHT-1M), HTTP 429 with code -1003 and Retry-After
 * once over the limit, a fresh allowance in the next window; and how the real ccxt.binance class
 * reads that 429.
 */
import {expect} from 'chai'

import {type FakeBinance, startFakeBinance} from './fake-binance.js'

describe('fake-binance: request-weight limit (opt-in)', () => {
  let fake: FakeBinance | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  const get = (f: FakeBinance, path: string) => fetch(`${f.url}${path}`)

  it('off by default: no weight header, no 429', async () => {
    fake = await startFakeBinance()
    for (let i = 0; i < 5; i++) {
      const r = await get(fake, '/api/v3/exchangeInfo')
      expect(r.status).to.equal(200)
      expect(r.headers.get('x-mbx-used-weight-1m')).to.equal(null)
    }

    expect(fake.throttled()).to.equal(0)
  })

  it('counts documented weights per window, answers 429 -1003 over the limit, and starts again in the next window', async () => {
    fake = await startFakeBinance({weightLimit: {limit: 10, windowMs: 60_000}})
    const used: string[] = []
    for (const path of ['/api/v3/ticker/24hr?symbol=BTCUSDT', '/api/v3/ping', '/api/v3/ticker/24hr?symbol=ETHUSDT']) {
      const r = await get(fake, path)
      expect(r.status).to.equal(200)
      used.push(r.headers.get('x-mbx-used-weight-1m') ?? '')
    }

    expect(used).to.deep.equal(['2', '3', '5'])
    const over = await get(fake, '/api/v3/exchangeInfo') // weight 20
    expect(over.status).to.equal(429)
    expect(over.headers.get('x-mbx-used-weight-1m')).to.equal('25')
    expect(Number(over.headers.get('retry-after'))).to.be.within(1, 60)
    expect(await over.json()).to.include({code: -1003})
    expect(fake.throttled()).to.equal(1)

    const second = await startFakeBinance({weightLimit: {limit: 3, windowMs: 300}})
    try {
      expect((await get(second, '/api/v3/ticker/24hr?symbol=BTCUSDT')).headers.get('x-mbx-used-weight-1s')).to.equal(
        '2',
      )
      const start = Date.now()
      // over the limit, unless it landed in the next window: either way, a window later one passes
      await get(second, '/api/v3/ticker/24hr?symbol=BTCUSDT')
      await new Promise((done) => setTimeout(done, 300 - ((Date.now() - start) % 300) + 20))
      expect((await get(second, '/api/v3/ticker/24hr?symbol=BTCUSDT')).status).to.equal(200)
    } finally {
      await second.close()
    }
  })

  it('setWeightLimit: lifted for a setup, then set from now on', async () => {
    fake = await startFakeBinance()
    expect((await get(fake, '/api/v3/exchangeInfo')).status).to.equal(200)
    fake.setWeightLimit({limit: 2, windowMs: 60_000})
    expect((await get(fake, '/api/v3/ticker/24hr?symbol=BTCUSDT')).status).to.equal(200)
    expect((await get(fake, '/api/v3/ticker/24hr?symbol=BTCUSDT')).status).to.equal(429)
    fake.setWeightLimit(null)
    expect((await get(fake, '/api/v3/exchangeInfo')).status).to.equal(200)
    expect(fake.throttled()).to.equal(1)
  })

  it('the real ccxt.binance reads the 429 as DDoSProtection', async () => {
    fake = await startFakeBinance({weightLimit: {limit: 1}})
    const {default: Binance} = (await import(new URL('./src/binance.js', import.meta.resolve('ccxt')).href)) as {
      default: new (config: Record<string, unknown>) => {
        urls: {api: Record<string, string>}
        fetchTicker(s: string): Promise<unknown>
        loadMarkets(): Promise<unknown>
      }
    }
    const exchange = new Binance({options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false}})
    const url = fake.url
    for (const key of Object.keys(exchange.urls.api))
      exchange.urls.api[key] = exchange.urls.api[key].replace(/^https?:\/\/[^/]+/, url)
    let error: unknown
    try {
      await exchange.loadMarkets()
    } catch (e) {
      error = e
    }

    expect((error as Error).constructor.name).to.equal('DDoSProtection')
    expect(fake.throttled()).to.equal(1)
  })
})
