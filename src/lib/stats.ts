import {Decimal, str} from './decimal.js'
import type {TradeStatus} from './journal.js'
import type {Store} from './store.js'

const DAY_MS = 86_400_000

/** The figures of one broker, or of all of them together. */
export interface StatsFigures {
  /** every journal row in scope (tradedesk's own orders; imported history is left out) */
  trades: number
  /** rows that reached or may have reached the exchange: every row but `failed` */
  sent: number
  filled: number
  open: number
  cancelled: number
  expired: number
  rejected: number
  failed: number
  unknown: number
  pending: number
  /** filled / sent x 100, rounded half up to 2 places; null when nothing was sent */
  success_rate_pct: string | null
  /** trades / the period's days, rounded half up to 2 places; null without a day to count */
  trades_per_day: string | null
  /** executed_at - created_at of the filled orders, in ms: mean rounded half up, p95 by nearest rank */
  latency_ms: {count: number; avg: number | null; p95: number | null}
  /** the exact sum of filled_value x the row's quote_usd, over the rows with a fill and a USD price */
  volume_usd: string
  /** rows with a fill but no USD price recorded: left out of volume_usd, never counted as zero */
  unpriced: number
}

export interface BrokerStats extends StatsFigures {
  broker: string
}

/** The days trades per day is taken over: the period's UTC days, or those from the first trade to the last. */
export interface StatsPeriod {
  /** first UTC day (YYYY-MM-DD), null when there is neither a period nor a trade */
  from: string | null
  /** last UTC day, inclusive */
  to: string | null
  days: number
  /** `period`: from --since/--until (a missing end is the first trade, or today); `trades`: first to last trade */
  basis: 'period' | 'trades'
}

export interface Stats {
  since: string | null
  until: string | null
  period: StatsPeriod
  brokers: BrokerStats[]
  total: StatsFigures
}

interface StatsRow {
  broker: string
  status: TradeStatus
  filled_value: string | null
  quote_usd: string | null
  created_at: string
  executed_at: string | null
}

/**
 * The KPIs of a profile's journal: per broker and in total, over the rows created in [since, until).
 * Rows of trade_type `external` (history brought in by `journal import`) are not tradedesk's orders
 * and are left out.
 */
export async function journalStats(
  store: Store,
  profile: string,
  options: {since?: string; until?: string; broker?: string; now?: Date},
): Promise<Stats> {
  const conditions: [string, string | undefined][] = [
    ['profile = ?', profile],
    ['broker = ?', options.broker],
    ['created_at >= ?', options.since],
    ['created_at < ?', options.until],
  ]
  const given = conditions.filter(([, value]) => value !== undefined)
  const rows = await store.query<StatsRow>(
    `SELECT broker, status, filled_value, quote_usd, created_at, executed_at FROM trades WHERE ${given
      .map(([clause]) => clause)
      .join(' AND ')} AND trade_type <> 'external' ORDER BY created_at, id`,
    given.map(([, value]) => value),
  )

  const period = periodOf(rows, options.since, options.until, options.now ?? new Date())
  const names = options.broker ? [options.broker] : [...new Set(rows.map((r) => r.broker))].sort()
  return {
    since: options.since ?? null,
    until: options.until ?? null,
    period,
    brokers: names.map((broker) => ({
      broker,
      ...figuresOf(
        rows.filter((r) => r.broker === broker),
        period.days,
      ),
    })),
    total: figuresOf(rows, period.days),
  }
}

function figuresOf(rows: StatsRow[], days: number): StatsFigures {
  const count = (status: TradeStatus) => rows.filter((r) => r.status === status).length
  const failed = count('failed')
  const filled = count('filled')
  const sent = rows.length - failed
  let volume = new Decimal(0)
  let unpriced = 0
  for (const r of rows) {
    if (r.filled_value === null || new Decimal(r.filled_value).isZero()) continue
    if (r.quote_usd === null) unpriced += 1
    else volume = volume.plus(new Decimal(r.filled_value).mul(r.quote_usd))
  }

  const latencies = rows
    .filter((r) => r.status === 'filled' && r.executed_at !== null)
    .map((r) => Date.parse(r.executed_at ?? '') - Date.parse(r.created_at))
    .sort((a, b) => a - b)
  return {
    trades: rows.length,
    sent,
    filled,
    open: count('open'),
    cancelled: count('cancelled'),
    expired: count('expired'),
    rejected: count('rejected'),
    failed,
    unknown: count('unknown'),
    pending: count('pending'),
    success_rate_pct: sent === 0 ? null : ratio(filled * 100, sent),
    trades_per_day: days === 0 ? null : ratio(rows.length, days),
    latency_ms: {
      count: latencies.length,
      avg:
        latencies.length === 0
          ? null
          : new Decimal(latencies.reduce((a, b) => a + b, 0))
              .div(latencies.length)
              .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
              .toNumber(),
      p95: nearestRank(latencies, 95),
    },
    volume_usd: str(volume),
    unpriced,
  }
}

/** a / b, rounded half up to 2 decimal places, as a canonical decimal string. */
function ratio(a: number, b: number): string {
  return str(new Decimal(a).div(b).toDecimalPlaces(2, Decimal.ROUND_HALF_UP))
}

/** The nearest-rank percentile of sorted values: the value at rank ceil(p/100 x n), counted from 1. */
export function nearestRank(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]
}

function periodOf(rows: StatsRow[], since: string | undefined, until: string | undefined, now: Date): StatsPeriod {
  const basis = since || until ? 'period' : 'trades'
  const first = rows.at(0)?.created_at
  const last = rows.at(-1)?.created_at
  const from = since ?? first ?? null
  const to = until ? new Date(Date.parse(until) - 1).toISOString() : since ? now.toISOString() : (last ?? null)
  if (from === null || to === null) return {from: null, to: null, days: 0, basis}
  const fromDay = from.slice(0, 10)
  const toDay = to.slice(0, 10)
  const days = Math.round((Date.parse(toDay) - Date.parse(fromDay)) / DAY_MS) + 1
  return days > 0 ? {from: fromDay, to: toDay, days, basis} : {from: fromDay, to: toDay, days: 0, basis}
}
