import {Decimal, ZERO, dec, isOnStep, roundToTick, str} from '../decimal.js'
import {TradedeskError, ExitCode, orderRejected} from '../errors.js'
import {isRowId} from '../journal.js'
import {MarketCache, findMarket, paperMarketsKey} from '../markets.js'
import type {Store, Tx} from '../store.js'
import {priceBand} from './binance-filters.js'
import {FALLBACK, newClientOrderId} from './dialects.js'
import {
  PAPER_TAKER_FEE,
  SNAPSHOT_ID,
  SNAPSHOT_PRICES_DATE,
  loadSnapshotMarkets,
  loadSnapshotTickers,
} from './snapshot.js'
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

export const PAPER_NAME = 'Paper (simulated Binance spot)'

/** What the paper exchange can do, in CCXT's `has` vocabulary. */
export const PAPER_HAS: Record<string, Capability> = {
  spot: true,
  margin: false,
  swap: false,
  future: false,
  option: false,
  sandbox: false,
  CORS: false,
  ws: false,
  createOrder: true,
  createMarketOrder: true,
  createLimitOrder: true,
  createStopOrder: false,
  createStopLimitOrder: false,
  fetchBalance: true,
  fetchTicker: true,
  fetchTickers: true,
  fetchOrderBook: false,
  fetchOHLCV: false,
  fetchTrades: false,
  fetchOrder: true,
  fetchOrders: true,
  fetchOpenOrders: true,
  cancelOrder: true,
  cancelAllOrders: false,
}

interface PaperOrderRow {
  id: number
  broker_id: number
  client_order_id: string
  symbol: string
  side: 'buy' | 'sell'
  type: string
  amount: string
  price: string | null
  status: ExchangeOrderStatus
  filled: string
  cost: string
  fee: string
  fee_currency: string
  reserved_asset: string | null
  reserved_amount: string | null
  created_at: string
  updated_at: string
}

/**
 * A simulated spot exchange on real Binance market data. It enforces the market's real rules,
 * charges a 0.1% taker fee in the quote asset, fills market orders at the ask (buy) or bid (sell),
 * fills a crossing limit order at once at the book price and rests any other one, reserving its
 * funds until it is cancelled. Its balances and orders live in the journal's database, per broker.
 */
export class PaperExchange implements ExchangeGateway {
  readonly exchangeId = 'paper'
  readonly name = PAPER_NAME
  readonly has = PAPER_HAS
  readonly prices = `snapshot ${SNAPSHOT_PRICES_DATE}`
  private marketList?: Market[]
  private tickerMap?: Map<string, Omit<Ticker, 'symbol'>>

  constructor(
    private readonly store: Store,
    private readonly brokerId: number,
  ) {}

  async markets(): Promise<Market[]> {
    if (this.marketList) return this.marketList
    const cache = new MarketCache(this.store)
    // The summary's shape is versioned with the key: a newer tradedesk reads its own.
    const key = paperMarketsKey(SNAPSHOT_ID)
    const cached = await cache.get(key, Number.POSITIVE_INFINITY)
    if (cached) {
      this.marketList = cached.markets
    } else {
      this.marketList = loadSnapshotMarkets()
      await cache.put(key, this.marketList, null)
    }

    return this.marketList
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const market = await this.market(symbol)
    const ticker = this.ticker(market)
    if (!ticker) {
      throw new TradedeskError(
        'PRICE_UNAVAILABLE',
        `${market.symbol} has no price in the paper market snapshot`,
        ExitCode.ORDER_INVALID,
      )
    }

    return ticker
  }

  async fetchTickers(symbols?: string[]): Promise<Map<string, Ticker>> {
    const markets = await this.markets()
    const wanted = symbols ? new Set(symbols) : null
    const result = new Map<string, Ticker>()
    for (const m of markets) {
      if (wanted && !wanted.has(m.symbol)) continue
      const t = this.ticker(m)
      if (t) result.set(m.symbol, t)
    }

    return result
  }

  async fetchBalance(): Promise<BalanceRow[]> {
    const rows = await this.store.query<{asset: string; free: string; used: string}>(
      'SELECT asset, free, used FROM paper_balances WHERE broker_id = ? ORDER BY asset',
      [this.brokerId],
    )
    // In SQLite's order (code units) whatever the collation of a PostgreSQL database.
    rows.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0))
    return rows.map((r) => ({asset: r.asset, free: r.free, used: r.used, total: str(new Decimal(r.free).plus(r.used))}))
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const market = await this.market(request.symbol)
    const ticker = this.ticker(market)
    const amount = new Decimal(request.amount)
    const limitPrice = request.price === null ? null : new Decimal(request.price)
    this.checkRules(market, request, amount, limitPrice, ticker)
    // The prices it quotes are the prices it fills at.
    const book = new Decimal(request.side === 'buy' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last))
    // A limit order fills at once when it crosses the book, at the book's price; otherwise it rests at its limit.
    const restsAt =
      limitPrice !== null && !(request.side === 'buy' ? limitPrice.gte(book) : limitPrice.lte(book)) ? limitPrice : null
    const feeRate = new Decimal(PAPER_TAKER_FEE)
    const now = new Date().toISOString()

    return this.store.write(async (tx) => {
      const existing = await tx<PaperOrderRow>('paper_orders')
        .where({broker_id: this.brokerId, client_order_id: request.clientOrderId})
        .first()
      if (existing) throw orderRejected(`duplicate client order id ${request.clientOrderId}`, 'DUPLICATE_ORDER')

      const base = await this.lockBalance(tx, market.base)
      const quote = await this.lockBalance(tx, market.quote)
      const row: Omit<PaperOrderRow, 'id'> = {
        broker_id: this.brokerId,
        client_order_id: request.clientOrderId,
        symbol: market.symbol,
        side: request.side,
        type: request.type,
        amount: str(amount),
        price: limitPrice ? str(limitPrice) : null,
        status: 'open',
        filled: '0',
        cost: '0',
        fee: '0',
        fee_currency: market.quote,
        reserved_asset: null,
        reserved_amount: null,
        created_at: now,
        updated_at: now,
      }

      if (restsAt === null) {
        const cost = amount.mul(book)
        const fee = cost.mul(feeRate)
        if (request.side === 'buy') {
          this.requireFunds(quote, cost.plus(fee), market.quote)
          quote.free = quote.free.minus(cost).minus(fee)
          base.free = base.free.plus(amount)
        } else {
          this.requireFunds(base, amount, market.base)
          base.free = base.free.minus(amount)
          quote.free = quote.free.plus(cost).minus(fee)
        }

        Object.assign(row, {status: 'closed', filled: str(amount), cost: str(cost), fee: str(fee)})
        const [{id}] = await tx('paper_orders').insert(row).returning<{id: number}[]>('id')
        await tx('paper_fills').insert({
          order_id: id,
          broker_id: this.brokerId,
          price: str(book),
          amount: str(amount),
          cost: str(cost),
          fee: str(fee),
          fee_currency: market.quote,
          created_at: now,
        })
        await this.saveBalances(tx, base, quote)
        return toExchangeOrder({...row, id})
      }

      // Resting: reserve what a fill would take, fee included, so the fill can always be paid.
      const reserved = request.side === 'buy' ? amount.mul(restsAt).mul(feeRate.plus(1)) : amount
      const account = request.side === 'buy' ? quote : base
      this.requireFunds(account, reserved, account.asset)
      account.free = account.free.minus(reserved)
      account.used = account.used.plus(reserved)
      Object.assign(row, {reserved_asset: account.asset, reserved_amount: str(reserved)})
      const [{id}] = await tx('paper_orders').insert(row).returning<{id: number}[]>('id')
      await this.saveBalances(tx, base, quote)
      return toExchangeOrder({...row, id})
    })
  }

  newClientOrderId(): string {
    return newClientOrderId(FALLBACK.clientId)
  }

  async fetchOrder(ref: OrderRef): Promise<ExchangeOrder | null> {
    // An id that no order row can have finds nothing (PostgreSQL would fail on it, not SQLite).
    if (ref.id && !isRowId(Number(ref.id))) return null
    const query = this.store.db<PaperOrderRow>('paper_orders').where({broker_id: this.brokerId})
    const row = ref.id
      ? await query.andWhere({id: Number(ref.id)}).first()
      : await query.andWhere({client_order_id: ref.clientOrderId}).first()
    return row ? toExchangeOrder(row) : null
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the gateway interface passes the symbol (real exchanges need it); paper order ids are unique without it
  async cancelOrder(id: string, _symbol: string): Promise<ExchangeOrder> {
    return this.store.write(async (tx) => {
      const row = isRowId(Number(id))
        ? await this.store
            .forUpdate(tx<PaperOrderRow>('paper_orders').where({broker_id: this.brokerId, id: Number(id)}))
            .first()
        : undefined
      if (!row)
        throw new TradedeskError(
          'ORDER_NOT_FOUND',
          `order ${id} does not exist on the paper exchange`,
          ExitCode.ORDER_INVALID,
        )
      if (row.status !== 'open') {
        throw new TradedeskError(
          'ORDER_NOT_OPEN',
          `order ${id} is ${row.status}, it cannot be cancelled`,
          ExitCode.ORDER_INVALID,
        )
      }

      if (row.reserved_asset && row.reserved_amount) {
        const account = await this.lockBalance(tx, row.reserved_asset)
        account.free = account.free.plus(row.reserved_amount)
        account.used = account.used.minus(row.reserved_amount)
        await this.saveBalances(tx, account)
      }

      const updated = {...row, status: 'canceled' as const, updated_at: new Date().toISOString(), reserved_amount: '0'}
      await tx('paper_orders')
        .where({id: row.id})
        .update({status: updated.status, updated_at: updated.updated_at, reserved_amount: '0'})
      return toExchangeOrder(updated)
    })
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const query = this.store.db<PaperOrderRow>('paper_orders').where({broker_id: this.brokerId, status: 'open'})
    if (symbol) query.andWhere({symbol})
    return (await query.orderBy('id')).map((r) => toExchangeOrder(r))
  }

  readonly tradesNeedSymbol = false

  /**
   * The paper account's executions, oldest first, in pages of PAPER_TRADES_PAGE: one per order that
   * filled (a paper order fills whole, at once), whose trade id is the order's id.
   */
  async fetchMyTrades(query: TradeHistoryQuery, onPage: (trades: ExchangeTrade[]) => Promise<void>): Promise<void> {
    const {symbol, since} = query
    // keyset paging on (updated_at, id): an order placed meanwhile cannot shift a page
    let after: {updated_at: string; id: number} | null = null
    for (;;) {
      const page = this.store
        .db<PaperOrderRow>('paper_orders')
        .where({broker_id: this.brokerId})
        .andWhereNot({filled: '0'})
      if (symbol) page.andWhere({symbol})
      if (since !== undefined) page.andWhere('updated_at', '>=', new Date(since).toISOString())
      const last = after
      if (last) {
        page.andWhere((later) => {
          void later.where('updated_at', '>', last.updated_at).orWhere((same) => {
            void same.where('updated_at', last.updated_at).andWhere('id', '>', last.id)
          })
        })
      }

      const rows = await page.orderBy([{column: 'updated_at'}, {column: 'id'}]).limit(PAPER_TRADES_PAGE)
      const trades = rows.map((r) => tradeOf(r)).filter((t): t is ExchangeTrade => t !== null)
      if (trades.length > 0) await onPage(trades)
      if (rows.length < PAPER_TRADES_PAGE) return
      const end = rows[rows.length - 1]
      after = {updated_at: end.updated_at, id: end.id}
    }
  }

  /** The snapshot has no candles (`has.fetchOHLCV` is false): no price at a past moment. */
  priceAt(): Promise<string | null> {
    return Promise.resolve(null)
  }

  async close(): Promise<void> {}

  /**
   * A market's snapshot prices, put on its tick as the exchange could quote them (some snapshot
   * prices are off it: ETH/BTC's ask 0.062909 on a 0.00001 tick): the ask rounds up, the bid down.
   */
  private ticker(market: Market): Ticker | null {
    this.tickerMap ??= loadSnapshotTickers()
    const t = this.tickerMap.get(market.id)
    if (!t) return null
    const tick = dec(market.priceTick)
    const onTick = (v: string | null, direction: 'half-up' | 'down' | 'up') => {
      if (!v) return null
      const p = roundToTick(new Decimal(v), tick, direction)
      return p.gt(0) ? str(p) : null
    }

    return {
      ...t,
      symbol: market.symbol,
      last: onTick(t.last, 'half-up'),
      bid: onTick(t.bid, 'down'),
      ask: onTick(t.ask, 'up'),
    }
  }

  private async market(symbol: string): Promise<Market> {
    const market = findMarket(await this.markets(), symbol)
    if (!market)
      throw new TradedeskError(
        'UNKNOWN_SYMBOL',
        `unknown symbol ${symbol} on the paper exchange`,
        ExitCode.ORDER_INVALID,
      )
    return market
  }

  /**
   * The exchange's own checks, as Binance makes them: the last line of defence behind validation.
   * An order that passes them has a market with a last price to fill at.
   */
  private checkRules(
    market: Market,
    req: OrderRequest,
    amount: Decimal,
    price: Decimal | null,
    ticker: Ticker | null,
  ): asserts ticker is Ticker & {last: string} {
    if (!market.active) throw orderRejected(`${market.symbol} is not trading`, 'MARKET_INACTIVE')
    if (market.orderTypes && !market.orderTypes.includes(req.type)) {
      throw orderRejected(`${req.type} orders are not allowed on ${market.symbol}`, 'ORDER_TYPE_UNSUPPORTED')
    }

    if (!ticker?.last)
      throw orderRejected(`${market.symbol} has no price in the paper market snapshot`, 'PRICE_UNAVAILABLE')
    if (!amount.isFinite() || amount.lte(0) || !isOnStep(amount, dec(market.amountStep))) {
      throw orderRejected(
        `Filter failure: LOT_SIZE (amount ${str(amount)}, step ${String(market.amountStep)})`,
        'AMOUNT_INVALID',
      )
    }

    const min = dec(market.minAmount)
    const max = dec(req.type === 'market' ? (market.marketMaxAmount ?? market.maxAmount) : market.maxAmount)
    if ((min && amount.lt(min)) || (max && amount.gt(max))) {
      throw orderRejected(
        `Filter failure: LOT_SIZE (amount ${str(amount)} outside ${String(market.minAmount)}..${max ? str(max) : ''})`,
        'AMOUNT_INVALID',
      )
    }

    if (req.type === 'limit') {
      if (!price || price.lte(0) || !isOnStep(price, dec(market.priceTick))) {
        throw orderRejected(
          `Filter failure: PRICE_FILTER (price ${price ? str(price) : 'missing'}, tick ${String(market.priceTick)})`,
          'PRICE_INVALID',
        )
      }

      const minPrice = dec(market.minPrice)
      const maxPrice = dec(market.maxPrice)
      if ((minPrice && price.lt(minPrice)) || (maxPrice && price.gt(maxPrice))) {
        throw orderRejected(`Filter failure: PRICE_FILTER (price ${str(price)})`, 'PRICE_INVALID')
      }

      // Binance measures it against a 5-minute average price; the snapshot has only the last one.
      const band = priceBand(market, req.side, new Decimal(ticker.last))
      if (band && ((band.min && price.lt(band.min)) || (band.max && price.gt(band.max)))) {
        throw orderRejected(`Filter failure: PERCENT_PRICE_BY_SIDE (price ${str(price)})`, 'PRICE_INVALID')
      }
    }

    const minCost = dec(market.minCost)
    const maxCost = dec(market.maxCost)
    const notional = amount.mul(price ?? new Decimal(ticker.last))
    if (minCost && notional.lt(minCost) && (req.type === 'limit' || market.minCostAppliesToMarket)) {
      throw orderRejected(
        `Filter failure: NOTIONAL (value ${str(notional)} below ${String(market.minCost)})`,
        'COST_TOO_SMALL',
      )
    }

    if (maxCost && notional.gt(maxCost) && (req.type === 'limit' || market.maxCostAppliesToMarket)) {
      throw orderRejected(
        `Filter failure: NOTIONAL (value ${str(notional)} above ${String(market.maxCost)})`,
        'AMOUNT_TOO_LARGE',
      )
    }
  }

  private requireFunds(account: Account, needed: Decimal, asset: string) {
    if (account.free.lt(needed)) {
      throw orderRejected(
        `Account has insufficient balance for requested action: ${str(needed)} ${asset} needed, ${str(account.free)} free`,
        'INSUFFICIENT_FUNDS',
      )
    }
  }

  private async lockBalance(tx: Tx, asset: string): Promise<Account> {
    const row = await this.store
      .forUpdate(tx<PaperBalanceRow>('paper_balances').where({broker_id: this.brokerId, asset}))
      .first()
    if (row) return {asset, free: new Decimal(row.free), used: new Decimal(row.used), exists: true}
    return {asset, free: ZERO, used: ZERO, exists: false}
  }

  private async saveBalances(tx: Tx, ...accounts: Account[]) {
    for (const a of accounts) {
      const values = {free: str(a.free), used: str(a.used)}
      if (a.exists) await tx('paper_balances').where({broker_id: this.brokerId, asset: a.asset}).update(values)
      else await tx('paper_balances').insert({broker_id: this.brokerId, asset: a.asset, ...values})
      a.exists = true
    }
  }
}

interface PaperBalanceRow {
  broker_id: number
  asset: string
  free: string
  used: string
}

interface Account {
  asset: string
  free: Decimal
  used: Decimal
  exists: boolean
}

/** Trades per page of the paper account's history. */
export const PAPER_TRADES_PAGE = 500

/** The one execution of a paper order that filled (it fills whole, at once, as a taker), else null. */
function tradeOf(row: Omit<PaperOrderRow, 'id'> & {id: number}): ExchangeTrade | null {
  const filled = new Decimal(row.filled)
  if (filled.isZero()) return null
  return {
    id: String(row.id),
    orderId: String(row.id),
    symbol: row.symbol,
    side: row.side,
    amount: row.filled,
    price: str(new Decimal(row.cost).div(filled)),
    cost: row.cost,
    fee: row.fee,
    feeCurrency: row.fee_currency,
    timestamp: Date.parse(row.updated_at),
    takerOrMaker: 'taker',
    orderType: row.type,
  }
}

function toExchangeOrder(row: Omit<PaperOrderRow, 'id'> & {id: number}): ExchangeOrder {
  const filled = new Decimal(row.filled)
  const trade = tradeOf(row)
  return {
    id: String(row.id),
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    status: row.status,
    amount: row.amount,
    price: row.price,
    filled: row.filled,
    average: filled.isZero() ? null : str(new Decimal(row.cost).div(filled)),
    cost: row.cost,
    fee: row.fee,
    feeCurrency: row.fee_currency,
    timestamp: Date.parse(row.updated_at),
    ...(trade ? {trades: [trade]} : {}),
  }
}
