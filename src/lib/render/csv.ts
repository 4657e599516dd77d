import {TRADE_FIELDS, type TradeRecord} from '../journal.js'

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with '. */
export function renderCsv(trades: TradeRecord[]): string {
  const cell = (v: TradeRecord[keyof TradeRecord]) => {
    if (v === null) return ''
    let s = String(v)
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }

  return [TRADE_FIELDS.join(','), ...trades.map((t) => TRADE_FIELDS.map((f) => cell(t[f])).join(','))].join('\n')
}
