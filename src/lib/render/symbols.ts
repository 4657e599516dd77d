import type {SymbolPage} from '../symbols.js'

export function renderSymbols(d: SymbolPage): string {
  const left =
    d.inactive > 0
      ? `${String(d.inactive)} more match but cannot be traded now (not trading, or no price): not listed`
      : ''
  if (d.total === 0) return ['No symbols match.', left].filter(Boolean).join('\n')
  const pages = Math.max(1, Math.ceil(d.total / d.page_size))
  const next = d.has_next ? ` (next: --page ${String(d.page + 1)})` : ''
  const footer = `${String(d.total)} symbols, page ${String(d.page)} of ${String(pages)}${next}`
  return [columns(d.symbols), footer, left].filter(Boolean).join('\n')
}

/** Symbols in columns that fit 80 characters. */
function columns(symbols: string[]): string {
  if (symbols.length === 0) return ''
  const width = Math.max(...symbols.map((s) => s.length)) + 2
  const perRow = Math.max(1, Math.floor(80 / width))
  const lines: string[] = []
  for (let i = 0; i < symbols.length; i += perRow)
    lines.push(
      symbols
        .slice(i, i + perRow)
        .map((s) => s.padEnd(width))
        .join('')
        .trimEnd(),
    )
  return lines.join('\n')
}
