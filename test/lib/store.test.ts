import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Store} from '../../src/lib/store.js'
import {tempHome} from '../support/cli.js'

const STORE_MODULE = fileURLToPath(new URL('../../dist/lib/store.js', import.meta.url))

describe('Store', () => {
  it('applies the migrations on first use, once', async () => {
    const home = tempHome()
    const store = await Store.open({TRADEDESK_HOME: home})
    try {
      expect(store.location).to.equal(join(home, 'tradedesk.sqlite'))
      for (const table of ['brokers', 'trades', 'markets', 'paper_balances', 'paper_orders', 'paper_fills']) {
        expect(await store.db.schema.hasTable(table), table).to.equal(true)
      }

      const journalMode = await store.db.raw('PRAGMA journal_mode')
      expect(journalMode[0].journal_mode).to.equal('wal')
    } finally {
      await store.close()
    }

    const again = await Store.open({TRADEDESK_HOME: home})
    const applied = await again.db('knex_migrations').select('name')
    await again.close()
    expect(applied.map((r) => r.name)).to.deep.equal(['20261129000001_initial'])
  })

  it('migrates safely when eight processes start at once on a fresh database (three fresh homes)', async () => {
    for (let round = 0; round < 3; round++) await raceEight()
  })

  it('repairs a knex lock table left locked, or with two rows, by an earlier run', async () => {
    const home = tempHome()
    const store = await Store.open({TRADEDESK_HOME: home})
    await store.db('knex_migrations_lock').insert({is_locked: 1})
    await store.db('knex_migrations_lock').update({is_locked: 1})
    await store.close()
    const again = await Store.open({TRADEDESK_HOME: home})
    const locks = await again.db('knex_migrations_lock').select()
    await again.close()
    expect(locks).to.deep.equal([{index: 1, is_locked: 0}])
  })

  async function raceEight() {
    const home = tempHome()
    const script = `const {Store} = await import(${JSON.stringify(STORE_MODULE)}); const s = await Store.open({TRADEDESK_HOME: ${JSON.stringify(home)}}); await s.close();`
    const runs = await Promise.all(
      Array.from({length: 8}, () =>
        new Promise<{code: number | null; stderr: string}>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script])
          let stderr = ''
          child.stderr.on('data', (d) => (stderr += d))
          child.on('close', (code) => resolve({code, stderr}))
        }),
      ),
    )
    for (const r of runs) expect(r, r.stderr).to.include({code: 0})
    const store = await Store.open({TRADEDESK_HOME: home})
    const applied = await store.db('knex_migrations').select('name')
    const locks = await store.db('knex_migrations_lock').select()
    await store.close()
    expect(applied).to.have.length(1)
    expect(locks).to.have.length(1)
  }

  it('says clearly when the database file is not SQLite', async () => {
    const home = tempHome()
    writeFileSync(join(home, 'tradedesk.sqlite'), 'this is not a database, just text that is long enough to have a header '.repeat(20))
    try {
      await Store.open({TRADEDESK_HOME: home})
      expect.fail('opened a file that is not SQLite')
    } catch (error) {
      expect((error as {code: string}).code).to.equal('DATABASE_CORRUPT')
      expect((error as Error).message).to.contain('not a tradedesk SQLite database')
    }
  })
})
