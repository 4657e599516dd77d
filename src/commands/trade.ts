import {defineCommand, result} from '../lib/cli/spec.js'
import {ExitCode, TradedeskError, invalidOrder, usageError} from '../lib/errors.js'
import type {TradeRecord} from '../lib/journal.js'
import {orderArgs, orderFlags} from '../lib/order-flags.js'
import {renderTrade} from '../lib/render/trade.js'
import {renderValidation} from '../lib/render/validation.js'
import {OrderTicket, inquirerPrompts} from '../lib/ticket.js'
import {
  type OrderInput,
  type Validation,
  describeFailures,
  placeOrder,
  prepareOrder,
  validationOf,
} from '../lib/trading.js'
import {Ui} from '../lib/ui.js'

export default defineCommand({
  summary: 'Validate, confirm, send and record an order; on a terminal, ask for what is missing.',
  description: `Sizes the order by --quantity, --usd or --percent, validates it against the market's rules and the free balance, asks for confirmation on a terminal (or takes --yes), records it in the journal with a client order id, sends it, and records the outcome.

With SIDE, SYMBOL or the size left out, on a terminal, it opens an order ticket that asks for them: broker, symbol (type to search), side, type, limit price, and size in coins or USD with the other side computed as you type. Without a terminal, a missing piece is a usage error (exit 2) and --yes is required: nothing is sent without it.`,
  examples: [
    'trade                     # the order ticket',
    'trade buy BTC/USDT --usd 100',
    'trade sell ETH/USDT --percent 100 --yes',
    'trade buy BTC/USDT --type limit --price 25000 --quantity 0.01 --note "dip buy"',
    'trade buy SOL/USDT --usd 50 --dry-run --json',
  ],
  flags: {
    ...orderFlags,
    yes: {type: 'boolean', char: 'y', description: 'Send without asking for confirmation.'},
    'dry-run': {type: 'boolean', description: 'Validate and show the order; send nothing (same as validate).'},
  },
  args: orderArgs,
  async run({args, flags, io, interactive, quiet, session: open, attempt}) {
    const dryRun = flags['dry-run']
    // Every attempt is logged, whatever its outcome; a dry run sends nothing and is no attempt.
    if (!dryRun) attempt({broker: flags.broker ?? null, symbol: args.symbol ?? null})
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

    const session = await open()
    const start = {...flags, side: args.side, symbol: args.symbol}
    let ticket: OrderTicket | undefined
    let broker
    let input: OrderInput
    if (missing.length > 0 || askPrice) {
      quiet()
      ticket = new OrderTicket(await inquirerPrompts(io), await session.brokers.list(), (b) => session.gateway(b))
      ;({broker, input} = await ticket.fill(start))
    } else {
      broker = await session.broker(flags.broker)
      input = start as OrderInput
    }

    if (!dryRun) attempt({broker: broker.name, symbol: input.symbol})
    const gateway = await session.gateway(broker)
    // On the ticket, a size the market or the balance refuses is asked again with the reasons.
    const {journal} = session
    const prepared = ticket
      ? await ticket.prepare(gateway, broker, input, journal)
      : await prepareOrder(gateway, broker, input, journal)
    if (dryRun) {
      const validation = validationOf(prepared)
      const human = (d: Validation, ui: Ui) => renderValidation({...d, prices: prepared.prices}, ui)
      return result(validation, human, validation.valid ? 0 : ExitCode.ORDER_INVALID)
    }

    if (!prepared.valid) throw invalidOrder(describeFailures(prepared), prepared.errors)
    if (!flags.yes) {
      // The order is shown and confirmed on stderr, so that stdout carries only the result.
      quiet()
      io.stderr.write(`${renderValidation(prepared, await Ui.create(io.stderr, io.env))}\n`)
      const {confirm} = await import('@inquirer/prompts')
      const yes = await confirm(
        {message: 'Send this order?', default: false},
        {input: io.stdin, output: io.stderr as NodeJS.WritableStream},
      )
      if (!yes) throw new TradedeskError('DECLINED', 'order not confirmed: nothing was sent', ExitCode.DECLINED)
    }

    if (prepared.market) attempt({symbol: prepared.market.symbol})
    let recorded: TradeRecord | undefined
    try {
      const trade = await placeOrder(gateway, journal, prepared, (row) => {
        recorded = row
        attempt({trade_id: row.id, client_order_id: row.client_order_id, status: row.status})
      })
      attempt({status: trade.status})
      return result(trade, renderTrade)
    } catch (error) {
      // The row's outcome (rejected, failed, unknown), for the log.
      if (recorded) attempt({status: (await session.journal.get(recorded.id).catch(() => null))?.status ?? null})
      throw error
    }
  },
})
