/**
 * The gateway interface: what the services know of an exchange. The paper exchange and every CCXT
 * exchange implement it, so a service cannot tell them apart. Every number is an exact decimal string.
 */

export type Side = 'buy' | 'sell'
export type OrderType = 'market' | 'limit'

/** One spot market and its trading rules, normalised from the exchange's own description. */
export interface Market {
  symbol: string
  id: string
  base: string
  quote: string
  active: boolean
  /** amount precision as a step (TICK_SIZE), null when the exchange gives none */
  amountStep: string | null
  /** price precision as a tick, null when the exchange gives none */
  priceTick: string | null
  minAmount: string | null
  maxAmount: string | null
  /** market orders may have their own amount limits (Binance MARKET_LOT_SIZE) */
  marketMinAmount: string | null
  marketMaxAmount: string | null
  minPrice: string | null
  maxPrice: string | null
  minCost: string | null
  maxCost: string | null
  /** whether the cost minimum also applies to market orders (Binance NOTIONAL applyMinToMarket) */
  minCostAppliesToMarket: boolean
  /** whether the cost maximum also applies to market orders (Binance NOTIONAL applyMaxToMarket) */
  maxCostAppliesToMarket?: boolean
  /**
   * how far a limit price may be from the average price, as multipliers per side (Binance
   * PERCENT_PRICE_BY_SIDE: a buy between avg x bidDown and avg x bidUp); absent when none
   */
  percentPrice?: {bidUp: string | null; bidDown: string | null; askUp: string | null; askDown: string | null} | null
  takerFee: string | null
  /** the fee rate of an order that rested on the book; absent from summaries cached before it was kept */
  makerFee?: string | null
  /** order types the market allows ('market', 'limit', ...), null when the exchange does not say */
  orderTypes: string[] | null
}

export interface Ticker {
  symbol: string
  last: string | null
  bid: string | null
  ask: string | null
  changePct: string | null
  timestamp: number | null
}

export interface BalanceRow {
  asset: string
  free: string
  used: string
  total: string
}

export type ExchangeOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected'

export interface ExchangeOrder {
  id: string
  clientOrderId: string | null
  symbol: string
  side: Side
  type: string
  status: ExchangeOrderStatus
  amount: string
  price: string | null
  filled: string
  average: string | null
  cost: string | null
  fee: string | null
  feeCurrency: string | null
  timestamp: number | null
  /**
   * What the exchange says of the execution beyond its numbers, for the journal's notes (the paper
   * exchange's slippage down a live order book). Absent when it says nothing.
   */
  note?: string
  /**
   * The order's executions, when the answer lists them (Binance's FULL answer, the paper exchange):
   * the journal records them as fills. Absent when the exchange did not say.
   */
  trades?: ExchangeTrade[]
}

/** One execution of an order, as the exchange's trade history states it. */
export interface ExchangeTrade {
  /** the exchange's trade id: unique per exchange account */
  id: string
  /** the exchange's id of the order it executed, when known */
  orderId: string | null
  symbol: string
  side: Side
  /** base quantity executed */
  amount: string
  price: string
  /** quote exchanged: amount x price as the exchange states it */
  cost: string
  /** null when the exchange states none */
  fee: string | null
  feeCurrency: string | null
  /** milliseconds since the epoch, UTC */
  timestamp: number
  takerOrMaker: 'taker' | 'maker' | null
  /** the order's type when the exchange says ('market', 'limit'), else null */
  orderType: string | null
}

/** Which part of the account's trade history to read. */
export interface TradeHistoryQuery {
  /** required where the gateway's `tradesNeedSymbol` is true */
  symbol?: string
  /** milliseconds since the epoch: trades at or after it */
  since?: number
}

export interface OrderRequest {
  symbol: string
  side: Side
  type: OrderType
  /** already truncated to the market's step */
  amount: string
  /** limit price, already rounded to the tick; null for market orders */
  price: string | null
  /** the price the order was validated at (the limit, or the book's for a market order) */
  referencePrice: string | null
  /** a buy: the most it may spend as validated, fee included (sizes a market buy where the exchange takes money) */
  spend: string | null
  clientOrderId: string
}

/** What identifies an order the journal recorded: the exchange's id once known, else the client id. */
export interface OrderRef {
  id: string | null
  clientOrderId: string
  symbol: string
  /** when the journal recorded it (ISO): where a search for it may start */
  createdAt?: string
}

export type Capability = boolean | 'emulated' | undefined

export interface ExchangeGateway {
  readonly exchangeId: string
  readonly name: string
  readonly has: Record<string, Capability>
  /** where its prices come from, for people: "snapshot 2023-03-21" (paper) or "live: binance" */
  readonly prices: string
  /**
   * The least time between two requests the exchange's rate limit allows, in ms (ccxt's `rateLimit`,
   * whose throttle every request already goes through): what a poll loop must not undercut. Absent
   * where there is no limit (the paper exchange).
   */
  readonly rateLimitMs?: number
  /** The spot markets, from the cache when it is fresh; refresh forces a download. */
  markets(options?: {refresh?: boolean}): Promise<Market[]>
  fetchTicker(symbol: string): Promise<Ticker>
  /** All tickers in one request (or only these symbols, still one request where the exchange allows). */
  fetchTickers(symbols?: string[]): Promise<Map<string, Ticker>>
  fetchBalance(): Promise<BalanceRow[]>
  /** A client order id in the form this exchange accepts. */
  newClientOrderId(): string
  createOrder(request: OrderRequest): Promise<ExchangeOrder>
  /**
   * Looks an order up by exchange id, or by client order id when the id is unknown; null when the
   * exchange definitively has none. Throws ORDER_LOOKUP_INCONCLUSIVE when it cannot tell.
   */
  fetchOrder(ref: OrderRef): Promise<ExchangeOrder | null>
  cancelOrder(id: string, symbol: string): Promise<ExchangeOrder>
  /**
   * Waits for the next update of the account's orders the exchange pushes over its websocket and
   * returns the ids it names; null, at once, where there is no such stream. Rejects when the socket
   * fails. Absent: no websocket at all (the paper exchange).
   */
  watchOrderUpdates?(): Promise<{id: string; clientOrderId: string | null}[] | null>
  fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]>
  /** whether the trade history can only be read one symbol at a time (Binance's myTrades) */
  readonly tradesNeedSymbol: boolean
  /**
   * The account's trade history, read page after page as the exchange pages it (in whatever order it
   * serves them); each page is handed to onPage, awaited, before the next is requested, so that what
   * a page holds is kept even if a later request fails.
   */
  fetchMyTrades(query: TradeHistoryQuery, onPage: (trades: ExchangeTrade[]) => Promise<void>): Promise<void>
  /**
   * A market's price at a past moment: the close of the one-minute candle that holds it (fetchOHLCV).
   * Null when the exchange serves no candles, or none for that minute.
   */
  priceAt(symbol: string, timestamp: number): Promise<string | null>
  close(): Promise<void>
}
