import {TRADE_FIELDS, type TradeRecord} from '../journal.js'

/** What a CSV cell holds: text, a number, or nothing (an empty cell). */
export type CsvValue = string | number | null

/**
 * One RFC 4180 cell. A cell that a spreadsheet would run as a formula (it starts with = + - @, a tab
 * or CR, and is not a negative number) is prefixed with '. A cell holding a quote, comma or line break
 * is quoted; `quoteAll` quotes every cell (CoinTracking's import template writes them all quoted).
 */
export function csvCell(value: CsvValue, quoteAll = false): string {
  let s = value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`
  return quoteAll || /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** One CSV line (no line break) of the cells given. */
export function csvLine(values: CsvValue[], quoteAll = false): string {
  return values.map((v) => csvCell(v, quoteAll)).join(',')
}

/** The journal as RFC 4180 CSV: a header of the trade record's fields, then one line per trade. */
export function renderCsv(trades: TradeRecord[]): string {
  return [csvLine(TRADE_FIELDS), ...trades.map((t) => csvLine(TRADE_FIELDS.map((f) => t[f])))].join('\n')
}
