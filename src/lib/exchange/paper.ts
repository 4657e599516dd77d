import {Decimal, ZERO, dec, isOnStep, str} from '../decimal.js'
import {ExitCode, NotSentError, TradedeskError, orderRejected, usageError} from '../errors.js'
import {isRowId} from '../journal.js'
import {findMarket} from '../markets.js'
import type {Store, Tx} from '../store.js'
import {priceBand} from './binance-filters.js'
import {FALLBACK, newClientOrderId} from './dialects.js'
import {type BookLevel, type PaperMarketData, SnapshotMarket} from './paper-market.js'
import {PAPER_TAKER_FEE} from './snapshot.js'
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
  Side,
  Ticker,
  TradeHistoryQuery,
} from './types.js'

export {PAPER_NAME} from './paper-market.js'

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
  /** null: filled as a taker (rows older than the column), or not filled */
  taker_or_maker: 'taker' | 'maker' | null
  created_at: string
  updated_at: string
}

/**
 * A simulated spot exchange: on the offline Binance snapshot (its prices moved only by `paper set-price`),
 * or on an exchange's live public market data (PaperMarketData). It enforces the market's real rules,
 * charges the market's taker fee in the quote asset, fills a market order against the book (the whole
 * amount at the ask or bid of the snapshot, which has no depth; level by level down a live order book,
 * at the volume-weighted average), fills a crossing limit order at once and rests any other one,
 * reserving its funds. A resting order fills at its limit price, as a maker, once a read sees the
 * market cross it: every call that reads the market or the account settles such orders first. Its
 * balances and orders live in the journal's database, per broker.
 */
export class PaperExchange implements ExchangeGateway {
  readonly exchangeId = 'paper'
  readonly has = PAPER_HAS

  constructor(
    private readonly store: Store,
    private readonly brokerId: number,
    private readonly data: PaperMarketData = new SnapshotMarket(store, brokerId),
  ) {}

  get name(): string {
    return this.data.name
  }

  get prices(): string {
    return this.data.prices
  }

  async markets(options: {refresh?: boolean} = {}): Promise<Market[]> {
    return this.data.markets(options)
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const market = await this.market(symbol)
    const ticker = await this.data.ticker(market)
    if (!ticker) {
      throw new TradedeskError(
        'PRICE_UNAVAILABLE',
        `${market.symbol} has no price on the paper exchange (${this.prices})`,
        ExitCode.ORDER_INVALID,
      )
    }

    await this.settleResting(new Map([[market.symbol, ticker]]), market.symbol)
    return ticker
  }

  async fetchTickers(symbols?: string[]): Promise<Map<string, Ticker>> {
    const markets = await this.markets()
    const wanted = symbols ? new Set(symbols) : null
    const tickers = await this.data.tickers(wanted ? markets.filter((m) => wanted.has(m.symbol)) : markets)
    await this.settleResting(tickers)
    return tickers
  }

  async fetchBalance(): Promise<BalanceRow[]> {
    await this.settleResting()
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
    const ticker = await beforePlacing(() => this.data.ticker(market))
    const amount = new Decimal(request.amount)
    const limitPrice = request.price === null ? null : new Decimal(request.price)
    this.checkRules(market, request, amount, limitPrice, ticker)
    await beforePlacing(() => this.settleResting(new Map([[market.symbol, ticker]])))
    // The prices it quotes are the prices it fills at.
    const touch = new Decimal(request.side === 'buy' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last))
    const crosses = limitPrice === null || (request.side === 'buy' ? limitPrice.gte(touch) : limitPrice.lte(touch))
    // A crossing order takes the book (at most down to its limit); a limit order that does not cross,
    // or that the book within its limit cannot fill whole, rests at its limit.
    const taken = crosses ? await beforePlacing(() => this.take(market, request.side, amount, touch, limitPrice)) : null
    const feeRate = takerRate(market)
    // What a resting order reserves must pay its fill whichever fee applies then.
    const reserveRate = Decimal.max(feeRate, new Decimal(this.data.makerFee(market)))
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
        taker_or_maker: null,
        created_at: now,
        updated_at: now,
      }

      if (taken) {
        const {cost} = taken
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

        Object.assign(row, {
          status: 'closed',
          filled: str(amount),
          cost: str(cost),
          fee: str(fee),
          taker_or_maker: 'taker',
        })
        const [{id}] = await tx('paper_orders').insert(row).returning<{id: number}[]>('id')
        await tx('paper_fills').insert({
          order_id: id,
          broker_id: this.brokerId,
          price: str(cost.div(amount)),
          amount: str(amount),
          cost: str(cost),
          fee: str(fee),
          fee_currency: market.quote,
          created_at: now,
        })
        await this.saveBalances(tx, base, quote)
        const placed = toExchangeOrder({...row, id})
        return taken.note ? {...placed, note: taken.note} : placed
      }

      // Resting: reserve what a fill would take, fee included, so the fill can always be paid.
      const restsAt = limitPrice ?? touch
      const reserved = request.side === 'buy' ? amount.mul(restsAt).mul(reserveRate.plus(1)) : amount
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
    await this.settleResting()
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
    // An order the market crossed has filled: it is no longer there to cancel.
    await this.settleResting()
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
    await this.settleResting()
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
    await this.settleResting()
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

  async close(): Promise<void> {
    await this.data.close()
  }

  /**
   * Moves a snapshot market's price (`paper set-price`): last = price, bid and ask one tick around it,
   * kept for this broker; the resting orders the move crosses fill, in the same transaction. A paper
   * broker on live prices refuses: its prices are the exchange's.
   */
  async setPrice(symbol: string, price: Decimal): Promise<{ticker: Ticker; filled: ExchangeOrder[]}> {
    const data = this.data
    if (!(data instanceof SnapshotMarket)) {
      throw usageError(
        `this paper broker trades on ${this.prices} prices, which only the exchange moves; paper set-price moves a snapshot paper market`,
        'PRICES_LIVE',
      )
    }

    const market = await this.market(symbol)
    const tick = dec(market.priceTick)
    if (price.lte(0) || (tick && !isOnStep(price, tick))) {
      throw usageError(
        `PRICE must be a positive multiple of ${market.symbol}'s tick ${String(market.priceTick)} (got ${str(price)})`,
        'BAD_PRICE',
      )
    }

    if (tick && price.lte(tick)) {
      throw usageError(
        `PRICE must be more than one tick (${str(tick)}) for ${market.symbol}: its bid is one tick below it`,
        'BAD_PRICE',
      )
    }

    return this.store.write(async (tx) => {
      const ticker = await data.setPrice(tx, market, price)
      const filled = await this.fillCrossed(tx, new Map([[market.symbol, ticker]]))
      return {ticker, filled}
    })
  }

  /**
   * Settles the resting orders (of `only`, else of every symbol that has some) against the market
   * now: the tickers already read in this call, the others read once, together.
   */
  private async settleResting(known: Map<string, Ticker> = new Map(), only?: string): Promise<void> {
    const rows = await this.store.query<{symbol: string; side: Side; price: string | null}>(
      'SELECT symbol, side, price FROM paper_orders WHERE broker_id = ? AND status = ?',
      [this.brokerId, 'open'],
    )
    const resting = rows.filter((r) => only === undefined || r.symbol === only)
    if (resting.length === 0) return
    const symbols = new Set(resting.map((r) => r.symbol))
    const tickers = new Map([...known].filter(([s]) => symbols.has(s)))
    const unread = (await this.markets()).filter((m) => symbols.has(m.symbol) && !tickers.has(m.symbol))
    if (unread.length > 0) for (const [s, t] of await this.data.tickers(unread)) tickers.set(s, t)
    // Most reads find nothing crossed: only then is a write transaction worth taking.
    if (!resting.some((r) => crossed(r, tickers.get(r.symbol)))) return
    await this.store.write((tx) => this.fillCrossed(tx, tickers))
  }

  /** Fills, at their limit price, the resting orders of these markets that their tickers cross. */
  private async fillCrossed(tx: Tx, tickers: Map<string, Ticker>): Promise<ExchangeOrder[]> {
    const rows = await this.store
      .forUpdate(
        tx<PaperOrderRow>('paper_orders')
          .where({broker_id: this.brokerId, status: 'open'})
          .whereIn('symbol', [...tickers.keys()]),
      )
      .orderBy('id')
    const filled: ExchangeOrder[] = []
    for (const row of rows) {
      if (!crossed(row, tickers.get(row.symbol))) continue
      filled.push(await this.fillResting(tx, row, await this.market(row.symbol)))
    }

    return filled
  }

  /** A resting order fills whole at its limit price, as a maker; its reservation pays for it, the rest is freed. */
  private async fillResting(tx: Tx, row: PaperOrderRow, market: Market): Promise<ExchangeOrder> {
    const amount = new Decimal(row.amount)
    const price = new Decimal(row.price ?? '0')
    const cost = amount.mul(price)
    const fee = cost.mul(this.data.makerFee(market))
    const reserved = new Decimal(row.reserved_amount ?? '0')
    const base = await this.lockBalance(tx, market.base)
    const quote = await this.lockBalance(tx, market.quote)
    if (row.side === 'buy') {
      quote.used = quote.used.minus(reserved)
      quote.free = quote.free.plus(reserved).minus(cost).minus(fee)
      base.free = base.free.plus(amount)
    } else {
      base.used = base.used.minus(reserved)
      quote.free = quote.free.plus(cost).minus(fee)
    }

    const now = new Date().toISOString()
    const update = {
      status: 'closed' as const,
      filled: str(amount),
      cost: str(cost),
      fee: str(fee),
      reserved_amount: '0',
      taker_or_maker: 'maker' as const,
      updated_at: now,
    }
    await tx('paper_orders').where({id: row.id}).update(update)
    await tx('paper_fills').insert({
      order_id: row.id,
      broker_id: this.brokerId,
      price: str(price),
      amount: str(amount),
      cost: str(cost),
      fee: str(fee),
      fee_currency: row.fee_currency,
      created_at: now,
    })
    await this.saveBalances(tx, base, quote)
    return toExchangeOrder({...row, ...update})
  }

  /**
   * What a crossing order of `amount` costs, taking the book: the whole amount at the touch where the
   * market has no depth (the snapshot); else level by level, best first, no further than the limit.
   * Null when a limit order's price leaves too little of the book to fill it whole (it rests); a
   * market order the book cannot fill is refused.
   */
  private async take(
    market: Market,
    side: Side,
    amount: Decimal,
    touch: Decimal,
    limit: Decimal | null,
  ): Promise<{cost: Decimal; note: string | null} | null> {
    const book = await this.data.book(market, side)
    if (book === null) return {cost: amount.mul(touch), note: null}
    const within = (l: BookLevel) =>
      limit === null || (side === 'buy' ? new Decimal(l.price).lte(limit) : new Decimal(l.price).gte(limit))
    const levels = book.filter(within)
    let left = amount
    let cost = ZERO
    let used = 0
    for (const level of levels) {
      if (left.isZero()) break
      const q = Decimal.min(left, level.amount)
      cost = cost.plus(q.mul(level.price))
      left = left.minus(q)
      used++
    }

    if (!left.isZero()) {
      if (limit !== null) return null
      const depth = levels.reduce((sum, l) => sum.plus(l.amount), ZERO)
      throw orderRejected(
        `the ${market.symbol} order book cannot fill ${str(amount)} ${market.base}: its ${String(levels.length)} ${side === 'buy' ? 'asks' : 'bids'} read hold ${str(depth)} ${market.base}`,
        'INSUFFICIENT_LIQUIDITY',
      )
    }

    const best = new Decimal(levels[0].price)
    const average = cost.div(amount)
    const slippage = (side === 'buy' ? average.minus(best) : best.minus(average)).div(best).mul(100)
    const note = `filled over ${String(used)} level${used === 1 ? '' : 's'} of the order book at an average ${str(average)} ${market.quote}; best ${side === 'buy' ? 'ask' : 'bid'} ${str(best)} (slippage ${str(slippage.toDecimalPlaces(4))} %)`
    return {cost, note}
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

    if (!ticker?.last) throw orderRejected(`${market.symbol} has no price (${this.prices})`, 'PRICE_UNAVAILABLE')
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

/**
 * A read of the market an order needs before it is placed (a live ticker or order book): when the
 * exchange cannot be reached, the order was never placed, and the journal says `failed`, not `rejected`.
 */
async function beforePlacing<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof TradedeskError && error.exitCode === ExitCode.UNAVAILABLE)
      throw new NotSentError(error.code, error.message, error.exitCode, error.retryable)
    throw error
  }
}

/** The taker fee of a market: its own, else the paper exchange's. */
function takerRate(market: Market): Decimal {
  return new Decimal(market.takerFee ?? PAPER_TAKER_FEE)
}

/**
 * Whether the market crosses a resting order: the ask at or below a buy's limit, the bid at or above a
 * sell's (the last price where the book has no such side).
 */
function crossed(order: {side: Side; price: string | null}, ticker: Ticker | undefined): boolean {
  if (!ticker || order.price === null) return false
  const touch = order.side === 'buy' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last)
  if (touch === null) return false
  return order.side === 'buy' ? new Decimal(touch).lte(order.price) : new Decimal(touch).gte(order.price)
}

/** The one execution of a paper order that filled (it fills whole, at once), else null. */
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
    takerOrMaker: row.taker_or_maker ?? 'taker',
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
