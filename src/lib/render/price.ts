import type {MovedPrice} from '../paper-prices.js'
import type {Ui} from '../ui.js'
import {renderTrades} from './trade.js'

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

/** A moved paper price for people, and the orders it filled. */
export function renderMovedPrice(d: MovedPrice, ui: Ui): string {
  const price = ui.pairs([
    ['symbol', d.symbol],
    ['last', ui.bold(d.last)],
    ['bid', d.bid],
    ['ask', d.ask],
  ])
  if (d.filled.length === 0) return `${price}\nNo resting order crossed.`
  return `${price}\nFilled:\n${renderTrades(d.filled, ui)}`
}

/** Several prices for people: one row per symbol, in the order asked. */
export function renderPrices(prices: PriceView[], ui: Ui, source: string): string {
  const table = ui.table(
    ['Symbol', 'Last', 'Bid', 'Ask', '24h %', 'As of (UTC)'],
    prices.map((p) => [
      p.symbol,
      p.last,
      p.bid,
      p.ask,
      p.change_24h_pct === null ? null : ui.signed(p.change_24h_pct),
      ui.time(p.timestamp, {inTable: true}),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  )
  return `${table}\nprices: ${source}`
}
