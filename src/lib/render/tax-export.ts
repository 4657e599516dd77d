import {Decimal, str} from '../decimal.js'
import type {FillRecord} from '../fills.js'
import {type CsvValue, csvLine} from './csv.js'

/** The CSV layouts of `journal export`: Koinly's universal import, CoinTracking's CSV import, our own. */
export type TaxFormat = 'koinly' | 'cointracking' | 'csv'

export const TAX_FORMATS: TaxFormat[] = ['koinly', 'cointracking', 'csv']

/** Koinly's universal import template (support.koinly.io: "How to create a custom CSV file with your data"). */
export const KOINLY_HEADER = [
  'Date',
  'Sent Amount',
  'Sent Currency',
  'Received Amount',
  'Received Currency',
  'Fee Amount',
  'Fee Currency',
  'Net Worth Amount',
  'Net Worth Currency',
  'Label',
  'Description',
  'TxHash',
]

/** CoinTracking's CSV import template: the eleven required columns, every cell quoted. */
export const COINTRACKING_HEADER = [
  'Type',
  'Buy Amount',
  'Buy Currency',
  'Sell Amount',
  'Sell Currency',
  'Fee',
  'Fee Currency',
  'Exchange',
  'Trade-Group',
  'Comment',
  'Date',
]

/** Our own columns: the fill record for a spreadsheet, with the exchange and the trade's USD value. */
export interface FillView {
  broker: string
  exchange: string
  trade_id: string
  order_id: string | null
  journal_id: number | null
  symbol: string
  side: string
  amount: string
  price: string
  cost: string
  fee: string | null
  fee_currency: string | null
  quote_usd: string | null
  fee_usd: string | null
  value_usd: string | null
  executed_at: string
  source: string
}

export const FILLS_CSV_HEADER: (keyof FillView)[] = [
  'broker',
  'exchange',
  'trade_id',
  'order_id',
  'journal_id',
  'symbol',
  'side',
  'amount',
  'price',
  'cost',
  'fee',
  'fee_currency',
  'quote_usd',
  'fee_usd',
  'value_usd',
  'executed_at',
  'source',
]

/**
 * The journal's fills as a file tax software imports. Pure: the fills and each broker's exchange id in,
 * the text out: rows oldest first (the row id orders fills of the same instant), LF line ends, every
 * number the exact decimal without exponent or trailing zeros. Like every renderer it ends without a
 * line break: the command's output adds the one that ends the file.
 */
export function renderTaxExport(
  format: TaxFormat,
  fills: FillRecord[],
  exchangeOf: (broker: string) => string,
): string {
  const ordered = oldestFirst(fills)
  let lines: string[]
  if (format === 'koinly') lines = [csvLine(KOINLY_HEADER), ...ordered.map((f) => csvLine(koinlyRow(f)))]
  else if (format === 'cointracking')
    lines = [
      csvLine(COINTRACKING_HEADER, true),
      ...ordered.flatMap((f) => cointrackingRows(f, exchangeOf(f.broker)).map((r) => csvLine(r, true))),
    ]
  else
    lines = [
      csvLine(FILLS_CSV_HEADER),
      ...ordered.map((f) => {
        const view = fillView(f, exchangeOf(f.broker))
        return csvLine(FILLS_CSV_HEADER.map((column) => view[column]))
      }),
    ]
  return lines.join('\n')
}

/**
 * A buy of BASE/QUOTE sends `cost` QUOTE and receives `amount` BASE; a sell the reverse. The amounts are
 * the gross ones the exchange states, the fee in its own columns: Koinly takes a trade's fee off the
 * fee currency's balance itself (a fee in crypto is a disposal of its own), so a fee netted into an
 * amount would be counted twice.
 */
function koinlyRow(f: FillRecord): CsvValue[] {
  const {base, quote} = pair(f)
  const baseLeg = [num(f.amount), base]
  const quoteLeg = [num(f.cost), quote]
  const [sent, received] = f.side === 'buy' ? [quoteLeg, baseLeg] : [baseLeg, quoteLeg]
  const fee = feeOf(f)
  const worth = valueUsd(f)
  return [
    koinlyDate(utc(f)),
    ...sent,
    ...received,
    fee ? str(fee.amount) : null,
    fee?.currency ?? null,
    worth,
    worth === null ? null : 'USD',
    // Koinly's labels tag non-trades (income, cost, gift...); a trade has none
    null,
    ['tradedesk', f.broker, f.symbol, f.side, ...(f.order_id === null ? [] : ['order', f.order_id])].join(' '),
    f.trade_id,
  ]
}

/**
 * CoinTracking books what actually moved (support: "Entering fees", "How fees are handled within
 * CoinTracking"): a fee in the currency bought comes off the buy amount, a fee in the currency sold is
 * added to the sell amount, and the Fee column only informs. A fee in a third currency (BNB) is not
 * taken off any balance by the trade, so it follows as an Other Fee row of its own.
 */
function cointrackingRows(f: FillRecord, exchange: string): CsvValue[][] {
  const {base, quote} = pair(f)
  const buy = {amount: new Decimal(f.side === 'buy' ? f.amount : f.cost), currency: f.side === 'buy' ? base : quote}
  const sell = {amount: new Decimal(f.side === 'buy' ? f.cost : f.amount), currency: f.side === 'buy' ? quote : base}
  const fee = feeOf(f)
  const inTrade = fee !== null && (fee.currency === buy.currency || fee.currency === sell.currency)
  if (fee && fee.currency === buy.currency) buy.amount = buy.amount.minus(fee.amount)
  else if (fee && fee.currency === sell.currency) sell.amount = sell.amount.plus(fee.amount)

  const date = cointrackingDate(utc(f))
  const rows: CsvValue[][] = [
    [
      'Trade',
      str(buy.amount),
      buy.currency,
      str(sell.amount),
      sell.currency,
      inTrade ? str(fee.amount) : null,
      inTrade ? fee.currency : null,
      exchange,
      f.broker,
      f.trade_id,
      date,
    ],
  ]
  if (fee && !inTrade)
    rows.push([
      'Other Fee',
      null,
      null,
      str(fee.amount),
      fee.currency,
      null,
      null,
      exchange,
      f.broker,
      f.trade_id,
      date,
    ])
  return rows
}

/** A fill as `journal export` shows it: the CSV's columns (and, with --json, its keys), exact decimals. */
export function fillView(f: FillRecord, exchange: string): FillView {
  return {
    broker: f.broker,
    exchange,
    trade_id: f.trade_id,
    order_id: f.order_id,
    journal_id: f.trade_row,
    symbol: f.symbol,
    side: f.side,
    amount: num(f.amount),
    price: num(f.price),
    cost: num(f.cost),
    fee: f.fee === null ? null : num(f.fee),
    fee_currency: f.fee_currency,
    quote_usd: f.quote_usd === null ? null : num(f.quote_usd),
    fee_usd: f.fee_usd === null ? null : num(f.fee_usd),
    value_usd: valueUsd(f),
    executed_at: f.executed_at,
    source: f.source,
  }
}

/** The canonical text of an exact decimal ("0.00000001", never "1e-8"; no trailing zeros). */
const num = (value: string) => str(new Decimal(value))

/** The trade's USD value, cost x the quote's USD price; null when the fill is unpriced. */
const valueUsd = (f: FillRecord) => (f.quote_usd === null ? null : str(new Decimal(f.cost).mul(f.quote_usd)))

function pair(f: FillRecord): {base: string; quote: string} {
  const [base, rest] = f.symbol.split('/')
  if (!base || !rest) throw new Error(`fill ${f.trade_id}: symbol ${JSON.stringify(f.symbol)} is not BASE/QUOTE`)
  // a derivative's settle currency (BTC/USDT:USDT) is not part of what changed hands
  return {base, quote: rest.split(':')[0]}
}

/** The fill's fee, or null when it paid none. A fee in no stated currency cannot be placed in any tool. */
function feeOf(f: FillRecord): {amount: Decimal; currency: string} | null {
  const amount = new Decimal(f.fee ?? 0)
  if (amount.isZero()) return null
  if (!f.fee_currency) throw new Error(`fill ${f.trade_id}: a fee of ${f.fee ?? ''} in no stated currency`)
  return {amount, currency: f.fee_currency}
}

function oldestFirst(fills: FillRecord[]): FillRecord[] {
  const at = new Map(fills.map((f) => [f, utc(f).getTime()]))
  return [...fills].sort((a, b) => (at.get(a) ?? 0) - (at.get(b) ?? 0) || a.id - b.id)
}

function utc(f: FillRecord): Date {
  const d = new Date(f.executed_at)
  if (Number.isNaN(d.getTime())) throw new Error(`fill ${f.trade_id}: executed_at ${f.executed_at} is not a date`)
  return d
}

const two = (n: number) => String(n).padStart(2, '0')

/** UTC date and time to the second (a fraction is cut, not rounded: the trade stays in its second). */
function parts(d: Date) {
  return {
    date: [String(d.getUTCFullYear()).padStart(4, '0'), two(d.getUTCMonth() + 1), two(d.getUTCDate())],
    time: [two(d.getUTCHours()), two(d.getUTCMinutes()), two(d.getUTCSeconds())].join(':'),
  }
}

/** Koinly's date: "YYYY-MM-DD HH:mm UTC" in its template, here with the seconds ("2024-03-21 14:05:09 UTC"). */
function koinlyDate(d: Date): string {
  const {date, time} = parts(d)
  return `${date.join('-')} ${time} UTC`
}

/** CoinTracking's import date, DD.MM.YYYY HH:MM:SS, written in UTC ("21.03.2024 14:05:09"). */
function cointrackingDate(d: Date): string {
  const {date, time} = parts(d)
  return `${[...date].reverse().join('.')} ${time}`
}
