import {AsyncLocalStorage} from 'node:async_hooks'
import {existsSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {Exchange, Order} from 'ccxt'

import type {Broker} from '../brokers.js'
import {CREDENTIAL_KEYS, type Credentials, credentialStatus, describeMissing, secretValues} from '../credentials.js'
import {Decimal, optStr, str} from '../decimal.js'
import {ExitCode, TradedeskError, credentialsError, markExchangeError, usageError} from '../errors.js'
import {MARKETS_TTL_MS, MarketCache, marketsCacheKey} from '../markets.js'
import type {Store} from '../store.js'
import {errorClassChain, mapCcxtError, notSent} from './ccxt-errors.js'
import {binanceRules} from './binance-filters.js'
import type {HttpObserver} from './http-trace.js'
import {type Dialect, type TradeHistory, type TradePaging, dialectOf, newClientOrderId} from './dialects.js'
import type {BookLevel} from './paper-market.js'
import type {
  BalanceRow,
  Capability,
  ExchangeGateway,
  ExchangeOrder,
  ExchangeOrderStatus,
  ExchangeTrade,
  Market,
  OrderRef,
  OrderRequest,
  Ticker,
  TradeHistoryQuery,
} from './types.js'

const CCXT_SRC = new URL('./src/', import.meta.resolve('ccxt'))
const DEFAULT_TIMEOUT_MS = 10_000
const READ_ATTEMPTS = 3
const TICK_SIZE = 4
const DECIMAL_PLACES = 2
/** How far the exchange's clock may be from ours when scanning for an order recorded at a time. */
const CLOCK_SKEW_MS = 5 * 60_000

type ExchangeClass = new (config?: Record<string, unknown>) => Exchange

/** Every exchange id CCXT supports: one module per exchange in ccxt's src folder, as ccxt.exchanges lists them. */
export function ccxtExchangeIds(): string[] {
  return readdirSync(fileURLToPath(CCXT_SRC))
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort()
}

/** Imports one exchange's class only, not the whole library (which costs about a second). */
export async function loadExchangeClass(id: string): Promise<ExchangeClass> {
  const file = new URL(`./${id}.js`, CCXT_SRC)
  if (!/^[a-z0-9]+$/.test(id) || !existsSync(fileURLToPath(file))) {
    throw usageError(`unknown exchange "${id}": see \`tradedesk exchange-info --list\``, 'UNKNOWN_EXCHANGE')
  }

  const exported = (await import(file.href)) as {default: ExchangeClass}
  return exported.default
}

/**
 * The ccxt.pro class of one exchange (REST and websocket in one), imported alone as loadExchangeClass
 * does; null when ccxt has no websocket support for it.
 */
async function loadProExchangeClass(id: string): Promise<ExchangeClass | null> {
  const file = new URL(`./pro/${id}.js`, CCXT_SRC)
  if (!/^[a-z0-9]+$/.test(id) || !existsSync(fileURLToPath(file))) return null
  const exported = (await import(file.href)) as {default: ExchangeClass}
  return exported.default
}

/**
 * When a socket fails, ccxt 4.5.84 rejects every pending future of its client, including some that no
 * one awaits (binance creates its subscribe-by-signature future ahead of the request): an unhandled
 * rejection, which ends the process. Each future a client makes is marked handled here; whoever awaits
 * one still gets its error.
 */
function handleEveryFuture(exchange: Exchange): void {
  const makeClient = exchange.client.bind(exchange)
  const handled = new WeakSet()
  exchange.client = (url) => {
    const client = makeClient(url)
    if (!handled.has(client)) {
      handled.add(client)
      const makeFuture = client.future.bind(client) as (hash: string) => Promise<unknown>
      client.future = (hash: string) => {
        const future = makeFuture(hash)
        future.catch(() => undefined)
        return future
      }
    }

    return client
  }
}

/** What ccxt declares of an exchange, with no keys and no network: its name, capabilities, rate limit, credentials. */
export async function describeExchange(id: string): Promise<{
  name: string
  has: Record<string, Capability>
  rateLimit: number | null
  requiredCredentials: Record<string, unknown>
}> {
  const exchange = new (await loadExchangeClass(id))()
  return {
    name: exchange.name ?? id,
    has: exchange.has,
    rateLimit: typeof exchange.rateLimit === 'number' ? exchange.rateLimit : null,
    requiredCredentials: exchange.requiredCredentials,
  }
}

/** Parses --option key=value pairs; dotted keys nest ("options.defaultType=spot"), true/false/numbers are typed. */
export function parseOptionFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const i = v.indexOf('=')
    if (i <= 0) throw usageError(`--option takes key=value (got "${v}")`)
    const key = v.slice(0, i).trim()
    if (!/^[A-Za-z_][\w.]*$/.test(key)) throw usageError(`--option key "${key}" is not a valid name`)
    if (Object.keys(CREDENTIAL_KEYS).some((k) => k.toLowerCase() === key.toLowerCase())) {
      throw usageError(
        `--option ${key}: credentials never go on the command line; use TRADEDESK_<BROKER>_API_KEY/_SECRET or credentials.json`,
      )
    }

    out[key] = v.slice(i + 1)
  }

  return out
}

function constructorConfig(options: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(options)) {
    const value: unknown =
      raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
    const path = key.split('.')
    let node = config
    for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>
    // split gives at least one part: the key itself when it has no dot.
    node[path[path.length - 1]] = value
  }

  return config
}

/** Points every URL of an exchange's API at another origin (regional endpoints, proxies, tests). */
function rewriteOrigins(node: unknown, origin: string): unknown {
  // A websocket URL moves to the same host, as ws:// beside http:// (wss:// beside https://).
  if (typeof node === 'string')
    return node.replace(/^https?:\/\/[^/]+/, origin).replace(/^wss?:\/\/[^/]+/, origin.replace(/^http/, 'ws'))
  if (Array.isArray(node)) return node.map((n) => rewriteOrigins(n, origin))
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewriteOrigins(v, origin)]))
  }

  return node
}

/**
 * The one place that owns CCXT instances: builds the broker's exchange (only its class), points it
 * at a sandbox or another origin, caches its spot markets in the database, retries reads on network
 * failures with jittered backoff, never retries an order, and maps every CCXT error once.
 */
export class CcxtGateway implements ExchangeGateway {
  private summary?: Market[]
  /** which markets the CCXT instance has been given */
  private loaded: 'all' | Set<string> | false = false
  private readonly secrets: string[]
  private readonly dialect: Dialect
  /** the websocket (ccxt.pro) instance of the exchange, built on first use; null: ccxt has none */
  private pro?: Promise<Exchange | null>
  /**
   * The HTTP status of the answer to the order call in progress, where our transport sees it: per call
   * (the gateway serves several client processes on one instance at once), not per instance.
   */
  private readonly orderAnswer = new AsyncLocalStorage<{status?: number}>()

  private constructor(
    private readonly exchange: Exchange,
    private readonly broker: Broker,
    private readonly credentials: Credentials,
    private readonly cache: MarketCache,
    /** the constructor settings of the exchange, for its websocket twin */
    private readonly settings: Record<string, unknown>,
  ) {
    this.secrets = secretValues(credentials)
    this.dialect = dialectOf(broker.exchange)
  }

  get exchangeId(): string {
    return this.broker.exchange
  }

  get name(): string {
    return this.exchange.name ?? this.broker.exchange
  }

  get prices(): string {
    return `live: ${this.broker.exchange}`
  }

  get has(): Record<string, Capability> {
    return this.exchange.has
  }

  /** sees each HTTP request ccxt makes (--verbose, the log's counts) */
  private observer?: HttpObserver

  get rateLimitMs(): number {
    return this.exchange.rateLimit ?? 0
  }

  /** observer: sees each HTTP request ccxt makes (--verbose, the log's counts); not with a proxy, which keeps ccxt's transport */
  static async create(
    broker: Broker,
    credentials: Credentials,
    store: Store,
    observer?: HttpObserver,
  ): Promise<CcxtGateway> {
    const Exchange = await loadExchangeClass(broker.exchange)
    const user = constructorConfig(broker.options)
    const userOptions = (user.options ?? {}) as Record<string, unknown>
    const {config} = dialectOf(broker.exchange)
    const settings = {
      timeout: DEFAULT_TIMEOUT_MS,
      enableRateLimit: true,
      // Numbers as the exchange wrote them: a Coinbase fill of 0.0101196583443936 BTC does not survive a float.
      number: String,
      ...(config.has ? {has: config.has} : {}),
      ...user,
      ...credentials,
      options: {defaultType: 'spot', fetchOpenOrders: {warnWithoutSymbol: false}, ...config.options, ...userOptions},
    }
    const exchange = new Exchange(settings)
    const gateway = new CcxtGateway(exchange, broker, credentials, new MarketCache(store), settings)
    gateway.observer = observer
    gateway.configure(exchange, user)
    return gateway
  }

  /** What every instance of the broker's exchange gets: our transport, the sandbox, another origin. */
  private configure(exchange: Exchange, user: Record<string, unknown>): void {
    const {broker, observer} = this
    // Node's built-in fetch instead of the undici package CCXT would import (~70 ms of a ~450 ms
    // `price`). Same engine and error classes; redirects stay refused, as CCXT's own transport refuses
    // them. A proxy needs CCXT's transport (undici's ProxyAgent), so any proxy option keeps it.
    if (!Object.keys(user).some((key) => /proxy/i.test(key))) {
      exchange.fetchImplementation = async (url: string, init: RequestInit) => {
        const started = performance.now()
        const seen = (status: number | null) =>
          observer?.({
            broker: broker.name,
            method: init.method ?? 'GET',
            url,
            status,
            ms: Math.round(performance.now() - started),
          })
        let response: Response
        try {
          response = await fetch(url, {...init, redirect: 'error'})
        } catch (error) {
          seen(null)
          throw error
        }

        const answer = this.orderAnswer.getStore()
        if (answer) answer.status = response.status
        seen(response.status)
        return response
      }
    }

    if (broker.sandbox) {
      if (!exchange.has.sandbox) {
        throw usageError(
          `${broker.exchange} has no sandbox (testnet) in CCXT; remove --sandbox from broker ${broker.name}`,
          'NO_SANDBOX',
        )
      }

      exchange.setSandboxMode(true)
    }

    if (broker.apiUrl) {
      const origin = new URL(broker.apiUrl).origin
      exchange.urls.api = rewriteOrigins(exchange.urls.api, origin) as typeof exchange.urls.api
    }
  }

  private get cacheKey(): string {
    return marketsCacheKey(this.broker)
  }

  async markets(options: {refresh?: boolean} = {}): Promise<Market[]> {
    if (this.summary && !options.refresh) return this.summary
    const cached = options.refresh ? null : await this.cache.get(this.cacheKey, MARKETS_TTL_MS)
    if (cached) {
      this.summary = cached.markets
      return this.summary
    }

    await this.read(() => this.exchange.loadMarkets(true))
    this.loaded = 'all'
    // ccxt types its markets as `any`: the fields read here are declared by CcxtMarket.
    const markets = Object.values(this.exchange.markets ?? {}) as CcxtMarket[]
    const spot = markets.filter((m) => m.spot || m.type === 'spot')
    // A garbled exchangeInfo can load as zero markets: never cache that as the truth.
    if (spot.length === 0) {
      throw markExchangeError(
        new TradedeskError(
          'BAD_EXCHANGE_ANSWER',
          `${this.exchangeId}: the exchange listed no spot markets`,
          ExitCode.UNAVAILABLE,
          true,
        ),
      )
    }

    this.summary = spot.map((m) => this.toMarket(m)).sort((a, b) => a.symbol.localeCompare(b.symbol))
    const raw = {
      markets: Object.fromEntries(spot.map((m) => [m.symbol, m])),
      currencies: this.exchange.currencies,
    }
    await this.cache.put(this.cacheKey, this.summary, raw)
    return this.summary
  }

  /**
   * Gives the CCXT instance its markets, from the cache when possible, before any market call: only
   * the markets named when a call needs no others (restoring all of binance's costs ~150 ms).
   */
  private async ensureLoaded(symbols?: string[]): Promise<void> {
    const loaded = this.loaded
    if (loaded === 'all') return
    if (symbols && loaded && symbols.every((s) => loaded.has(s))) return
    const wanted = symbols && loaded ? [...new Set([...loaded, ...symbols])] : symbols
    const raw = await this.cache.getRaw(this.cacheKey, MARKETS_TTL_MS, wanted)
    if (raw) {
      // ccxt types the currencies parameter as `undefined`; it takes the structure loadMarkets built.
      this.exchange.setMarkets(raw.markets as Exchange['markets'], raw.currencies as never)
      restoreAltnames(this.exchange)
      this.loaded = wanted ? new Set(wanted) : 'all'
      return
    }

    await this.markets({refresh: true})
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    await this.ensureLoaded([symbol])
    return toTicker(await this.read(() => this.exchange.fetchTicker(symbol)))
  }

  async fetchTickers(symbols?: string[]): Promise<Map<string, Ticker>> {
    // Only the markets named, when named: a batch `price` of a few symbols restores no others.
    await this.ensureLoaded(symbols)
    const result = new Map<string, Ticker>()
    if (this.has.fetchTickers) {
      const tickers = await this.read(() => this.exchange.fetchTickers(symbols))
      for (const t of Object.values(tickers)) if (t.symbol) result.set(t.symbol, toTicker(t))
    } else {
      for (const s of symbols ?? []) result.set(s, await this.fetchTicker(s))
    }

    return result
  }

  /**
   * The market's order book now (public: no credentials), each side best first as ccxt sorts it;
   * levels that are not two positive numbers are left out.
   */
  async fetchOrderBook(symbol: string): Promise<{bids: BookLevel[]; asks: BookLevel[]}> {
    await this.ensureLoaded([symbol])
    const book: unknown = await this.read(() => this.exchange.fetchOrderBook(symbol))
    if (!isObject(book) || !Array.isArray(book.bids) || !Array.isArray(book.asks)) {
      throw new TradedeskError(
        'BAD_EXCHANGE_ANSWER',
        `${this.exchangeId}: the order book of ${symbol} could not be read`,
        ExitCode.UNAVAILABLE,
        true,
      )
    }

    return {bids: bookLevels(book.bids), asks: bookLevels(book.asks)}
  }

  async fetchBalance(): Promise<BalanceRow[]> {
    this.requireCredentials()
    await this.ensureLoaded()
    const balance: unknown = await this.read(() => this.exchange.fetchBalance())
    // A garbled answer can come back as an empty balance: never read that as "no funds".
    if (!isObject(balance) || !isObject(balance.info)) {
      throw markExchangeError(
        new TradedeskError(
          'BAD_EXCHANGE_ANSWER',
          `${this.exchangeId}: the balance answer could not be read`,
          ExitCode.UNAVAILABLE,
          true,
        ),
      )
    }

    const total = (balance.total ?? {}) as Amounts
    const free = (balance.free ?? {}) as Amounts
    const used = (balance.used ?? {}) as Amounts
    return Object.keys(total)
      .sort()
      .map((asset) => {
        const f = optStr(free[asset]) ?? '0'
        const u = optStr(used[asset]) ?? '0'
        return {asset, free: f, used: u, total: optStr(total[asset]) ?? str(new Decimal(f).plus(u))}
      })
  }

  newClientOrderId(): string {
    return newClientOrderId(this.dialect.clientId)
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    try {
      this.requireCredentials()
      await this.ensureLoaded()
    } catch (error) {
      throw notSent(mapCcxtError(error, 'read', this.exchangeId, this.secrets))
    }

    const marketBuy = request.type === 'market' && request.side === 'buy'
    const params: Record<string, unknown> = {
      ...this.dialect.orderParams,
      [this.dialect.clientIdParam]: request.clientOrderId,
    }
    let price = request.type === 'limit' ? request.price : null
    // A market buy the exchange sizes in money is sent with what was validated: the most it may
    // spend, fee included, where the fee comes out of it (Coinbase); else the reference price, so
    // that ccxt sends amount x price.
    if (marketBuy && this.dialect.marketBuy === 'spend') params.cost = request.spend
    if (
      marketBuy &&
      this.dialect.marketBuy === 'as-ccxt-asks' &&
      (this.exchange.options as Record<string, unknown>).createMarketBuyOrderRequiresPrice === true
    ) {
      price = request.referencePrice
    }

    let order: CcxtOrder
    const answer: {status?: number} = {}
    try {
      // Amounts go as the exact strings validated and recorded; CCXT's precision helpers accept them.
      order = await this.orderAnswer.run(answer, () =>
        this.exchange.createOrder(
          request.symbol,
          request.type,
          request.side,
          request.amount as unknown as number,
          (price ?? undefined) as unknown as number | undefined,
          params,
        ),
      )
    } catch (error) {
      // An exchange's 5xx is "execution status unknown" (Binance documents it), whatever class
      // ccxt gives it (Coinbase's 500 arrives as a plain ExchangeError).
      if (answer.status !== undefined && answer.status >= 500)
        throw mapCcxtError(error, 'order', this.exchangeId, this.secrets, {maybeSent: true})
      throw mapCcxtError(error, 'order', this.exchangeId, this.secrets)
    }

    let placed: ExchangeOrder
    try {
      placed = this.toOrder(order, request)
    } catch {
      // The exchange answered, but not legibly: the order may well exist.
      throw markExchangeError(
        new TradedeskError(
          'ORDER_OUTCOME_UNKNOWN',
          `${this.exchangeId}: the answer to the order could not be read`,
          ExitCode.OUTCOME_UNKNOWN,
        ),
      )
    }

    if (order.status !== undefined && order.status !== null) return placed
    // Kraken, OKX and Coinbase acknowledge an order with its id only: what happened is one read away.
    try {
      return await this.withFees(
        this.toOrder(await this.read(() => this.exchange.fetchOrder(placed.id, request.symbol)), request),
      )
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw markExchangeError(
        new TradedeskError(
          'ORDER_OUTCOME_UNKNOWN',
          `${this.exchangeId}: order ${placed.id} was accepted, but its state could not be read (${reason})`,
          ExitCode.OUTCOME_UNKNOWN,
        ),
      )
    }
  }

  /**
   * Finds an order by exchange id, or else by the client order id it was sent with, as the
   * exchange allows (see the dialect table). Null only when the exchange definitively has no such
   * order; a lookup that cannot tell throws ORDER_LOOKUP_INCONCLUSIVE.
   */
  async fetchOrder(ref: OrderRef): Promise<ExchangeOrder | null> {
    this.requireCredentials()
    await this.ensureLoaded()
    try {
      const id = ref.id
      if (id) return await this.withFees(this.toOrder(await this.read(() => this.exchange.fetchOrder(id, ref.symbol))))
      if (this.dialect.lookup === 'by-client-id') {
        return await this.withFees(
          this.toOrder(await this.read(() => this.exchange.fetchOrderWithClientOrderId(ref.clientOrderId, ref.symbol))),
        )
      }

      const found = await this.scanForClientId(ref)
      return found ? await this.withFees(this.toOrder(found)) : null
    } catch (error) {
      if (error instanceof TradedeskError && error.code === 'ORDER_NOT_FOUND') return null
      throw error
    }
  }

  /** Open orders, then orders closed since the row was recorded (minus clock skew), matched on the client id. */
  private async scanForClientId(ref: OrderRef): Promise<Order | null> {
    const filter =
      this.dialect.lookup === 'scan-filtered' ? {clientOrderId: ref.clientOrderId} : this.dialect.scanParams
    const since = ref.createdAt ? Date.parse(ref.createdAt) - CLOCK_SKEW_MS : undefined
    const match = (orders: Order[]) => orders.find((o) => o.clientOrderId === ref.clientOrderId) ?? null
    if (this.has.fetchOrders === true) {
      return match(await this.read(() => this.exchange.fetchOrders(ref.symbol, since, undefined, filter)))
    }

    if (!this.has.fetchOpenOrders || !this.has.fetchClosedOrders) {
      throw new TradedeskError(
        'ORDER_LOOKUP_INCONCLUSIVE',
        `${this.exchangeId} cannot list open and closed orders, so order ${ref.clientOrderId} cannot be looked up by its client id`,
        ExitCode.UNAVAILABLE,
        true,
      )
    }

    return (
      match(await this.read(() => this.exchange.fetchOpenOrders(ref.symbol, undefined, undefined, filter))) ??
      match(await this.read(() => this.exchange.fetchClosedOrders(ref.symbol, since, undefined, filter)))
    )
  }

  async cancelOrder(id: string, symbol: string): Promise<ExchangeOrder> {
    this.requireCredentials()
    await this.ensureLoaded()
    // Not always an order, whatever ccxt's type says: OKX's module, for one, can answer with nothing.
    let answer: unknown
    try {
      answer = await this.exchange.cancelOrder(id, symbol)
    } catch (error) {
      throw mapCcxtError(error, 'read', this.exchangeId, this.secrets)
    }

    // Kraken and Coinbase confirm a cancel without the order's state: read it.
    if (isObject(answer) && answer.id && answer.status) return this.toOrder(answer)
    return this.withFees(this.toOrder(await this.read(() => this.exchange.fetchOrder(id, symbol))))
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    this.requireCredentials()
    await this.ensureLoaded()
    const orders = await this.read(() => this.exchange.fetchOpenOrders(symbol))
    return orders.map((o) => this.toOrder(o))
  }

  get tradesNeedSymbol(): boolean {
    return this.dialect.trades.needsSymbol
  }

  /**
   * The account's trades from `since` on, read page after page as the exchange pages them (the
   * dialect table says how), each page handed to onPage, and awaited, before the next is asked for.
   * Each trade is handed over once (an offset page can repeat one that arrived meanwhile), and only
   * those at or after `since`, of `symbol` when one is given; a page with none of them is skipped.
   */
  async fetchMyTrades(query: TradeHistoryQuery, onPage: (trades: ExchangeTrade[]) => Promise<void>): Promise<void> {
    this.requireCredentials()
    const history = this.dialect.trades
    const {symbol, since} = query
    if (history.needsSymbol && !symbol) {
      throw usageError(`${this.exchangeId} serves the trade history one symbol at a time: name one`, 'SYMBOL_REQUIRED')
    }

    // Trades of every market come back where the exchange cannot filter: ccxt names them from all markets.
    await this.ensureLoaded(symbol && history.filtersBySymbol ? [symbol] : undefined)
    if (symbol) {
      try {
        this.exchange.market(symbol)
      } catch (error) {
        throw mapCcxtError(error, 'read', this.exchangeId, this.secrets)
      }
    }

    const asked = history.needsSymbol || history.filtersBySymbol ? symbol : undefined
    const seen = new Set<string>()
    let page: PageRequest | null = firstPage(history, since)
    while (page) {
      const request: PageRequest = page
      const raw = (await this.read(() =>
        this.exchange.fetchMyTrades(asked, request.since, request.limit, request.params),
      )) as CcxtTrade[]
      const trades = raw.map((t) => this.historyTrade(t))
      const fresh = trades.filter((t) => !seen.has(t.id))
      for (const t of fresh) seen.add(t.id)
      const wanted = fresh.filter(
        (t) => (since === undefined || t.timestamp >= since) && (symbol === undefined || t.symbol === symbol),
      )
      if (wanted.length > 0) await onPage(wanted)
      page = fresh.length === 0 ? null : this.nextPage(history.paging, request, raw, trades)
    }
  }

  /** The request for the page after this one, or null when this one was the last. */
  private nextPage(
    paging: TradePaging,
    request: PageRequest,
    raw: CcxtTrade[],
    trades: ExchangeTrade[],
  ): PageRequest | null {
    const full = paging.pageSize !== null && raw.length >= paging.pageSize
    switch (paging.style) {
      case 'from-id': {
        if (!full) return null
        const last = trades.reduce((max, t) => bigMax(max, this.integerOf(t.id, 'trade id')), 0n)
        return {limit: request.limit, params: {[paging.param]: String(last + 1n)}}
      }

      case 'offset': {
        if (!full) return null
        const read = Number(request.params[paging.param] ?? 0) + raw.length
        return {...request, params: {...request.params, [paging.param]: read}}
      }

      case 'older-than-key': {
        if (!full) return null
        const keys = raw.map((t) => this.integerOf(infoOf(t)[paging.key], paging.key))
        const oldest = keys.reduce((min, k) => (k < min ? k : min))
        return {...request, params: {...request.params, [paging.param]: String(oldest)}}
      }

      case 'cursor': {
        const cursor = raw.map((t) => infoOf(t)[paging.key]).find((c) => typeof c === 'string' && c !== '')
        if (typeof cursor !== 'string' || cursor === request.params[paging.param]) return null
        return {...request, params: {...request.params, [paging.param]: cursor}}
      }

      case 'since':
        return {...request, since: Math.max(...trades.map((t) => t.timestamp))}
    }
  }

  /** A whole number the exchange uses to page (a trade id, OKX's billId), or a bad answer. */
  private integerOf(value: unknown, what: string): bigint {
    if (
      (typeof value === 'string' && /^\d+$/.test(value)) ||
      (typeof value === 'number' && Number.isSafeInteger(value))
    )
      return BigInt(value)
    throw markExchangeError(
      new TradedeskError(
        'BAD_EXCHANGE_ANSWER',
        `${this.exchangeId}: a trade's ${what} (${String(value)}) is not a whole number to page by`,
        ExitCode.UNAVAILABLE,
        true,
      ),
    )
  }

  private historyTrade(t: CcxtTrade): ExchangeTrade {
    const trade = this.toTrade(t)
    if (!trade) {
      throw markExchangeError(
        new TradedeskError(
          'BAD_EXCHANGE_ANSWER',
          `${this.exchangeId}: a trade of the history could not be read`,
          ExitCode.UNAVAILABLE,
          true,
        ),
      )
    }

    return trade
  }

  /**
   * The close of the one-minute candle that holds the moment, exactly as the exchange states it;
   * null when the exchange serves no one-minute candles, or none for that minute.
   */
  async priceAt(symbol: string, timestamp: number): Promise<string | null> {
    const has = this.has.fetchOHLCV
    // ccxt types it as always there; an exchange class without candles may leave it out
    const timeframes: unknown = this.exchange.timeframes
    if ((has !== true && has !== 'emulated') || !isObject(timeframes) || !('1m' in timeframes)) return null
    await this.ensureLoaded([symbol])
    const minute = Math.floor(timestamp / 60_000) * 60_000
    const candles = await this.read(() => this.exchange.fetchOHLCV(symbol, '1m', minute, 1))
    const candle = (candles as unknown[][]).find((c) => Number(c[0]) === minute)
    return candle ? optStr(candle[4] as CcxtNumber) : null
  }

  /**
   * Fees of a filled order: from the order itself where the exchange reports them there, else (and
   * always where lookups carry none, as Binance's GET /api/v3/order) from its trades, one more request.
   */
  private async withFees(order: ExchangeOrder): Promise<ExchangeOrder> {
    if (new Decimal(order.filled).isZero()) return order
    if (order.fee !== null && this.dialect.fees === 'order') return order
    if (!this.has.fetchOrderTrades) return order
    const trades = await this.read(() => this.exchange.fetchOrderTrades(order.id, order.symbol))
    const fee = sumFees(trades.map((t) => t.fee))
    return fee.cost === null ? order : {...order, fee: fee.cost, feeCurrency: fee.currency}
  }

  /**
   * Waits for the next update of the account's orders the exchange pushes over its websocket
   * (ccxt.pro's watchOrders) and returns the ids it names; null, at once, where ccxt has no websocket
   * order stream for the exchange. Rejects when the socket fails.
   */
  async watchOrderUpdates(): Promise<{id: string; clientOrderId: string | null}[] | null> {
    this.requireCredentials()
    const pro = await (this.pro ??= this.websocketExchange())
    if (!pro) return null
    try {
      const orders = await pro.watchOrders()
      return orders.map((o) => ({id: String(o.id), clientOrderId: o.clientOrderId ?? null}))
    } catch (error) {
      throw mapCcxtError(error, 'read', this.exchangeId, this.secrets)
    }
  }

  /** The ccxt.pro twin of the exchange, set up as it is and given its markets; null when ccxt has none. */
  private async websocketExchange(): Promise<Exchange | null> {
    const Pro = await loadProExchangeClass(this.broker.exchange)
    if (!Pro) return null
    const pro = new Pro(this.settings)
    if (pro.has.watchOrders !== true) return null
    this.configure(pro, constructorConfig(this.broker.options))
    // ccxt refuses a plain ws:// URL (another origin given as http://) until it has an agent for it.
    if (this.broker.apiUrl?.startsWith('http:')) await pro.loadHttpProxyAgent()
    handleEveryFuture(pro)
    await this.ensureLoaded()
    // ccxt types the currencies parameter as `undefined`; it takes the structure loadMarkets built.
    pro.setMarkets(this.exchange.markets, this.exchange.currencies as never)
    restoreAltnames(pro)
    return pro
  }

  async close(): Promise<void> {
    const pro = await this.pro?.catch(() => null)
    await Promise.all([this.exchange.close(), pro?.close()])
  }

  /** Every credential the exchange requires (ccxt's requiredCredentials), or exit 4 naming what to set. */
  private requireCredentials(): void {
    const statuses = credentialStatus(this.broker.name, this.exchange.requiredCredentials, this.credentials)
    if (statuses.some((s) => !s.present)) {
      throw credentialsError(describeMissing(this.broker.name, this.broker.exchange, statuses), 'CREDENTIALS_MISSING')
    }
  }

  /** A read, retried on transient network failures (not on rate limits) with jittered backoff. */
  private async read<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        const chain = errorClassChain(error)
        const transient =
          chain.includes('NetworkError') && !chain.includes('DDoSProtection') && !chain.includes('RateLimitExceeded')
        if (!transient || attempt >= READ_ATTEMPTS) throw mapCcxtError(error, 'read', this.exchangeId, this.secrets)
        await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1) * (0.5 + Math.random())))
      }
    }
  }

  private toMarket(m: CcxtMarket): Market {
    const step = (p: CcxtNumber): string | null => {
      if (p === undefined || p === null) return null
      if (this.exchange.precisionMode === TICK_SIZE) return optStr(p)
      if (this.exchange.precisionMode === DECIMAL_PLACES) return str(new Decimal(10).pow(-Number(p)))
      return null
    }

    const info = (m.info ?? {}) as Record<string, unknown>
    const orderTypes = Array.isArray(info.orderTypes) ? (info.orderTypes as string[]).map((t) => t.toLowerCase()) : null
    return {
      symbol: m.symbol,
      id: String(m.id),
      base: m.base,
      quote: m.quote,
      active: m.active !== false,
      amountStep: step(m.precision?.amount),
      priceTick: step(m.precision?.price),
      minAmount: optStr(m.limits?.amount?.min),
      maxAmount: optStr(m.limits?.amount?.max),
      marketMinAmount: optStr(m.limits?.market?.min),
      marketMaxAmount: optStr(m.limits?.market?.max),
      minPrice: optStr(m.limits?.price?.min),
      maxPrice: optStr(m.limits?.price?.max),
      minCost: optStr(m.limits?.cost?.min),
      maxCost: optStr(m.limits?.cost?.max),
      ...binanceRules(info.filters),
      takerFee: optStr(m.taker),
      makerFee: optStr(m.maker),
      orderTypes,
    }
  }

  private toOrder(answer: unknown, request?: OrderRequest): ExchangeOrder {
    const o = isObject(answer) ? (answer as CcxtOrder) : null
    // A garbled answer can parse into an order with nothing in it: never record that as a fact.
    if (!o || o.id === undefined || o.id === null || String(o.id) === '' || (!o.symbol && !request)) {
      throw markExchangeError(
        new TradedeskError(
          'BAD_EXCHANGE_ANSWER',
          `${this.exchangeId}: the order answer could not be read`,
          ExitCode.UNAVAILABLE,
          true,
        ),
      )
    }

    const fee = feeOf(o)
    const symbol = o.symbol ?? request?.symbol ?? ''
    if (fee.cost !== null && fee.currency === null && this.dialect.feeCurrency === 'quote')
      fee.currency = symbol.split('/')[1] ?? null
    const field = this.dialect.filledValueField
    const exactValue = field ? ((o.info ?? {}) as Record<string, unknown>)[field] : undefined
    const side = (o.side ?? request?.side) as 'buy' | 'sell'
    const type = o.type ?? request?.type ?? 'market'
    const timestamp = o.lastTradeTimestamp ?? o.timestamp ?? null
    const trades = this.orderTrades(o, {orderId: String(o.id), symbol, side, orderType: type, timestamp})
    return {
      id: String(o.id),
      clientOrderId: o.clientOrderId ?? request?.clientOrderId ?? null,
      symbol,
      side,
      type,
      status: toStatus(o.status),
      amount: optStr(o.amount) ?? request?.amount ?? '0',
      price: optStr(o.price) ?? request?.price ?? null,
      filled: optStr(o.filled) ?? '0',
      average: optStr(o.average),
      cost: typeof exactValue === 'string' && exactValue !== '' ? optStr(exactValue) : optStr(o.cost),
      fee: fee.cost,
      feeCurrency: fee.currency,
      timestamp,
      ...(trades ? {trades} : {}),
    }
  }

  /**
   * The executions an order answer lists (Binance's FULL answer: its `fills`), completed from the
   * order where ccxt leaves them bare (a fill there has no time, side or order id). All or none:
   * a list with a trade that cannot be read whole (no id, as Kraken lists only trade ids) is left out,
   * since the journal would take a part for the whole.
   */
  private orderTrades(o: CcxtOrder, from: OrderTradeContext): ExchangeTrade[] | undefined {
    if (!Array.isArray(o.trades) || o.trades.length === 0) return undefined
    const trades = o.trades.map((t) => (isObject(t) ? this.toTrade(t, from) : null))
    return trades.every((t): t is ExchangeTrade => t !== null) ? trades : undefined
  }

  /**
   * A ccxt trade as the gateway states it, every number exact; null when it lacks what a trade is
   * (an id, its market, side, time, amount and price) or holds a number that is not one.
   */
  private toTrade(t: CcxtTrade, from: Partial<OrderTradeContext> = {}): ExchangeTrade | null {
    const id = t.id === undefined || t.id === null ? '' : String(t.id)
    const symbol = t.symbol ?? from.symbol
    const side = t.side ?? from.side
    const timestamp = t.timestamp ?? from.timestamp
    if (id === '' || !symbol || (side !== 'buy' && side !== 'sell') || typeof timestamp !== 'number') return null
    try {
      const info = infoOf(t)
      const quoteSized = this.dialect.trades.quoteSizedFill
      const inQuote = quoteSized !== null && info[quoteSized.flag] === true
      const amount = optStr(t.amount)
      const price = inQuote ? optStr(info[quoteSized.price] as CcxtNumber) : optStr(t.price)
      const stated = inQuote ? optStr(info[quoteSized.value] as CcxtNumber) : null
      if (amount === null || price === null) return null
      const fee = feeOf(t)
      if (fee.cost !== null && fee.currency === null && this.dialect.feeCurrency === 'quote')
        fee.currency = symbol.split('/')[1] ?? null
      return {
        id,
        orderId: t.order === undefined || t.order === null ? (from.orderId ?? null) : String(t.order),
        symbol,
        side,
        amount,
        price,
        cost: stated ?? optStr(t.cost) ?? str(new Decimal(amount).mul(price)),
        fee: fee.cost,
        feeCurrency: fee.currency,
        timestamp,
        takerOrMaker: t.takerOrMaker === 'taker' || t.takerOrMaker === 'maker' ? t.takerOrMaker : null,
        orderType: t.type ?? from.orderType ?? null,
      }
    } catch {
      // a number that is not one (a garbled answer)
      return null
    }
  }
}

/** One request of the trade history: ccxt's since and limit, and the exchange's paging parameters. */
interface PageRequest {
  since?: number
  limit?: number
  params: Record<string, unknown>
}

/** The first page: from `since` (in the exchange's own start parameter where ccxt's is off), else the first trade. */
function firstPage(history: TradeHistory, since: number | undefined): PageRequest {
  const params: Record<string, unknown> = {}
  const limit = history.paging.pageSize ?? undefined
  let ccxtSince = since
  if (since !== undefined && history.startSecondsParam) {
    // exclusive: the second before the one that holds `since`
    params[history.startSecondsParam] = Math.max(0, Math.ceil(since / 1000) - 1)
    ccxtSince = undefined
  }

  if (history.paging.style === 'from-id' && since === undefined) params[history.paging.param] = 0
  if (history.paging.style === 'offset') params[history.paging.param] = 0
  return {since: ccxtSince, limit, params}
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

/** The exchange's own record behind a ccxt structure. */
function infoOf(t: {info?: unknown}): Record<string, unknown> {
  return isObject(t.info) ? t.info : {}
}

/** What an order answer says of its trades where the trades themselves do not. */
interface OrderTradeContext {
  orderId: string
  symbol: string
  side: 'buy' | 'sell'
  orderType: string
  timestamp: number | null
}

/**
 * A number in a ccxt answer. ccxt's types say `number`, but the gateway asks for the exchange's own
 * text (`number: String`), and an exchange may leave a value out or send null.
 */
type CcxtNumber = string | number | null | undefined

/** Amounts per asset, as in a ccxt balance's `free`, `used` and `total`. */
type Amounts = Record<string, CcxtNumber>

/** A market as ccxt describes it (and as the cache keeps it), as far as it is read here. */
interface CcxtMarket {
  symbol: string
  id: string | undefined
  base: string
  quote: string
  active?: boolean | null
  spot?: boolean
  type?: string
  precision?: {amount?: CcxtNumber; price?: CcxtNumber}
  limits?: Partial<Record<'amount' | 'market' | 'price' | 'cost', {min?: CcxtNumber; max?: CcxtNumber}>>
  taker?: CcxtNumber
  maker?: CcxtNumber
  info?: unknown
}

interface CcxtFee {
  cost?: CcxtNumber
  currency?: string | null
}

/** A trade as ccxt answers it, as far as it is read here; a garbled answer can leave any field out. */
interface CcxtTrade {
  id?: string | number | null
  order?: string | number | null
  symbol?: string | null
  side?: string | null
  type?: string | null
  takerOrMaker?: string | null
  amount?: CcxtNumber
  price?: CcxtNumber
  cost?: CcxtNumber
  fee?: CcxtFee | null
  fees?: (CcxtFee | null | undefined)[]
  timestamp?: number | null
  info?: unknown
}

/** An order as ccxt answers it, as far as it is read here; a garbled answer can leave any field out. */
interface CcxtOrder {
  id?: string | number | null
  clientOrderId?: string | null
  symbol?: string | null
  side?: string | null
  type?: string | null
  status?: string | null
  amount?: CcxtNumber
  price?: CcxtNumber
  filled?: CcxtNumber
  average?: CcxtNumber
  cost?: CcxtNumber
  fee?: CcxtFee | null
  /** some exchanges give an order's fees as a list */
  fees?: (CcxtFee | null | undefined)[]
  timestamp?: number | null
  lastTradeTimestamp?: number | null
  /** the executions the answer lists, when it lists them */
  trades?: unknown[]
  info?: unknown
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function toStatus(status: string | null | undefined): ExchangeOrderStatus {
  switch (status) {
    case 'closed':
    case 'canceled':
    case 'expired':
    case 'rejected':
      return status
    default:
      return 'open'
  }
}

/** The fee of an order or a trade: ccxt's `fee`, else its `fees` summed. */
function feeOf(o: {fee?: CcxtFee | null; fees?: (CcxtFee | null | undefined)[]}): {
  cost: string | null
  currency: string | null
} {
  if (o.fee?.cost !== undefined && o.fee.cost !== null)
    return {cost: optStr(o.fee.cost), currency: o.fee.currency ?? null}
  return sumFees(o.fees ?? [])
}

/** The sum of fees in the currency of the first one (an order's fees are in one currency). */
function sumFees(list: (CcxtFee | null | undefined)[]): {cost: string | null; currency: string | null} {
  const fees = list.filter((f): f is CcxtFee => f?.cost !== undefined && f.cost !== null)
  if (fees.length === 0) return {cost: null, currency: null}
  const currency = fees[0].currency ?? null
  const same = fees.filter((f) => (f.currency ?? null) === currency)
  return {cost: str(same.reduce((sum, f) => sum.plus(String(f.cost)), new Decimal(0))), currency}
}

/**
 * Kraken answers with a pair's altname (XBTUSD) as often as with its id (XXBTZUSD); ccxt indexes
 * altnames in loadMarkets only, so markets restored from the cache need that index again.
 */
function restoreAltnames(exchange: Exchange): void {
  const options = exchange.options as Record<string, unknown>
  if (!('marketsByAltname' in options)) return
  const byAltname: Record<string, unknown> = {}
  for (const m of Object.values(exchange.markets ?? {}) as {altname?: string}[]) if (m.altname) byAltname[m.altname] = m
  options.marketsByAltname = byAltname
}

/** An order book side as [price, amount] pairs, kept where both are positive numbers. */
function bookLevels(levels: unknown[]): BookLevel[] {
  const kept: BookLevel[] = []
  for (const level of levels) {
    if (!Array.isArray(level)) continue
    try {
      const price = optStr(level[0] as CcxtNumber)
      const amount = optStr(level[1] as CcxtNumber)
      if (price !== null && amount !== null && new Decimal(price).gt(0) && new Decimal(amount).gt(0))
        kept.push({price, amount})
    } catch {
      // not a number: a garbled level is not a price anyone offered
    }
  }

  return kept
}

function toTicker(t: {
  symbol?: string
  last?: CcxtNumber
  bid?: CcxtNumber
  ask?: CcxtNumber
  percentage?: CcxtNumber
  timestamp?: number
}): Ticker {
  return {
    symbol: t.symbol ?? '',
    last: optStr(t.last),
    bid: optStr(t.bid),
    ask: optStr(t.ask),
    changePct: optStr(t.percentage),
    timestamp: t.timestamp ?? null,
  }
}
