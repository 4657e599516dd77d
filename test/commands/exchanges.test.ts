/**
 * The same scenarios on four exchange dialects, end to end: the real binary, the real ccxt class of
 * each exchange, and a loopback fake of that exchange's REST API written from its documentation
 * (Binance, Kraken, OKX, Coinbase Advanced). What must hold everywhere: the order goes out once, is
 * found again after a lost answer, and is recorded exactly as the exchange executed it.
 */
import {expect} from 'chai'
import {Decimal} from 'decimal.js'
import {generateKeyPairSync} from 'node:crypto'
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {type CliResult, runCli, tempHome} from '../support/cli.js'
import {TRADE_KEYS, defined, expectDecimalString, expectTradeRecord} from '../support/e2e.js'
import * as binance from '../support/fake-binance-view.js'
import * as coinbase from '../support/fake-coinbase.js'
import type {FakeExchange, FakeExchangeOptions, FakeOrderView, RecordedRequest} from '../support/fake-exchange.js'
import * as kraken from '../support/fake-kraken.js'
import * as okx from '../support/fake-okx.js'
import type {
  BalanceJson,
  BrokerAddJson,
  ErrorJson,
  HistoryJson,
  ImportJson,
  OrderListJson,
  PortfolioJson,
  PriceJson,
  SymbolsJson,
  SyncJson,
  TradeJson,
  ValidationJson,
} from '../support/json.js'
import {closeOpened} from './ccxt-support.js'

type Route = {method: string; path: string}
type Credentials = Record<string, string>

/** A run, its stdout parsed as T (the answer the test expects), and where it came from for messages. */
interface Answer<T> extends CliResult {
  json: T
  where: string
}

interface ExchangeCase {
  exchange: string
  /** the broker's name, and so its environment prefix */
  broker: string
  symbol: string
  base: string
  quote: string
  start(opts: FakeExchangeOptions): Promise<FakeExchange>
  orderRoute: Route
  balanceRoute: Route
  /** ccxt credential name -> value (all of them are sentinels: none may ever be printed or stored) */
  credentials: Credentials
  /** the exchange sizes a market buy by the quote amount to spend */
  buysByCost: boolean
  /**
   * the fee the exchange reports on the order, when it differs from what moved the balance (Kraken
   * reports it at the pair's cost decimals, and moves the USD balance at its 4)
   */
  reportedFee?: (fake: FakeExchange, order: FakeOrderView) => string
}

const CREDENTIAL_ENV: Record<string, string> = {apiKey: 'API_KEY', secret: 'SECRET', password: 'PASSWORD'}

const coinbaseKey = generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
  .privateKey.export({type: 'sec1', format: 'pem'})
  .toString()

const CASES: ExchangeCase[] = [
  {
    exchange: 'binance',
    broker: 'bn',
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    start: binance.startFakeBinanceView,
    orderRoute: binance.ORDER_ROUTE,
    balanceRoute: binance.BALANCE_ROUTE,
    credentials: {apiKey: 'SENTINEL-BN-KEY-4e1f0a', secret: 'SENTINEL-BN-SECRET-77b2c9'},
    buysByCost: false,
  },
  {
    exchange: 'kraken',
    broker: 'kr',
    symbol: 'BTC/USD',
    base: 'BTC',
    quote: 'USD',
    start: kraken.startFakeKraken,
    orderRoute: kraken.ORDER_ROUTE,
    balanceRoute: kraken.BALANCE_ROUTE,
    // Kraken's secret is base64 (ccxt decodes it before signing)
    credentials: {
      apiKey: 'SENTINEL-KR-KEY-0c93d1',
      secret: Buffer.from('SENTINEL-KR-SECRET-5a7e22-padding-bytes').toString('base64'),
    },
    buysByCost: false,
    reportedFee: (fake, order) => String((fake as kraken.FakeKraken).krakenOrders()[order.id].fee),
  },
  {
    exchange: 'okx',
    broker: 'ok',
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    start: okx.startFakeOkx,
    orderRoute: okx.ORDER_ROUTE,
    balanceRoute: okx.BALANCE_ROUTE,
    credentials: {
      apiKey: 'SENTINEL-OK-KEY-9d2b61',
      secret: 'SENTINEL-OK-SECRET-3f8a07',
      password: 'SENTINEL-OK-PASS-e61c4d',
    },
    buysByCost: false,
  },
  {
    exchange: 'coinbase',
    broker: 'cb',
    symbol: 'BTC/USD',
    base: 'BTC',
    quote: 'USD',
    start: coinbase.startFakeCoinbase,
    orderRoute: coinbase.ORDER_ROUTE,
    balanceRoute: coinbase.BALANCE_ROUTE,
    credentials: {apiKey: 'organizations/SENTINEL-CB-ORG-1b2c/apiKeys/SENTINEL-CB-KEY-7d8e', secret: coinbaseKey},
    buysByCost: true,
  },
]

/** Prices on every tick in use (0.01 or 0.1): a buy of 0.01 costs exactly 279.1 at the ask. */
const PRICES = {last: '27909.5', bid: '27909', ask: '27910'}
const START = '10000'
/** 80 significant digits: no expectation is rounded by the test itself */
const Exact = Decimal.clone({precision: 80})
const canon = (d: Decimal.Value) => new Exact(d).toFixed()

for (const c of CASES) {
  describe(`${c.exchange} end to end: the CLI through ccxt.${c.exchange} against its loopback fake`, function () {
    this.timeout(90_000)
    let fake: FakeExchange
    const home = tempHome(`tradedesk-${c.exchange}-`)
    const env: Record<string, string> = Object.fromEntries(
      Object.entries(c.credentials).map(([k, v]) => [`TRADEDESK_${c.broker.toUpperCase()}_${CREDENTIAL_ENV[k]}`, v]),
    )
    const secrets = Object.values(c.credentials).flatMap((v) => [
      v,
      ...v.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')),
    ])

    /** runs `tradedesk ...args --json`, its stdout read as T (the answer the test expects) */
    const td = async <T = unknown>(
      args: string[],
      over: Record<string, string | undefined> = {},
      inHome = home,
    ): Promise<Answer<T>> => {
      const full = [...args, '--json']
      const result = await runCli(full, {home: inHome, env: {...env, ...over}, timeoutMs: 60_000})
      const where = `\`tradedesk ${full.join(' ')}\` (exit ${String(result.code)}): ${result.stdout.slice(0, 1500)} ${result.stderr.slice(0, 500)}`
      for (const s of secrets)
        expect(result.stdout + result.stderr, `a credential leaked from ${where}`).to.not.contain(s)
      let json: T
      try {
        json = JSON.parse(result.stdout) as T
      } catch {
        throw new Error(`stdout is not one JSON document: ${where}`)
      }

      return {...result, json, where}
    }

    const ok = async <T = unknown>(args: string[], over?: Record<string, string | undefined>, inHome?: string) => {
      const r = await td<T>(args, over, inHome)
      expect(r.code, r.where).to.equal(0)
      return r.json
    }

    const sent = (route: Route, from = 0) =>
      fake.requests.slice(from).filter((r) => r.method === route.method && r.path === route.path)
    const ordersWith = (clientOrderId: string) => fake.orders().filter((o) => o.clientOrderId === clientOrderId)
    const balances = async () => new Map((await ok<BalanceJson>(['balance'])).balances.map((b) => [b.asset, b]))

    /** The CLI's balance is the exchange's, to the last digit, for every asset the exchange holds. */
    const expectBalancesAgree = async (assets: string[]) => {
      const shown = await balances()
      for (const asset of assets) {
        const truth = fake.balance(asset)
        const total = new Decimal(truth.free).plus(truth.locked)
        if (total.isZero()) expect(shown.has(asset), `${asset} is zero on the exchange`).to.equal(false)
        else
          expect(shown.get(asset), asset).to.deep.equal({
            asset,
            free: canon(truth.free),
            used: canon(truth.locked),
            total: canon(total),
          })
      }
    }

    /** A market buy sized in money asks to spend what was validated, fee included, to the exchange's cent. */
    const expectSpend = (order: FakeOrderView, required: string) => {
      expect(order.amount, 'sized in money, not in base').to.equal(null)
      const quote = new Decimal(defined(order.quoteAmount, 'the amount to spend'))
      expect(
        quote.lte(required) && quote.gt(new Decimal(required).minus('0.01')),
        `asked to spend ${String(quote)}, validated ${required}`,
      ).to.equal(true)
    }

    /**
     * The journal's record is what the exchange executed, to the last digit: ids, quantity filled,
     * its exact value and the fees; the average price as the exchange reports it (it may round).
     */
    const expectRecordOf = (record: unknown, order: FakeOrderView) => {
      expectTradeRecord(record)
      expect(record.client_order_id).to.equal(order.clientOrderId)
      expect(record.exchange_order_id).to.equal(order.id)
      expect(record.filled_quantity).to.equal(canon(order.filled))
      expect(record.filled_value).to.equal(canon(order.cost))
      const average = new Exact(order.cost).div(order.filled)
      expectDecimalString(record.filled_price, 'filled_price')
      expect(
        new Exact(record.filled_price).minus(average).abs().lte(average.mul('1e-15')),
        `average ${record.filled_price} ~ ${String(average)}`,
      ).to.equal(true)
      expect(record.fees).to.equal(canon(c.reportedFee?.(fake, order) ?? order.fee))
      expect(record.fee_currency).to.equal(order.feeCurrency)
    }

    before(async () => {
      fake = await c.start({...c.credentials, balances: {[c.quote]: START}})
      fake.setPrice(c.symbol, PRICES)
      const added = await ok<BrokerAddJson>([
        'broker',
        'add',
        c.broker,
        '--exchange',
        c.exchange,
        '--api-url',
        fake.url,
        '--option',
        'timeout=1500',
        '--default',
      ])
      expect(
        added.credentials.every((s) => s.present),
        'every credential the exchange requires is set',
      ).to.equal(true)
      expect(added.credentials.map((s) => s.key).sort()).to.deep.equal(Object.keys(c.credentials).sort())
      expect(fake.requests, 'broker add sends nothing').to.have.length(0)
    })

    after(async () => {
      await closeOpened(fake)
      if (!process.env.TRADEDESK_KEEP_HOMES) rmSync(home, {recursive: true, force: true})
    })

    it(`balance and portfolio: ${START} ${c.quote}, valued at 1 USD with no other market`, async () => {
      await expectBalancesAgree([c.quote])
      const p = await ok<PortfolioJson>(['portfolio'])
      expect(p.total_value_usd).to.equal(START)
      expect(p.positions.map((x) => [x.asset, x.quantity, x.price_usd])).to.deep.equal([[c.quote, START, '1']])
      expect(p.unpriced).to.deep.equal([])
    })

    it(`symbols and price: ${c.symbol} is listed under its quote and priced as the exchange quotes it`, async () => {
      const s = await ok<SymbolsJson>(['symbols', '--quote', c.quote, '--search', c.base])
      expect(s.symbols).to.include(c.symbol)
      const p = await ok<PriceJson>(['price', c.symbol])
      expect(p).to.include({symbol: c.symbol, last: canon(PRICES.last), bid: canon(PRICES.bid), ask: canon(PRICES.ask)})
      const again = await ok<PriceJson>(['price', c.symbol.replace('/', '-').toLowerCase()])
      expect(again.symbol, 'BTC-USD, btc-usd and BTCUSD name the same market').to.equal(c.symbol)
    })

    it('validate and a refused trade: the SPEC codes, the errors in the envelope, nothing sent', async () => {
      const mark = fake.requests.length
      const tiny = await td<ValidationJson>(['validate', 'buy', c.symbol, '--quantity', '0.000000001'])
      expect(tiny.code, tiny.where).to.equal(3)
      expect(tiny.json.errors.map((e) => e.code)).to.include('AMOUNT_TOO_SMALL')
      const poor = await td<ValidationJson>(['validate', 'buy', c.symbol, '--quantity', '5'])
      expect(poor.code, poor.where).to.equal(3)
      expect(poor.json.errors.map((e) => e.code)).to.deep.equal(['INSUFFICIENT_FUNDS'])
      const refused = await td<ErrorJson>(['trade', 'buy', c.symbol, '--quantity', '5', '--yes'])
      expect(refused.code, refused.where).to.equal(3)
      expect(refused.json.error).to.include({code: 'ORDER_INVALID', exit_code: 3})
      expect(refused.json.errors).to.deep.equal(poor.json.errors)
      expect(refused.json.error.errors).to.deep.equal(poor.json.errors)
      expect(sent(c.orderRoute, mark), 'no order request').to.have.length(0)
      expect(fake.orders()).to.have.length(0)
      const h = await ok<HistoryJson>(['history'])
      expect(h.trades, 'a refused order is never journaled').to.have.length(0)
    })

    it("market buy by --quantity: sent once with the journal's client id, recorded exactly as filled, balances exact", async () => {
      const mark = fake.requests.length
      const v = await ok<ValidationJson>(['validate', 'buy', c.symbol, '--quantity', '0.01'])
      const t = await ok<TradeJson>(['trade', 'buy', c.symbol, '--quantity', '0.01', '--yes'])
      expect(sent(c.orderRoute, mark)).to.have.length(1)
      const [order] = ordersWith(t.client_order_id)
      expect(order, 'the exchange has the order under the client id the journal recorded').to.not.equal(undefined)
      expect(fake.orders()).to.have.length(1)
      expect(t).to.include({status: 'filled', quantity: '0.01', total_value: '279.1', trade_type: 'manual'})
      if (c.buysByCost) expectSpend(order, defined(v.balance.required, 'the validated spend'))
      else expect(order).to.include({amount: '0.01'})
      expectRecordOf(t, order)
      expect(await ok<TradeJson>(['history', 'show', String(t.id)])).to.deep.equal(t)
      await expectBalancesAgree([c.base, c.quote])

      const p = await ok<PortfolioJson>(['portfolio'])
      const held = new Decimal(fake.balance(c.base).free)
      expect(p.unpriced).to.deep.equal([])
      expect(p.positions.find((x) => x.asset === c.base)).to.include({
        quantity: canon(held),
        price_usd: canon(PRICES.last),
        value_usd: canon(held.mul(PRICES.last)),
      })
    })

    it('market buy by --usd: the quantity validated is what the exchange was asked for', async () => {
      const v = await ok<ValidationJson>(['validate', 'buy', c.symbol, '--usd', '100'])
      const qty = new Decimal(defined(v.order.quantity, 'the validated quantity'))
      expect(
        new Decimal(defined(v.balance.required, 'the validated spend')).lte(100),
        'no more than 100 USD, fee included',
      ).to.equal(true)
      expect(qty.mul(PRICES.ask).gt(98), 'and not much less').to.equal(true)
      const t = await ok<TradeJson>(['trade', 'buy', c.symbol, '--usd', '100', '--yes'])
      expect(t.quantity).to.equal(v.order.quantity)
      const [order] = ordersWith(t.client_order_id)
      if (c.buysByCost) expectSpend(order, defined(v.balance.required, 'the validated spend'))
      else expect(order.amount).to.equal(v.order.quantity)
      expectRecordOf(t, order)
      await expectBalancesAgree([c.base, c.quote])
    })

    it('sell --percent 100: everything the step allows, recorded exactly, balances exact', async () => {
      const held = new Decimal(fake.balance(c.base).free)
      const t = await ok<TradeJson>(['trade', 'sell', c.symbol, '--percent', '100', '--yes'])
      const [order] = ordersWith(t.client_order_id)
      expect(order).to.include({side: 'sell', amount: t.quantity, status: 'filled'})
      expect(new Decimal(t.quantity).lte(held)).to.equal(true)
      expectRecordOf(t, order)
      const left = new Decimal(fake.balance(c.base).free)
      expect(canon(left)).to.equal(canon(held.minus(t.quantity)))
      expect(left.lt('0.00001'), `only dust below the step is left: ${String(left)}`).to.equal(true)
      await expectBalancesAgree([c.base, c.quote])
    })

    it('a resting limit order: open, listed by order list as its journal record, then cancelled', async () => {
      const t = await ok<TradeJson>([
        'trade',
        'buy',
        c.symbol,
        '--type',
        'limit',
        '--price',
        '20000',
        '--quantity',
        '0.001',
        '--yes',
      ])
      expect(t).to.include({status: 'open', price: '20000', filled_quantity: '0'})
      const [order] = ordersWith(t.client_order_id)
      expect(order).to.include({status: 'open', type: 'limit', price: '20000', amount: '0.001'})
      const list = await ok<OrderListJson>(['order', 'list'])
      expect(list.orders).to.have.length(1)
      expect(list.orders[0]).to.have.all.keys(TRADE_KEYS)
      expect(list.orders[0]).to.deep.include({
        id: t.id,
        trade_type: 'manual',
        status: 'open',
        client_order_id: t.client_order_id,
        exchange_order_id: order.id,
      })
      expect(new Decimal(fake.balance(c.quote).locked).gt(0), 'the exchange holds funds for it').to.equal(true)

      const cancelled = await ok<TradeJson>(['order', 'cancel', String(t.id)])
      expect(cancelled).to.include({id: t.id, status: 'cancelled', filled_quantity: '0'})
      expect(ordersWith(t.client_order_id)[0].status).to.equal('cancelled')
      expect(canon(fake.balance(c.quote).locked)).to.equal('0')
      expect((await ok<OrderListJson>(['order', 'list'])).orders).to.deep.equal([])
    })

    it('an order placed elsewhere is listed with id null and trade_type external', async () => {
      const elsewhere = tempHome(`tradedesk-${c.exchange}-other-`)
      try {
        await ok(
          ['broker', 'add', c.broker, '--exchange', c.exchange, '--api-url', fake.url, '--default'],
          {},
          elsewhere,
        )
        const placed = await ok<TradeJson>(
          ['trade', 'buy', c.symbol, '--type', 'limit', '--price', '20000', '--quantity', '0.001', '--yes'],
          {},
          elsewhere,
        )
        const list = await ok<OrderListJson>(['order', 'list'])
        expect(list.orders).to.have.length(1)
        expect(list.orders[0]).to.have.all.keys(TRADE_KEYS)
        expect(list.orders[0]).to.deep.include({
          id: null,
          trade_type: 'external',
          broker: c.broker,
          symbol: c.symbol,
          side: 'buy',
          order_type: 'limit',
          quantity: '0.001',
          price: '20000',
          status: 'open',
          client_order_id: placed.client_order_id,
          exchange_order_id: placed.exchange_order_id,
        })
        await ok(['order', 'cancel', String(placed.id)], {}, elsewhere)
      } finally {
        rmSync(elsewhere, {recursive: true, force: true})
      }
    })

    it('accept then hang on the order: exit 6, then order sync finds it by client id and settles it; one order, no resend', async () => {
      const mark = fake.requests.length
      fake.injectFault({method: c.orderRoute.method, path: c.orderRoute.path, kind: 'accept-then-hang'})
      const lost = await td<ErrorJson>(['trade', 'buy', c.symbol, '--quantity', '0.001', '--yes'])
      expect(lost.code, lost.where).to.equal(6)
      expect(lost.json.error.code).to.equal('ORDER_OUTCOME_UNKNOWN')
      const [row] = (await ok<HistoryJson>(['history', '--limit', '1'])).trades
      expect(row.status).to.equal('unknown')
      expect(ordersWith(row.client_order_id), 'the exchange did place it').to.have.length(1)

      const synced = await ok<SyncJson>(['order', 'sync'])
      const settled = synced.changed.find((t) => t.id === row.id)
      expect(settled, JSON.stringify(synced)).to.include({status: 'filled'})
      expectRecordOf(settled, ordersWith(row.client_order_id)[0])
      expect(sent(c.orderRoute, mark), 'sent once, never again').to.have.length(1)
      expect(ordersWith(row.client_order_id)).to.have.length(1)
      const lookups = fake.requests.slice(mark)
      if (c.exchange === 'kraken') {
        expect(
          lookups.some((r: RecordedRequest) => 'userref' in r.query),
          'a client id is never sent as Kraken userref',
        ).to.equal(false)
      }
      await expectBalancesAgree([c.base, c.quote])
    })

    it('a request that never reached the exchange: unknown, then failed once the exchange definitively has no such order', async () => {
      const mark = fake.requests.length
      const before = fake.orders().length
      fake.injectFault({method: c.orderRoute.method, path: c.orderRoute.path, kind: 'hang'})
      const lost = await td(['trade', 'buy', c.symbol, '--quantity', '0.001', '--yes'])
      expect(lost.code, lost.where).to.equal(6)
      const [row] = (await ok<HistoryJson>(['history', '--limit', '1'])).trades
      expect(row.status).to.equal('unknown')
      const synced = await ok<SyncJson>(['order', 'sync'], {TRADEDESK_PENDING_GRACE_SECONDS: '0'})
      expect(synced.changed.find((t) => t.id === row.id)).to.include({status: 'failed'})
      expect(fake.orders()).to.have.length(before)
      expect(sent(c.orderRoute, mark)).to.have.length(1)
    })

    it('a 5xx on the order is an unknown outcome (exit 6), never a rejection; sync settles it from what the exchange has', async () => {
      fake.injectFault({method: c.orderRoute.method, path: c.orderRoute.path, kind: 'server-error'})
      const failed = await td(['trade', 'buy', c.symbol, '--quantity', '0.001', '--yes'])
      expect(failed.code, failed.where).to.equal(6)
      const [row] = (await ok<HistoryJson>(['history', '--limit', '1'])).trades
      expect(row.status).to.equal('unknown')
      const synced = await ok<SyncJson>(['order', 'sync'], {TRADEDESK_PENDING_GRACE_SECONDS: '0'})
      expect(
        synced.changed.find((t) => t.id === row.id),
        'the 5xx answer placed nothing here',
      ).to.include({status: 'failed'})
    })

    it('credentials: a missing one is named (exit 4), a wrong key is exit 4, nothing is sent', async () => {
      const [first, ...rest] = Object.keys(c.credentials)
      const unset = Object.fromEntries(
        rest.map((k) => [`TRADEDESK_${c.broker.toUpperCase()}_${CREDENTIAL_ENV[k]}`, undefined]),
      )
      const mark = fake.requests.length
      const missing = await td<ErrorJson>(['balance'], unset)
      expect(missing.code, missing.where).to.equal(4)
      expect(missing.json.error.code).to.equal('CREDENTIALS_MISSING')
      for (const k of rest)
        expect(missing.json.error.message).to.include(`TRADEDESK_${c.broker.toUpperCase()}_${CREDENTIAL_ENV[k]}`)
      expect(fake.requests.length, 'nothing sent without credentials').to.equal(mark)

      const wrongKey = `TRADEDESK_${c.broker.toUpperCase()}_${CREDENTIAL_ENV[first]}`
      const bad = await td(['balance'], {
        [wrongKey]: c.exchange === 'coinbase' ? 'organizations/wrong/apiKeys/wrong' : 'WRONG-KEY-0000',
      })
      expect(bad.code, bad.where).to.equal(4)
      const test = await td(['broker', 'test', c.broker], {
        [wrongKey]: c.exchange === 'coinbase' ? 'organizations/wrong/apiKeys/wrong' : 'WRONG-KEY-0000',
      })
      expect(test.code, test.where).to.equal(4)
    })

    it('rate limited: reads exit 5 (retryable); an order refused by the limit is exit 5, never recorded as filled, never placed', async () => {
      fake.injectFault({method: c.balanceRoute.method, path: c.balanceRoute.path, kind: 'rate-limit', times: 'always'})
      const read = await td<ErrorJson>(['balance'])
      fake.clearFaults()
      expect(read.code, read.where).to.equal(5)
      expect(read.json.error.retryable).to.equal(true)

      const before = fake.orders().length
      fake.injectFault({method: c.orderRoute.method, path: c.orderRoute.path, kind: 'rate-limit', times: 'always'})
      const order = await td(['trade', 'buy', c.symbol, '--quantity', '0.001', '--yes'])
      fake.clearFaults()
      expect(order.code, order.where).to.equal(5)
      const [row] = (await ok<HistoryJson>(['history', '--limit', '1'])).trades
      expect(row.status).to.be.oneOf(['rejected', 'failed'])
      expect(row.filled_quantity).to.be.oneOf([null, '0'])
      expect(fake.orders()).to.have.length(before)
    })

    it("journal import: trades made on the website come in once as external rows; tradedesk's own orders are not doubled", async () => {
      const day = Date.now() - 24 * 3600_000
      const seeded = fake.seedTrades([
        {symbol: c.symbol, side: 'buy', amount: '0.002', price: '27000', fee: '0.054', feeCurrency: c.quote, time: day},
        {
          symbol: c.symbol,
          side: 'buy',
          amount: '0.001',
          price: '27100',
          fee: '0.0271',
          feeCurrency: c.quote,
          time: day + 60_000,
          orderId: 'web-1',
        },
        {
          symbol: c.symbol,
          side: 'buy',
          amount: '0.003',
          price: '27101',
          fee: '0.0813',
          feeCurrency: c.quote,
          time: day + 61_000,
          orderId: 'web-1',
        },
      ])
      const first = await ok<ImportJson>(['journal', 'import'])
      expect(first.imported, 'the seeded trades at least').to.be.at.least(seeded.length)
      expect(first.symbols_scanned).to.be.at.least(1)
      const again = await ok<ImportJson>(['journal', 'import'])
      expect(again.imported, 'a second import adds nothing').to.equal(0)

      const {fills} = await ok<{fills: {trade_id: string; journal_id: number | null; amount: string}[]}>([
        'journal',
        'export',
        '--format',
        'csv',
        '--broker',
        c.broker,
      ])
      const ids = fills.map((f) => f.trade_id)
      expect(new Set(ids).size, 'no trade twice').to.equal(ids.length)
      expect(ids).to.include.members(seeded.map((s) => s.id))
      const rows = (await ok<HistoryJson>(['history', '--limit', '1000'])).trades
      for (const row of rows.filter((r) => new Decimal(r.filled_quantity ?? 0).gt(0))) {
        const mine = fills.filter((f) => f.journal_id === row.id)
        const amount = mine.reduce((sum, f) => sum.plus(f.amount), new Decimal(0))
        const what = `row ${String(row.id)}: its fills make up what it filled, once`
        if (c.buysByCost && row.side === 'buy' && row.order_type === 'market') {
          // Coinbase states a quote-sized fill's size in the quote; its base is derived (ccxt divides by the
          // price at 18 decimals) while the order states filled_size at 16: they agree below 1e-16
          expect(amount.minus(defined(row.filled_quantity)).abs().lt('1e-16'), `${what}: ${canon(amount)}`).to.equal(
            true,
          )
        } else expect(canon(amount), what).to.equal(canon(defined(row.filled_quantity)))
      }

      // the two website orders: one of a single fill, one of two fills summed
      const external = rows.filter(
        (r) => r.trade_type === 'external' && seeded.some((s) => s.orderId === r.exchange_order_id),
      )
      expect(external.map((r) => canon(defined(r.filled_quantity))).sort()).to.deep.equal(['0.002', '0.004'])
    })

    it('no credential reaches the journal or any file of the home', () => {
      const visit = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const file = join(dir, name)
          if (statSync(file).isDirectory()) return visit(file)
          const bytes = readFileSync(file)
          return secrets
            .filter((s) => bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le')))
            .map((s) => `${file}: ${s.slice(0, 12)}…`)
        })
      expect(visit(home)).to.deep.equal([])
    })
  })
}
