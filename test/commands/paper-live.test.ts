/**
 * Paper trading on live prices (issue 15), end to end: `broker add --exchange paper --prices binance`
 * pointed by --api-url at the loopback fake Binance, the real ccxt.binance class reading its public
 * market data, and the paper account in the journal's database. No key is configured anywhere.
 */
import {expect} from 'chai'

import {type FakeBinance, startFakeBinance} from '../support/fake-binance.js'
import {type CliResult, runCli, tempHome} from '../support/cli.js'
import {D, canon, closeOpened} from './ccxt-support.js'
import {defined} from '../support/e2e.js'
import type {BrokerAddJson, ErrorJson, OrderListJson, SymbolsJson, SyncJson, TradeJson} from '../support/json.js'
import type {
  PricedBalanceJson,
  PricedBrokerListJson,
  PricedPortfolioJson,
  PricedPriceJson,
} from '../support/json-paper.js'

/**
 * Binance's public market-data endpoints (binance-spot-api-docs, rest-api.md "Market Data endpoints",
 * security type NONE) and the general ones (ping, time, exchangeInfo). historicalTrades needs a key: not here.
 */
const PUBLIC_PATHS = new Set([
  '/api/v3/ping',
  '/api/v3/time',
  '/api/v3/exchangeInfo',
  '/api/v3/depth',
  '/api/v3/trades',
  '/api/v3/aggTrades',
  '/api/v3/klines',
  '/api/v3/uiKlines',
  '/api/v3/avgPrice',
  '/api/v3/ticker/24hr',
  '/api/v3/ticker/tradingDay',
  '/api/v3/ticker/price',
  '/api/v3/ticker/bookTicker',
  '/api/v3/ticker',
])

/** The rates the broker's --option gives ccxt.binance's markets (its own default is 0.001 both ways). */
const TAKER = '0.00075'
const MAKER = '0.0005'

interface Run<T> extends CliResult {
  json: T
}

describe('paper trading on live prices (--prices binance, loopback fake Binance)', function () {
  this.timeout(60_000)
  let fake: FakeBinance
  const home = tempHome('tradedesk-paper-live-')

  /** `tradedesk ...args --json`, with no credential of any kind in the environment. */
  const td = async <T>(args: string[]): Promise<Run<T>> => {
    const result = await runCli([...args, '--json'], {home, env: {}, timeoutMs: 30_000})
    try {
      return {...result, json: JSON.parse(result.stdout) as T}
    } catch {
      throw new Error(`stdout of tradedesk ${args.join(' ')} is not JSON:\n${result.stdout}\n${result.stderr}`)
    }
  }

  const ok = async <T>(args: string[]): Promise<T> => {
    const run = await td<T>(args)
    expect(run.code, `tradedesk ${args.join(' ')}: ${run.stdout} ${run.stderr}`).to.equal(0)
    return run.json
  }

  const balance = async () => {
    const json = await ok<PricedBalanceJson>(['balance', '--all'])
    const of = (asset: string) => json.balances.find((b) => b.asset === asset) ?? {free: '0', used: '0', total: '0'}
    return {json, of}
  }

  // Where the account stands after each test, recomputed by the tests from what they did.
  let usdt = new D('10000')
  let btc = new D(0)

  before(async () => {
    fake = await startFakeBinance()
    const added = await ok<BrokerAddJson & {prices: string | null}>([
      'broker',
      'add',
      'live',
      '--exchange',
      'paper',
      '--prices',
      'binance',
      '--api-url',
      fake.url,
      '--option',
      'timeout=5000',
      '--option',
      `fees.trading.taker=${TAKER}`,
      '--option',
      `fees.trading.maker=${MAKER}`,
      '--default',
    ])
    expect(added).to.include({name: 'live', exchange: 'paper', prices: 'live: binance', default: true})
    expect(added.credentials, 'a paper broker needs no key').to.deep.equal([])
    expect(fake.requests, 'broker add makes no request').to.have.length(0)
  })

  after(() => closeOpened(fake))

  it('says which market it trades on: broker list, balance, price, portfolio', async () => {
    const list = await ok<PricedBrokerListJson>(['broker', 'list'])
    expect(list.brokers.map((b) => [b.name, b.prices])).to.deep.equal([
      ['live', 'live: binance'],
      ['paper', 'snapshot 2023-03-21'],
    ])
    const {json} = await balance()
    expect(json).to.include({broker: 'live', exchange: 'paper', prices: 'live: binance'})
    expect(json.balances).to.deep.equal([{asset: 'USDT', free: '10000', used: '0', total: '10000'}])
    fake.setTicker('BTCUSDT', {lastPrice: '28000.10', bidPrice: '27999.90', askPrice: '28000.30'})
    const price = await ok<PricedPriceJson>(['price', 'BTC/USDT'])
    expect(price).to.include({prices: 'live: binance', last: '28000.1', bid: '27999.9', ask: '28000.3'})
    const portfolio = await ok<PricedPortfolioJson>(['portfolio'])
    expect(portfolio.prices).to.equal('live: binance')
    expect(portfolio.total_value_usd).to.equal('10000')
  })

  it('a market buy walks the order book: the volume-weighted average, the taker fee, the slippage, exact balances', async () => {
    const asks: [string, string][] = [
      ['28000.00', '0.01'],
      ['28000.50', '0.02'],
      ['28001.30', '0.5'],
    ]
    fake.setBook('BTCUSDT', {bids: [['27999.00', '1']], asks})
    const before = fake.countRequests('GET', '/api/v3/depth')
    const trade = await ok<TradeJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.05', '--yes', '--note', 'walk'])
    expect(fake.countRequests('GET', '/api/v3/depth') - before, 'the order book is read once').to.equal(1)

    // The book as it was served, walked here: 0.01 at 28000, 0.02 at 28000.5, the last 0.02 at 28001.3.
    let left = new D('0.05')
    let value = new D(0)
    for (const [price, qty] of asks) {
      const take = D.min(left, qty)
      value = value.plus(take.mul(price))
      left = left.minus(take)
    }
    expect(left.isZero()).to.equal(true)
    const average = value.div('0.05')
    const fee = value.mul(TAKER)
    expect(trade.status).to.equal('filled')
    expect(trade.filled_quantity).to.equal('0.05')
    expect(trade.filled_value).to.equal(canon(value))
    expect(trade.filled_price).to.equal(canon(average))
    expect(trade.fees).to.equal(canon(fee))
    expect(trade.fee_currency).to.equal('USDT')
    const slippage = average.minus('28000').div('28000').mul(100).toDecimalPlaces(4)
    const notes = defined(trade.notes, 'the notes')
    expect(notes).to.match(/^walk; /)
    expect(notes).to.include(`average ${canon(average)} USDT`)
    expect(notes).to.include('best ask 28000')
    expect(notes).to.include(`slippage ${canon(slippage)} %`)

    usdt = usdt.minus(value).minus(fee)
    btc = btc.plus('0.05')
    const {of} = await balance()
    expect(of('USDT')).to.deep.include({free: canon(usdt), used: '0', total: canon(usdt)})
    expect(of('BTC')).to.deep.include({free: canon(btc), used: '0', total: canon(btc)})
  })

  it('a market order the book cannot fill is refused, recorded as rejected, and moves no balance', async () => {
    fake.setBook('ETHUSDT', {
      bids: [['1799.00', '3']],
      asks: [
        ['1800.00', '0.5'],
        ['1800.10', '0.5'],
      ],
    })
    const run = await td<ErrorJson>(['trade', 'buy', 'ETH/USDT', '--quantity', '2', '--yes'])
    expect(run.code, run.stdout).to.equal(3)
    expect(run.json.error.code).to.equal('INSUFFICIENT_LIQUIDITY')
    expect(run.json.error.message).to.include('cannot fill 2 ETH').and.include('hold 1 ETH')
    const history = await ok<{trades: TradeJson[]}>(['history', '--limit', '1'])
    expect(history.trades[0]).to.include({symbol: 'ETH/USDT', status: 'rejected'})
    const {of} = await balance()
    expect(of('USDT').free).to.equal(canon(usdt))
    expect(of('ETH').total).to.equal('0')
  })

  it('a resting limit buy fills at its limit, as a maker, once a read sees the ask come down to it', async () => {
    fake.setBook('BTCUSDT', {bids: [['27999.00', '1']], asks: [['28000.00', '1']]})
    const resting = await ok<TradeJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '27500',
      '--quantity',
      '0.01',
      '--yes',
    ])
    expect(resting.status).to.equal('open')
    // Reserved at the larger of the two rates, so the fill can be paid whichever applies.
    const reserved = new D('0.01').mul('27500').mul(D.max(TAKER, MAKER).plus(1))
    let {of} = await balance()
    expect(of('USDT')).to.deep.include({free: canon(usdt.minus(reserved)), used: canon(reserved)})
    const open = await ok<OrderListJson>(['order', 'list'])
    expect(open.orders.map((o) => o.id)).to.deep.equal([resting.id])

    // Not yet: an ask one cent above the limit does not cross it.
    fake.setBook('BTCUSDT', {bids: [['27499.00', '1']], asks: [['27500.01', '1']]})
    ;({of} = await balance())
    expect(of('USDT').used, 'still resting').to.equal(canon(reserved))

    // The ask comes down to the limit: the next read of the account fills it.
    fake.setBook('BTCUSDT', {bids: [['27499.00', '1']], asks: [['27500.00', '1']]})
    const value = new D('0.01').mul('27500')
    const fee = value.mul(MAKER)
    usdt = usdt.minus(value).minus(fee)
    btc = btc.plus('0.01')
    ;({of} = await balance())
    expect(of('USDT')).to.deep.include({free: canon(usdt), used: '0', total: canon(usdt)})
    expect(of('BTC')).to.deep.include({free: canon(btc), used: '0'})

    expect((await ok<OrderListJson>(['order', 'list'])).orders, 'no longer open').to.deep.equal([])
    const sync = await ok<SyncJson>(['order', 'sync'])
    expect(sync.changed.map((t) => t.id)).to.deep.equal([resting.id])
    expect(sync.changed[0]).to.include({
      status: 'filled',
      filled_quantity: '0.01',
      filled_price: '27500',
      filled_value: canon(value),
      fees: canon(fee),
      fee_currency: 'USDT',
    })
  })

  it('a resting limit sell fills when a price read sees the bid come up to it', async () => {
    const resting = await ok<TradeJson>([
      'trade',
      'sell',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '28500',
      '--quantity',
      '0.02',
      '--yes',
    ])
    expect(resting.status).to.equal('open')
    fake.setTicker('BTCUSDT', {lastPrice: '28600', bidPrice: '28600.00', askPrice: '28600.10'})
    const price = await ok<PricedPriceJson>(['price', 'BTC/USDT'])
    expect(price.bid).to.equal('28600')
    // Back below the limit: only the price read above saw the market cross it.
    fake.setTicker('BTCUSDT', {lastPrice: '28400', bidPrice: '28400.00', askPrice: '28400.10'})
    const value = new D('0.02').mul('28500')
    const fee = value.mul(MAKER)
    usdt = usdt.plus(value).minus(fee)
    btc = btc.minus('0.02')
    const {of} = await balance()
    expect(of('USDT')).to.deep.include({free: canon(usdt), used: '0'})
    expect(of('BTC')).to.deep.include({free: canon(btc), used: '0', total: canon(btc)})
    const sync = await ok<SyncJson>(['order', 'sync'])
    expect(sync.changed[0]).to.include({id: resting.id, status: 'filled', filled_price: '28500', fees: canon(fee)})
  })

  it("lists its source exchange's markets, from the cache it downloaded, not the snapshot's", async () => {
    await ok(['symbols', '--all', '--broker', 'paper']) // the snapshot's listing is cached too
    const before = fake.requests.length
    const live = await ok<SymbolsJson>(['symbols', '--all', '--page-size', '5000'])
    expect(fake.requests.length, 'from the cache').to.equal(before)
    const snapshot = await ok<SymbolsJson>(['symbols', '--all', '--page-size', '5000', '--broker', 'paper'])
    // The fake's exchangeInfo says which markets trade; the snapshot also stops those it has no price for.
    expect(live.total).to.be.greaterThan(snapshot.total)
    expect(fake.countRequests('GET', '/api/v3/exchangeInfo'), 'downloaded once so far').to.equal(1)
    const refreshed = await ok<SymbolsJson>(['symbols', '--all', '--page-size', '5000', '--refresh'])
    expect(refreshed.symbols).to.deep.equal(live.symbols)
  })

  it('an order book that cannot be read fails the order before it is placed: exit 5, recorded failed, nothing moved', async () => {
    const {json: before} = await balance()
    fake.injectFault({path: '/api/v3/depth', kind: 'html-503', times: 'always'})
    try {
      const run = await td<ErrorJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'])
      expect(run.code, run.stdout).to.equal(5)
      expect(run.json.error.retryable).to.equal(true)
    } finally {
      fake.clearFaults()
    }
    const history = await ok<{trades: TradeJson[]}>(['history', '--limit', '1'])
    expect(history.trades[0]).to.include({symbol: 'BTC/USDT', side: 'buy', status: 'failed'})
    expect((await balance()).json.balances).to.deep.equal(before.balances)
  })

  it('asked only public endpoints, unsigned, and downloaded the markets once for every command', () => {
    expect(fake.requests.length).to.be.greaterThan(10)
    for (const r of fake.requests) {
      expect(PUBLIC_PATHS.has(r.path), `${r.method} ${r.path} is not a public endpoint`).to.equal(true)
      expect(r.method).to.equal('GET')
      expect(r.query, `${r.path} was signed`).to.not.have.any.keys('signature', 'timestamp')
    }
    // once for every command; once more for `symbols --refresh`, which asks for it
    expect(fake.countRequests('GET', '/api/v3/exchangeInfo')).to.equal(2)
  })
})

describe('broker add/set --prices: what applies to a paper broker', () => {
  const home = tempHome('tradedesk-paper-prices-')
  const td = async (args: string[]) => {
    const r = await runCli([...args, '--json'], {home, env: {}})
    return {code: r.code, json: JSON.parse(r.stdout) as unknown}
  }
  const refused = async (args: string[], message: RegExp) => {
    const r = await td(args)
    expect(r.code, args.join(' ')).to.equal(2)
    expect((r.json as ErrorJson).error.message, args.join(' ')).to.match(message)
  }

  it('refuses --prices off paper, paper or unknown as a source, --sandbox, and --api-url/--option on the snapshot', async () => {
    await refused(['broker', 'add', 'a', '--exchange', 'binance', '--prices', 'kraken'], /only applies to paper/)
    await refused(['broker', 'add', 'b', '--exchange', 'paper', '--prices', 'paper'], /not paper/)
    await refused(['broker', 'add', 'c', '--exchange', 'paper', '--prices', 'nosuch'], /unknown exchange "nosuch"/)
    await refused(['broker', 'add', 'd', '--exchange', 'paper', '--prices', 'binance', '--sandbox'], /--sandbox/)
    await refused(['broker', 'add', 'e', '--exchange', 'paper', '--api-url', 'http://127.0.0.1:9'], /--prices/)
    await refused(['broker', 'add', 'f', '--exchange', 'paper', '--option', 'timeout=5'], /--prices/)
    const list = (await td(['broker', 'list'])).json as PricedBrokerListJson
    expect(list.brokers.map((b) => b.name)).to.deep.equal(['paper'])
  })

  it('broker set changes the API origin and options of a live paper broker, not of a snapshot one', async () => {
    const added = await td(['broker', 'add', 'lv', '--exchange', 'paper', '--prices', 'Kraken'])
    expect(added.code).to.equal(0)
    expect(added.json).to.include({prices: 'live: kraken'})
    expect(
      (await td(['broker', 'set', 'lv', '--api-url', 'http://127.0.0.1:9', '--option', 'timeout=5'])).code,
    ).to.equal(0)
    await refused(['broker', 'set', 'lv', '--sandbox'], /--sandbox/)
    await refused(['broker', 'set', 'paper', '--api-url', 'http://127.0.0.1:9'], /snapshot/)
  })
})
