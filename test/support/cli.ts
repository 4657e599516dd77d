import {type ChildProcess, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'

import type {Knex} from 'knex'

/** The real binary, as a user runs it (built by `npm test`'s pretest). */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A run with --json: its result, and stdout parsed, read as T (the SPEC's type of the answer, test/support/json.ts). */
export interface JsonResult<T> extends CliResult {
  json: T
}

export interface CliOptions {
  /** TRADEDESK_HOME for this run */
  home: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
  /** sees the child process as soon as it starts (a crash test kills it); binary runs only */
  onSpawn?: (child: ChildProcess) => void
  /** run the real binary in a process of its own, not in this process */
  binary?: boolean
}

/**
 * PostgreSQL mode: with TRADEDESK_TEST_PG_URL set to an admin URL (a role with CREATEDB, e.g. the one
 * scripts/postgres.sh prints), every test home gets its own brand-new database on that server, and
 * runCli/runJson/freshSession pass TRADEDESK_DATABASE_URL for it. Unset: SQLite, as before.
 */
const TEST_PG_URL = process.env.TRADEDESK_TEST_PG_URL || undefined

/** True when the suites run on PostgreSQL: a test that reads `tradedesk.sqlite` itself should skip. */
export function usingPostgres(): boolean {
  return TEST_PG_URL !== undefined
}

/**
 * The environment that points tradedesk at the journal of this home: {TRADEDESK_HOME} on SQLite,
 * plus TRADEDESK_DATABASE_URL of the home's own (created on first use) database on PostgreSQL.
 */
export async function databaseEnv(home: string): Promise<Record<string, string>> {
  if (!TEST_PG_URL) return {TRADEDESK_HOME: home}
  return {TRADEDESK_HOME: home, TRADEDESK_DATABASE_URL: await databaseUrlFor(home)}
}

/** The URL of the database of one test home, created (empty) the first time it is asked for. */
export function databaseUrlFor(home: string): Promise<string> {
  if (!TEST_PG_URL) throw new Error('databaseUrlFor: TRADEDESK_TEST_PG_URL is not set')
  let url = databases.get(home)
  if (!url) {
    url = createDatabase(home)
    databases.set(home, url)
    // A failed creation is not cached: the next test gets a fresh try and its own error.
    url.catch(() => databases.delete(home))
  }

  return url
}

/**
 * A knex connection to the journal of a home, whichever database it is on: the home's SQLite file,
 * or its PostgreSQL database. For tests that read the journal directly; `destroy()` it when done.
 * (count() and bigint columns come back as strings on PostgreSQL: wrap them in Number().)
 */
export async function openJournal(home: string): Promise<Knex> {
  const {default: knex} = await import('knex')
  if (TEST_PG_URL) return knex({client: 'pg', connection: await databaseUrlFor(home), pool: {min: 0, max: 1}})
  return knex({
    client: 'sqlite3',
    connection: {filename: join(home, 'tradedesk.sqlite')},
    useNullAsDefault: true,
    pool: {min: 0, max: 1},
  })
}

const databases = new Map<string, Promise<string>>()
let admin: Knex | undefined

async function adminDb(): Promise<Knex> {
  if (!admin) {
    const {default: knex} = await import('knex')
    admin = knex({client: 'pg', connection: TEST_PG_URL, pool: {min: 0, max: 4}})
  }

  return admin
}

/** A PostgreSQL name unique to this home: readable (the home's basename) and collision-free (a hash of its path). */
function databaseName(home: string): string {
  const readable = basename(home)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40)
  const hash = createHash('sha256').update(home).digest('hex').slice(0, 10)
  return `td_${readable}_${hash}`
}

async function createDatabase(home: string): Promise<string> {
  const name = databaseName(home)
  const db = await adminDb()
  // The home was just made, so a database of that name is a leftover of an aborted run: start over.
  await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
  await db.raw('CREATE DATABASE ??', [name])
  if (!TEST_PG_URL) throw new Error('createDatabase: TRADEDESK_TEST_PG_URL is not set')
  const url = new URL(TEST_PG_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops every database this mocha process created (the server is throwaway, but runs add up). */
async function dropDatabases(): Promise<void> {
  if (!admin) return
  const created = await Promise.allSettled(databases.values())
  for (const r of created) {
    if (r.status !== 'fulfilled') continue
    const name = decodeURIComponent(new URL(r.value).pathname.slice(1))
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => {})
  }

  databases.clear()
  await admin.destroy()
  admin = undefined
}

/**
 * After each test file (a root hook, test/support/hooks.ts): drops every database this process created
 * for it, unless TRADEDESK_TEST_PG_KEEP is set. mocha runs files in parallel, each in a worker.
 */
export async function releaseDatabases(): Promise<void> {
  if (!TEST_PG_URL) return
  if (process.env.TRADEDESK_TEST_PG_KEEP) {
    await admin?.destroy()
    admin = undefined
  } else {
    await dropDatabases()
  }
}

/** Runs fn with a knex handle on the journal of home, and closes it. */
export async function withJournal<T>(home: string, fn: (db: Knex) => Promise<T>): Promise<T> {
  const db = await openJournal(home)
  try {
    return await fn(db)
  } finally {
    await db.destroy()
  }
}

/** A fresh, empty TRADEDESK_HOME. */
export function tempHome(prefix = 'tradedesk-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/**
 * The environment of a run: a clean one with only PATH, HOME and TRADEDESK_HOME (plus opts.env; a key
 * set to undefined is removed). On PostgreSQL (TRADEDESK_TEST_PG_URL) it also sets
 * TRADEDESK_DATABASE_URL to the home's database, unless opts.env names TRADEDESK_DATABASE_URL itself.
 */
async function runEnv(opts: CliOptions): Promise<Record<string, string>> {
  const env = new Map<string, string>([
    ['PATH', process.env.PATH ?? ''],
    ['HOME', opts.home],
    ['TRADEDESK_HOME', opts.home],
  ])
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) env.delete(k)
    else env.set(k, v)
  }

  if (TEST_PG_URL && !(opts.env && 'TRADEDESK_DATABASE_URL' in opts.env)) {
    env.set('TRADEDESK_DATABASE_URL', await databaseUrlFor(env.get('TRADEDESK_HOME') ?? env.get('HOME') ?? opts.home))
  }

  return Object.fromEntries(env)
}

/**
 * Runs the command line in this process (dist/main.js, the binary's own entry), with its own streams
 * (pipes, not terminals), the environment of runEnv, and opts.input on stdin. The same output and exit
 * code as the binary (test/commands/in-process.test.ts holds the two to it), without the start-up of
 * a process: the tier most command tests run in. `timeoutMs` and `onSpawn` mean nothing here.
 */
export async function runInProcess(args: string[], opts: CliOptions): Promise<CliResult> {
  const [{main}, env] = await Promise.all([loadMain(), runEnv(opts)])
  const stdout = new Capture()
  const stderr = new Capture()
  const stdin = Object.assign(Readable.from(opts.input ? [opts.input] : []), {isTTY: false})
  const code = await main(args, {root: ROOT}, {stdin, stdout, stderr, env, process: false})
  return {code, signal: null, stdout: stdout.text, stderr: stderr.text}
}

/**
 * The binary's entry, built (dist/main.js, by `npm test`'s pretest): oclif loads its commands from
 * dist, and one copy of every module must serve both paths.
 */
async function loadMain(): Promise<typeof import('../../src/main.js')> {
  const built = new URL('../../dist/main.js', import.meta.url).href
  return (await import(built)) as typeof import('../../src/main.js')
}

/** Collects what a run writes to one of its streams. */
class Capture {
  text = ''
  readonly isTTY = false
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }
}

/**
 * Runs bin/run.js, the real binary, with args, stdin and stdout as pipes (no terminal) and the
 * environment of runEnv, and returns its exit code and output: for tests where a process is the
 * point (crash, concurrency, signals, start-up, the terminal, the binary's parity with in-process).
 */
export async function runBinary(args: string[], opts: CliOptions): Promise<CliResult> {
  const env = await runEnv(opts)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']})
    opts.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Runs the command line in process (runInProcess), or as the real binary with opts.binary. */
export async function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return opts.binary ? runBinary(args, opts) : runInProcess(args, opts)
}

/**
 * Runs with --json and parses stdout; fails loudly when stdout is not exactly one JSON document.
 * The answer is read as T: name the SPEC's type of it (test/support/json.ts).
 */
export async function runJson<T = unknown>(args: string[], opts: CliOptions): Promise<JsonResult<T>> {
  const result = await runCli([...args, '--json'], opts)
  let json: T
  try {
    json = JSON.parse(result.stdout) as T
  } catch {
    throw new Error(
      `stdout of \`tradedesk ${args.join(' ')} --json\` is not JSON (exit ${String(result.code)}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    )
  }

  return {...result, json}
}
