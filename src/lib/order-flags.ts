import type {ArgSpecs, FlagSpecs} from './cli/spec.js'

/** SIDE and SYMBOL, shared by validate and trade. */
export const orderArgs = {
  side: {description: 'buy or sell', options: ['buy', 'sell']},
  symbol: {description: 'Market symbol, e.g. BTC/USDT'},
} as const satisfies ArgSpecs

/** The order's shape and size, shared by validate and trade. */
export const orderFlags = {
  type: {type: 'string', description: 'Order type (default: market).', options: ['market', 'limit']},
  quantity: {type: 'string', description: 'Size in base units (e.g. 0.01 BTC).', exclusive: ['usd', 'percent']},
  usd: {type: 'string', description: 'Size as a value in USD.', exclusive: ['quantity', 'percent']},
  percent: {
    type: 'string',
    description: 'Size as a percent of the free balance the order spends (sell 100 = everything).',
    exclusive: ['quantity', 'usd'],
  },
  price: {type: 'string', description: 'Limit price (required with --type limit).'},
  note: {type: 'string', description: 'A note kept with the trade in the journal.'},
} as const satisfies FlagSpecs
