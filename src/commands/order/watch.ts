import {defineCommand, streamed} from '../../lib/cli/spec.js'
import {usageError} from '../../lib/errors.js'
import {parseTradeId} from '../../lib/journal.js'
import {pendingGraceMs} from '../../lib/orders.js'
import {renderWatchLine} from '../../lib/render/order.js'
import {Ui} from '../../lib/ui.js'
import {isFinal, pollIntervalMs, watchOrders} from '../../lib/wait.js'

export default defineCommand({
  summary: 'Follow orders until they are final, printing each change as it happens.',
  description: `Follows the trades given by id (by default every open, unknown or pending order of the broker) until each is filled, cancelled, expired, rejected or failed, polling no faster than the exchange's rate limit and recording every change in the journal as \`order sync\` does. It prints one line per change: first each order as the journal has it (event "watching"), then each change the exchange shows.

With --json the lines are NDJSON, one trade record per line with two more keys, written as they happen: "event" (watching, open, partially_filled, filled, cancelled, expired, rejected, failed, updated) and "final" (true on an order's last line). Exit 0 when every order is final; interrupted, the journal keeps every change seen.`,
  examples: ['order watch', 'order watch 42 43 --json', 'order watch --broker main --json | jq -c "select(.final)"'],
  flags: {},
  args: {
    ids: {
      description: 'Trade ids (from `trade`, `order list` or `history`); none: every unsettled order.',
      multiple: true,
    },
  },
  async run({args, flags, io, print, quiet, session: open}) {
    const ids = args.ids.map(parseTradeId)
    const session = await open()
    const broker = await session.broker(flags.broker)
    const rows = []
    for (const id of ids) {
      const row = await session.journal.get(id)
      if (!row || row.broker !== broker.name) {
        throw usageError(`no trade ${String(id)} on broker ${broker.name} in this profile's journal`, 'UNKNOWN_TRADE')
      }

      rows.push(row)
    }

    if (ids.length === 0) rows.push(...(await session.journal.unsettled(broker.name)))
    quiet()
    const ui = flags.json ? null : await Ui.create(io.stdout, io.env)
    if (ui && rows.length === 0) print(`No open or unknown orders on ${broker.name}.\n`)
    const gateway = await session.gateway(broker)
    await watchOrders(gateway, session.journal, rows, {
      pollMs: pollIntervalMs(gateway, io.env),
      graceMs: pendingGraceMs(io.env),
      onFallback: (reason) => {
        io.stderr.write(`The websocket for order updates failed (${reason}): polling instead.\n`)
      },
      onChange: (change) => {
        const final = isFinal(change.record.status)
        print(
          ui
            ? `${renderWatchLine(change, ui)}\n`
            : `${JSON.stringify({...change.record, event: change.event, final})}\n`,
        )
      },
    })
    return streamed()
  },
})
