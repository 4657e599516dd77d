import {defineCommand, result} from '../lib/cli/spec.js'
import {ExitCode, usageError} from '../lib/errors.js'
import {orderArgs, orderFlags} from '../lib/order-flags.js'
import {renderValidation} from '../lib/render/validation.js'
import {type Validation, prepareOrder, validationOf} from '../lib/trading.js'
import type {Ui} from '../lib/ui.js'

export default defineCommand({
  summary: 'Check an order as trade would, without sending it: the computed order and every reason it would fail.',
  description: 'Exits 0 when the order is valid and 3 when it is not.',
  examples: [
    'validate buy BTC/USDT --usd 100',
    'validate sell ETH/USDT --percent 100 --json',
    'validate buy BTC/USDT --type limit --price 25000 --quantity 0.01',
  ],
  flags: orderFlags,
  args: orderArgs,
  fast: true,
  async run({args, flags, session: open}) {
    if (!args.side || !args.symbol)
      throw usageError('validate needs SIDE and SYMBOL, e.g. `tradedesk validate buy BTC/USDT --usd 100`')
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const input = {...flags, side: args.side, symbol: args.symbol}
    const prepared = await prepareOrder(gateway, broker, input, session.journal)
    const validation = validationOf(prepared)
    const human = (d: Validation, ui: Ui) => renderValidation({...d, prices: prepared.prices}, ui)
    return result(validation, human, validation.valid ? 0 : ExitCode.ORDER_INVALID)
  },
})
