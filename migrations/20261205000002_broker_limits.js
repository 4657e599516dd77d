// Guardrails per broker (`broker limits NAME`), kept on the broker's own row, so that they belong to
// one profile and one broker as the broker does, and go with it when it is removed. Each is null when
// unset. Money and percentages are exact decimal TEXT; `limit_symbols` is the JSON array of the
// unified symbols allowed.

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('brokers', (t) => {
    t.text('limit_max_order_usd')
    t.text('limit_daily_usd')
    t.text('limit_symbols')
    t.text('limit_max_deviation_pct')
  })
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('brokers', (t) => {
    t.dropColumn('limit_max_order_usd')
    t.dropColumn('limit_daily_usd')
    t.dropColumn('limit_symbols')
    t.dropColumn('limit_max_deviation_pct')
  })
}
