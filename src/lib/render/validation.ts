import {Decimal, str} from '../decimal.js'
import type {Validation} from '../trading.js'
import type {Ui} from '../ui.js'

/** A validation for people; with `prices`, where its prices come from (the paper snapshot's date). */
export function renderValidation(v: Validation & {prices?: string}, ui: Ui): string {
  const o = v.order
  const limit = o.order_type === 'limit' ? ` @ ${o.price ?? '?'}` : ''
  const {free, required, asset} = v.balance
  const lines = [
    ui.pairs([
      ['broker', o.broker],
      ...(v.prices ? ([['prices', v.prices]] as [string, string][]) : []),
      ['order', `${ui.side(o.side)} ${o.quantity ?? '?'} ${o.symbol} ${o.order_type}${limit}`],
      ['price', o.price],
      ['value', o.total_value === null ? null : `${o.total_value} ${o.fee_currency ?? ''}`],
      ['estimated fee', o.estimated_fee === null ? null : `${o.estimated_fee} ${o.fee_currency ?? ''}`],
      ['total', total(v)],
      ['balance', asset ? `${free ?? '?'} ${asset} free, ${required ?? '?'} required` : null],
      [
        'balance after',
        free !== null && required !== null ? `${str(new Decimal(free).minus(required))} ${asset ?? ''}` : null,
      ],
    ]),
  ]
  for (const w of v.warnings) lines.push(ui.yellow(`warning: ${w}`))
  if (v.valid) lines.push(ui.green('valid: the order can be placed'))
  for (const e of v.errors) lines.push(ui.red(`${e.code}: ${e.message}`))
  return lines.join('\n')
}

/** What the order costs (buy) or brings (sell) in the quote asset, fee included. */
function total(v: Validation): string | null {
  const {total_value: value, estimated_fee: fee, fee_currency: currency, side} = v.order
  if (value === null || fee === null) return null
  const amount = side === 'buy' ? new Decimal(value).plus(fee) : new Decimal(value).minus(fee)
  return `${str(amount)} ${currency ?? ''}`.trim()
}
