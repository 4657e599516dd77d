/**
 * The loopback Binance seen through the exchange-neutral FakeExchange interface, so that the same
 * scenarios run against every fake. Binance's own words are translated here, nothing else changes.
 */
import {readFileSync} from 'node:fs'

import {Decimal} from 'decimal.js'

import {
  type FakeBinance,
  type FakeBinanceOptions,
  type FakeFault as BinanceFault,
  startFakeBinance,
} from './fake-binance.js'
import type {FakeExchange, FakeExchangeOptions, FakeOrderView, FaultKind} from './fake-exchange.js'

export const ORDER_ROUTE = {method: 'POST', path: '/api/v3/order'}
export const BALANCE_ROUTE = {method: 'GET', path: '/api/v3/account'}

const KINDS: Record<FaultKind, BinanceFault['kind']> = {
  'accept-then-hang': 'accept-then-hang',
  hang: 'hang',
  'server-error': 'server-error-500',
  'rate-limit': 'rate-limit-429',
  'malformed-json': 'malformed-json',
}

let symbols: Map<string, {base: string; quote: string}> | undefined
function unified(id: string): string {
  symbols ??= new Map(
    (
      JSON.parse(readFileSync(new URL('../../data/binance-spot/exchangeInfo.json', import.meta.url), 'utf8')) as {
        symbols: {symbol: string; baseAsset: string; quoteAsset: string}[]
      }
    ).symbols.map((s) => [s.symbol, {base: s.baseAsset, quote: s.quoteAsset}]),
  )
  const s = symbols.get(id)
  if (!s) throw new Error(`fake-binance-view: unknown symbol ${id}`)
  return `${s.base}/${s.quote}`
}

const canon = (d: Decimal.Value) => new Decimal(d).toFixed()

export async function startFakeBinanceView(
  opts: FakeExchangeOptions & Pick<FakeBinanceOptions, 'fillRatio' | 'takerFee'> = {},
): Promise<FakeExchange & {binance: FakeBinance}> {
  const fake = await startFakeBinance({
    apiKey: opts.apiKey,
    secret: opts.secret,
    balances: opts.balances,
    port: opts.port,
    fillRatio: opts.fillRatio,
    takerFee: opts.takerFee,
  })
  return {
    binance: fake,
    exchange: 'binance',
    url: fake.url,
    get requests() {
      return fake.requests.map((r) => ({...r, body: '', headers: {}}))
    },
    injectFault: (f) => {
      fake.injectFault({method: f.method, path: f.path, kind: KINDS[f.kind], times: f.times})
    },
    clearFaults: () => {
      fake.clearFaults()
    },
    onRequest: (hook) =>
      fake.onRequest((r) => {
        hook({...r, body: '', headers: {}})
      }),
    orders: () =>
      fake.orders().map((o): FakeOrderView => {
        const fee = o.fills.reduce((sum, f) => sum.plus(f.commission), new Decimal(0))
        return {
          id: String(o.orderId),
          clientOrderId: o.clientOrderId,
          symbol: unified(o.symbol),
          side: o.side === 'BUY' ? 'buy' : 'sell',
          type: o.type === 'LIMIT' ? 'limit' : 'market',
          status:
            o.status === 'FILLED' ? 'filled' : o.status === 'CANCELED' || o.status === 'EXPIRED' ? 'cancelled' : 'open',
          amount: new Decimal(o.origQty).isZero() ? null : canon(o.origQty),
          quoteAmount: new Decimal(o.origQuoteOrderQty).isZero() ? null : canon(o.origQuoteOrderQty),
          price: new Decimal(o.price).isZero() ? null : canon(o.price),
          filled: canon(o.executedQty),
          cost: canon(o.cummulativeQuoteQty),
          fee: canon(fee),
          feeCurrency: o.fills[0]?.commissionAsset ?? unified(o.symbol).split('/')[1],
        }
      }),
    balance: (asset) => {
      const b = fake.balance(asset)
      return {free: canon(b.free), locked: canon(b.locked)}
    },
    setPrice: (symbol, p) => {
      fake.setTicker(symbol.replace('/', ''), {lastPrice: p.last, bidPrice: p.bid, askPrice: p.ask})
    },
    seedTrades: (trades) => fake.seedTrades(trades),
    close: () => fake.close(),
  }
}
