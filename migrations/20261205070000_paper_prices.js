// Paper trading on other prices than the snapshot's.
//
// `brokers.prices`: the CCXT exchange id a paper broker takes its markets, prices and order books from
// (its public API, no keys); null for a paper broker on the offline snapshot, and for every other broker.
//
// `paper_prices`: the prices `paper set-price` gave a snapshot paper market, per broker: they replace
// the snapshot's for that broker until it is removed.
//
// `paper_orders.taker_or_maker`: how an order filled: `taker` when it took the book as it was placed,
// `maker` when it rested and a later price crossed it (null: older rows, which all filled as takers).

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('brokers', (t) => {
    t.string('prices', 64)
  })
  await knex.schema.alterTable('paper_orders', (t) => {
    t.string('taker_or_maker', 8)
  })
  await knex.schema.createTable('paper_prices', (t) => {
    t.integer('broker_id').notNullable()
    t.string('symbol', 64).notNullable()
    t.text('last').notNullable()
    t.text('bid').notNullable()
    t.text('ask').notNullable()
    t.string('updated_at', 32).notNullable()
    t.primary(['broker_id', 'symbol'])
  })
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('paper_prices')
  await knex.schema.alterTable('paper_orders', (t) => {
    t.dropColumn('taker_or_maker')
  })
  await knex.schema.alterTable('brokers', (t) => {
    t.dropColumn('prices')
  })
}
