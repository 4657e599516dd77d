/**
 * What the machine, the files and odd arguments can throw at tradedesk: each gets a clear message,
 * the SPEC's exit code, sends nothing and loses nothing.
 */
import {expect} from 'chai'
import {type ChildProcess, spawn} from 'node:child_process'
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCli, runJson, tempHome, usingPostgres} from '../support/cli.js'
import type {BalanceJson, ErrorJson, HistoryJson, PriceJson} from '../support/json.js'

const envelope = (json: ErrorJson, exit: number, code?: string) => {
  expect(json.error, JSON.stringify(json)).to.include({exit_code: exit})
  if (code) expect(json.error.code).to.equal(code)
  expect(json.error.message).to.be.a('string').and.not.equal('')
}

describe('bad environment and odd arguments', function () {
  this.timeout(120_000)

  it('accepts a lower-case or compact symbol as the same market', async () => {
    const home = tempHome()
    for (const symbol of ['btc/usdt', 'BTCUSDT', 'btc-usdt']) {
      const r = await runJson<PriceJson>(['price', symbol], {home})
      expect(r.code, r.stdout).to.equal(0)
      expect(r.json.symbol).to.equal('BTC/USDT')
    }
  })

  it('treats SQL-looking symbols and notes as plain text', async () => {
    const home = tempHome()
    const evil = "BTC/USDT'; DROP TABLE trades;--"
    const price = await runJson<ErrorJson>(['price', evil], {home})
    expect(price.code).to.equal(2)
    envelope(price.json, 2, 'UNKNOWN_SYMBOL')
    const trade = await runJson(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--note', evil], {home})
    expect(trade.code, trade.stdout).to.equal(0)
    const history = await runJson<HistoryJson>(['history', '--symbol', evil], {home})
    expect(history.json.trades).to.deep.equal([])
    const all = await runJson<HistoryJson>(['history'], {home})
    expect(all.json.trades).to.have.length(1)
    expect(all.json.trades[0].notes).to.equal(evil)
  })

  it('refuses a malformed profile name, and keeps profiles apart', async () => {
    const home = tempHome()
    for (const profile of ['../etc', 'a b', '']) {
      const r = await runJson<ErrorJson>(['balance', '--profile', profile], {home})
      expect(r.code, profile).to.equal(2)
      envelope(r.json, 2)
    }

    await runJson(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--profile', 'alice'], {home})
    const bob = await runJson<HistoryJson>(['history'], {home, env: {TRADEDESK_PROFILE: 'bob'}})
    expect(bob.json.trades).to.deep.equal([])
    const show = await runJson(['history', 'show', '1'], {home, env: {TRADEDESK_PROFILE: 'bob'}})
    expect(show.code).to.equal(2)
    const cancel = await runJson(['order', 'cancel', '1'], {home, env: {TRADEDESK_PROFILE: 'bob'}})
    expect(cancel.code).to.equal(2)
  })

  describe('credentials files', () => {
    const withBroker = async () => {
      const home = tempHome()
      const added = await runJson(
        ['broker', 'add', 'main', '--exchange', 'binance', '--api-url', 'http://127.0.0.1:9'],
        {home},
      )
      expect(added.code, added.stdout).to.equal(0)
      return home
    }

    it('refuses a corrupt credentials file (exit 4) without quoting it', async () => {
      const home = await withBroker()
      const file = join(home, 'credentials.json')
      writeFileSync(file, '{"main": {"apiKey": "SENTINEL-K", "secret": "SENTINEL-S"', {mode: 0o600})
      chmodSync(file, 0o600)
      const r = await runJson<ErrorJson>(['balance', '--broker', 'main'], {home})
      expect(r.code).to.equal(4)
      envelope(r.json, 4, 'CREDENTIALS_FILE_INVALID')
      expect(r.stdout + r.stderr).to.not.contain('SENTINEL')
    })

    it('refuses a credentials file that others can read (exit 4)', async () => {
      const home = await withBroker()
      const file = join(home, 'credentials.json')
      writeFileSync(file, JSON.stringify({main: {apiKey: 'SENTINEL-K', secret: 'SENTINEL-S'}}))
      chmodSync(file, 0o644)
      const r = await runJson<ErrorJson>(
        ['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--broker', 'main'],
        {home},
      )
      expect(r.code).to.equal(4)
      envelope(r.json, 4, 'CREDENTIALS_FILE_UNSAFE')
      expect(r.json.error.message).to.contain('chmod 600')
      expect(r.stdout + r.stderr).to.not.contain('SENTINEL')
      const history = await runJson<HistoryJson>(['history'], {home})
      expect(history.json.trades).to.deep.equal([])
    })
  })

  describe('the SQLite journal', function () {
    before(function () {
      if (usingPostgres()) this.skip()
    })

    it('says clearly when TRADEDESK_HOME cannot be created (exit 1)', async () => {
      const parent = tempHome()
      writeFileSync(join(parent, 'a-file'), 'not a directory')
      const home = join(parent, 'a-file', 'home')
      const r = await runJson<ErrorJson>(['balance'], {home})
      expect(r.code).to.equal(1)
      envelope(r.json, 1, 'HOME_UNWRITABLE')
      expect(r.json.error.message).to.contain(home)
    })

    it('says clearly when the database file is not SQLite (exit 1), and leaves it alone', async () => {
      const home = tempHome()
      const junk = 'this is not a database '.repeat(50)
      writeFileSync(join(home, 'tradedesk.sqlite'), junk)
      const r = await runJson<ErrorJson>(['history'], {home})
      expect(r.code).to.equal(1)
      envelope(r.json, 1, 'DATABASE_CORRUPT')
      const human = await runCli(['history'], {home})
      expect(human.stderr).to.contain('is not a tradedesk SQLite database')
      expect(human.stderr).to.not.contain('unexpected')
      expect(readFileSync(join(home, 'tradedesk.sqlite'), 'utf8')).to.equal(junk)
    })

    it('gives up on a database another process keeps locked (exit 5, retryable), sending nothing', async () => {
      const home = tempHome()
      expect((await runJson(['balance'], {home})).code).to.equal(0)
      const holder = await holdWriteLock(join(home, 'tradedesk.sqlite'))
      try {
        const started = Date.now()
        const r = await runJson<ErrorJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], {
          home,
          timeoutMs: 90_000,
        })
        expect(r.code, r.stdout + r.stderr).to.equal(5)
        envelope(r.json, 5, 'DATABASE_BUSY')
        expect(r.json.error.retryable).to.equal(true)
        expect(Date.now() - started).to.be.below(60_000)
        // reads go on while the writer holds its lock (WAL)
        expect((await runJson(['balance'], {home})).code).to.equal(0)
      } finally {
        holder.kill('SIGKILL')
      }

      const history = await runJson<HistoryJson>(['history'], {home})
      expect(history.json.trades).to.deep.equal([])
      const balance = await runJson<BalanceJson>(['balance'], {home})
      expect(balance.json.balances).to.deep.equal([{asset: 'USDT', free: '10000', used: '0', total: '10000'}])
    })
  })
})

/** Another process that takes SQLite's write lock and keeps it until killed. */
function holdWriteLock(file: string): Promise<ChildProcess> {
  const script = `
    const sqlite3 = require('sqlite3')
    const db = new sqlite3.Database(${JSON.stringify(file)})
    db.exec('BEGIN IMMEDIATE', (err) => { if (err) { console.error(err); process.exit(1) } console.log('locked') })
    setInterval(() => {}, 1000)`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    child.stdout.once('data', () => {
      resolve(child)
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      reject(new Error(`the lock holder exited ${String(code)}`))
    })
  })
}
