import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {databaseUrlFor, runCli, runJson, tempHome, usingPostgres, withJournal} from '../support/cli.js'
import {defined} from '../support/e2e.js'
import type {BalanceJson, BrokerListJson, ErrorJson} from '../support/json.js'

const STORE_MODULE = fileURLToPath(new URL('../../dist/lib/store.js', import.meta.url))
const MIGRATIONS = readdirSync(fileURLToPath(new URL('../../migrations/', import.meta.url)))
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .sort()
const SKIP_REASON =
  'TRADEDESK_TEST_PG_URL is not set: these tests need a PostgreSQL admin URL, e.g. TRADEDESK_TEST_PG_URL="$(scripts/postgres.sh)"'

/** Runs node on an ES module script; resolves with its exit code and output. */
function node(script: string): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({code, stdout, stderr})
    })
  })
}

describe('PostgreSQL (TRADEDESK_DATABASE_URL)', function () {
  this.timeout(300_000)

  before(function () {
    if (!usingPostgres()) {
      console.log(`    skipped: ${SKIP_REASON}`)
      this.skip()
    }
  })

  it('applies the migrations once when eight processes start at once on a fresh database (5 rounds)', async () => {
    for (let round = 1; round <= 5; round++) {
      const home = tempHome()
      const env = {TRADEDESK_HOME: home, TRADEDESK_DATABASE_URL: await databaseUrlFor(home)}
      const script = `const {Store} = await import(${JSON.stringify(STORE_MODULE)}); const s = await Store.open(${JSON.stringify(env)}); console.log(s.dialect); await s.close();`
      const runs = await Promise.all(Array.from({length: 8}, () => node(script)))
      for (const r of runs)
        expect(r, `round ${String(round)}: ${r.stderr}`).to.deep.include({code: 0, stdout: 'postgres\n'})
      await withJournal(home, async (db) => {
        const applied = await db('knex_migrations').orderBy('id').pluck('name')
        expect(applied, `round ${String(round)}: each migration recorded once`).to.deep.equal(MIGRATIONS)
        const locks = await db('knex_migrations_lock').select('is_locked')
        expect(locks, `round ${String(round)}: one lock row, free`).to.deep.equal([{is_locked: 0}])
        expect(await db('store_meta').pluck('key')).to.deep.equal(['write_lock'])
      })
    }
  })

  it('eight first runs of the binary at once: one built-in paper broker, funded once', async () => {
    const home = tempHome()
    const runs = await Promise.all(
      Array.from({length: 8}, () => runJson<BalanceJson>(['balance'], {home, timeoutMs: 120_000})),
    )
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).to.equal(0)
      expect(r.json.balances).to.deep.equal([{asset: 'USDT', free: '10000', used: '0', total: '10000'}])
    }

    await withJournal(home, async (db) => {
      expect(await db('brokers').select('name', 'exchange', 'is_default', 'sandbox')).to.deep.equal([
        {name: 'paper', exchange: 'paper', is_default: true, sandbox: false},
      ])
      expect(await db('paper_balances').select('asset', 'free', 'used')).to.deep.equal([
        {asset: 'USDT', free: '10000', used: '0'},
      ])
    })
  })

  it('a wrong password: exit 5 with a clear message that never shows the password', async () => {
    const home = tempHome()
    const url = new URL(await databaseUrlFor(home))
    const password = 'Wr0ng-Pa55word-7f3e9c'
    url.password = password
    const started = Date.now()
    const human = await runCli(['balance'], {home, env: {TRADEDESK_DATABASE_URL: url.toString()}})
    const json = await runJson<ErrorJson>(['balance'], {home, env: {TRADEDESK_DATABASE_URL: url.toString()}})
    expect(Date.now() - started, 'fails fast').to.be.below(20_000)
    for (const r of [human, json]) {
      expect(r.code, r.stdout + r.stderr).to.equal(5)
      expect(r.stdout + r.stderr).to.not.include(password)
      expect(r.stdout + r.stderr).to.not.include(encodeURIComponent(password))
    }

    expect(human.stderr).to.match(/password authentication failed/)
    expect(human.stderr).to.contain(`${url.hostname}:${url.port}`)
    expect(json.json.error).to.include({exit_code: 5})
  })

  it('a server that is down: exit 5, promptly, without the password', async () => {
    const home = tempHome()
    const password = 'S3cret-Down-41b7'
    const url = `postgres://tradedesk:${password}@127.0.0.1:9/tradedesk`
    const started = Date.now()
    const r = await runJson<ErrorJson>(['balance'], {home, env: {TRADEDESK_DATABASE_URL: url}})
    expect(Date.now() - started).to.be.below(20_000)
    expect(r.code, r.stdout + r.stderr).to.equal(5)
    expect(r.json.error).to.include({code: 'DATABASE_UNAVAILABLE', exit_code: 5, retryable: true})
    expect(r.stdout + r.stderr).to.not.include(password)
  })

  it('exits promptly after a command (the connection pool is closed)', async () => {
    const home = tempHome()
    await runJson(['balance'], {home})
    const started = Date.now()
    const r = await runJson(['history'], {home})
    expect(r.code, r.stderr).to.equal(0)
    // An idle pool left open would keep the process alive for tens of seconds.
    expect(Date.now() - started).to.be.below(8_000)
  })

  it('an id too large for an integer column is "not found", as on SQLite', async () => {
    const home = tempHome()
    const show = await runJson<ErrorJson>(['history', 'show', '99999999999'], {home})
    expect(show.code, show.stdout + show.stderr).to.equal(2)
    expect(show.json.error.code).to.equal('UNKNOWN_TRADE')
  })

  it('sorts brokers as SQLite does, whatever the database collation (ICU en-US)', async function () {
    const admin = new URL(defined(process.env.TRADEDESK_TEST_PG_URL, 'TRADEDESK_TEST_PG_URL'))
    const {default: knex} = await import('knex')
    const db = knex({client: 'pg', connection: admin.toString(), pool: {min: 0, max: 1}})
    const name = `td_icu_${String(process.pid)}_${String(Date.now())}`
    try {
      try {
        await db.raw(
          `CREATE DATABASE ?? TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
          [name],
        )
      } catch (error) {
        console.log(`    skipped: this server cannot create an ICU database (${(error as Error).message})`)
        this.skip()
      }

      const url = new URL(admin.toString())
      url.pathname = `/${name}`
      const home = tempHome()
      const env = {TRADEDESK_DATABASE_URL: url.toString()}
      for (const broker of ['b1', 'Zeta', 'b-2', 'alpha']) {
        const r = await runJson(['broker', 'add', broker, '--exchange', 'paper'], {home, env})
        expect(r.code, r.stdout + r.stderr).to.equal(0)
      }

      const list = await runJson<BrokerListJson>(['broker', 'list'], {home, env})
      expect(list.json.brokers.map((b) => b.name)).to.deep.equal(['Zeta', 'alpha', 'b-2', 'b1', 'paper'])
    } finally {
      await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => {})
      await db.destroy()
    }
  })
})
