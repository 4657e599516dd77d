import {defineCommand, result} from '../../lib/cli/spec.js'
import {parseIsoDate} from '../../lib/history.js'
import {importTrades} from '../../lib/import.js'
import {renderImport} from '../../lib/render/journal.js'
import {ProgressBar} from '../../lib/ui.js'

export default defineCommand({
  summary: "Bring the exchange's trade history into the journal: trades made on its website, app or by other tools.",
  description:
    'Reads the account\'s fills through the exchange\'s trade history (fetchMyTrades), page by page, from where the last import stopped (a cursor per symbol). Running it again adds nothing twice; an interrupted import keeps what it wrote and the next run finishes it. Orders placed elsewhere become journal rows of type "external". Where the exchange answers one symbol at a time (Binance), it reads every market between two assets the account holds or has traded.',
  examples: [
    'journal import',
    'journal import --since 2026-01-01 --json',
    'journal import --symbol BTC/USDT --symbol ETH/USDT --broker binance',
  ],
  flags: {
    since: {type: 'string', description: 'Read from this ISO date or time instead of where the last import stopped.'},
    symbol: {type: 'string', multiple: true, description: 'Only this symbol (repeatable).'},
  },
  args: {},
  fast: true,
  async run({flags, io, session: open, quiet}) {
    const since = flags.since ? Date.parse(parseIsoDate(flags.since, 'since')) : undefined
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const progress = new ProgressBar('Reading trades', io.stderr)
    const outcome = await importTrades(gateway, broker, session.journal, {
      since,
      symbols: flags.symbol,
      onProgress: (done, total, scope) => {
        quiet()
        progress.update(done, total, scope)
      },
    }).finally(() => {
      progress.done()
    })
    return result(outcome, renderImport)
  },
})
