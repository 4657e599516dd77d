import type {Broker} from './brokers.js'
import {Decimal, dec, limitPriceOnTick, parsePlainDecimal, str, truncateToStep} from './decimal.js'
import {ExitCode, NotSentError, TradedeskError, invalidOrder, markExchangeError, usageError} from './errors.js'
import type {ExchangeGateway, Market, OrderType, Side, Ticker} from './exchange/types.js'
import type {TradeJournal, TradeRecord} from './journal.js'
import {dailyFailure, limitFailures, orderUsd, spentUsd} from './limits.js'
import {priceBand} from './exchange/binance-filters.js'
import {findMarket} from './markets.js'
import type {Tx} from './store.js'
import {usdPriceAlong, usdRoute} from './usd.js'

export const VALIDATION_CODES = [
  'UNKNOWN_SYMBOL',
  'MARKET_INACTIVE',
  'ORDER_TYPE_UNSUPPORTED',
  'AMOUNT_TOO_SMALL',
  'AMOUNT_TOO_LARGE',
  'COST_TOO_SMALL',
  'PRICE_OUT_OF_RANGE',
  'INSUFFICIENT_FUNDS',
  'PRICE_REQUIRED',
  // the broker's guardrails (`broker limits`): src/lib/limits.ts
  'LIMIT_ORDER_VALUE',
  'LIMIT_DAILY',
  'SYMBOL_NOT_ALLOWED',
  'PRICE_DEVIATION',
] as const
export type ValidationCode = (typeof VALIDATION_CODES)[number]

/** What a user asks for, as typed: sizes are strings until parsed here. */
export interface OrderInput {
  side: string
  symbol: string
  type?: string
  quantity?: string
  usd?: string
  percent?: string
  price?: string
  note?: string
}

export interface ComputedOrder {
  broker: string
  symbol: string
  side: Side
  order_type: OrderType
  quantity: string | null
  price: string | null
  total_value: string | null
  estimated_fee: string | null
  fee_currency: string | null
}

export interface Validation {
  valid: boolean
  errors: {code: ValidationCode; message: string}[]
  warnings: string[]
  order: ComputedOrder
  balance: {asset: string | null; free: string | null; required: string | null}
}

/** A validated order and what placing it needs. */
export interface PreparedOrder extends Validation {
  market: Market | null
  note: string | null
  /** the USD price of the market's quote now, recorded with the order: the fill's cost in USD */
  quoteUsd: Decimal | null
  /** where the prices it was computed at come from (the paper snapshot's date, or live) */
  prices: string
  /** a buy under the broker's daily cap: checked again as its journal row is written (placeOrder) */
  dailyCap: {capUsd: string; orderUsd: Decimal; quote: string} | null
}

interface ParsedInput {
  side: Side
  type: OrderType
  size: {kind: 'quantity' | 'usd' | 'percent'; value: Decimal}
  price: Decimal | null
}

/** Checks the flags' shape; anything wrong here is a usage error (exit 2), before any lookup. */
export function parseOrderInput(input: OrderInput): ParsedInput {
  const side = input.side.toLowerCase()
  if (side !== 'buy' && side !== 'sell') throw usageError(`SIDE must be buy or sell (got "${input.side}")`)
  const type = (input.type ?? 'market').toLowerCase()
  if (type !== 'market' && type !== 'limit')
    throw usageError(`--type must be market or limit (got "${String(input.type)}")`)
  if (!input.symbol || !input.symbol.trim()) throw usageError('SYMBOL is required, e.g. BTC/USDT')

  const given = (['quantity', 'usd', 'percent'] as const).flatMap((kind) => {
    const text = input[kind]
    return text === undefined ? [] : [{kind, text}]
  })
  if (given.length !== 1) {
    throw usageError(
      given.length === 0
        ? 'give the order size: --quantity, --usd or --percent'
        : `give only one of --quantity, --usd, --percent (got ${given.map((g) => `--${g.kind}`).join(', ')})`,
    )
  }

  const {kind, text} = given[0]
  const value = parsePlainDecimal(text)
  if (value === null)
    throw usageError(`--${kind} must be a plain non-negative decimal number like 0.05 (got "${text}")`, 'BAD_NUMBER')
  if (kind === 'percent' && (value.lte(0) || value.gt(100)))
    throw usageError(`--percent must be more than 0 and at most 100 (got "${text}")`, 'BAD_NUMBER')

  let price: Decimal | null = null
  if (input.price !== undefined) {
    price = parsePlainDecimal(input.price)
    if (price === null)
      throw usageError(
        `--price must be a plain non-negative decimal number like 27000.5 (got "${input.price}")`,
        'BAD_NUMBER',
      )
    if (type === 'market') throw usageError('--price applies to limit orders only (add --type limit)')
  }

  return {side, type, size: {kind, value}, price}
}

/**
 * Computes the order exactly as the exchange will see it (amount truncated to the step, price
 * rounded to the tick) and checks it against the market's rules, the free balance and the broker's
 * guardrails (the daily cap against the journal's buys of today, when a journal is given), reporting
 * every failing rule. Reads only: nothing is sent.
 */
export async function prepareOrder(
  gateway: ExchangeGateway,
  broker: Broker,
  input: OrderInput,
  journal?: TradeJournal,
): Promise<PreparedOrder> {
  const parsed = parseOrderInput(input)
  const result: PreparedOrder = {
    valid: false,
    errors: [],
    warnings: [],
    order: {
      broker: broker.name,
      symbol: input.symbol.trim().toUpperCase(),
      side: parsed.side,
      order_type: parsed.type,
      quantity: null,
      price: null,
      total_value: null,
      estimated_fee: null,
      fee_currency: null,
    },
    balance: {asset: null, free: null, required: null},
    market: null,
    note: input.note ?? null,
    quoteUsd: null,
    prices: gateway.prices,
    dailyCap: null,
  }
  const fail = (code: ValidationCode, message: string) => result.errors.push({code, message})

  const market = findMarket(await gateway.markets(), input.symbol)
  if (!market) {
    fail('UNKNOWN_SYMBOL', `${result.order.symbol} is not a spot market of ${broker.name}`)
    return result
  }

  result.market = market
  result.order.symbol = market.symbol
  result.order.fee_currency = market.quote
  if (!market.active) fail('MARKET_INACTIVE', `${market.symbol} is not trading now`)
  if (!supportsType(gateway, market, parsed.type))
    fail('ORDER_TYPE_UNSUPPORTED', `${parsed.type} orders are not supported on ${market.symbol}`)

  const ticker = await tickerOrNull(gateway, market.symbol)
  const price = referencePrice(parsed.side, parsed.type, parsed.price, ticker, market)
  if (parsed.type === 'limit' && parsed.price === null) fail('PRICE_REQUIRED', 'a limit order needs --price')
  if (parsed.type === 'limit' && price && parsed.price && !price.eq(parsed.price)) {
    result.warnings.push(
      `price ${str(parsed.price)} rounded ${parsed.side === 'buy' ? 'down' : 'up'} to the tick ${String(market.priceTick)}: ${str(price)}`,
    )
  }

  // A size in USD or percent needs a price to become a quantity, and so does the cost of any order.
  const needsReference = price === null && result.errors.every((e) => e.code !== 'PRICE_REQUIRED')
  // A market without any price cannot trade: the SPEC's code for that is MARKET_INACTIVE.
  if (needsReference) fail('MARKET_INACTIVE', `${market.symbol} has no current price, so it cannot be priced or traded`)

  result.order.price = price ? str(price) : null
  const feeRate = feeRateOf(market)
  const balances = await gateway.fetchBalance()
  const spendAsset = parsed.side === 'buy' ? market.quote : market.base
  const free = new Decimal(balances.find((b) => b.asset === spendAsset)?.free ?? '0')
  result.balance = {asset: spendAsset, free: str(free), required: null}

  let amount: Decimal | null = null
  const step = dec(market.amountStep)
  const {kind, value} = parsed.size
  const quoteUsd = await quoteUsdPrice(gateway, market.quote)
  result.quoteUsd = quoteUsd
  if (kind === 'quantity') {
    amount = truncateToStep(value, step)
  } else if (price) {
    if (kind === 'usd') {
      if (quoteUsd === null) fail('MARKET_INACTIVE', `no USD price for ${market.quote}, so --usd cannot be converted`)
      else amount = quantityForUsd(value, quoteUsd, price, step, parsed.side, feeRate)
    } else if (free.isZero()) {
      fail('INSUFFICIENT_FUNDS', `no free ${spendAsset} to ${parsed.side === 'buy' ? 'spend' : 'sell'}`)
    } else if (parsed.side === 'buy') {
      amount = truncateToStep(
        free
          .mul(value)
          .div(100)
          .div(price.mul(feeRate.plus(1))),
        step,
      )
    } else {
      amount = truncateToStep(free.mul(value).div(100), step)
    }
  }

  if (amount !== null) {
    if (kind === 'quantity' && !amount.eq(value))
      result.warnings.push(`quantity ${str(value)} truncated to the step ${String(market.amountStep)}: ${str(amount)}`)
    result.order.quantity = str(amount)
    checkAmount(result, market, parsed.type, amount)
  }

  if (price !== null && parsed.type === 'limit') checkPrice(result, market, price, ticker, parsed.side)
  if (amount !== null && price !== null) {
    const cost = amount.mul(price)
    const fee = cost.mul(feeRate)
    result.order.total_value = str(cost)
    result.order.estimated_fee = str(fee)
    const minCost = dec(market.minCost)
    if (minCost && cost.lt(minCost) && amount.gt(0) && (parsed.type === 'limit' || market.minCostAppliesToMarket)) {
      fail(
        'COST_TOO_SMALL',
        `order value ${str(cost)} ${market.quote} is below the market minimum ${String(market.minCost)} ${market.quote}`,
      )
    }

    const maxCost = dec(market.maxCost)
    if (maxCost && cost.gt(maxCost) && (parsed.type === 'limit' || market.maxCostAppliesToMarket)) {
      fail(
        'AMOUNT_TOO_LARGE',
        `order value ${str(cost)} ${market.quote} is above the market maximum ${String(market.maxCost)} ${market.quote}`,
      )
    }

    const required = parsed.side === 'buy' ? cost.plus(fee) : amount
    result.balance.required = str(required)
    if (free.lt(required)) {
      fail('INSUFFICIENT_FUNDS', `${str(required)} ${spendAsset} needed, ${str(free)} ${spendAsset} free`)
    }
  }

  const {limits} = broker
  const cap = parsed.side === 'buy' ? limits.dailyUsd : null
  const order = {
    broker: broker.name,
    symbol: market.symbol,
    quote: market.quote,
    side: parsed.side,
    type: parsed.type,
    price,
    last: ticker?.last ? new Decimal(ticker.last) : null,
    value: amount !== null && price !== null ? amount.mul(price) : null,
    quoteUsd,
    spentTodayUsd: cap !== null && journal ? spentUsd(await journal.buysOfDay(broker.name, new Date())) : null,
  }
  for (const failure of limitFailures(limits, order)) fail(failure.code, failure.message)
  const usd = orderUsd(order)
  if (cap !== null && usd !== null) result.dailyCap = {capUsd: cap, orderUsd: usd, quote: market.quote}

  result.valid = result.errors.length === 0
  return result
}

function checkAmount(result: PreparedOrder, market: Market, type: OrderType, amount: Decimal) {
  const min = dec(type === 'market' ? (market.marketMinAmount ?? market.minAmount) : market.minAmount)
  const max = dec(type === 'market' ? (market.marketMaxAmount ?? market.maxAmount) : market.maxAmount)
  if (amount.lte(0)) {
    result.errors.push({
      code: 'AMOUNT_TOO_SMALL',
      message: `the quantity is 0 after rounding to the step ${market.amountStep ?? ''}`.trim(),
    })
  } else if (min && amount.lt(min)) {
    result.errors.push({
      code: 'AMOUNT_TOO_SMALL',
      message: `quantity ${str(amount)} ${market.base} is below the minimum ${str(min)}`,
    })
  }

  if (max && amount.gt(max)) {
    result.errors.push({
      code: 'AMOUNT_TOO_LARGE',
      message: `quantity ${str(amount)} ${market.base} is above the maximum ${str(max)}`,
    })
  }
}

function checkPrice(result: PreparedOrder, market: Market, price: Decimal, ticker: Ticker | null, side: Side) {
  const min = dec(market.minPrice)
  const max = dec(market.maxPrice)
  if (price.lte(0) || (min && price.lt(min)) || (max && price.gt(max))) {
    const range = `${market.minPrice ?? '0'} to ${market.maxPrice ?? 'no maximum'}`
    result.errors.push({code: 'PRICE_OUT_OF_RANGE', message: `limit price ${str(price)} is outside ${range}`})
    return
  }

  // Binance's PERCENT_PRICE_BY_SIDE: within multipliers of the average price (the last price here).
  const last = ticker?.last
  const band = last ? priceBand(market, side, new Decimal(last)) : null
  if (last && band && ((band.min && price.lt(band.min)) || (band.max && price.gt(band.max)))) {
    const range = `${band.min ? str(band.min) : '0'} to ${band.max ? str(band.max) : 'no maximum'}`
    result.errors.push({
      code: 'PRICE_OUT_OF_RANGE',
      message: `limit price ${str(price)} is outside ${range}, the ${side} band around the average price ${last}`,
    })
    return
  }

  const book = side === 'buy' ? ticker?.ask : ticker?.bid
  if (book && (side === 'buy' ? price.gte(book) : price.lte(book))) {
    result.warnings.push(
      `limit price ${str(price)} crosses the book (${side === 'buy' ? 'ask' : 'bid'} ${book}): it will fill at once`,
    )
  }
}

function supportsType(gateway: ExchangeGateway, market: Market, type: OrderType): boolean {
  if (market.orderTypes) return market.orderTypes.includes(type)
  const flag = gateway.has[type === 'market' ? 'createMarketOrder' : 'createLimitOrder']
  return flag !== false
}

/**
 * The price an order is computed at: a limit price on the tick, never against the trader; for a
 * market order, the side of the book it takes (the ask for a buy, the bid for a sell, else last).
 */
export function referencePrice(
  side: string,
  type: string,
  limit: Decimal | null,
  ticker: Ticker | null,
  market: Market,
): Decimal | null {
  if (type === 'limit') return limit && limit.gt(0) ? limitPriceOnTick(limit, dec(market.priceTick), side) : limit
  const book = side === 'buy' ? (ticker?.ask ?? ticker?.last) : (ticker?.bid ?? ticker?.last)
  return book ? new Decimal(book) : null
}

export async function tickerOrNull(gateway: ExchangeGateway, symbol: string): Promise<Ticker | null> {
  try {
    return await gateway.fetchTicker(symbol)
  } catch (error) {
    if (error instanceof TradedeskError && error.code === 'PRICE_UNAVAILABLE') return null
    throw error
  }
}

/** The taker fee an order is validated with: the market's, else 0.1 % (the most common spot rate). */
export function feeRateOf(market: Market): Decimal {
  return new Decimal(market.takerFee ?? '0.001')
}

/**
 * The quantity ↔ USD calculator: the quantity a USD value sizes at a price, truncated to the step.
 * A buy's value is the most it may spend, fee included; a sell's is the value sold.
 */
export function quantityForUsd(
  usd: Decimal,
  quoteUsd: Decimal,
  price: Decimal,
  step: Decimal | null,
  side: string,
  feeRate: Decimal,
): Decimal {
  const perUnit = side === 'buy' ? price.mul(feeRate.plus(1)) : price
  return truncateToStep(usd.div(quoteUsd).div(perUnit), step)
}

/** The other way: the USD value of a quantity at a price. */
export function usdForQuantity(quantity: Decimal, quoteUsd: Decimal, price: Decimal): Decimal {
  return quantity.mul(price).mul(quoteUsd)
}

/** USD value of one unit of a quote asset, along its route to USD (see usdRoute); null without one. */
export async function quoteUsdPrice(gateway: ExchangeGateway, quote: string): Promise<Decimal | null> {
  const route = usdRoute(quote, new Set((await gateway.markets()).map((m) => m.symbol)))
  if (!route) return null
  const last = new Map<string, Decimal | null>()
  for (const leg of route) {
    const t = await tickerOrNull(gateway, leg.symbol)
    last.set(leg.symbol, t?.last ? new Decimal(t.last) : null)
  }

  return usdPriceAlong(route, (symbol) => last.get(symbol) ?? null)
}

/** What validate (and trade --dry-run) shows of a prepared order: the SPEC's validation result. */
export function validationOf(prepared: PreparedOrder): Validation {
  const {valid, errors, warnings, order, balance} = prepared
  return {valid, errors, warnings, order, balance}
}

export function describeFailures(v: Validation): string {
  return `order invalid: ${v.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`
}

/**
 * Places a prepared, valid, confirmed order. The journal row and its client order id are committed
 * before the order leaves; whatever happens next is recorded on that row, and nothing is ever resent.
 */
export async function placeOrder(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  prepared: PreparedOrder,
  /** told of the row as soon as it is written, before the order leaves */
  onRecorded?: (trade: TradeRecord) => void,
): Promise<TradeRecord> {
  const {order} = prepared
  const quantity = order.quantity
  if (!prepared.valid || !prepared.market || quantity === null) {
    throw invalidOrder(describeFailures(prepared), prepared.errors)
  }

  const limitPrice = order.order_type === 'limit' ? order.price : null
  const {dailyCap} = prepared
  // The daily cap is checked again under the journal's write lock, against every buy written before
  // this one: processes buying at the same moment cannot together spend more than it allows.
  const underCap =
    dailyCap &&
    (async (tx: Tx) => {
      const spent = spentUsd(await journal.buysOfDay(order.broker, new Date(), tx))
      const failure = dailyFailure(order.broker, dailyCap.capUsd, spent, dailyCap.orderUsd, dailyCap.quote)
      if (failure) throw invalidOrder(`order invalid: ${failure.code}: ${failure.message}`, [failure])
    })
  const trade = await journal.recordPending(
    {
      broker: order.broker,
      client_order_id: gateway.newClientOrderId(),
      quote_usd: prepared.quoteUsd ? str(prepared.quoteUsd) : null,
      symbol: order.symbol,
      side: order.side,
      order_type: order.order_type,
      quantity,
      price: order.price,
      total_value: order.total_value,
      notes: prepared.note,
    },
    underCap || undefined,
  )
  onRecorded?.(trade)

  let sent
  try {
    sent = await gateway.createOrder({
      symbol: order.symbol,
      side: order.side,
      type: order.order_type,
      amount: quantity,
      price: limitPrice,
      referencePrice: order.price,
      spend: order.side === 'buy' ? prepared.balance.required : null,
      clientOrderId: trade.client_order_id,
    })
  } catch (error) {
    throw await recordSendError(journal, trade, error)
  }

  return journal.recordOrder(trade.id, sent)
}

async function recordSendError(journal: TradeJournal, trade: TradeRecord, error: unknown): Promise<TradedeskError> {
  if (error instanceof NotSentError) {
    await journal.recordProblem(trade.id, 'failed', error.message)
    return error
  }

  if (error instanceof TradedeskError && error.exitCode !== ExitCode.OUTCOME_UNKNOWN) {
    await journal.recordProblem(trade.id, 'rejected', error.message)
    return error
  }

  // Anything else may have reached the exchange: never resend, settle it with `order sync`.
  const message = error instanceof Error ? error.message : String(error)
  await journal.recordProblem(trade.id, 'unknown', message)
  return markExchangeError(
    new TradedeskError(
      'ORDER_OUTCOME_UNKNOWN',
      `order ${String(trade.id)} (client id ${trade.client_order_id}) was sent but not confirmed: ${message}. Run \`tradedesk order sync\` to settle it; do not resend`,
      ExitCode.OUTCOME_UNKNOWN,
    ),
  )
}
