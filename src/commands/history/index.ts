import {defineCommand, result} from '../../lib/cli/spec.js'
import {historyFilter} from '../../lib/history.js'
import {TRADE_STATUSES} from '../../lib/journal.js'
import {renderCsv} from '../../lib/render/csv.js'
import {renderTrades} from '../../lib/render/trade.js'

export default defineCommand({
  summary: 'The journal: every order this tool sent or tried to send, newest first.',
  examples: [
    'history',
    'history --symbol BTC/USDT --side buy --since 2026-01-01',
    'history --status open --json',
    'history --limit 1000 --csv > trades.csv',
  ],
  flags: {
    symbol: {type: 'string', description: 'Only this symbol (BTC/USDT, btc-usdt or BTCUSDT).'},
    side: {type: 'string', description: 'Only buys or sells.', options: ['buy', 'sell']},
    status: {type: 'string', description: 'Only this status.', options: TRADE_STATUSES},
    since: {type: 'string', description: 'From this ISO date or time (inclusive).'},
    until: {type: 'string', description: 'Up to this ISO date (the whole day) or time (exclusive).'},
    limit: {type: 'integer', description: 'At most this many trades.', default: 50, min: 1, max: 1_000_000},
    csv: {type: 'boolean', description: 'CSV for spreadsheets.', exclusive: ['json']},
  },
  args: {},
  fast: true,
  async run({flags, session}) {
    const filter = historyFilter(flags)
    const s = await session()
    // An unknown broker is a usage error here too, not an empty journal.
    if (flags.broker) await s.brokers.resolve(flags.broker)
    const trades = await s.journal.list(filter)
    return result({trades}, (d, ui) => (flags.csv ? renderCsv(d.trades) : renderTrades(d.trades, ui)))
  },
})
