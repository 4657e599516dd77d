import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {PAPER} from './brokers.js'
import {PAPER_HAS, PAPER_NAME} from './exchange/paper.js'
import type {Capability} from './exchange/types.js'

export interface ExchangeInfo {
  exchange: string
  name: string
  rate_limit: number | null
  spot_trading: boolean
  futures_trading: boolean
  margin_trading: boolean
  options_trading: boolean
  market_orders: boolean
  limit_orders: boolean
  stop_orders: boolean
  stop_limit_orders: boolean
  websocket: boolean
  sandbox: boolean
  cors: boolean
  fetch_balance: boolean
  fetch_ticker: boolean
  fetch_order_book: boolean
  fetch_ohlcv: boolean
  fetch_trades: boolean
  fetch_orders: boolean
  fetch_open_orders: boolean
  cancel_order: boolean
  cancel_all_orders: boolean
  raw_has?: Record<string, Capability>
}

/** The SPEC's groups of capabilities, for the human view. */
export const CAPABILITY_GROUPS: [string, (keyof ExchangeInfo)[]][] = [
  ['Trading types', ['spot_trading', 'futures_trading', 'margin_trading', 'options_trading']],
  ['Order types', ['market_orders', 'limit_orders', 'stop_orders', 'stop_limit_orders']],
  ['System', ['websocket', 'sandbox', 'cors']],
  ['Market data', ['fetch_balance', 'fetch_ticker', 'fetch_order_book', 'fetch_ohlcv', 'fetch_trades']],
  ['Order management', ['fetch_orders', 'fetch_open_orders', 'cancel_order', 'cancel_all_orders']],
]

/** `true` and `'emulated'` both mean the call works. */
const yes = (value: Capability) => value === true || value === 'emulated'

/** WebSocket support means the exchange has a class in ccxt.pro. */
function hasProClass(id: string): boolean {
  return existsSync(fileURLToPath(new URL(`./src/pro/${id}.js`, import.meta.resolve('ccxt'))))
}

/** Capabilities of a CCXT exchange (from its class's `has`: no keys, no network) or of the paper exchange. */
export async function exchangeInfo(id: string, raw: boolean): Promise<ExchangeInfo> {
  let has: Record<string, Capability>
  let name: string
  let rateLimit: number | null
  let websocket: boolean
  if (id === PAPER) {
    has = PAPER_HAS
    name = PAPER_NAME
    rateLimit = null
    websocket = false
  } else {
    const {describeExchange} = await import('./exchange/ccxt-gateway.js')
    ;({has, name, rateLimit} = await describeExchange(id))
    websocket = hasProClass(id)
  }

  const info: ExchangeInfo = {
    exchange: id,
    name,
    rate_limit: rateLimit,
    spot_trading: yes(has.spot),
    futures_trading: yes(has.future) || yes(has.swap),
    margin_trading: yes(has.margin),
    options_trading: yes(has.option),
    market_orders: yes(has.createMarketOrder),
    limit_orders: yes(has.createLimitOrder),
    stop_orders: yes(has.createStopOrder),
    stop_limit_orders: yes(has.createStopLimitOrder),
    websocket,
    sandbox: yes(has.sandbox),
    cors: yes(has.CORS),
    fetch_balance: yes(has.fetchBalance),
    fetch_ticker: yes(has.fetchTicker),
    fetch_order_book: yes(has.fetchOrderBook),
    fetch_ohlcv: yes(has.fetchOHLCV),
    fetch_trades: yes(has.fetchTrades),
    fetch_orders: yes(has.fetchOrders),
    fetch_open_orders: yes(has.fetchOpenOrders),
    cancel_order: yes(has.cancelOrder),
    cancel_all_orders: yes(has.cancelAllOrders),
  }
  if (raw) info.raw_has = has
  return info
}
