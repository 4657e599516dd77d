import type {Stats, StatsFigures} from '../stats.js'
import type {Ui} from '../ui.js'

/** One row per figure and one column per broker (and the total): narrow for the usual few brokers. */
export function renderStats(d: Stats, ui: Ui): string {
  if (d.total.trades === 0) return 'No trades in this period.'
  const columns: [string, StatsFigures][] = d.brokers.map((b) => [b.broker, b])
  if (d.brokers.length > 1) columns.push(['total', d.total])
  const figures: [string, (f: StatsFigures) => string | number | null][] = [
    ['Trades', (f) => f.trades],
    ['Trades per day', (f) => f.trades_per_day],
    ['Sent', (f) => f.sent],
    ['  filled', (f) => f.filled],
    ['  open', (f) => f.open],
    ['  cancelled', (f) => f.cancelled],
    ['  expired', (f) => f.expired],
    ['  rejected', (f) => f.rejected],
    ['  unknown', (f) => f.unknown],
    ['  pending', (f) => f.pending],
    ['Failed (not sent)', (f) => f.failed],
    ['Success rate', (f) => (f.success_rate_pct === null ? null : `${f.success_rate_pct} %`)],
    ['Latency avg ms', (f) => f.latency_ms.avg],
    ['Latency p95 ms', (f) => f.latency_ms.p95],
    ['Volume USD', (f) => f.volume_usd],
    ['Unpriced fills', (f) => (f.unpriced === 0 ? 0 : ui.yellow(String(f.unpriced)))],
  ]
  const {period} = d
  const basis = period.basis === 'period' ? 'the period asked for' : 'first to last trade'
  const lines = [
    ui.table(
      ['', ...columns.map(([name]) => name)],
      figures.map(([label, value]) => [label, ...columns.map(([, f]) => value(f))]),
      ['left', ...columns.map(() => 'right' as const)],
    ),
    '',
    `Per day: over ${String(period.days)} UTC day${period.days === 1 ? '' : 's'}, ${period.from ?? '-'} to ${period.to ?? '-'} (${basis}).`,
    'Success rate: filled / sent; sent is every order that reached or may have reached the exchange.',
    'Latency: from recording the order to its execution, filled orders only; p95 by nearest rank.',
  ]
  if (d.total.unpriced > 0)
    lines.push(ui.yellow('Unpriced: orders with a fill but no USD price recorded, left out of the volume.'))
  return lines.join('\n')
}
