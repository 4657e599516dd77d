import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {Knex} from 'knex'

import {ensureHome} from './config.js'
import {ExitCode, TradedeskError} from './errors.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const MIGRATION_ATTEMPTS = 200
const BUSY_TIMEOUT_MS = 15_000
const TX_ATTEMPTS = 20

export type Db = Knex
export type Tx = Knex.Transaction

/**
 * The one module that owns the database: knex setup for SQLite (embedded default) or PostgreSQL
 * ($TRADEDESK_DATABASE_URL), migrations applied on first use, and write transactions that survive
 * concurrent processes.
 */
export class Store {
  private constructor(
    readonly db: Knex,
    readonly dialect: 'sqlite' | 'postgres',
    readonly location: string,
  ) {}

  static async open(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    const {default: knex} = await import('knex')
    const url = env.TRADEDESK_DATABASE_URL
    let store: Store
    if (url) {
      if (!/^postgres(ql)?:\/\//.test(url)) {
        throw new TradedeskError('BAD_DATABASE_URL', 'TRADEDESK_DATABASE_URL must be a postgres:// URL', ExitCode.USAGE)
      }

      store = new Store(knex({client: 'pg', connection: url, pool: {min: 0, max: 4}, log: QUIET}), 'postgres', redactUrl(url))
    } else {
      const file = join(ensureHome(env), 'tradedesk.sqlite')
      const db = knex({
        client: 'sqlite3',
        connection: {filename: file},
        useNullAsDefault: true,
        log: QUIET,
        pool: {
          min: 1,
          max: 1,
          afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
            conn.configure('busyTimeout', BUSY_TIMEOUT_MS)
            conn.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;', (err) =>
              done(err, conn),
            )
          },
        },
      })
      store = new Store(db, 'sqlite', file)
    }

    try {
      await store.migrate()
    } catch (error) {
      await store.close()
      throw store.describe(error)
    }

    return store
  }

  /** Applies pending migrations. Safe when several processes start at once: they retry the lock. */
  async migrate(): Promise<void> {
    const names = migrationNames()
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.isUpToDate(names)) return
        await this.db.migrate.latest({migrationSource: new DirectoryMigrationSource(names)})
        return
      } catch (error) {
        if (attempt >= MIGRATION_ATTEMPTS || !isConcurrentMigrationError(error)) throw error
        await sleep(20 + Math.random() * 80)
      }
    }
  }

  private async isUpToDate(names: string[]): Promise<boolean> {
    if (!(await this.db.schema.hasTable('knex_migrations'))) return false
    if (await this.isLocked()) return false
    const done = new Set((await this.db('knex_migrations').select('name')).map((r: {name: string}) => r.name))
    return names.every((n) => done.has(n))
  }

  private async isLocked(): Promise<boolean> {
    if (!(await this.db.schema.hasTable('knex_migrations_lock'))) return true
    const row = await this.db('knex_migrations_lock').first('is_locked')
    return Boolean(row?.is_locked)
  }

  /**
   * Runs fn in a write transaction. On SQLite the first statement is a write, so the write lock is
   * taken up front (a read-then-write transaction could otherwise fail with SQLITE_BUSY at once);
   * a busy error anyway retries the whole transaction.
   */
  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          await tx('store_meta').where({key: 'write_lock'}).update({value: String(Date.now())})
          return fn(tx)
        })
      } catch (error) {
        if (attempt >= TX_ATTEMPTS || !isBusyError(error)) throw this.describe(error)
        await sleep(10 + Math.random() * 50 * attempt)
      }
    }
  }

  /** Row-locking read inside a write transaction (PostgreSQL); SQLite already holds the write lock. */
  forUpdate<Q extends Knex.QueryBuilder>(query: Q): Q {
    return this.dialect === 'postgres' ? (query.forUpdate() as Q) : query
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  /** Turns a driver error into one a user can act on. */
  describe(error: unknown): unknown {
    if (error instanceof TradedeskError) return error
    const code = (error as {code?: string}).code
    const message = (error as Error).message ?? String(error)
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      return new TradedeskError('DATABASE_CORRUPT', `${this.location} is not a tradedesk SQLite database (${code})`, ExitCode.INTERNAL)
    }

    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
      return new TradedeskError('DATABASE_UNWRITABLE', `cannot write the database ${this.location} (${code})`, ExitCode.INTERNAL)
    }

    if (isBusyError(error)) {
      return new TradedeskError('DATABASE_BUSY', `the database ${this.location} stayed locked by another process; try again`, ExitCode.UNAVAILABLE, true)
    }

    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      return new TradedeskError('DATABASE_UNAVAILABLE', `cannot reach the database ${this.location}: ${message}`, ExitCode.UNAVAILABLE, true)
    }

    return error
  }
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void
  exec(sql: string, cb: (err: Error | null) => void): void
}

/** Migration files by name without extension, so the journal never depends on .ts vs .js. */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly names: string[]) {}

  async getMigrations(): Promise<string[]> {
    return this.names
  }

  getMigrationName(name: string): string {
    return name
  }

  async getMigration(name: string): Promise<Knex.Migration> {
    return import(pathToFileURL(join(MIGRATIONS_DIR, `${name}.js`)).href)
  }
}

function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort()
}

function isConcurrentMigrationError(error: unknown): boolean {
  const message = String((error as Error)?.message ?? '')
  return (
    isBusyError(error) ||
    /already locked|already exists|duplicate key|UNIQUE constraint failed: knex_migrations/i.test(message)
  )
}

function isBusyError(error: unknown): boolean {
  const code = (error as {code?: string})?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === '40001' || code === '40P01'
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

/** knex's own console warnings would duplicate (or garble) the errors this module reports. */
const QUIET = {warn() {}, error() {}, deprecate() {}, debug() {}}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
