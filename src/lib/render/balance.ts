import type {BalanceRow} from '../exchange/types.js'
import type {Ui} from '../ui.js'

export interface BalanceView {
  broker: string
  exchange: string
  /** which market a paper broker trades on; null for the others */
  prices: string | null
  balances: BalanceRow[]
}

export function renderBalance(d: BalanceView, ui: Ui): string {
  const prices = d.prices ? `\nPaper account on ${d.prices} prices.` : ''
  if (d.balances.length === 0) return `No balances on ${d.broker}.${prices}`
  const table = ui.table(
    ['Asset', 'Free', 'Used', 'Total'],
    d.balances.map((b) => [b.asset, b.free, b.used, b.total]),
    ['left', 'right', 'right', 'right'],
  )
  return table + prices
}
