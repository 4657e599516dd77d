import type {BalanceRow} from '../exchange/types.js'
import type {Ui} from '../ui.js'

export interface BalanceView {
  broker: string
  exchange: string
  balances: BalanceRow[]
}

export function renderBalance(d: BalanceView, ui: Ui): string {
  if (d.balances.length === 0) return `No balances on ${d.broker}.`
  return ui.table(
    ['Asset', 'Free', 'Used', 'Total'],
    d.balances.map((b) => [b.asset, b.free, b.used, b.total]),
    ['left', 'right', 'right', 'right'],
  )
}
