import {BaseCommand, type Result} from '../lib/base-command.js'
import {ExitCode, usageError} from '../lib/errors.js'
import {orderArgs, orderFlags, renderValidation} from '../lib/order-flags.js'
import {type Validation, prepareOrder, validationOf} from '../lib/trading.js'

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary =
    'Check an order as trade would, without sending it: the computed order and every reason it would fail.'
  static override description = 'Exits 0 when the order is valid and 3 when it is not.'
  static override examples = [
    '<%= config.bin %> validate buy BTC/USDT --usd 100',
    '<%= config.bin %> validate sell ETH/USDT --percent 100 --json',
    '<%= config.bin %> validate buy BTC/USDT --type limit --price 25000 --quantity 0.01',
  ]

  static override args = orderArgs
  static override flags = orderFlags

  async execute(): Promise<Result<Validation>> {
    if (!this.args.side || !this.args.symbol)
      throw usageError('validate needs SIDE and SYMBOL, e.g. `tradedesk validate buy BTC/USDT --usd 100`')
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const gateway = await session.gateway(broker)
    const prepared = await prepareOrder(gateway, broker, {
      ...this.flags,
      side: this.args.side,
      symbol: this.args.symbol,
    })
    const validation = validationOf(prepared)
    return {
      data: validation,
      human: (d, ui) => renderValidation({...d, prices: prepared.prices}, ui),
      exitCode: validation.valid ? 0 : ExitCode.ORDER_INVALID,
    }
  }
}
