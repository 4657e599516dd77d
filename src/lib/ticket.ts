import type {Broker} from './brokers.js'
import {Decimal, dec, limitPriceOnTick, parsePlainDecimal, str, truncateToStep} from './decimal.js'
import {usageError} from './errors.js'
import type {ExchangeGateway, Market, Ticker} from './exchange/types.js'
import type {TradeJournal} from './journal.js'
import type {InputStream, OutputStream} from './cli/io.js'
import {findMarket} from './markets.js'
import {
  type OrderInput,
  type PreparedOrder,
  type ValidationCode,
  feeRateOf,
  prepareOrder,
  quantityForUsd,
  quoteUsdPrice,
  referencePrice,
  tickerOrNull,
  usdForQuantity,
} from './trading.js'

/** Failures the order ticket answers by asking for the size again. */
const SIZE_CODES = new Set<ValidationCode>([
  'AMOUNT_TOO_SMALL',
  'AMOUNT_TOO_LARGE',
  'COST_TOO_SMALL',
  'INSUFFICIENT_FUNDS',
])

/** The prompts the ticket asks with: inquirer's, or a test's. */
export interface Prompts {
  select<V>(config: {
    message: string
    choices: {name: string; value: V; description?: string}[]
    default?: V
  }): Promise<V>
  search<V>(config: {
    message: string
    source: (term: string | undefined) => Promise<{name: string; value: V}[]>
    pageSize?: number
  }): Promise<V>
  input(config: {
    message: string
    default?: string
    validate?: (value: string) => boolean | string
    transformer?: (value: string, state: {isFinal: boolean}) => string
  }): Promise<string>
}

/** inquirer's prompts, writing to stderr so that stdout only ever carries the result. */
export async function inquirerPrompts(io: {stdin: InputStream; stderr: OutputStream}): Promise<Prompts> {
  const {input, search, select} = await import('@inquirer/prompts')
  const context = {input: io.stdin, output: io.stderr as NodeJS.WritableStream}
  return {
    select: (config) => select(config, context),
    search: (config) => search(config, context),
    input: (config) => input(config, context),
  }
}

export type QuoteFilter = 'USDT' | 'USDC' | 'all'

/** Symbols for the search prompt: active markets of the quote filter containing the typed text. */
export function symbolChoices(
  markets: Market[],
  filter: QuoteFilter,
  term: string | undefined,
  limit = 30,
): {name: string; value: string}[] {
  const needle = term?.trim().toUpperCase().replace(/[-_]/g, '/') ?? ''
  const compact = needle.replaceAll('/', '')
  return markets
    .filter((m) => m.active && (filter === 'all' || m.quote === filter))
    .filter((m) => !needle || m.symbol.includes(needle) || m.id.toUpperCase().includes(compact))
    .sort((a, b) => rank(a, needle) - rank(b, needle) || a.symbol.localeCompare(b.symbol))
    .slice(0, limit)
    .map((m) => ({name: m.symbol, value: m.symbol}))
}

/** Symbols that start with what was typed come first. */
function rank(m: Market, needle: string): number {
  return needle && m.symbol.startsWith(needle) ? 0 : 1
}

/** An answer that must be a plain positive decimal: true, or the message to ask again with. */
export function positiveDecimal(what: string) {
  return (value: string): true | string => {
    const d = parsePlainDecimal(value)
    if (d === null) return `${what} must be a plain number like 0.05 (no sign, exponent or letters)`
    if (d.lte(0)) return `${what} must be more than 0`
    return true
  }
}

/** What the order ticket shows as the size is typed: the other side, rounded the exchange's way. */
export function sizePreview(
  kind: 'quantity' | 'usd',
  text: string,
  market: Market,
  side: string,
  price: Decimal | null,
  quoteUsd: Decimal | null,
): string {
  const value = parsePlainDecimal(text)
  if (value === null || value.lte(0) || price === null || quoteUsd === null) return ''
  const step = dec(market.amountStep)
  if (kind === 'usd') {
    const feeRate = feeRateOf(market)
    const quantity = quantityForUsd(value, quoteUsd, price, step, side, feeRate)
    const cost = quantity.mul(price)
    const fee = side === 'buy' ? ` + ${str(cost.mul(feeRate))} fee` : ''
    return `≈ ${str(quantity)} ${market.base} (${str(cost)}${fee} ${market.quote})`
  }

  const quantity = truncateToStep(value, step)
  const note = quantity.eq(value) ? '' : ` after truncation to ${str(quantity)} ${market.base}`
  return `= ${str(usdForQuantity(quantity, quoteUsd, price).toDecimalPlaces(2))} USD${note}`
}

export interface TicketStart {
  broker?: string
  side?: string
  symbol?: string
  type?: string
  price?: string
  quantity?: string
  usd?: string
  percent?: string
}

/**
 * The order ticket: asks, on a terminal, for each piece the command line left out, in the order a
 * trader fills a ticket in: broker, symbol, side, type, limit price, size.
 */
export class OrderTicket {
  constructor(
    private readonly prompts: Prompts,
    private readonly brokers: Broker[],
    private readonly openGateway: (broker: Broker) => Promise<ExchangeGateway>,
  ) {}

  async broker(given: string | undefined): Promise<Broker> {
    if (given) {
      // A mistyped --broker must never fall back to another account.
      const named = this.brokers.find((b) => b.name === given)
      if (!named)
        throw usageError(
          `unknown broker "${given}" (brokers: ${this.brokers.map((b) => b.name).join(', ')})`,
          'UNKNOWN_BROKER',
        )
      return named
    }

    const fallback = this.brokers.find((b) => b.isDefault) ?? this.brokers[0]
    if (this.brokers.length === 1) return fallback
    const ordered = [fallback, ...this.brokers.filter((b) => b !== fallback)]
    const name = await this.prompts.select({
      message: 'Broker',
      choices: ordered.map((b) => ({
        name: `${b.name} (${b.exchange})${b.isDefault ? ' [default]' : ''}`,
        value: b.name,
      })),
      default: fallback.name,
    })
    return ordered.find((b) => b.name === name) ?? fallback
  }

  async symbol(markets: Market[]): Promise<string> {
    const filter = await this.prompts.select<QuoteFilter>({
      message: 'Markets',
      choices: [
        {name: 'USDT', value: 'USDT'},
        {name: 'USDC', value: 'USDC'},
        {name: 'all quotes', value: 'all'},
      ],
      default: 'USDT',
    })
    return this.prompts.search({
      message: 'Symbol (type to search)',
      source: (term) => Promise.resolve(symbolChoices(markets, filter, term)),
      pageSize: 10,
    })
  }

  async side(): Promise<string> {
    return this.prompts.select({
      message: 'Side',
      choices: [
        {name: 'buy', value: 'buy'},
        {name: 'sell', value: 'sell'},
      ],
    })
  }

  async type(): Promise<string> {
    return this.prompts.select({
      message: 'Order type',
      choices: [
        {name: 'market', value: 'market'},
        {name: 'limit', value: 'limit'},
      ],
      default: 'market',
    })
  }

  async price(market: Market, ticker: Ticker | null, side: string): Promise<string> {
    const book = ticker ? ` (bid ${ticker.bid ?? '-'}, ask ${ticker.ask ?? '-'})` : ''
    const tick = dec(market.priceTick)
    return this.prompts.input({
      message: `Limit price in ${market.quote}${book}`,
      validate: positiveDecimal('the price'),
      transformer: (value, {isFinal}) => {
        const d = parsePlainDecimal(value)
        if (isFinal || d === null || d.lte(0) || !tick) return value
        const rounded = limitPriceOnTick(d, tick, side)
        return rounded.eq(d) ? value : `${value}  → ${str(rounded)} (tick ${market.priceTick ?? '?'})`
      },
    })
  }

  /** The size, as a quantity or a USD value, with the other side computed as it is typed. */
  async size(
    market: Market,
    side: string,
    price: Decimal | null,
    quoteUsd: Decimal | null,
    message?: string,
  ): Promise<{quantity?: string; usd?: string}> {
    const kind = await this.prompts.select<'quantity' | 'usd'>({
      message: message ?? 'Size in',
      choices: [
        {name: `quantity (${market.base})`, value: 'quantity'},
        {name: 'value (USD)', value: 'usd'},
      ],
      default: 'usd',
    })
    const answer = await this.prompts.input({
      message: kind === 'usd' ? 'Value in USD' : `Quantity in ${market.base}`,
      validate: positiveDecimal(kind === 'usd' ? 'the value' : 'the quantity'),
      transformer: (value, {isFinal}) => {
        const preview = sizePreview(kind, value, market, side, price, quoteUsd)
        return preview && !isFinal ? `${value}  ${preview}` : value
      },
    })
    return kind === 'usd' ? {usd: answer} : {quantity: answer}
  }

  /** Fills in every missing piece of the order; returns the broker and the order input. */
  async fill(start: TicketStart): Promise<{broker: Broker; input: OrderInput}> {
    const broker = await this.broker(start.broker)
    const gateway = await this.openGateway(broker)
    const markets = await gateway.markets()
    const symbol = start.symbol ?? (await this.symbol(markets))
    const side = start.side ?? (await this.side())
    const type = start.type ?? (await this.type())
    const market = findMarket(markets, symbol)
    const input: OrderInput = {
      side,
      symbol,
      type,
      price: start.price,
      quantity: start.quantity,
      usd: start.usd,
      percent: start.percent,
    }
    if (!market) return {broker, input}
    const ticker = await tickerOrNull(gateway, market.symbol)
    if (type === 'limit' && input.price === undefined) input.price = await this.price(market, ticker, side)
    if (input.quantity === undefined && input.usd === undefined && input.percent === undefined) {
      Object.assign(
        input,
        await this.size(
          market,
          side,
          referencePrice(side, type, limitOf(input.price), ticker, market),
          await quoteUsdPrice(gateway, market.quote),
        ),
      )
    }

    return {broker, input}
  }

  /** Prepares the order; a size the market or the balance refuses is asked again, with the reasons. */
  async prepare(
    gateway: ExchangeGateway,
    broker: Broker,
    input: OrderInput,
    journal?: TradeJournal,
  ): Promise<PreparedOrder> {
    let prepared = await prepareOrder(gateway, broker, input, journal)
    while (!prepared.valid && prepared.market && prepared.errors.every((e) => SIZE_CODES.has(e.code))) {
      input = await this.resize(
        gateway,
        prepared.market,
        input,
        prepared.errors.map((e) => e.message),
      )
      prepared = await prepareOrder(gateway, broker, input, journal)
    }

    return prepared
  }

  /** Asks for the size again, after validation refused it. */
  async resize(gateway: ExchangeGateway, market: Market, input: OrderInput, reasons: string[]): Promise<OrderInput> {
    const ticker = await tickerOrNull(gateway, market.symbol)
    const size = await this.size(
      market,
      input.side,
      referencePrice(input.side, input.type ?? 'market', limitOf(input.price), ticker, market),
      await quoteUsdPrice(gateway, market.quote),
      `${reasons.join('; ')}. Size in`,
    )
    return {...input, quantity: undefined, usd: undefined, percent: undefined, ...size}
  }
}

/** A typed limit price, when it is a positive number: the calculator has nothing to compute at otherwise. */
function limitOf(price: string | undefined): Decimal | null {
  const p = price === undefined ? null : parsePlainDecimal(price)
  return p && p.gt(0) ? p : null
}
