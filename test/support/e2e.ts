/**
 * Shared helpers for the end-to-end command tests: the SPEC's key sets, type checks for JSON output,
 * the paper exchange's market data (read from the snapshot files, so expected values are derived
 * from the inputs), direct reads of the SQLite journal, and a small CSV parser.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'
import {Decimal} from 'decimal.js'
import knexFactory from 'knex'

import * as cliSupport from './cli.js'
import {type CliOptions, type CliResult, type JsonResult, runCli, runJson} from './cli.js'
import type {BalanceJson, ErrorJson, HistoryJson, TradeJson, ValidationJson} from './json.js'

// ---------------------------------------------------------------------------------------------
// The SPEC's JSON shapes
// ---------------------------------------------------------------------------------------------

export const TRADE_KEYS = [
  'id',
  'broker',
  'trade_type',
  'symbol',
  'side',
  'order_type',
  'quantity',
  'price',
  'total_value',
  'status',
  'filled_quantity',
  'filled_price',
  'filled_value',
  'fees',
  'fee_currency',
  'client_order_id',
  'exchange_order_id',
  'created_at',
  'executed_at',
  'error_message',
  'notes',
]
export const TRADE_STATUSES = ['pending', 'open', 'filled', 'cancelled', 'expired', 'rejected', 'failed', 'unknown']
export const BALANCE_KEYS = ['broker', 'exchange', 'prices', 'balances']
export const BALANCE_ROW_KEYS = ['asset', 'free', 'used', 'total']
export const PORTFOLIO_KEYS = ['broker', 'total_value_usd', 'positions', 'unpriced', 'prices']
export const POSITION_KEYS = [
  'asset',
  'quantity',
  'price_usd',
  'value_usd',
  'allocation_pct',
  'avg_cost_usd',
  'unrealized_pnl_usd',
  'unknown_cost_quantity',
]
export const SYMBOLS_KEYS = ['broker', 'symbols', 'total', 'inactive', 'page', 'page_size', 'has_next']
export const EXCHANGE_INFO_BOOL_KEYS = [
  'spot_trading',
  'futures_trading',
  'margin_trading',
  'options_trading',
  'market_orders',
  'limit_orders',
  'stop_orders',
  'stop_limit_orders',
  'websocket',
  'sandbox',
  'cors',
  'fetch_balance',
  'fetch_ticker',
  'fetch_order_book',
  'fetch_ohlcv',
  'fetch_trades',
  'fetch_orders',
  'fetch_open_orders',
  'cancel_order',
  'cancel_all_orders',
]
export const EXCHANGE_INFO_KEYS = ['exchange', 'name', 'rate_limit', ...EXCHANGE_INFO_BOOL_KEYS]
export const PRICE_KEYS = ['broker', 'symbol', 'last', 'bid', 'ask', 'change_24h_pct', 'timestamp', 'prices']
export const VALIDATE_KEYS = ['valid', 'errors', 'warnings', 'order', 'balance']
export const VALIDATE_ORDER_KEYS = [
  'broker',
  'symbol',
  'side',
  'order_type',
  'quantity',
  'price',
  'total_value',
  'estimated_fee',
  'fee_currency',
]
export const VALIDATE_BALANCE_KEYS = ['asset', 'free', 'required']
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
  // the guardrails of `broker limits` (SPEC additions)
  'LIMIT_ORDER_VALUE',
  'LIMIT_DAILY',
  'SYMBOL_NOT_ALLOWED',
  'PRICE_DEVIATION',
]
export const BROKER_KEYS = ['name', 'exchange', 'sandbox', 'default', 'prices']
export const ERROR_KEYS = ['code', 'message', 'exit_code', 'retryable']

/** The paper exchange's taker fee (0.1 %, charged in the quote asset). */
export const FEE_RATE = new Decimal('0.001')
/** The paper broker's starting balance. */
export const START_USDT = new Decimal('10000')

// ---------------------------------------------------------------------------------------------
// Type checks
// ---------------------------------------------------------------------------------------------

/** An exact decimal string as the SPEC wants it: digits, an optional fraction, no exponent. */
const DECIMAL_STRING = /^-?\d+(\.\d+)?$/
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

export function expectDecimalString(value: unknown, what = 'value'): asserts value is string {
  expect(value, `${what} must be a decimal string`).to.be.a('string')
  expect(value, `${what} must be a plain decimal (no exponent)`).to.match(DECIMAL_STRING)
}

export function expectDecimalOrNull(value: unknown, what = 'value'): void {
  if (value !== null) expectDecimalString(value, what)
}

/** value is a decimal string exactly equal to expected (to the last digit). */
export function expectDec(value: unknown, expected: Decimal.Value, what = 'value'): void {
  expectDecimalString(value, what)
  const e = new Decimal(expected)
  expect(new Decimal(value).eq(e), `${what}: expected ${e.toFixed()}, got ${value}`).to.equal(true)
}

export function expectIso(value: unknown, what = 'timestamp'): asserts value is string {
  expect(value, `${what} must be an ISO 8601 UTC string`).to.be.a('string')
  expect(value, `${what} must be ISO 8601 UTC`).to.match(ISO_UTC)
  expect(Number.isNaN(Date.parse(value as string)), `${what} must be a real date`).to.equal(false)
}

export function expectStringOrNull(value: unknown, what: string): void {
  if (value !== null) expect(value, what).to.be.a('string')
}

/** The value, when it is there; otherwise the test fails, saying what is missing. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) expect.fail(`${what} is missing (${String(value)})`)
  return value
}

/** value is a string (chai's check); narrows it for the checks that follow. */
function expectString(value: unknown, what?: string): asserts value is string {
  expect(value, what).to.be.a('string')
}

/** value is an array (chai's check); narrows it for the checks that follow. */
function expectArray(value: unknown, what?: string): asserts value is unknown[] {
  expect(value, what).to.be.an('array')
}

/** value is an object with exactly these keys (chai's check); narrows it so that its fields can be checked. */
function expectKeys(value: unknown, keys: string[], what?: string): asserts value is Record<string, unknown> {
  expect(value, what).to.have.all.keys(keys)
}

/** value is an object with at least these keys (chai's check); narrows it so that its fields can be checked. */
function expectIncludesKeys(value: unknown, keys: string[], what?: string): asserts value is Record<string, unknown> {
  expect(value, what).to.include.all.keys(keys)
}

/** A trade record of the SPEC: exact keys and the type of every field. */
export function expectTradeRecord(t: unknown): asserts t is TradeJson {
  expect(t).to.be.an('object')
  expectKeys(t, TRADE_KEYS)
  expect(t.id, 'id').to.be.a('number')
  expect(Number.isInteger(t.id), 'id is an integer').to.equal(true)
  expect(t.broker).to.be.a('string')
  expect(t.trade_type).to.be.a('string')
  expect(t.symbol)
    .to.be.a('string')
    .and.match(/^[A-Z0-9]+\/[A-Z0-9]+$/)
  expect(t.side).to.be.oneOf(['buy', 'sell'])
  expect(t.order_type).to.be.oneOf(['market', 'limit'])
  expectDecimalString(t.quantity, 'quantity')
  expectDecimalOrNull(t.price, 'price')
  expectDecimalOrNull(t.total_value, 'total_value')
  expect(t.status).to.be.oneOf(TRADE_STATUSES)
  expectDecimalOrNull(t.filled_quantity, 'filled_quantity')
  expectDecimalOrNull(t.filled_price, 'filled_price')
  expectDecimalOrNull(t.filled_value, 'filled_value')
  expectDecimalOrNull(t.fees, 'fees')
  expectStringOrNull(t.fee_currency, 'fee_currency')
  expect(t.client_order_id, 'client_order_id').to.be.a('string').and.not.equal('')
  expectStringOrNull(t.exchange_order_id, 'exchange_order_id')
  expectIso(t.created_at, 'created_at')
  if (t.executed_at !== null) expectIso(t.executed_at, 'executed_at')
  expectStringOrNull(t.error_message, 'error_message')
  expectStringOrNull(t.notes, 'notes')
}

export function expectBalanceJson(json: unknown, broker: string, exchange = 'paper'): asserts json is BalanceJson {
  expectKeys(json, BALANCE_KEYS)
  expect(json.broker).to.equal(broker)
  expect(json.exchange).to.equal(exchange)
  expectArray(json.balances)
  for (const b of json.balances) {
    expectKeys(b, BALANCE_ROW_KEYS)
    expectString(b.asset)
    expectDecimalString(b.free, `${b.asset}.free`)
    expectDecimalString(b.used, `${b.asset}.used`)
    expectDecimalString(b.total, `${b.asset}.total`)
    expect(new Decimal(b.free).plus(b.used).eq(b.total), `${b.asset}: free + used = total`).to.equal(true)
  }
}

export function expectValidationJson(json: unknown): asserts json is ValidationJson {
  expectKeys(json, VALIDATE_KEYS)
  expect(json.valid).to.be.a('boolean')
  expectArray(json.errors)
  for (const e of json.errors) {
    expectIncludesKeys(e, ['code', 'message'])
    expect(e.code).to.be.a('string')
    expect(e.message).to.be.a('string').and.not.equal('')
  }

  expect(json.warnings).to.be.an('array')
  expectKeys(json.order, VALIDATE_ORDER_KEYS)
  for (const k of ['quantity', 'price', 'total_value', 'estimated_fee'])
    expectDecimalOrNull(json.order[k], `order.${k}`)
  expectKeys(json.balance, VALIDATE_BALANCE_KEYS)
  expectDecimalOrNull(json.balance.free, 'balance.free')
  expectDecimalOrNull(json.balance.required, 'balance.required')
  expect(json.valid, 'valid iff no errors').to.equal(json.errors.length === 0)
}

/** A --json error: stdout is the envelope only, its exit_code is the process's exit code. */
export function expectJsonError(result: CliResult, exitCode: number, what = ''): ErrorJson['error'] {
  let json: ErrorJson
  try {
    json = JSON.parse(result.stdout) as ErrorJson
  } catch {
    throw new Error(
      `${what}: stdout is not exactly one JSON document (exit ${String(result.code)}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    )
  }

  // A refused order's validation failures go with the error and beside it (SPEC: the envelope's `errors`).
  const failures = json.errors !== undefined
  expect(json, `${what}: envelope`).to.have.all.keys(failures ? ['error', 'errors'] : ['error'])
  expect(json.error, `${what}: envelope.error`).to.have.all.keys(failures ? [...ERROR_KEYS, 'errors'] : ERROR_KEYS)
  if (failures) {
    expect(json.error.errors, `${what}: the same failures in both places`).to.deep.equal(json.errors)
    for (const e of json.errors ?? []) expect(e, `${what}: a failure`).to.have.all.keys('code', 'message')
  }
  expect(json.error.code, `${what}: code`).to.be.a('string').and.not.equal('')
  expect(json.error.message, `${what}: message`).to.be.a('string').and.not.equal('')
  expect(json.error.retryable, `${what}: retryable`).to.be.a('boolean')
  expect(json.error.exit_code, `${what}: envelope exit_code equals the process exit code`).to.equal(result.code)
  expect(result.code, `${what}: exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).to.equal(exitCode)
  expectNoStackTrace(json.error.message, what)
  return json.error
}

/** A human error: the exit code, and a one-line message on stderr (never a stack trace). */
export function expectHumanError(result: CliResult, exitCode: number, what = ''): string {
  expect(result.code, `${what}: exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).to.equal(exitCode)
  expect(result.stderr.trim(), `${what}: a message on stderr`).to.not.equal('')
  expectNoAnsi(result, what)
  expectNoStackTrace(result.stderr, what)
  return result.stderr
}

export function expectNoStackTrace(text: string, what = ''): void {
  expect(text, `${what}: no stack trace`).to.not.match(/\n\s+at .+(\(|:\d+:\d+)/)
}

/** What every ANSI escape code starts with: ESC [ (the control sequence introducer). */
const ANSI = '\u001B['
export function expectNoAnsi(result: CliResult, what = ''): void {
  expect(result.stdout.includes(ANSI), `${what}: no ANSI escape codes on piped stdout`).to.equal(false)
  expect(result.stderr.includes(ANSI), `${what}: no ANSI escape codes on piped stderr`).to.equal(false)
}

/** Human output: exit 0, text on stdout, no color codes when piped, and not JSON. */
export function expectHuman(result: CliResult, what = ''): string {
  expect(result.code, `${what}: exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).to.equal(0)
  expect(result.stdout.trim(), `${what}: text on stdout`).to.not.equal('')
  expectNoAnsi(result, what)
  expect(result.stdout.trimStart().startsWith('{'), `${what}: human output is not JSON`).to.equal(false)
  return result.stdout
}

/**
 * Finds a float artefact: a decimal whose fraction has a long run of 0s or 9s followed by a stray
 * digit (0.30000000000000004, 175.57600000000002, 0.1999999999999). None of the values these tests
 * trade can legitimately produce such a run.
 */
export function floatArtefacts(text: string): string[] {
  return [...text.matchAll(/\d+\.\d*?(0{9,}[1-9]|9{9,})\d*/g)].map((m) => m[0])
}

export function expectNoFloatArtefacts(text: string, what = ''): void {
  expect(floatArtefacts(text), `${what}: float artefacts`).to.deep.equal([])
}

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

/**
 * A CLI bound to one TRADEDESK_HOME (and optional env), recording every stdout and stderr it saw.
 * The first run in a home completes before any other starts, so that tests which run commands in
 * parallel never race the journal's creation (that race is tested on its own, in balance.test.ts).
 */
export class Cli {
  readonly outputs: string[] = []
  private first?: Promise<unknown>

  constructor(
    readonly home: string,
    readonly env: Record<string, string | undefined> = {},
  ) {}

  private opts(env?: Record<string, string | undefined>): CliOptions {
    return {home: this.home, env: {...this.env, ...env}}
  }

  private async gate<T extends CliResult>(start: () => Promise<T>): Promise<T> {
    if (!this.first) {
      const p = start()
      this.first = p.catch(() => undefined)
      return this.record(await p)
    }

    await this.first
    return this.record(await start())
  }

  private record<T extends CliResult>(r: T): T {
    this.outputs.push(r.stdout, r.stderr)
    return r
  }

  async run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult> {
    return this.gate(() => runCli(args, this.opts(env)))
  }

  /** Runs with --json; stdout parsed, read as T (name the SPEC's type of the answer). */
  async json<T = unknown>(args: string[], env?: Record<string, string | undefined>): Promise<JsonResult<T>> {
    return this.gate(() => runJson<T>(args, this.opts(env)))
  }

  /** Runs with --json and expects exit 0; returns the parsed JSON, read as T. */
  async ok<T = unknown>(args: string[], env?: Record<string, string | undefined>): Promise<T> {
    const r = await this.json<T>(args, env)
    expect(r.code, `tradedesk ${args.join(' ')} --json\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(0)
    return r.json
  }

  /** Places an order with --yes --json and expects it to succeed; returns the trade record. */
  async trade(args: string[], env?: Record<string, string | undefined>): Promise<TradeJson> {
    const t = await this.ok(['trade', ...args, '--yes'], env)
    expectTradeRecord(t)
    return t
  }

  async balances(
    broker?: string,
    env?: Record<string, string | undefined>,
  ): Promise<Map<string, {free: string; used: string; total: string}>> {
    const json = await this.ok<BalanceJson>(['balance', '--all', ...(broker ? ['--broker', broker] : [])], env)
    return new Map(json.balances.map((b) => [b.asset, b]))
  }

  async history(args: string[] = [], env?: Record<string, string | undefined>): Promise<TradeJson[]> {
    const json = await this.ok<HistoryJson>(
      ['history', ...(args.includes('--limit') ? [] : ['--limit', '1000']), ...args],
      env,
    )
    expect(json).to.have.all.keys('trades')
    return json.trades
  }
}

/** Free balance of an asset (0 when absent). */
export function free(balances: Map<string, {free: string}>, asset: string): Decimal {
  return new Decimal(balances.get(asset)?.free ?? '0')
}

export function used(balances: Map<string, {used: string}>, asset: string): Decimal {
  return new Decimal(balances.get(asset)?.used ?? '0')
}

// ---------------------------------------------------------------------------------------------
// The paper exchange's snapshot data (the inputs expected values are derived from)
// ---------------------------------------------------------------------------------------------

const DATA = fileURLToPath(new URL('../../data/binance-spot/', import.meta.url))

export interface SnapshotTicker {
  last: Decimal
  bid: Decimal
  ask: Decimal
  changePct: string
  closeTime: number
}

export interface SnapshotMarket {
  symbol: string
  id: string
  base: string
  quote: string
  status: string
  isSpotTradingAllowed?: boolean
  step: Decimal
  minQty: Decimal
  tick: Decimal
}

/** A row of the snapshot's ticker-24hr.json (Binance's GET /api/v3/ticker/24hr): the fields read here. */
interface TickerRow {
  symbol: string
  lastPrice: string
  bidPrice: string
  askPrice: string
  priceChangePercent: string
  closeTime: number
}

/** A symbol of the snapshot's exchangeInfo.json (Binance's GET /api/v3/exchangeInfo): the fields read here. */
interface ExchangeInfoSymbol {
  symbol: string
  baseAsset: string
  quoteAsset: string
  status: string
  isSpotTradingAllowed?: boolean
  filters: {filterType: string}[]
}

interface LotSizeFilter {
  filterType: 'LOT_SIZE'
  stepSize: string
  minQty: string
}

interface PriceFilter {
  filterType: 'PRICE_FILTER'
  tickSize: string
}

let tickerCache: Map<string, SnapshotTicker> | undefined
let marketCache: SnapshotMarket[] | undefined

/** Ticker by Binance id (BTCUSDT), rows with a zero price left out (they have no price). */
export function tickers(): Map<string, SnapshotTicker> {
  if (!tickerCache) {
    const rows = JSON.parse(readFileSync(join(DATA, 'ticker-24hr.json'), 'utf8')) as TickerRow[]
    tickerCache = new Map()
    for (const r of rows) {
      if (new Decimal(r.lastPrice).isZero()) continue
      tickerCache.set(r.symbol, {
        last: new Decimal(r.lastPrice),
        bid: new Decimal(r.bidPrice),
        ask: new Decimal(r.askPrice),
        changePct: r.priceChangePercent,
        closeTime: r.closeTime,
      })
    }
  }

  return tickerCache
}

export function ticker(id: string): SnapshotTicker {
  const t = tickers().get(id)
  if (!t) throw new Error(`no ticker for ${id} in the snapshot`)
  return t
}

export function markets(): SnapshotMarket[] {
  if (!marketCache) {
    const info = JSON.parse(readFileSync(join(DATA, 'exchangeInfo.json'), 'utf8')) as {symbols: ExchangeInfoSymbol[]}
    marketCache = info.symbols.map((s) => {
      const lot = s.filters.find((f): f is LotSizeFilter => f.filterType === 'LOT_SIZE')
      const price = s.filters.find((f): f is PriceFilter => f.filterType === 'PRICE_FILTER')
      if (!lot || !price) throw new Error(`${s.symbol} has no LOT_SIZE or PRICE_FILTER filter in the snapshot`)
      return {
        symbol: `${s.baseAsset}/${s.quoteAsset}`,
        id: s.symbol,
        base: s.baseAsset,
        quote: s.quoteAsset,
        status: s.status,
        isSpotTradingAllowed: s.isSpotTradingAllowed,
        step: new Decimal(lot.stepSize),
        minQty: new Decimal(lot.minQty),
        tick: new Decimal(price.tickSize),
      }
    })
  }

  return marketCache
}

export function market(symbol: string): SnapshotMarket {
  const m = markets().find((x) => x.symbol === symbol)
  if (!m) throw new Error(`no market ${symbol} in the snapshot`)
  return m
}

/** Tradable on the paper exchange: status TRADING, spot trading allowed, and a price in the snapshot. */
export function tradableSymbols(): string[] {
  return markets()
    .filter((m) => m.status === 'TRADING' && m.isSpotTradingAllowed !== false && tickers().has(m.id))
    .map((m) => m.symbol)
}

/** Listed on the spot API but not tradable on the paper exchange (not trading, or no price in the snapshot). */
export function untradableSymbols(): string[] {
  const tradable = new Set(tradableSymbols())
  return markets()
    .map((m) => m.symbol)
    .filter((s) => !tradable.has(s))
}

/** Truncates toward zero to a multiple of step, as the exchange rounds an amount. */
export function truncate(value: Decimal.Value, step: Decimal.Value): Decimal {
  const s = new Decimal(step)
  return new Decimal(value).div(s).floor().mul(s)
}

// ---------------------------------------------------------------------------------------------
// The SQLite journal
// ---------------------------------------------------------------------------------------------

/** True when test/support/cli.ts runs the suites on PostgreSQL (if it supports that at all). */
export function onPostgres(): boolean {
  const using = (cliSupport as unknown as {usingPostgres?: () => boolean}).usingPostgres
  return typeof using === 'function' && using()
}

/**
 * Opens the journal of a home (read only by convention), runs fn, closes it: the home's SQLite file,
 * or, when test/support/cli.ts provides openJournal, whatever database it points that home at.
 */
export async function withDb<T>(home: string, fn: (db: ReturnType<typeof knexFactory>) => Promise<T>): Promise<T> {
  const open = (cliSupport as unknown as {openJournal?: (home: string) => Promise<ReturnType<typeof knexFactory>>})
    .openJournal
  const db =
    typeof open === 'function'
      ? await open(home)
      : knexFactory({
          client: 'sqlite3',
          connection: {filename: join(home, 'tradedesk.sqlite')},
          useNullAsDefault: true,
          pool: {min: 0, max: 1},
        })
  try {
    return await fn(db)
  } finally {
    await db.destroy()
  }
}

/** What a command can leave behind: journal rows, paper orders and fills, every paper balance, the brokers. */
export async function dbState(
  home: string,
): Promise<{trades: number; orders: number; fills: number; balances: string; brokers: string}> {
  return withDb(home, async (db) => {
    const count = async (table: string) => Number((await db(table).count({n: '*'}))[0].n)
    const balances = await db('paper_balances')
      .select('broker_id', 'asset', 'free', 'used')
      .orderBy(['broker_id', 'asset'])
    const brokers = await db('brokers')
      .select<{id: number; profile: string; name: string; exchange: string; is_default: number | boolean}[]>(
        'id',
        'profile',
        'name',
        'exchange',
        'is_default',
      )
      .orderBy('id')
    return {
      trades: await count('trades'),
      orders: await count('paper_orders'),
      fills: await count('paper_fills'),
      balances: JSON.stringify(balances),
      brokers: JSON.stringify(brokers.map((b) => ({...b, is_default: Boolean(b.is_default)}))),
    }
  })
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)
// ---------------------------------------------------------------------------------------------

export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  const body = text.replace(/\r?\n$/, '')
  while (i < body.length) {
    const c = body[i]
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }

      if (c === '"') quoted = false
      else cell += c
      i++
      continue
    }

    if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || (c === '\r' && body[i + 1] === '\n')) {
      if (c === '\r') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c

    i++
  }

  if (quoted) throw new Error('unterminated quoted CSV cell')
  row.push(cell)
  rows.push(row)
  return rows
}
