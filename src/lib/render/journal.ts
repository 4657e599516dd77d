import type {ImportResult} from '../import.js'
import type {Ui} from '../ui.js'

export function renderImport(d: ImportResult, ui: Ui): string {
  const trades = (n: number) => `${String(n)} trade${n === 1 ? '' : 's'}`
  const from = d.since ? `since ${ui.time(d.since) ?? d.since}` : 'from the beginning'
  const scanned = `${String(d.symbols_scanned)} symbol${d.symbols_scanned === 1 ? '' : 's'} read`
  const already = d.skipped > 0 ? `, ${trades(d.skipped)} already in the journal` : ''
  return `Imported ${trades(d.imported)}${already} (${scanned}, ${from}).`
}
