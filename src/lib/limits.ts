import {Decimal, parsePlainDecimal, str} from './decimal.js'
import {usageError} from './errors.js'
import type {OrderType, Side} from './exchange/types.js'
import type {ValidationCode} from './trading.js'
import {isUsdStable} from './usd.js'

/** A broker's guardrails (`broker limits NAME`); null where unset. Decimals are exact strings. */
export interface BrokerLimits {
  /** the most one order may be worth, in USD */
  maxOrderUsd: string | null
  /** the most the broker's buys may spend in one UTC day, in USD */
  dailyUsd: string | null
  /** the only unified symbols it may trade */
  symbols: string[] | null
  /** how far (in %) a limit price may reach through the last price, or a market order's price stray from it */
  maxDeviationPct: string | null
}

export const NO_LIMITS: BrokerLimits = {maxOrderUsd: null, dailyUsd: null, symbols: null, maxDeviationPct: null}

/** The limits as JSON shows them (`broker limits --json`, `broker list --json`). */
export interface LimitsView {
  max_order_usd: string | null
  daily_usd: string | null
  symbols: string[] | null
  max_deviation_pct: string | null
}

export function limitsView(l: BrokerLimits): LimitsView {
  return {
    max_order_usd: l.maxOrderUsd,
    daily_usd: l.dailyUsd,
    symbols: l.symbols,
    max_deviation_pct: l.maxDeviationPct,
  }
}

/** The limits of a `brokers` row. */
export function limitsOfRow(row: Record<string, unknown>): BrokerLimits {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)
  const symbols = text(row.limit_symbols)
  return {
    maxOrderUsd: text(row.limit_max_order_usd),
    dailyUsd: text(row.limit_daily_usd),
    symbols: symbols === null ? null : (JSON.parse(symbols) as string[]),
    maxDeviationPct: text(row.limit_max_deviation_pct),
  }
}

/** The columns of a `brokers` row for the limits given (the others left out, so left as they are). */
export function limitColumns(l: Partial<BrokerLimits>): Record<string, string | null> {
  const columns: Record<string, string | null> = {}
  if (l.maxOrderUsd !== undefined) columns.limit_max_order_usd = l.maxOrderUsd
  if (l.dailyUsd !== undefined) columns.limit_daily_usd = l.dailyUsd
  if (l.symbols !== undefined) columns.limit_symbols = l.symbols === null ? null : JSON.stringify(l.symbols)
  if (l.maxDeviationPct !== undefined) columns.limit_max_deviation_pct = l.maxDeviationPct
  return columns
}

/**
 * A limit's value as typed: a plain decimal above zero. A cap of zero or a band of 0 % would refuse
 * every order, which is not a limit but a stop: `--clear` removes limits, `--symbols` narrows trading.
 */
export function parseLimitValue(flag: string, text: string): string {
  const value = parsePlainDecimal(text)
  if (value === null || value.isZero()) {
    throw usageError(`--${flag} must be a decimal number above 0, like 250 or 2.5 (got "${text}")`, 'BAD_NUMBER')
  }

  return str(value)
}

type LimitCode = Extract<ValidationCode, 'LIMIT_ORDER_VALUE' | 'LIMIT_DAILY' | 'SYMBOL_NOT_ALLOWED' | 'PRICE_DEVIATION'>
export interface LimitFailure {
  code: LimitCode
  message: string
}

/** What the guardrails are checked against: an order as validation computed it. */
export interface LimitedOrder {
  broker: string
  symbol: string
  quote: string
  side: Side
  type: OrderType
  /** the price the order is computed at: the limit price on its tick, or the side of the book it takes */
  price: Decimal | null
  /** the market's last price */
  last: Decimal | null
  /** quantity x price, in the quote */
  value: Decimal | null
  /** the USD price of one unit of the quote (1 for a USD stable), null without a route to USD */
  quoteUsd: Decimal | null
  /** what the broker's buys of today count against the daily cap, in USD (buys, with a daily cap) */
  spentTodayUsd: Decimal | null
}

/** The order's value in USD: its value in the quote at the quote's USD price (the portfolio's route). */
export function orderUsd(order: Pick<LimitedOrder, 'value' | 'quoteUsd'>): Decimal | null {
  return order.value && order.quoteUsd ? order.value.mul(order.quoteUsd) : null
}

/**
 * Every guardrail of the broker the order breaks. A limit that cannot be checked (no USD price for the
 * quote, no last price) refuses the order: a guardrail that lets through what it cannot see is none.
 */
export function limitFailures(limits: BrokerLimits, order: LimitedOrder): LimitFailure[] {
  const failures: LimitFailure[] = []
  if (limits.symbols && !limits.symbols.includes(order.symbol)) {
    failures.push({
      code: 'SYMBOL_NOT_ALLOWED',
      message: `${order.symbol} is not among the symbols ${order.broker} may trade (${limits.symbols.join(', ')}); see \`tradedesk broker limits ${order.broker}\``,
    })
  }

  const usd = orderUsd(order)
  if (limits.maxOrderUsd) {
    const max = new Decimal(limits.maxOrderUsd)
    if (usd === null && order.value !== null) {
      failures.push({
        code: 'LIMIT_ORDER_VALUE',
        message: `no USD price for ${order.quote}: the order's value cannot be checked against ${order.broker}'s limit of ${limits.maxOrderUsd} USD per order`,
      })
    } else if (usd?.gt(max)) {
      failures.push({
        code: 'LIMIT_ORDER_VALUE',
        message: `order value ${str(usd)} USD is above ${order.broker}'s limit of ${limits.maxOrderUsd} USD per order`,
      })
    }
  }

  if (limits.dailyUsd && order.side === 'buy' && order.value !== null) {
    const failure = dailyFailure(order.broker, limits.dailyUsd, order.spentTodayUsd ?? new Decimal(0), usd, order.quote)
    if (failure) failures.push(failure)
  }

  if (limits.maxDeviationPct && order.price !== null) {
    const failure = deviationFailure(limits.maxDeviationPct, order)
    if (failure) failures.push(failure)
  }

  return failures
}

/** The daily cap's verdict on a buy worth `usd` when `spent` is already counted today; null when it fits. */
export function dailyFailure(
  broker: string,
  capUsd: string,
  spent: Decimal,
  usd: Decimal | null,
  quote: string,
): LimitFailure | null {
  if (usd === null) {
    return {
      code: 'LIMIT_DAILY',
      message: `no USD price for ${quote}: the buy cannot be checked against ${broker}'s daily limit of ${capUsd} USD`,
    }
  }

  const total = spent.plus(usd)
  if (total.lte(capUsd)) return null
  return {
    code: 'LIMIT_DAILY',
    message: `this buy (${str(usd)} USD) would bring ${broker}'s buys today (UTC) to ${str(total)} USD, above its daily limit of ${capUsd} USD (${str(spent)} USD already counted)`,
  }
}

/**
 * A limit price further than P % through the last price (a buy above last x (1 + P/100), a sell below
 * last x (1 - P/100)); a market order whose price (the ask for a buy, the bid for a sell) is more than
 * P % away from the last price, either way.
 */
function deviationFailure(pct: string, order: LimitedOrder): LimitFailure | null {
  const {price, last, side, symbol} = order
  if (price === null) return null
  if (last === null || last.isZero()) {
    return {
      code: 'PRICE_DEVIATION',
      message: `${symbol} has no last price: the order's price cannot be checked against the ${pct}% deviation limit`,
    }
  }

  const band = new Decimal(pct).div(100)
  if (order.type === 'limit') {
    const bound = side === 'buy' ? last.mul(band.plus(1)) : last.mul(new Decimal(1).minus(band))
    const beyond = side === 'buy' ? price.gt(bound) : price.lt(bound)
    if (!beyond) return null
    return {
      code: 'PRICE_DEVIATION',
      message: `limit ${side} price ${str(price)} is more than ${pct}% ${side === 'buy' ? 'above' : 'below'} the last price ${str(last)} (${side === 'buy' ? 'at most' : 'at least'} ${str(bound)})`,
    }
  }

  const away = price.minus(last).abs().div(last).mul(100)
  if (away.lte(pct)) return null
  return {
    code: 'PRICE_DEVIATION',
    message: `the market ${side} would be priced at ${str(price)} (the ${side === 'buy' ? 'ask' : 'bid'}), ${str(away.toSignificantDigits(6))}% away from the last price ${str(last)}: more than the ${pct}% allowed`,
  }
}

/** A buy of the journal, as the daily cap reads it. */
export interface DayBuy {
  symbol: string
  status: string
  total_value: string | null
  filled_value: string | null
  quote_usd: string | null
}

/** The UTC day `at` falls in, as the journal's ISO timestamps bound it: [start, end). */
export function utcDay(at: Date): {start: string; end: string} {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
  return {start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString()}
}

/**
 * What the day's buys count against the daily cap, in USD: the broker's buys in the journal created
 * that UTC day, tradedesk's own and imported ones (`journal import`, dated by their execution) alike,
 * since money spent on the exchange's website is spent too. A buy counts for what it can still spend or
 * did spend:
 * - pending, open and unknown: their full value asked (quantity x price), since all of it may still be
 *   spent (an unknown order may have filled in full; an open one may fill the rest);
 * - filled, and cancelled or expired after a partial fill: their filled value (what was spent);
 * - rejected, failed, and cancelled or expired unfilled: 0 (nothing was or can be spent).
 * Values exclude fees, as the order's own value does. Each is converted at the quote's USD price
 * recorded when the order was placed (1 for a USD stable); a row without one (placed before the quote
 * had a USD route, or imported unpriced) cannot be valued and is left out.
 */
export function spentUsd(rows: DayBuy[]): Decimal {
  let total = new Decimal(0)
  for (const row of rows) {
    const value = countedValue(row)
    if (value === null || value.isZero()) continue
    const quote = row.symbol.split('/')[1] ?? ''
    const rate = row.quote_usd ? new Decimal(row.quote_usd) : isUsdStable(quote) ? new Decimal(1) : null
    if (rate) total = total.plus(value.mul(rate))
  }

  return total
}

function countedValue(row: DayBuy): Decimal | null {
  const asked = row.total_value ? new Decimal(row.total_value) : null
  const filled = row.filled_value ? new Decimal(row.filled_value) : null
  switch (row.status) {
    case 'pending':
    case 'open':
    case 'unknown':
      return asked
    case 'filled':
      return filled ?? asked
    case 'cancelled':
    case 'expired':
      return filled
    default:
      return null
  }
}
