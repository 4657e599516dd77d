import {Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
import {ExitCode, TradedeskError, invalidOrder, usageError} from '../lib/errors.js'
import type {TradeRecord} from '../lib/journal.js'
import {orderArgs, orderFlags, renderValidation} from '../lib/order-flags.js'
import {renderTrade} from '../lib/render/trade.js'
import {OrderTicket, inquirerPrompts} from '../lib/ticket.js'
import {
  type OrderInput,
  type PreparedOrder,
  type Validation,
  type ValidationCode,
  describeFailures,
  placeOrder,
  prepareOrder,
  validationOf,
} from '../lib/trading.js'
import {Ui} from '../lib/ui.js'

/** Failures the order ticket answers by asking for the size again. */
const SIZE_CODES = new Set<ValidationCode>([
  'AMOUNT_TOO_SMALL',
  'AMOUNT_TOO_LARGE',
  'COST_TOO_SMALL',
  'INSUFFICIENT_FUNDS',
])

export default class Trade extends BaseCommand<typeof Trade> {
  static override summary = 'Validate, confirm, send and record an order; on a terminal, ask for what is missing.'
  static override description = `Sizes the order by --quantity, --usd or --percent, validates it against the market's rules and the free balance, asks for confirmation on a terminal (or takes --yes), records it in the journal with a client order id, sends it, and records the outcome.

With SIDE, SYMBOL or the size left out, on a terminal, it opens an order ticket that asks for them: broker, symbol (type to search), side, type, limit price, and size in coins or USD with the other side computed as you type. Without a terminal, a missing piece is a usage error (exit 2) and --yes is required: nothing is sent without it.`

  static override examples = [
    '<%= config.bin %> trade                     # the order ticket',
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
    const {flags, args} = this
    const dryRun = flags['dry-run']
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
    const missing = [
      !args.side && 'SIDE',
      !args.symbol && 'SYMBOL',
      flags.quantity === undefined &&
        flags.usd === undefined &&
        flags.percent === undefined &&
        'the size (--quantity, --usd or --percent)',
    ].filter((m): m is string => typeof m === 'string')
    // A limit order's missing price is a validation failure (PRICE_REQUIRED, exit 3), as in validate;
    // on a terminal the ticket asks for it.
    const askPrice = interactive && flags.type === 'limit' && flags.price === undefined
    if (missing.length > 0 && !interactive) {
      throw usageError(
        `missing ${missing.join(', ')}; with no terminal to ask on, give them on the command line, e.g. \`tradedesk trade buy BTC/USDT --usd 100 --yes\``,
        'MISSING_ARGUMENT',
      )
    }

    if (!dryRun && !flags.yes && !interactive) {
      throw usageError(
        'no terminal to confirm the order: pass --yes to send it (nothing was sent)',
        'CONFIRMATION_REQUIRED',
      )
    }

    const session = await this.session()
    const start = {...flags, side: args.side, symbol: args.symbol}
    let ticket: OrderTicket | undefined
    let broker
    let input: OrderInput
    if (missing.length > 0 || askPrice) {
      this.spinner?.stop()
      ticket = new OrderTicket(await inquirerPrompts(), await session.brokers.list(), (b) => session.gateway(b))
      ;({broker, input} = await ticket.fill(start))
    } else {
      broker = await session.broker(flags.broker)
      input = start as OrderInput
    }

    const gateway = await session.gateway(broker)
    let prepared = await prepareOrder(gateway, broker, input)
    // On the ticket, a size the market or the balance refuses is asked again with the reasons.
    while (ticket && !prepared.valid && prepared.market && prepared.errors.every((e) => SIZE_CODES.has(e.code))) {
      input = await ticket.resize(
        gateway,
        prepared.market,
        input,
        prepared.errors.map((e) => e.message),
      )
      prepared = await prepareOrder(gateway, broker, input)
    }

    if (dryRun) {
      const validation = validationOf(prepared)
      return {
        data: validation,
        human: (d, ui) => renderValidation({...(d as Validation), prices: prepared.prices}, ui),
        exitCode: validation.valid ? 0 : ExitCode.ORDER_INVALID,
      }
    }

    if (!prepared.valid) throw invalidOrder(describeFailures(prepared), prepared.errors)
    if (!this.flags.yes && !(await this.confirm(prepared))) {
      throw new TradedeskError('DECLINED', 'order not confirmed: nothing was sent', ExitCode.DECLINED)
    }

    const record = await placeOrder(gateway, session.journal, prepared)
    return {data: record, human: (d, ui) => renderTrade(d as TradeRecord, ui)}
  }

  /** Shows the order and asks; on stderr, so stdout carries only the result. */
  private async confirm(prepared: PreparedOrder): Promise<boolean> {
    this.spinner?.stop()
    process.stderr.write(`${renderValidation(prepared, await Ui.create(process.stderr))}\n`)
    const {confirm} = await import('@inquirer/prompts')
    return confirm({message: 'Send this order?', default: false}, {output: process.stderr})
  }
}
