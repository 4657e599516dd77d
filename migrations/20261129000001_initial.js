// The initial schema. Money, quantities and prices are TEXT: exact decimal strings, never floats.
// Timestamps are ISO 8601 UTC strings, which sort in time order on SQLite and PostgreSQL alike.

export async function up(knex) {
  await knex.schema.createTable('store_meta', (t) => {
    t.string('key', 64).primary()
    t.text('value').notNullable()
  })
  // One row that every write transaction touches first, so that on SQLite the write lock is taken
  // (waiting on the busy timeout) before anything is read.
  await knex('store_meta').insert({key: 'write_lock', value: '0'})

  await knex.schema.createTable('brokers', (t) => {
    t.increments('id').primary()
    t.string('profile', 64).notNullable()
    t.string('name', 64).notNullable()
    t.string('exchange', 64).notNullable()
    t.boolean('sandbox').notNullable().defaultTo(false)
    t.text('api_url')
    t.text('options')
    t.boolean('is_default').notNullable().defaultTo(false)
    t.string('created_at', 32).notNullable()
    t.unique(['profile', 'name'])
  })

  await knex.schema.createTable('trades', (t) => {
    t.increments('id').primary()
    t.string('profile', 64).notNullable()
    t.string('broker', 64).notNullable()
    t.string('trade_type', 16).notNullable().defaultTo('manual')
    t.string('symbol', 64).notNullable()
    t.string('side', 8).notNullable()
    t.string('order_type', 16).notNullable()
    t.text('quantity').notNullable()
    t.text('price')
    t.text('total_value')
    t.string('status', 16).notNullable()
    t.text('filled_quantity')
    t.text('filled_price')
    t.text('fees')
    t.string('fee_currency', 32)
    t.string('client_order_id', 64).notNullable().unique()
    t.string('exchange_order_id', 128)
    t.string('created_at', 32).notNullable()
    t.string('executed_at', 32)
    t.text('error_message')
    t.text('notes')
    t.string('updated_at', 32).notNullable()
    t.index(['profile', 'created_at'], 'idx_trades_profile_created')
    t.index(['profile', 'symbol', 'created_at'], 'idx_trades_profile_symbol')
    t.index(['profile', 'status'], 'idx_trades_profile_status')
  })

  await knex.schema.createTable('markets', (t) => {
    t.string('exchange_key', 255).primary()
    t.text('summary').notNullable()
    t.text('raw')
    t.bigInteger('fetched_at').notNullable()
  })

  await knex.schema.createTable('paper_balances', (t) => {
    t.integer('broker_id').notNullable()
    t.string('asset', 32).notNullable()
    t.text('free').notNullable()
    t.text('used').notNullable()
    t.primary(['broker_id', 'asset'])
  })

  await knex.schema.createTable('paper_orders', (t) => {
    t.increments('id').primary()
    t.integer('broker_id').notNullable()
    t.string('client_order_id', 64).notNullable()
    t.string('symbol', 64).notNullable()
    t.string('side', 8).notNullable()
    t.string('type', 16).notNullable()
    t.text('amount').notNullable()
    t.text('price')
    t.string('status', 16).notNullable()
    t.text('filled').notNullable()
    t.text('cost').notNullable()
    t.text('fee').notNullable()
    t.string('fee_currency', 32).notNullable()
    t.string('reserved_asset', 32)
    t.text('reserved_amount')
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    t.unique(['broker_id', 'client_order_id'])
    t.index(['broker_id', 'status'])
  })

  await knex.schema.createTable('paper_fills', (t) => {
    t.increments('id').primary()
    t.integer('order_id').notNullable()
    t.integer('broker_id').notNullable()
    t.text('price').notNullable()
    t.text('amount').notNullable()
    t.text('cost').notNullable()
    t.text('fee').notNullable()
    t.string('fee_currency', 32).notNullable()
    t.string('created_at', 32).notNullable()
    t.index(['order_id'])
  })
}

export async function down(knex) {
  for (const table of ['paper_fills', 'paper_orders', 'paper_balances', 'markets', 'trades', 'brokers', 'store_meta']) {
    await knex.schema.dropTableIfExists(table)
  }
}
