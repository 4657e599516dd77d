// Every cached market one row apiece (symbol, quote, tradable or not), beside the exchange's summary:
// `symbols` lists and searches them in SQL instead of parsing the whole summary (1.2 MB for the paper
// snapshot). A row belongs to the download whose fetched_at it carries, so rows that another version
// of tradedesk left behind a newer download are never read. Filled here from the summaries already
// cached, so that a warm cache stays warm.

const CHUNK = 200

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('market_symbols', (t) => {
    t.string('exchange_key', 255).notNullable()
    t.bigInteger('fetched_at').notNullable()
    t.text('symbol').notNullable()
    t.text('quote')
    t.boolean('active').notNullable()
    t.index(['exchange_key', 'quote'], 'idx_market_symbols_key_quote')
  })
  for (const {exchange_key, fetched_at, summary} of await knex('markets').select(
    'exchange_key',
    'fetched_at',
    'summary',
  )) {
    const rows = JSON.parse(summary).map((m) => ({
      exchange_key,
      fetched_at,
      symbol: m.symbol,
      quote: m.quote ?? null,
      active: Boolean(m.active),
    }))
    for (let i = 0; i < rows.length; i += CHUNK) await knex('market_symbols').insert(rows.slice(i, i + CHUNK))
  }
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('market_symbols')
}
