import {Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
import {ExitCode, TradedeskError, usageError} from '../lib/errors.js'
import type {TradeRecord} from '../lib/journal.js'
import {orderArgs, orderFlags, renderValidation} from '../lib/order-flags.js'
import {renderTrade} from '../lib/render/trade.js'
import {type PreparedOrder, type Validation, describeFailures, placeOrder, prepareOrder} from '../lib/trading.js'
import {Ui} from '../lib/ui.js'

export default class Trade extends BaseCommand<typeof Trade> {
  static override summary = 'Validate, confirm, send and record an order.'
  static override description = `Sizes the order by --quantity, --usd or --percent, validates it against the market's rules and the free balance, asks for confirmation on a terminal (or takes --yes), records it in the journal with a client order id, sends it, and records the outcome.

Without a terminal, --yes is required: nothing is sent without it.`

  static override examples = [
    '<%= config.bin %> trade buy BTC/USDT --usd 100',
    '<%= config.bin %> trade sell ETH/USDT --percent 100 --yes',
    '<%= config.bin %> trade buy BTC/USDT --type limit --price 25000 --quantity 0.01 --note "dip buy"',
    '<%= config.bin %> trade buy SOL/USDT --usd 50 --dry-run --json',
  ]

  static override args = orderArgs
  static override flags = {
    ...orderFlags,
    yes: Flags.boolean({char: 'y', description: 'Send without asking for confirmation.'}),
    'dry-run': Flags.boolean({description: 'Validate and show the order; send nothing (same as validate).'}),
  }

  async execute(): Promise<Result<TradeRecord | Validation>> {
    if (!this.args.side || !this.args.symbol) throw usageError('trade needs SIDE and SYMBOL, e.g. `tradedesk trade buy BTC/USDT --usd 100`')
    const dryRun = this.flags['dry-run']
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
    if (!dryRun && !this.flags.yes && !interactive) {
      throw usageError('no terminal to confirm the order: pass --yes to send it (nothing was sent)', 'CONFIRMATION_REQUIRED')
    }

    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const gateway = await session.gateway(broker)
    const prepared = await prepareOrder(gateway, broker, {...this.flags, side: this.args.side, symbol: this.args.symbol})
    if (dryRun) {
      const {market: _market, note: _note, ...validation} = prepared
      return {data: validation, human: (d, ui) => renderValidation(d as Validation, ui), exitCode: validation.valid ? 0 : ExitCode.ORDER_INVALID}
    }

    if (!prepared.valid) throw new TradedeskError('ORDER_INVALID', describeFailures(prepared), ExitCode.ORDER_INVALID)
    if (!this.flags.yes && !(await this.confirm(prepared))) {
      throw new TradedeskError('DECLINED', 'order not confirmed: nothing was sent', ExitCode.DECLINED)
    }

    const record = await placeOrder(gateway, session.journal, prepared)
    return {data: record, human: (d, ui) => renderTrade(d as TradeRecord, ui)}
  }

  /** Shows the order and asks; on stderr, so stdout carries only the result. */
  private async confirm(prepared: PreparedOrder): Promise<boolean> {
    process.stderr.write(`${renderValidation(prepared, await Ui.create(process.stderr))}\n`)
    const {confirm} = await import('@inquirer/prompts')
    return confirm({message: 'Send this order?', default: false}, {output: process.stderr})
  }
}
