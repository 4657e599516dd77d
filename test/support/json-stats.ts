/** The JSON answers of `stats` and the lines of the log, as the README documents them. */

export interface StatsFiguresJson {
  trades: number
  sent: number
  filled: number
  open: number
  cancelled: number
  expired: number
  rejected: number
  failed: number
  unknown: number
  pending: number
  success_rate_pct: string | null
  trades_per_day: string | null
  latency_ms: {count: number; avg: number | null; p95: number | null}
  volume_usd: string
  unpriced: number
}

export interface StatsJson {
  since: string | null
  until: string | null
  period: {from: string | null; to: string | null; days: number; basis: 'period' | 'trades'}
  brokers: (StatsFiguresJson & {broker: string})[]
  total: StatsFiguresJson
}

/** One line of $TRADEDESK_HOME/logs/tradedesk.log. */
export interface LogLineJson {
  time: string
  command: string
  broker: string | null
  symbol: string | null
  outcome: string
  exit_code: number
  duration_ms: number
  error_code: string | null
  error_message: string | null
  validation_codes: string[] | null
  trade_id: number | null
  client_order_id: string | null
  status: string | null
  http_requests: number
  http_failures: number
}

export const LOG_KEYS = [
  'time',
  'command',
  'broker',
  'symbol',
  'outcome',
  'exit_code',
  'duration_ms',
  'error_code',
  'error_message',
  'validation_codes',
  'trade_id',
  'client_order_id',
  'status',
  'http_requests',
  'http_failures',
]
