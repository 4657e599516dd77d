import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Knex} from 'knex'

import {Store} from '../../src/lib/store.js'
import {databaseEnv, tempHome} from '../support/cli.js'

const STORE_MODULE = fileURLToPath(new URL('../../dist/lib/store.js', import.meta.url))
const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))
const MIGRATION_NAMES = readdirSync(MIGRATIONS)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .sort()

describe('Store', () => {
  it('applies the migrations on first use, once', async () => {
    const home = tempHome()
    const store = await Store.open({TRADEDESK_HOME: home})
    try {
      expect(store.location).to.equal(join(home, 'tradedesk.sqlite'))
      for (const table of ['brokers', 'trades', 'markets', 'paper_balances', 'paper_orders', 'paper_fills']) {
        expect(await store.db.schema.hasTable(table), table).to.equal(true)
      }

      const journalMode = await store.db.raw<{journal_mode: string}[]>('PRAGMA journal_mode')
      expect(journalMode[0].journal_mode).to.equal('wal')
    } finally {
      await store.close()
    }

    const again = await Store.open({TRADEDESK_HOME: home})
    const applied = await again.db('knex_migrations').select<{name: string}[]>('name')
    await again.close()
    expect(applied.map((r) => r.name)).to.deep.equal(MIGRATION_NAMES)
    expect(MIGRATION_NAMES[0]).to.equal('20261129000001_initial')
  })

  it('upgrades a journal of the first schema: the market cache is emptied and restructured, filled_value computed, each filled order one fill, nothing else touched', async () => {
    const home = tempHome()
    const store = await Store.open({TRADEDESK_HOME: home})
    // Back to the first schema, as an earlier tradedesk left it: a cached blob of markets, one trade.
    for (const name of [
      '20261205070000_paper_prices',
      '20261205000002_broker_limits',
      '20261205000001_fills',
      '20261204000002_market_symbols',
      '20261204000001_trade_fill_values',
      '20261129000002_market_raw_per_symbol',
    ]) {
      const migration = (await import(join(MIGRATIONS, `${name}.js`))) as {down: (knex: Knex) => Promise<void>}
      await migration.down(store.db)
      await store.db('knex_migrations').where({name}).delete()
    }

    await store
      .db('markets')
      .insert({exchange_key: 'binance||', summary: '[]', raw: '{"markets":{}}', fetched_at: Date.now()})
    await store.db('trades').insert({
      profile: 'p',
      broker: 'paper',
      trade_type: 'manual',
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'market',
      quantity: '0.001',
      status: 'filled',
      client_order_id: 'tdupgrade',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      filled_quantity: '0.001',
      filled_price: '27910.36',
    })
    await store.close()

    const upgraded = await Store.open({TRADEDESK_HOME: home})
    try {
      expect((await upgraded.db('knex_migrations').select<{name: string}[]>('name')).map((r) => r.name)).to.deep.equal(
        MIGRATION_NAMES,
      )
      expect(await upgraded.db('markets').select()).to.deep.equal([])
      expect(await upgraded.db.schema.hasColumn('markets', 'raw')).to.equal(false)
      expect(await upgraded.db.schema.hasColumn('markets', 'currencies')).to.equal(true)
      expect(await upgraded.db.schema.hasTable('market_raw')).to.equal(true)
      expect(await upgraded.db('trades').select('client_order_id', 'quantity', 'filled_value')).to.deep.equal([
        {client_order_id: 'tdupgrade', quantity: '0.001', filled_value: '27.91036'},
      ])
      const [trade] = await upgraded.db('trades').select<{id: number}[]>('id')
      expect(
        await upgraded
          .db('fills')
          .select(
            'trade_id',
            'trade_row',
            'symbol',
            'side',
            'amount',
            'price',
            'cost',
            'quote_usd',
            'fee_usd',
            'executed_at',
            'source',
          ),
      ).to.deep.equal([
        {
          trade_id: 'order:tdupgrade',
          trade_row: trade.id,
          symbol: 'BTC/USDT',
          side: 'buy',
          amount: '0.001',
          price: '27910.36',
          cost: '27.91036',
          quote_usd: '1',
          fee_usd: '0',
          executed_at: '2026-01-01T00:00:00.000Z',
          source: 'tradedesk',
        },
      ])
    } finally {
      await upgraded.close()
    }
  })

  // On the suite's database: SQLite (the second open reads without knex) or PostgreSQL (knex.raw).
  it('query: plain SQL with ? bindings reads the same rows as the query builder', async () => {
    const env = await databaseEnv(tempHome())
    const first = await Store.open(env)
    await first.write((tx) =>
      tx('store_meta').insert([
        {key: 'a?', value: "it's"},
        {key: 'b', value: '2'},
      ]),
    )
    await first.close()
    const store = await Store.open(env)
    try {
      const plain = await store.query('SELECT key, value FROM store_meta WHERE key IN (?, ?) ORDER BY key', ['a?', 'b'])
      expect(plain).to.deep.equal([
        {key: 'a?', value: "it's"},
        {key: 'b', value: '2'},
      ])
      expect(plain).to.deep.equal(
        await store.db('store_meta').whereIn('key', ['a?', 'b']).orderBy('key').select('key', 'value'),
      )
      expect(await store.query('SELECT key FROM store_meta WHERE key = ?', ['none'])).to.deep.equal([])
    } finally {
      await store.close()
    }
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
      Array.from(
        {length: 8},
        () =>
          new Promise<{code: number | null; stderr: string}>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script])
            let stderr = ''
            child.stderr.on('data', (d: Buffer) => {
              stderr += d.toString()
            })
            child.on('close', (code) => {
              resolve({code, stderr})
            })
          }),
      ),
    )
    for (const r of runs) expect(r, r.stderr).to.include({code: 0})
    const store = await Store.open({TRADEDESK_HOME: home})
    const applied = await store.db('knex_migrations').select<{name: string}[]>('name')
    const locks = await store.db('knex_migrations_lock').select()
    await store.close()
    expect(applied.map((r) => r.name)).to.deep.equal(MIGRATION_NAMES)
    expect(locks).to.have.length(1)
  }

  it('says clearly when the database file is not SQLite', async () => {
    const home = tempHome()
    writeFileSync(
      join(home, 'tradedesk.sqlite'),
      'this is not a database, just text that is long enough to have a header '.repeat(20),
    )
    try {
      await Store.open({TRADEDESK_HOME: home})
      expect.fail('opened a file that is not SQLite')
    } catch (error) {
      expect((error as {code: string}).code).to.equal('DATABASE_CORRUPT')
      expect((error as Error).message).to.contain('not a tradedesk SQLite database')
    }
  })
})
