import {closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {tradedeskHome} from './config.js'
import {scrub} from './errors.js'
import {redactUrls} from './exchange/http-trace.js'

/** Rotation: the log moves to tradedesk.log.1 (and .1 to .2, ...) before it would pass this size. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024
/** How many rotated files are kept: tradedesk.log.1 to tradedesk.log.3. */
export const LOG_KEEP = 3
/** A rotation lock older than this was left by a process that died while rotating. */
const STALE_LOCK_MS = 30_000

/** What a trade attempt tells the log as it learns it. */
export interface AttemptFields {
  broker?: string | null
  symbol?: string | null
  trade_id?: number | null
  client_order_id?: string | null
  /** the journal row's status, when there is a row */
  status?: string | null
}

/** One line of $TRADEDESK_HOME/logs/tradedesk.log: built from these fields only. */
export interface LogLine {
  time: string
  command: string
  broker: string | null
  symbol: string | null
  /** ok, or what the exit code means: usage_error, invalid, credentials_error, unavailable, outcome_unknown, declined, interrupted, internal_error */
  outcome: string
  exit_code: number
  duration_ms: number
  error_code: string | null
  error_message: string | null
  /** the codes of the validation failures, when our checks refused the order */
  validation_codes: string[] | null
  trade_id: number | null
  client_order_id: string | null
  status: string | null
  /** HTTP requests the run made to an exchange, and how many of them failed (no answer, 429, 5xx) */
  http_requests: number
  http_failures: number
}

const OUTCOMES: Record<number, string> = {
  0: 'ok',
  1: 'internal_error',
  2: 'usage_error',
  3: 'invalid',
  4: 'credentials_error',
  5: 'unavailable',
  6: 'outcome_unknown',
  7: 'declined',
  130: 'interrupted',
  143: 'interrupted',
}

export const outcomeOf = (exitCode: number): string => OUTCOMES[exitCode] ?? 'internal_error'

/** A positive whole number from the environment, else the default. */
function setting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name])
  return Number.isSafeInteger(value) && value > 0 ? value : fallback
}

/**
 * Appends one JSON line to $TRADEDESK_HOME/logs/tradedesk.log, in one write to a file opened with
 * O_APPEND, so that lines of processes writing at once never interleave. Rotates by size first
 * (TRADEDESK_LOG_MAX_BYTES, TRADEDESK_LOG_KEEP), one process at a time. Error messages are scrubbed
 * of the run's secrets and of credential-bearing URL parameters. Never throws: a log that cannot be
 * written never fails a command.
 */
export function appendLog(env: NodeJS.ProcessEnv, line: LogLine, secrets: string[]): boolean {
  try {
    const dir = join(tradedeskHome(env), 'logs')
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const file = join(dir, 'tradedesk.log')
    const safe = {...line, error_message: line.error_message && redactUrls(scrub(line.error_message, secrets))}
    const bytes = Buffer.from(`${scrub(JSON.stringify(safe), secrets)}\n`, 'utf8')
    const max = setting(env, 'TRADEDESK_LOG_MAX_BYTES', LOG_MAX_BYTES)
    if (full(file, bytes.length, max)) rotate(file, setting(env, 'TRADEDESK_LOG_KEEP', LOG_KEEP), bytes.length, max)
    const fd = openSync(file, 'a', 0o600)
    try {
      writeSync(fd, bytes)
    } finally {
      closeSync(fd)
    }

    return true
  } catch {
    return false
  }
}

/** The log has lines, and one more would pass the limit. */
function full(file: string, adding: number, max: number): boolean {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return false
  }

  return size > 0 && size + adding > max
}

/**
 * tradedesk.log -> .1 -> .2 ... -> .keep (the oldest dropped), under a lock file taken with O_EXCL:
 * of several processes that find the log full at once, one rotates and the others append to the
 * new file (or, for a moment, a little past the limit).
 */
function rotate(file: string, keep: number, adding: number, max: number): void {
  const lock = `${file}.lock`
  let fd: number
  try {
    fd = openSync(lock, 'wx', 0o600)
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock)
    } catch {
      // gone meanwhile: another process finished rotating
    }

    return
  }

  try {
    // Another process may have rotated between our size check and the lock.
    if (!full(file, adding, max)) return
    for (let n = keep - 1; n >= 1; n -= 1) {
      try {
        renameSync(`${file}.${String(n)}`, `${file}.${String(n + 1)}`)
      } catch {
        // no such generation yet
      }
    }

    renameSync(file, `${file}.1`)
  } finally {
    closeSync(fd)
    unlinkSync(lock)
  }
}
