import {randomBytes} from 'node:crypto'

/**
 * Where exchanges differ exactly where money is at stake, in one table: the shape of a client order
 * id, how an order is found again by it after a lost answer, how a market buy is sized, where fees
 * are found, how the account's trade history is paged, and how to configure the CCXT class to load
 * spot markets only. Each row comes from the exchange's API documentation and the ccxt source it
 * runs through (ccxt 4.5.84); an exchange without a row gets the safest behaviour. No CCXT here: the
 * table is plain data, tested on its own.
 */

/** `hex32`: 32 lowercase hex digits (a version-4 UUID without its dashes); `uuid`: the 36-character form. */
export type ClientIdFormat = 'hex32' | 'uuid'

/**
 * How an order is found by its client id:
 * - `by-client-id`: the exchange looks an order up by it (ccxt's fetchOrderWithClientOrderId);
 * - `scan-filtered`: open and closed orders, filtered by the exchange on the client id;
 * - `scan`: open and closed orders since the order was recorded, matched here.
 */
export type OrderLookup = 'by-client-id' | 'scan-filtered' | 'scan'

/**
 * `base`: a market buy's size is the base amount;
 * `spend`: the quote amount to spend, the fee paid out of it (Coinbase's quote_size): the order is
 * sent with the most it may spend as validated, quantity x price plus the estimated fee;
 * `as-ccxt-asks`: where the exchange class says a market buy needs a price
 * (createMarketBuyOrderRequiresPrice), it gets the reference price and sends amount x price.
 */
export type MarketBuySizing = 'base' | 'spend' | 'as-ccxt-asks'

/**
 * `order`: an order lookup carries its fees (trades are read only when it has none);
 * `trades`: lookups carry none, so a filled order's fees come from its trades.
 */
export type FeeSource = 'order' | 'trades'

/**
 * How the account's trade history is read, page after page:
 * - `from-id`: oldest first, from a start time (or from trade id 0), each next page from the last
 *   trade id + 1 (`param`); a page shorter than `pageSize` is the last (Binance myTrades);
 * - `offset`: newest first, each next page after the trades already read (`param` counts them); a
 *   short page is the last (Kraken TradesHistory);
 * - `older-than-key`: newest first, each next page older than the oldest trade read, named by the
 *   `key` field of the exchange's own trade; a short page is the last (OKX fills-history);
 * - `cursor`: each answer names the next page (ccxt leaves it in one trade's `key` field), the last
 *   names none (Coinbase List Fills);
 * - `since`: ccxt's fetchMyTrades from a time, each next page from the newest trade read, until a
 *   page brings nothing new (an exchange without a row).
 */
export type TradePaging =
  | {style: 'from-id' | 'offset'; pageSize: number; param: string}
  | {style: 'older-than-key'; pageSize: number; param: string; key: string}
  | {style: 'cursor'; pageSize: number | null; param: string; key: string}
  | {style: 'since'; pageSize: number | null}

export interface TradeHistory {
  /** the history can only be read one market at a time */
  needsSymbol: boolean
  /** the endpoint filters on a market when given one (else the gateway filters what it reads) */
  filtersBySymbol: boolean
  paging: TradePaging
  /**
   * a start parameter in whole seconds, exclusive, that the gateway sends itself instead of ccxt's
   * `since` (Kraken's `start`: ccxt truncates since to the second, which leaves out a trade at
   * exactly `since`)
   */
  startSecondsParam: string | null
  /**
   * where a fill of an order sized in the quote states its quote value and its price, both of which
   * ccxt recomputes from a base amount it derives (size / price, cut at 18 decimals): the exchange's
   * flag and the fields that then hold them (Coinbase's size_in_quote, size and price)
   */
  quoteSizedFill: {flag: string; value: string; price: string} | null
}

export interface Dialect {
  clientId: ClientIdFormat
  /** the createOrder parameter that carries the client id through ccxt */
  clientIdParam: string
  lookup: OrderLookup
  /** extra parameters of a scan's listing calls (ccxt's `paginate`, where the class pages itself) */
  scanParams: Record<string, unknown>
  marketBuy: MarketBuySizing
  fees: FeeSource
  /**
   * the field of the exchange's own order answer that holds the exact value filled, where ccxt's
   * unified cost is only filled x a rounded average (Coinbase's filled_value)
   */
  filledValueField: string | null
  /** the currency of a fee the answer gives without one (Kraken charges the quote unless told otherwise) */
  feeCurrency: 'quote' | null
  /** extra parameters of every order request */
  orderParams: Record<string, unknown>
  /** ccxt constructor settings: spot markets only, with the fewest requests (`options`, `has`) */
  config: {options?: Record<string, unknown>; has?: Record<string, boolean>}
  trades: TradeHistory
}

/**
 * The safest behaviour, for an exchange without a row: an id that fits every rule we know but
 * Coinbase's dashed UUID, found again by scanning open and closed orders, a market buy sized as
 * ccxt asks, fees from the trades when the order has none.
 */
export const FALLBACK: Dialect = {
  clientId: 'hex32',
  clientIdParam: 'clientOrderId',
  lookup: 'scan',
  scanParams: {},
  marketBuy: 'as-ccxt-asks',
  fees: 'trades',
  filledValueField: null,
  feeCurrency: null,
  orderParams: {},
  config: {},
  // Whether an exchange's class demands a symbol for fetchMyTrades cannot be read from ccxt: the rows
  // that need one say so.
  trades: {
    needsSymbol: false,
    filtersBySymbol: true,
    paging: {style: 'since', pageSize: null},
    startSecondsParam: null,
    quoteSizedFill: null,
  },
}

export const DIALECTS: Record<string, Dialect> = {
  // newClientOrderId, looked up by origClientOrderId; GET /api/v3/order carries no commission.
  binance: {
    ...FALLBACK,
    lookup: 'by-client-id',
    marketBuy: 'base',
    config: {options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false, fetchMargins: false}},
    // GET /api/v3/myTrades: symbol mandatory; limit at most 1000; "If fromId is set, it will get
    // trades >= that fromId"; startTime alone and fromId alone are supported combinations, not both.
    trades: {...FALLBACK.trades, needsSymbol: true, paging: {style: 'from-id', pageSize: 1000, param: 'fromId'}},
  },
  // cl_ord_id on AddOrder; ccxt's fetchOrder sends a client id as `userref` (an integer on Kraken),
  // so an order is found through OpenOrders / ClosedOrders filtered on cl_ord_id. QueryOrders has
  // the fee, in the quote by default, which ccxt leaves without a currency. (Its `cost` is rounded
  // to the pair's cost decimals: ccxt's filled x average is the exact one for a single fill.)
  // TradesHistory: no pair parameter; "50 results are returned at a time, the most recent by
  // default"; `ofs` is the result offset; `start` is exclusive, a unix time in seconds.
  kraken: {
    ...FALLBACK,
    lookup: 'scan-filtered',
    marketBuy: 'base',
    fees: 'order',
    feeCurrency: 'quote',
    trades: {
      ...FALLBACK.trades,
      filtersBySymbol: false,
      paging: {style: 'offset', pageSize: 50, param: 'ofs'},
      startSecondsParam: 'start',
    },
  },
  // clOrdId: 1-32 letters and digits; GET /api/v5/trade/order takes it. ccxt sends tgtCcy=base_ccy,
  // so a market buy's sz is base; banAmend: refused rather than shrunk when the funds fall short.
  // Orders carry fee and feeCcy. has.fetchCurrencies off: no signed currencies call in loadMarkets.
  okx: {
    ...FALLBACK,
    lookup: 'by-client-id',
    marketBuy: 'base',
    fees: 'order',
    orderParams: {banAmend: true},
    config: {options: {fetchMarkets: {types: ['spot']}}, has: {fetchCurrencies: false}},
    // GET /api/v5/trade/fills-history (the last 3 months): newest first, limit at most 100, `after`
    // a billId: records older than it.
    trades: {...FALLBACK.trades, paging: {style: 'older-than-key', pageSize: 100, param: 'after', key: 'billId'}},
  },
  // Advanced Trade: client_order_id is a UUID (ccxt drops the unified clientOrderId); a market buy's
  // quote_size includes the fee; orders carry total_fees. No lookup by client id: list and match.
  // v3 endpoints only (ccxt's defaults call v2 for currencies, balance and time).
  coinbase: {
    ...FALLBACK,
    clientId: 'uuid',
    clientIdParam: 'client_order_id',
    scanParams: {paginate: true},
    marketBuy: 'spend',
    fees: 'order',
    filledValueField: 'filled_value',
    config: {
      options: {fetchBalance: 'v3PrivateGetBrokerageAccounts', fetchTime: 'v3PublicGetBrokerageTime'},
      has: {fetchCurrencies: false},
    },
    // List Fills: limit "Defaults to 100", `cursor` from the previous answer (empty on the last page);
    // a fill of a quote-sized order states its quote value as `size` (size_in_quote).
    trades: {
      ...FALLBACK.trades,
      paging: {style: 'cursor', pageSize: 100, param: 'cursor', key: 'cursor'},
      quoteSizedFill: {flag: 'size_in_quote', value: 'size', price: 'price'},
    },
  },
}

/** The dialect of a CCXT exchange id; regional variants (binanceus, krakenfutures...) are not the same API. */
export function dialectOf(exchangeId: string): Dialect {
  return DIALECTS[exchangeId] ?? FALLBACK
}

/** A new client order id in the dialect's format: 122 random bits, a version-4 UUID. */
export function newClientOrderId(format: ClientIdFormat): string {
  const bytes = randomBytes(16)
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  if (format === 'hex32') return hex
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
