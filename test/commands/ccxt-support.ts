/**
 * End-to-end harness: the real `tradedesk` binary (dist/, build first) driving the real ccxt.binance
 * class against the loopback fake Binance. Every run is checked for leaked sentinel credentials,
 * and every TRADEDESK_HOME used can be scanned byte by byte afterwards.
 */
import {expect} from 'chai'
import {Decimal as DecimalJs} from 'decimal.js'
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {
  startFakeBinance,
  type FakeBinance,
  type FakeBinanceOptions,
  type RecordedRequest,
} from '../support/fake-binance.js'
import {type CliResult, runCli, tempHome} from '../support/cli.js'
import type {ErrorJson, HistoryJson, TradeJson} from '../support/json.js'

export const SENTINEL_KEY = 'SENTINEL-APIKEY-5d1e7b'
export const SENTINEL_SECRET = 'SENTINEL-SECRET-8f3a2c'
/** a key the fake does not know: a bad key is a credential too, and must not leak either */
export const SENTINEL_WRONG_KEY = 'SENTINEL-WRONGKEY-91c4d0'
export const SENTINELS = [SENTINEL_KEY, SENTINEL_SECRET, SENTINEL_WRONG_KEY]

/** Exact decimals for expectations (80 digits, like the app; never floats). */
export const D = DecimalJs.clone({precision: 80, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -100, toExpPos: 100})
export type Dec = InstanceType<typeof D>
/** Canonical string: no exponent, no trailing zeros ("27910.38", "0.001", "0"). */
export const canon = (v: Dec | string | number): string => {
  const d = new D(v)
  return d.isZero() ? '0' : d.toFixed()
}

export const GOOD_ENV = {TRADEDESK_BN_API_KEY: SENTINEL_KEY, TRADEDESK_BN_SECRET: SENTINEL_SECRET}

/** A run, its stdout parsed as T: the answer the test expects (td<TradeJson>(...)); unknown until it says. */
export interface Run<T = unknown> extends CliResult {
  /** parsed stdout (every run here uses --json) */
  json: T
  args: string[]
}

/** Every home any test used, for the byte scan at the end. */
const homes = new Set<string>()

export interface Desk {
  fake: FakeBinance
  home: string
  /** runs `tradedesk ...args --json` with the good credentials (unless env overrides them) */
  td<T = unknown>(args: string[], env?: Record<string, string | undefined>): Promise<Run<T>>
  /** requests the fake received since `mark()` (or since the desk was created) */
  since(mark: number): RecordedRequest[]
  mark(): number
  /** the newest journal row, through `history --limit 1` */
  lastTrade(): Promise<TradeJson>
  close(): Promise<void>
}

export interface DeskOptions extends FakeBinanceOptions {
  /** --option timeout=... of the broker, in ms (hang faults cost this much per attempt) */
  timeoutMs?: number
  /** reuse a home (e.g. a second fake on the same port) */
  home?: string
  /** skip `broker add` (the home already has the broker) */
  skipAdd?: boolean
}

export async function openDesk(opts: DeskOptions = {}): Promise<Desk> {
  const fake = await startFakeBinance({apiKey: SENTINEL_KEY, secret: SENTINEL_SECRET, ...opts})
  const home = opts.home ?? tempHome('tradedesk-ccxt-')
  homes.add(home)
  const td = async <T = unknown>(
    args: string[],
    env: Record<string, string | undefined> = GOOD_ENV,
  ): Promise<Run<T>> => {
    const full = [...args, '--json']
    const result = await runCli(full, {home, env, timeoutMs: 30_000})
    const where = `\`tradedesk ${full.join(' ')}\` (exit ${String(result.code)})`
    for (const s of SENTINELS) {
      expect(result.stdout, `a credential leaked on stdout of ${where}`).to.not.contain(s)
      expect(result.stderr, `a credential leaked on stderr of ${where}`).to.not.contain(s)
    }
    // ccxt quotes the signed URL in some errors: a request's signature is never printed either
    expect(result.stdout + result.stderr, `a request signature printed by ${where}`).to.not.match(/signature=/i)

    let json: T
    try {
      json = JSON.parse(result.stdout) as T
    } catch {
      throw new Error(`stdout of ${where} is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`)
    }

    return {...result, json, args}
  }

  if (!opts.skipAdd) {
    try {
      const added = await td([
        'broker',
        'add',
        'bn',
        '--exchange',
        'binance',
        '--api-url',
        fake.url,
        '--option',
        `timeout=${String(opts.timeoutMs ?? 1000)}`,
        '--default',
      ])
      expect(added.code, added.stdout + added.stderr).to.equal(0)
      expect(fake.requests, 'broker add makes no request').to.have.length(0)
    } catch (error) {
      await fake.close() // a server left open would keep mocha running
      throw error
    }
  }

  return {
    fake,
    home,
    td,
    mark: () => fake.requests.length,
    since: (mark) => fake.requests.slice(mark),
    async lastTrade() {
      const h = await td<HistoryJson>(['history', '--limit', '1'])
      expect(h.code, h.stdout + h.stderr).to.equal(0)
      return h.json.trades[0]
    },
    close: () => fake.close(),
  }
}

/**
 * Closes what a before() hook opened, as far as it got: a hook that failed leaves its variable unset,
 * whatever its declared type says, and the after() hook must not fail a second time over that.
 */
export async function closeOpened(...opened: ({close(): Promise<void>} | undefined)[]): Promise<void> {
  for (const o of opened) await o?.close()
}

/** Removes the homes used so far (set TRADEDESK_KEEP_HOMES=1 to keep them for a post-mortem). */
export function removeHomes(): void {
  if (process.env.TRADEDESK_KEEP_HOMES) return
  for (const h of homes) rmSync(h, {recursive: true, force: true})
  homes.clear()
}

/** "GET /api/v3/account" style keys of requests, for readable deep-equal assertions. */
export const keys = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`)
export const count = (requests: RecordedRequest[], method: string, path: string) =>
  requests.filter((r) => r.method === method && r.path === path).length

/** Asserts the SPEC's JSON error envelope and exit code; the run's answer is then read as an ErrorJson. */
export function expectError(
  run: Run,
  exit: number,
  code?: string | RegExp,
  retryable?: boolean,
): asserts run is Run<ErrorJson> {
  const what = describeRun(run)
  expect(run.code, what).to.equal(exit)
  expect(run.json, what).to.have.property('error')
  const {error} = run.json as ErrorJson
  expect(error.exit_code, what).to.equal(exit)
  if (typeof code === 'string') expect(error.code, what).to.equal(code)
  else if (code) expect(error.code, what).to.match(code)
  if (retryable !== undefined) expect(error.retryable, what).to.equal(retryable)
}

export function expectOk(run: Run): void {
  expect(run.code, describeRun(run)).to.equal(0)
}

const clip = (text: string) => (text.length > 700 ? `${text.slice(0, 700)}... (${String(text.length)} chars)` : text)
const describeRun = (run: Run) =>
  `\`tradedesk ${run.args.join(' ')} --json\`: stdout ${clip(run.stdout)} stderr ${clip(run.stderr)}`

/**
 * Every file of every home used so far that contains a sentinel credential, as "file: sentinel".
 * credentials.json is where a user may legitimately keep them, so it is skipped.
 */
export function leaksInHomes(): string[] {
  const found: string[] = []
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name)
      const st = statSync(file)
      if (st.isDirectory()) visit(file)
      else if (name !== 'credentials.json') {
        const bytes = readFileSync(file)
        for (const s of SENTINELS) {
          // UTF-8 and UTF-16LE (SQLite can store text either way)
          if (bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le')))
            found.push(`${file}: ${s}`)
        }
      }
    }
  }

  for (const h of homes) visit(h)
  return found
}

/** True when the suites run on PostgreSQL (test/support/cli.ts): there is no SQLite file to scan. */
export const onPostgres = () => Boolean(process.env.TRADEDESK_TEST_PG_URL)

/** The SQLite files of the homes used so far (the scan must have something to scan). */
export function databaseFiles(): string[] {
  return [...homes].flatMap((h) =>
    readdirSync(h)
      .filter((f) => f.startsWith('tradedesk.sqlite'))
      .map((f) => join(h, f)),
  )
}

/** The snapshot's 24 h tickers, by Binance symbol id (read once). */
let tickerFile: Map<string, Record<string, string>> | undefined
function snapshotTickers(): Map<string, Record<string, string>> {
  tickerFile ??= new Map(
    (
      JSON.parse(readFileSync(new URL('../../data/binance-spot/ticker-24hr.json', import.meta.url), 'utf8')) as Record<
        string,
        string
      >[]
    ).map((t) => [t.symbol, t]),
  )
  return tickerFile
}

export function snapshotTicker(id: string): Record<string, string> {
  const t = snapshotTickers().get(id)
  if (!t) throw new Error(`no ticker ${id} in the snapshot`)
  return t
}

export function allSnapshotTickers(): Record<string, string>[] {
  return [...snapshotTickers().values()]
}
