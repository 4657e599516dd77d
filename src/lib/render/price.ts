import type {Ui} from '../ui.js'

export interface PriceView {
  broker: string
  symbol: string
  last: string | null
  bid: string | null
  ask: string | null
  change_24h_pct: string | null
  timestamp: string | null
  /** which market a paper broker trades on; null for the others */
  prices: string | null
}

/** A price for people; `prices` says where it comes from. */
export function renderPrice(d: PriceView, ui: Ui, prices: string): string {
  return ui.pairs([
    ['symbol', d.symbol],
    ['last', ui.bold(d.last ?? '-')],
    ['bid', d.bid],
    ['ask', d.ask],
    ['24h change', d.change_24h_pct === null ? null : `${ui.signed(d.change_24h_pct)} %`],
    ['as of', ui.time(d.timestamp)],
    ['prices', prices],
  ])
}
