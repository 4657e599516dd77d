import {Args, Flags} from '@oclif/core'

import {Decimal, str} from './decimal.js'
import type {Validation} from './trading.js'
import type {Ui} from './ui.js'

/** SIDE and SYMBOL, shared by validate and trade. */
export const orderArgs = {
  side: Args.string({description: 'buy or sell', options: ['buy', 'sell']}),
  symbol: Args.string({description: 'Market symbol, e.g. BTC/USDT'}),
}

/** The order's shape and size, shared by validate and trade. */
export const orderFlags = {
  type: Flags.string({description: 'Order type (default: market).', options: ['market', 'limit']}),
  quantity: Flags.string({description: 'Size in base units (e.g. 0.01 BTC).', exclusive: ['usd', 'percent']}),
  usd: Flags.string({description: 'Size as a value in USD.', exclusive: ['quantity', 'percent']}),
  percent: Flags.string({
    description: 'Size as a percent of the free balance the order spends (sell 100 = everything).',
    exclusive: ['quantity', 'usd'],
  }),
  price: Flags.string({description: 'Limit price (required with --type limit).'}),
  note: Flags.string({description: 'A note kept with the trade in the journal.'}),
}

/** A validation for people; with `prices`, where its prices come from (the paper snapshot's date). */
export function renderValidation(v: Validation & {prices?: string}, ui: Ui): string {
  const o = v.order
  const lines = [
    ui.pairs([
      ['broker', o.broker],
      ...(v.prices ? ([['prices', v.prices]] as [string, string][]) : []),
      [
        'order',
        `${ui.side(o.side)} ${o.quantity ?? '?'} ${o.symbol} ${o.order_type}${o.order_type === 'limit' ? ` @ ${o.price ?? '?'}` : ''}`,
      ],
      ['price', o.price],
      ['value', o.total_value === null ? null : `${o.total_value} ${o.fee_currency ?? ''}`],
      ['estimated fee', o.estimated_fee === null ? null : `${o.estimated_fee} ${o.fee_currency ?? ''}`],
      ['total', total(v)],
      [
        'balance',
        v.balance.asset ? `${v.balance.free} ${v.balance.asset} free, ${v.balance.required ?? '?'} required` : null,
      ],
      [
        'balance after',
        v.balance.free !== null && v.balance.required !== null
          ? `${str(new Decimal(v.balance.free).minus(v.balance.required))} ${v.balance.asset}`
          : null,
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
