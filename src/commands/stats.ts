import {defineCommand, result} from '../lib/cli/spec.js'
import {parsePeriod, periodFlags} from '../lib/history.js'
import {renderStats} from '../lib/render/stats.js'
import {journalStats} from '../lib/stats.js'

export default defineCommand({
  summary: 'Trading KPIs from the journal, per broker and in total: trades per day, success rate, latency, volume.',
  description: `Counts the orders tradedesk recorded (created in [--since, --until); history brought in by \`journal import\` is left out).

Trades per day: the rows over the period's UTC days (--since to --until; a missing end is the first trade, or today), or over the days from the first trade to the last when no period is given. Sent: every order that reached or may have reached the exchange, that is every row but \`failed\` (rejected, unknown, pending, open and cancelled count as sent, and each is also counted apart). Success rate: filled / sent. Latency: executed_at - created_at of the filled orders, in ms; the mean (rounded to a whole ms) and the 95th percentile by the nearest-rank method (the value at rank ceil(0.95 x n) of the sorted latencies). Volume: the exact sum of each filled value times the USD price of its quote recorded with the order; a row with a fill but no USD price is counted as unpriced, never as zero. Rates are rounded half up to 2 decimal places.`,
  examples: ['stats', 'stats --since 2026-01-01 --until 2026-01-31', 'stats --broker binance --json'],
  flags: {
    ...periodFlags('Orders'),
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const {since, until} = parsePeriod(flags)
    const session = await open()
    // An unknown broker is a usage error, not an empty journal.
    const broker = flags.broker ? (await session.brokers.resolve(flags.broker)).name : undefined
    const stats = await journalStats(session.store, session.profile, {since, until, broker})
    return result(stats, renderStats)
  },
})
