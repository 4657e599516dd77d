import {usageError} from './errors.js'
import {type HistoryFilter, TRADE_STATUSES, type TradeStatus} from './journal.js'

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** An ISO date or date-time as a UTC instant; a bare date given as --until covers that whole day. */
export function parseIsoDate(text: string, flag: string, endOfDay = false): string {
  const t = text.trim()
  if (!DATE_ONLY.test(t) && !DATE_TIME.test(t))
    throw usageError(`--${flag} must be an ISO date like 2026-01-31 or 2026-01-31T12:00:00Z (got "${text}")`)
  const ms = Date.parse(DATE_ONLY.test(t) ? `${t}T00:00:00Z` : t)
  // Date.parse rolls impossible days forward (2026-02-30 becomes March 2): refuse them instead.
  const [year, month, day] = t.slice(0, 10).split('-').map(Number)
  const calendar = new Date(Date.UTC(year, month - 1, day))
  if (Number.isNaN(ms) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw usageError(`--${flag} is not a real date: "${text}"`)
  }
  return new Date(DATE_ONLY.test(t) && endOfDay ? ms + 86_400_000 : ms).toISOString()
}

/** The --since/--until pair of a command that reads a period; `what` names its rows ("Fills", "Sales"). */
export function periodFlags(what: string) {
  return {
    since: {type: 'string', description: `${what} from this ISO date or time (inclusive).`},
    until: {type: 'string', description: `${what} up to this ISO date (the whole day) or time (exclusive).`},
  } as const
}

/** The period those flags give, as UTC instants: [since, until), a bare --until date covering its day. */
export function parsePeriod(flags: {since?: string; until?: string}): {since?: string; until?: string} {
  const since = flags.since ? parseIsoDate(flags.since, 'since') : undefined
  const until = flags.until ? parseIsoDate(flags.until, 'until', true) : undefined
  if (since && until && since >= until) throw usageError('--since must be before --until')
  return {since, until}
}

export function historyFilter(flags: {
  symbol?: string
  side?: string
  status?: string
  since?: string
  until?: string
  limit: number
  broker?: string
}): HistoryFilter {
  if (!Number.isInteger(flags.limit) || flags.limit < 1) throw usageError('--limit must be a whole number from 1')
  if (flags.status && !TRADE_STATUSES.includes(flags.status as TradeStatus)) {
    throw usageError(`--status must be one of ${TRADE_STATUSES.join(', ')}`)
  }

  return {
    symbol: flags.symbol?.trim().toUpperCase(),
    side: flags.side as HistoryFilter['side'],
    status: flags.status as TradeStatus | undefined,
    since: flags.since ? parseIsoDate(flags.since, 'since') : undefined,
    until: flags.until ? parseIsoDate(flags.until, 'until', true) : undefined,
    broker: flags.broker,
    limit: flags.limit,
  }
}
