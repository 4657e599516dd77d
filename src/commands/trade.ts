import {defineCommand, result} from '../lib/cli/spec.js'
import {ExitCode, TradedeskError, invalidOrder, usageError} from '../lib/errors.js'
import type {TradeRecord} from '../lib/journal.js'
import {orderArgs, orderFlags} from '../lib/order-flags.js'
import {pendingGraceMs} from '../lib/orders.js'
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
import {Spinner, Ui} from '../lib/ui.js'

export default defineCommand({
  summary: 'Validate, confirm, send and record an order; on a terminal, ask for what is missing.',
  description: `Sizes the order by --quantity, --usd or --percent, validates it against the market's rules and the free balance, asks for confirmation on a terminal (or takes --yes), records it in the journal with a client order id, sends it, and records the outcome.

With SIDE, SYMBOL or the size left out, on a terminal, it opens an order ticket that asks for them: broker, symbol (type to search), side, type, limit price, and size in coins or USD with the other side computed as you type. Without a terminal, a missing piece is a usage error (exit 2) and --yes is required: nothing is sent without it.

With --wait, it then follows the order until it is filled, cancelled, expired or rejected, or the time is up, polling no faster than the exchange's rate limit and recording every change in the journal as \`order sync\` does, and prints the record as it then is: exit 0 filled, 8 not filled (cancelled, expired, or still open when the time ran out: it stays on the book), 6 when its state at the end could not be read. --cancel-after cancels what is still open at its deadline (a partial fill is kept). Interrupting the wait leaves the order as it is.`,
  examples: [
    'trade                     # the order ticket',
    'trade buy BTC/USDT --type limit --price 25000 --quantity 0.01 --yes --wait 300 --cancel-after 300',
    'trade buy BTC/USDT --usd 100',
    'trade sell ETH/USDT --percent 100 --yes',
    'trade buy BTC/USDT --type limit --price 25000 --quantity 0.01 --note "dip buy"',
    'trade buy SOL/USDT --usd 50 --dry-run --json',
  ],
  flags: {
    ...orderFlags,
    yes: {type: 'boolean', char: 'y', description: 'Send without asking for confirmation.'},
    'dry-run': {type: 'boolean', description: 'Validate and show the order; send nothing (same as validate).'},
    wait: {
      type: 'integer',
      min: 1,
      max: 86_400,
      bare: 60,
      description:
        'Wait up to SECONDS (60 when given without a value) for the order to be final, then print it: exit 0 filled, 8 not filled (cancelled, expired, or still open at the end).',
    },
    'cancel-after': {
      type: 'integer',
      min: 1,
      max: 86_400,
      description: 'Cancel what is still open after SECONDS, and record it (implies --wait, at least that long).',
    },
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
    let placed: TradeRecord
    try {
      placed = await placeOrder(gateway, journal, prepared, (row) => {
        recorded = row
        attempt({trade_id: row.id, client_order_id: row.client_order_id, status: row.status})
      })
      attempt({status: placed.status})
    } catch (error) {
      // The row's outcome (rejected, failed, unknown), for the log.
      if (recorded) attempt({status: (await journal.get(recorded.id).catch(() => null))?.status ?? null})
      throw error
    }

    const cancelAfter = flags['cancel-after']
    if (flags.wait === undefined && cancelAfter === undefined) return result(placed, renderTrade)

    const plan = {
      waitMs: (flags.wait ?? cancelAfter ?? 0) * 1000,
      cancelAfterMs: cancelAfter ? cancelAfter * 1000 : null,
    }
    const {waitForOrder, waitExitCode, pollIntervalMs} = await import('../lib/wait.js')
    quiet()
    const spinner = new Spinner(waiting(placed), io.stderr).start()
    try {
      const final = await waitForOrder(gateway, journal, placed, plan, {
        pollMs: pollIntervalMs(gateway, io.env),
        graceMs: pendingGraceMs(io.env),
        onPoll: (record) => {
          spinner.update(waiting(record))
        },
      })
      attempt({status: final.status})
      return result(final, renderTrade, waitExitCode(final))
    } finally {
      spinner.stop()
    }
  },
})

const waiting = (t: TradeRecord) =>
  `waiting for order ${String(t.id)}: ${t.status}, ${t.filled_quantity ?? '0'} of ${t.quantity} filled`
