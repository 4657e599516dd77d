import {closeSync, existsSync, openSync, readdirSync, rmSync, statSync, writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {Knex} from 'knex'

import {ensureHome} from './config.js'
import {ExitCode, TradedeskError, scrub} from './errors.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const MIGRATION_ATTEMPTS = 200
const BUSY_TIMEOUT_MS = 15_000
const TX_ATTEMPTS = 20
/** PostgreSQL: how long connecting may take before the database counts as unavailable. */
const PG_CONNECT_TIMEOUT_MS = 10_000
/** PostgreSQL: how long a first run waits for another process that is applying the migrations. */
const PG_MIGRATION_LOCK_TIMEOUT = '120s'

export type Db = Knex
export type Tx = Knex.Transaction

const require = createRequire(import.meta.url)

/**
 * The one module that owns the database: knex setup for SQLite (embedded default) or PostgreSQL
 * ($TRADEDESK_DATABASE_URL), migrations applied on first use, and write transactions that survive
 * concurrent processes.
 *
 * Start-up is part of the product (tradedesk runs in shell loops), so on an SQLite journal that is
 * already migrated, plain reads (`query`) go straight through the sqlite3 driver and knex, which
 * costs more to load than the rest of a read-only command, is only loaded for the first write or
 * query-builder read (`db`).
 */
export class Store {
  private knexDb?: Knex

  private constructor(
    private readonly config: Knex.Config,
    readonly dialect: 'sqlite' | 'postgres',
    readonly location: string,
    /** the SQLite journal's own connection for plain reads, when the schema is known to be current */
    private readonly reader?: SqliteReader,
    /** secrets of the database URL (its password), never to appear in a message */
    private readonly secrets: string[] = [],
  ) {}

  static async open(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    const url = env.TRADEDESK_DATABASE_URL
    let store: Store
    if (url) {
      if (!/^postgres(ql)?:\/\//.test(url)) {
        throw new TradedeskError('BAD_DATABASE_URL', 'TRADEDESK_DATABASE_URL must be a postgres:// URL', ExitCode.USAGE)
      }

      const config: Knex.Config = {
        client: 'pg',
        connection: {
          connectionString: url,
          connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
          application_name: 'tradedesk',
        },
        pool: {min: 0, max: 4},
        acquireConnectionTimeout: PG_CONNECT_TIMEOUT_MS + 5_000,
        log: QUIET,
      }
      store = new Store(config, 'postgres', redactUrl(url), undefined, urlSecrets(url))
    } else {
      const file = join(ensureHome(env), 'tradedesk.sqlite')
      const reader = existsSync(file) ? await SqliteReader.open(file).catch(() => undefined) : undefined
      store = new Store(sqliteConfig(file), 'sqlite', file, reader)
    }

    try {
      await store.migrate()
    } catch (error) {
      await store.close()
      throw store.describe(error)
    }

    return store
  }

  /** knex, for writes and query-builder reads: created on first use. */
  get db(): Knex {
    if (!this.knexDb) {
      const knex = require('knex') as (config: Knex.Config) => Knex
      this.knexDb = knex(this.config)
    }

    return this.knexDb
  }

  /**
   * A plain read: SQL with `?` bindings that both SQLite and PostgreSQL understand, answered as rows
   * exactly as the driver returns them (the same values knex's query builder gives).
   */
  async query<T = Record<string, unknown>>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
    if (this.reader) return this.reader.all<T>(sql, bindings)
    // pg answers with its result object (the rows in `rows`), sqlite3 with the rows themselves.
    const result: unknown = await this.db.raw(sql, bindings as Knex.RawBinding[])
    return (this.dialect === 'postgres' ? (result as {rows: T[]}).rows : result) as T[]
  }

  /**
   * Applies pending migrations. Safe when several processes start at once: on SQLite they retry the
   * lock; on PostgreSQL they queue on an advisory lock.
   */
  async migrate(): Promise<void> {
    const names = migrationNames()
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.isUpToDate(names)) return
        if (this.dialect === 'postgres') await this.migrateExclusively(names)
        else await this.migrateUnderLockFile(names)
        return
      } catch (error) {
        if (attempt >= MIGRATION_ATTEMPTS || !isConcurrentMigrationError(error)) throw error
        await sleep(20 + Math.random() * 80)
      }
    }
  }

  /**
   * PostgreSQL: one process at a time runs knex's migrator, inside a transaction-scoped advisory lock
   * (released on commit, rollback or a dropped connection); the others wait, then find nothing to do.
   * knex's own lock is not enough: its lock table is created and its single row inserted without any
   * lock, so racing first runs can insert two rows, after which no process can ever take the lock
   * ("Migration table is already locked", for good).
   */
  private async migrateExclusively(names: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx.raw(`SET LOCAL lock_timeout = '${PG_MIGRATION_LOCK_TIMEOUT}'`)
      await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('tradedesk:migrations'))`)
      // The migrator runs on other connections of the pool while this one holds the lock.
      if (await this.isUpToDate(names)) return
      await this.db.migrate.latest({migrationSource: new DirectoryMigrationSource(names)})
    })
  }

  /**
   * SQLite: one process at a time runs knex's migrator, holding a lock file beside the database. Under
   * it, knex's own lock table is put right first: a run killed half-way, or racing runs before this
   * lock existed, can leave it locked or with two rows, which would refuse every later run.
   */
  private async migrateUnderLockFile(names: string[]): Promise<void> {
    const release = await lockFile(`${this.location}.migrate-lock`)
    try {
      if (await this.isUpToDate(names)) return
      if (await this.db.schema.hasTable('knex_migrations_lock')) {
        const first = await this.db('knex_migrations_lock')
          .min({index: 'index'})
          .first<{index: number | null} | undefined>()
        await this.db('knex_migrations_lock')
          .whereNot('index', first?.index ?? 0)
          .delete()
        await this.db('knex_migrations_lock').update({is_locked: 0})
      }

      await this.db.migrate.latest({migrationSource: new DirectoryMigrationSource(names)})
    } finally {
      release()
    }
  }

  /** Every migration applied and knex's lock free; plain reads, so an up-to-date start never loads knex. */
  private async isUpToDate(names: string[]): Promise<boolean> {
    const tables =
      this.dialect === 'postgres'
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('knex_migrations', 'knex_migrations_lock')"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('knex_migrations', 'knex_migrations_lock')"
    if ((await this.query(tables)).length < 2) return false
    const lock = await this.query<{is_locked: unknown}>('SELECT is_locked FROM knex_migrations_lock')
    if (lock.length === 0 || lock.some((r) => Boolean(r.is_locked))) return false
    const done = new Set((await this.query<{name: string}>('SELECT name FROM knex_migrations')).map((r) => r.name))
    return names.every((n) => done.has(n))
  }

  /**
   * Runs fn in a write transaction. On SQLite the first statement is a write, so the write lock is
   * taken up front (a read-then-write transaction could otherwise fail with SQLITE_BUSY at once);
   * a busy error anyway retries the whole transaction.
   */
  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // The busy timeout bounds the whole wait, not each attempt: a lock held for good fails in time.
    const deadline = Date.now() + BUSY_TIMEOUT_MS
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          await tx('store_meta')
            .where({key: 'write_lock'})
            .update({value: String(Date.now())})
          return fn(tx)
        })
      } catch (error) {
        if (attempt >= TX_ATTEMPTS || !isBusyError(error) || Date.now() >= deadline) throw this.describe(error)
        await sleep(10 + Math.random() * 50 * attempt)
      }
    }
  }

  /** Row-locking read inside a write transaction (PostgreSQL); SQLite already holds the write lock. */
  forUpdate<Q extends Knex.QueryBuilder>(query: Q): Q {
    return this.dialect === 'postgres' ? (query.forUpdate() as Q) : query
  }

  async close(): Promise<void> {
    try {
      await this.knexDb?.destroy()
    } finally {
      await this.reader?.close()
    }
  }

  /** Turns a driver error into one a user can act on. */
  describe(error: unknown): unknown {
    if (error instanceof TradedeskError) return error
    if (this.dialect === 'postgres') {
      const described = this.describePostgres(error)
      if (described) return described
    }

    const code = (error as {code?: string}).code
    const message = (error as {message?: string}).message ?? String(error)
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      return new TradedeskError(
        'DATABASE_CORRUPT',
        `${this.location} is not a tradedesk SQLite database (${code})`,
        ExitCode.INTERNAL,
      )
    }

    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
      return new TradedeskError(
        'DATABASE_UNWRITABLE',
        `cannot write the database ${this.location} (${code})`,
        ExitCode.INTERNAL,
      )
    }

    if (isBusyError(error)) {
      return new TradedeskError(
        'DATABASE_BUSY',
        `the database ${this.location} stayed locked by another process; try again`,
        ExitCode.UNAVAILABLE,
        true,
      )
    }

    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      return new TradedeskError(
        'DATABASE_UNAVAILABLE',
        `cannot reach the database ${this.location}: ${message}`,
        ExitCode.UNAVAILABLE,
        true,
      )
    }

    return error
  }

  /**
   * PostgreSQL connection failures (server down or unreachable, wrong password, no such database,
   * too many connections, a timeout) as exit 5 with the URL redacted; the password itself is scrubbed
   * from whatever the driver said.
   */
  private describePostgres(error: unknown): TradedeskError | undefined {
    const thrown = error as Thrown
    const code = String(thrown?.code ?? '')
    const message = this.scrub(String(thrown?.message ?? error))
    const where = `the database ${this.location}`
    if (code === '28P01' || code === '28000' || /^SASL: .*password/.test(message)) {
      return new TradedeskError(
        'DATABASE_AUTH_FAILED',
        `cannot log in to ${where}: ${message}`,
        ExitCode.UNAVAILABLE,
        false,
      )
    }

    if (code === '55P03') {
      return new TradedeskError(
        'DATABASE_BUSY',
        `${where} stayed locked by another process (${message}); try again`,
        ExitCode.UNAVAILABLE,
        true,
      )
    }

    const unavailable =
      PG_UNAVAILABLE_CODES.has(code) ||
      code.startsWith('08') ||
      thrown?.name === 'KnexTimeoutError' ||
      /connection timeout|timeout expired|Connection terminated/i.test(message)
    if (unavailable) {
      return new TradedeskError('DATABASE_UNAVAILABLE', `cannot reach ${where}: ${message}`, ExitCode.UNAVAILABLE, true)
    }

    if (this.secrets.length > 0 && error instanceof Error && this.scrub(error.message) !== error.message) {
      return new TradedeskError('DATABASE_ERROR', `${where}: ${message}`, ExitCode.INTERNAL)
    }

    return undefined
  }

  private scrub(text: string): string {
    return scrub(text, this.secrets)
  }
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void
  exec(sql: string, cb: (err: Error | null) => void): void
}

function sqliteConfig(file: string): Knex.Config {
  return {
    client: 'sqlite3',
    connection: {filename: file},
    useNullAsDefault: true,
    log: QUIET,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
        conn.configure('busyTimeout', BUSY_TIMEOUT_MS)
        conn.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;', (err) => {
          done(err, conn)
        })
      },
    },
  }
}

interface SqliteDatabase {
  configure(option: 'busyTimeout', value: number): void
  all(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void
  close(cb: (err: Error | null) => void): void
}

/**
 * A read connection to an existing SQLite journal through the sqlite3 driver alone (no knex). It
 * never creates the file and never writes; in WAL mode it reads beside any writer.
 */
class SqliteReader {
  private constructor(private readonly conn: SqliteDatabase) {}

  static async open(file: string): Promise<SqliteReader> {
    const sqlite3 = require('sqlite3') as {
      Database: new (f: string, mode: number, cb: (err: Error | null) => void) => SqliteDatabase
      OPEN_READWRITE: number
    }
    const conn = await new Promise<SqliteDatabase>((resolve, reject) => {
      const db: SqliteDatabase = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (err) => {
        if (err) reject(err)
        else resolve(db)
      })
    })
    conn.configure('busyTimeout', BUSY_TIMEOUT_MS)
    return new SqliteReader(conn)
  }

  all<T>(sql: string, bindings: readonly unknown[]): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.conn.all(sql, [...bindings], (err, rows) => {
        if (err) reject(err)
        else resolve(rows as T[])
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.conn.close(() => {
        resolve()
      })
    })
  }
}

/** Migration files by name without extension, so the journal never depends on .ts vs .js. */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly names: string[]) {}

  getMigrations(): Promise<string[]> {
    return Promise.resolve(this.names)
  }

  getMigrationName(name: string): string {
    return name
  }

  async getMigration(name: string): Promise<Knex.Migration> {
    return (await import(pathToFileURL(join(MIGRATIONS_DIR, `${name}.js`)).href)) as Knex.Migration
  }
}

function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort()
}

/**
 * What a driver (or knex) throws, as far as it is read here: an error whose code is a string
 * (SQLSTATE, errno name) or, in some libraries, a number; but anything can be thrown.
 */
type Thrown = {code?: string | number; name?: string; message?: string} | null | undefined

function isConcurrentMigrationError(error: unknown): boolean {
  const message = (error as Thrown)?.message ?? ''
  return (
    isBusyError(error) ||
    /already locked|already exists|duplicate key|UNIQUE constraint failed: knex_migrations/i.test(message)
  )
}

function isBusyError(error: unknown): boolean {
  const code = (error as Thrown)?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === '40001' || code === '40P01'
}

/** Network and server-state errors that mean "the database is not there right now". */
const PG_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  '3D000', // database does not exist
  '53300', // too many connections
  '57P01',
  '57P02',
  '57P03', // shutting down, crashed, starting up
])

/** The password of a database URL, as written and decoded, so that no message can carry it. */
function urlSecrets(url: string): string[] {
  try {
    const raw = new URL(url).password
    if (!raw) return []
    return [...new Set([raw, decodeURIComponent(raw)])].filter((s) => s.length >= 3)
  } catch {
    return []
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'the PostgreSQL database'
  }
}

const LOCK_WAIT_MS = 60_000
const STALE_LOCK_MS = 30_000

/**
 * Takes an exclusive lock file (created with O_EXCL), waiting while another process holds it; a lock
 * left behind by a process that died is taken over once it is older than STALE_LOCK_MS.
 */
async function lockFile(path: string): Promise<() => void> {
  const until = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      return () => {
        closeSync(fd)
        rmSync(path, {force: true})
      }
    } catch (error) {
      if ((error as {code?: string}).code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) rmSync(path, {force: true})
      } catch {
        // released meanwhile: try again at once
      }

      if (Date.now() > until) {
        throw new TradedeskError(
          'DATABASE_BUSY',
          `another process kept ${path} for over a minute; try again`,
          ExitCode.UNAVAILABLE,
          true,
        )
      }

      await sleep(20 + Math.random() * 50)
    }
  }
}

/** knex's own console warnings would duplicate (or garble) the errors this module reports. */
const QUIET = {warn() {}, error() {}, deprecate() {}, debug() {}}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
