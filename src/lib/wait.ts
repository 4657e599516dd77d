import {Decimal} from './decimal.js'
import {ExitCode, TradedeskError, usageError} from './errors.js'
import type {ExchangeGateway} from './exchange/types.js'
import type {TradeJournal, TradeRecord, TradeStatus} from './journal.js'
import {settleOrder} from './orders.js'

/** Statuses no poll can change any more. */
const FINAL: ReadonlySet<TradeStatus> = new Set(['filled', 'cancelled', 'expired', 'rejected', 'failed'])

export function isFinal(status: TradeStatus): boolean {
  return FINAL.has(status)
}

/** Never poll faster than this, whatever the settings: a poll writes the journal too. */
const POLL_FLOOR_MS = 50

/**
 * How long to sleep between two polls of an order: $TRADEDESK_POLL_MS (default 1000), never less
 * than the exchange's rate limit allows (every request also goes through ccxt's throttle).
 */
export function pollIntervalMs(gateway: ExchangeGateway, env: NodeJS.ProcessEnv = process.env): number {
  const text = env.TRADEDESK_POLL_MS
  let ms = 1000
  if (text !== undefined && text !== '') {
    if (!/^\d{1,7}$/.test(text))
      throw usageError(`TRADEDESK_POLL_MS must be a whole number of milliseconds (got "${text}")`)
    ms = Number(text)
  }

  return Math.max(ms, gateway.rateLimitMs ?? 0, POLL_FLOOR_MS)
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms))
  })

/** What `--wait` and `--cancel-after` ask for, in ms from the moment the order was placed. */
export interface WaitPlan {
  waitMs: number
  /** cancel what is still open at this point; the wait lasts at least until then */
  cancelAfterMs: number | null
}

export interface PollOptions {
  pollMs: number
  /** TRADEDESK_PENDING_GRACE_SECONDS, as `order sync` reads it */
  graceMs: number
}

/**
 * Polls a placed order until it is final or the plan's time is up, settling the journal on every
 * poll as `order sync` would (an interrupted wait loses nothing), and cancels what is still open at
 * the cancel deadline. Returns the row as it then is: final, or still open when the wait ran out.
 * Throws ORDER_OUTCOME_UNKNOWN (exit 6) when the order's state at the end could not be read.
 */
export async function waitForOrder(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  placed: TradeRecord,
  plan: WaitPlan,
  options: PollOptions & {onPoll?: (record: TradeRecord) => void},
): Promise<TradeRecord> {
  const start = Date.now()
  const cancelAt = plan.cancelAfterMs === null ? null : start + plan.cancelAfterMs
  const end = Math.max(start + plan.waitMs, cancelAt ?? 0)
  let record = placed
  /** why the last look at the order could not tell its state */
  let unreadable: string | undefined
  while (!isFinal(record.status)) {
    const now = Date.now()
    if (cancelAt !== null && now >= cancelAt) return cancelAtDeadline(gateway, journal, record, options.graceMs)
    if (now >= end) break
    await sleep(Math.min(options.pollMs, (cancelAt ?? end) - now))
    try {
      const settled = await settleOrder(gateway, journal, record, options.graceMs)
      record = settled.record
      unreadable = settled.left
    } catch (error) {
      if (!(error instanceof TradedeskError && error.retryable)) throw error
      unreadable = error.message
    }

    options.onPoll?.(record)
  }

  if (!isFinal(record.status) && unreadable !== undefined) throw outcomeUnknown(record, unreadable)
  return record
}

/**
 * Cancels an order still open at its deadline. When the cancel fails, the order may have filled or
 * gone meanwhile, or the cancel may have been applied and its answer lost: the order is read again,
 * and what it says is the outcome.
 */
async function cancelAtDeadline(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  record: TradeRecord,
  graceMs: number,
): Promise<TradeRecord> {
  let cancelError: unknown
  if (record.exchange_order_id) {
    let cancelled
    try {
      cancelled = await gateway.cancelOrder(record.exchange_order_id, record.symbol)
    } catch (error) {
      cancelError = error
    }

    if (cancelled) return journal.recordOrder(record.id, cancelled)
  }

  let settled
  try {
    settled = await settleOrder(gateway, journal, record, graceMs)
  } catch (error) {
    throw outcomeUnknown(record, error instanceof Error ? error.message : String(error))
  }

  if (isFinal(settled.record.status)) return settled.record
  if (settled.left !== undefined) throw outcomeUnknown(settled.record, settled.left)
  // The exchange says the order is still open: the cancel was refused, and says why.
  if (cancelError instanceof TradedeskError) throw cancelError
  throw outcomeUnknown(settled.record, 'it has no exchange order id to cancel it by')
}

function outcomeUnknown(record: TradeRecord, why: string): TradedeskError {
  return new TradedeskError(
    'ORDER_OUTCOME_UNKNOWN',
    `order ${String(record.id)} (client id ${record.client_order_id}) was ${record.status} when last seen, and its state at the end of the wait could not be read: ${why}. Run \`tradedesk order sync\` to settle it`,
    ExitCode.OUTCOME_UNKNOWN,
  )
}

/** The exit code of a wait that ended with this row: 0 filled, 3 rejected, 8 anything else (cancelled, expired, still open). */
export function waitExitCode(record: TradeRecord): number {
  if (record.status === 'filled') return ExitCode.OK
  if (record.status === 'rejected' || record.status === 'failed') return ExitCode.ORDER_INVALID
  return ExitCode.NOT_FILLED
}

/**
 * What changed in an order `order watch` follows: `watching` (its state when the watch began), a new
 * status (`open`, `filled`, `cancelled`, `expired`, `rejected`, `failed`), `partially_filled` (more
 * of it filled, still open), or `updated` (anything else the exchange added, e.g. its order id).
 */
export type WatchEvent = 'watching' | 'partially_filled' | 'updated' | TradeStatus

export interface WatchChange {
  event: WatchEvent
  record: TradeRecord
}

function eventOf(before: TradeRecord, after: TradeRecord): WatchEvent {
  const partly = after.status === 'open' && new Decimal(after.filled_quantity ?? '0').gt(0)
  if (after.status !== before.status) return partly ? 'partially_filled' : after.status
  if (after.filled_quantity !== before.filled_quantity) return 'partially_filled'
  return 'updated'
}

/** With a websocket pushing order updates, the journal is still polled this often (a missed push costs no more). */
const PUSHED_POLL_MS = 30_000

/**
 * Follows journal rows until every one is final: first each as the journal has it (`watching`), then
 * every change a poll sees, each settled in the journal as `order sync` would before it is handed to
 * onChange (awaited, in order). Where the exchange pushes order updates over a websocket, a round of
 * polls follows each push (and at least every 30 s); where it cannot, or the socket fails (onFallback
 * says why), a round follows every pollMs. A poll the exchange cannot answer for now (a retryable
 * error) is tried again at the next round.
 */
export async function watchOrders(
  gateway: ExchangeGateway,
  journal: TradeJournal,
  rows: TradeRecord[],
  options: PollOptions & {
    onChange: (change: WatchChange) => void | Promise<void>
    onFallback?: (reason: string) => void
  },
): Promise<TradeRecord[]> {
  const latest = new Map(rows.map((r) => [r.id, r]))
  for (const row of rows) await options.onChange({event: 'watching', record: row})
  let active = rows.filter((r) => !isFinal(r.status))
  let socket = 'watchOrderUpdates' in gateway
  while (active.length > 0) {
    // Subscribed before looking, so that no push falls between the look and the wait.
    const pushed = socket ? nextPush(gateway) : null
    for (const row of active) {
      let settled
      try {
        settled = await settleOrder(gateway, journal, row, options.graceMs)
      } catch (error) {
        if (error instanceof TradedeskError && error.retryable) continue
        throw error
      }

      if (!settled.changed) continue
      latest.set(row.id, settled.record)
      await options.onChange({event: eventOf(row, settled.record), record: settled.record})
    }

    active = active.map((r) => latest.get(r.id) ?? r).filter((r) => !isFinal(r.status))
    if (active.length === 0) break
    const push = pushed ? await within(pushed, Math.max(PUSHED_POLL_MS, options.pollMs)) : null
    if (push && push.kind !== 'update') {
      socket = false
      if (push.kind === 'failed') options.onFallback?.(push.reason)
    }

    if (!socket) await sleep(options.pollMs)
  }

  return rows.map((r) => latest.get(r.id) ?? r)
}

/** What the promise gives, or null when it takes longer than ms (the timer does not outlive it). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      resolve(null)
    }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

type Push = {kind: 'update'} | {kind: 'unsupported'} | {kind: 'failed'; reason: string}

/** The next order update the exchange pushes, as a value: a push that is never awaited never throws. */
async function nextPush(gateway: ExchangeGateway): Promise<Push> {
  try {
    const update = await gateway.watchOrderUpdates?.()
    return update ? {kind: 'update'} : {kind: 'unsupported'}
  } catch (error) {
    return {kind: 'failed', reason: error instanceof Error ? error.message : String(error)}
  }
}
