// The exchange library's market structures, one row per market instead of one blob per exchange:
// `price` restores only the market it asks about instead of parsing every market of the exchange.
// The markets cache is emptied (it refills itself on next use); `raw` becomes `currencies`.

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex('markets').delete()
  await knex.schema.alterTable('markets', (t) => {
    t.dropColumn('raw')
  })
  await knex.schema.alterTable('markets', (t) => {
    t.text('currencies')
  })
  await knex.schema.createTable('market_raw', (t) => {
    t.string('exchange_key', 255).notNullable()
    t.string('symbol', 100).notNullable()
    t.text('raw').notNullable()
    t.primary(['exchange_key', 'symbol'])
  })
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('market_raw')
  await knex('markets').delete()
  await knex.schema.alterTable('markets', (t) => {
    t.dropColumn('currencies')
  })
  await knex.schema.alterTable('markets', (t) => {
    t.text('raw')
  })
}
