import type {Broker} from '../brokers.js'
import {newClientOrderId, dialectOf} from '../exchange/dialects.js'
import type {
  BalanceRow,
  Capability,
  ExchangeGateway,
  ExchangeOrder,
  ExchangeTrade,
  Market,
  OrderRef,
  OrderRequest,
  Ticker,
  TradeHistoryQuery,
} from '../exchange/types.js'
import {MARKETS_TTL_MS, MarketCache, marketsCacheKey} from '../markets.js'
import type {Store} from '../store.js'
import {type ConnectOptions, FALLBACK, type GatewayConnection, connectGateway} from './client.js'

/** What the gateway says of a broker's exchange when it opens it: the gateway interface's plain fields. */
export interface RemoteDescription {
  handle: string
  exchangeId: string
  name: string
  has: Record<string, Capability>
  prices: string
  tradesNeedSymbol: boolean
}

/**
 * A broker's exchange served by the profile's gateway, over its socket: the same calls, answers and
 * errors as the CcxtGateway the gateway holds (warm markets, one rate limiter per account for every
 * client process). The broker's markets are read from the database cache first, as in process; the
 * client order id is made here, and the journal row is written here before the order is handed over.
 */
export class RemoteGateway implements ExchangeGateway {
  private summary?: Market[]

  private constructor(
    private readonly connection: GatewayConnection,
    private readonly description: RemoteDescription,
    private readonly broker: Broker,
    private readonly cache: MarketCache,
  ) {}

  /** The gateway's copy of a broker's exchange; undefined when no usable gateway runs (then: in process). */
  static async open(broker: Broker, store: Store, options: ConnectOptions): Promise<RemoteGateway | undefined> {
    const connection = await connectGateway(options)
    if (!connection) return undefined
    const answer = await connection.request({op: 'open', broker})
    if (answer === FALLBACK) {
      connection.close()
      return undefined
    }

    return new RemoteGateway(connection, answer as RemoteDescription, broker, new MarketCache(store))
  }

  get exchangeId(): string {
    return this.description.exchangeId
  }

  get name(): string {
    return this.description.name
  }

  get has(): Record<string, Capability> {
    return this.description.has
  }

  get prices(): string {
    return this.description.prices
  }

  get tradesNeedSymbol(): boolean {
    return this.description.tradesNeedSymbol
  }

  private call(method: string, args: unknown[], options: {order?: boolean} = {}): Promise<unknown> {
    return this.connection.request({op: 'call', handle: this.description.handle, method, args}, options)
  }

  async markets(options: {refresh?: boolean} = {}): Promise<Market[]> {
    if (this.summary && !options.refresh) return this.summary
    const cached = options.refresh ? null : await this.cache.get(marketsCacheKey(this.broker), MARKETS_TTL_MS)
    this.summary = cached ? cached.markets : ((await this.call('markets', [options])) as Market[])
    return this.summary
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    return (await this.call('fetchTicker', [symbol])) as Ticker
  }

  async fetchTickers(symbols?: string[]): Promise<Map<string, Ticker>> {
    return new Map((await this.call('fetchTickers', [symbols])) as [string, Ticker][])
  }

  async fetchBalance(): Promise<BalanceRow[]> {
    return (await this.call('fetchBalance', [])) as BalanceRow[]
  }

  newClientOrderId(): string {
    return newClientOrderId(dialectOf(this.exchangeId).clientId)
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    return (await this.call('createOrder', [request], {order: true})) as ExchangeOrder
  }

  async fetchOrder(ref: OrderRef): Promise<ExchangeOrder | null> {
    return (await this.call('fetchOrder', [ref])) as ExchangeOrder | null
  }

  async cancelOrder(id: string, symbol: string): Promise<ExchangeOrder> {
    return (await this.call('cancelOrder', [id, symbol])) as ExchangeOrder
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return (await this.call('fetchOpenOrders', [symbol])) as ExchangeOrder[]
  }

  async fetchMyTrades(query: TradeHistoryQuery, onPage: (trades: ExchangeTrade[]) => Promise<void>): Promise<void> {
    await this.connection.request(
      {op: 'call', handle: this.description.handle, method: 'fetchMyTrades', args: [query]},
      {onPage: (page) => onPage(page as ExchangeTrade[])},
    )
  }

  async priceAt(symbol: string, timestamp: number): Promise<string | null> {
    return (await this.call('priceAt', [symbol, timestamp])) as string | null
  }

  close(): Promise<void> {
    this.connection.close()
    return Promise.resolve()
  }
}
