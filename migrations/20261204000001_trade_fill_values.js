// What was executed, beside what was asked: `filled_value` is the exact sum of fill quantity x price.
// Rows recorded before it get filled_quantity x filled_price (the average), exact for one fill.
// `quote_usd`: the USD price of the order's quote when it was placed (1 for USD stables), so that a
// fill in BTC or TRY has a cost in USD; unknown (null) for rows recorded before it.
import Decimal from 'decimal.js'

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('trades', (t) => {
    t.text('filled_value')
    t.text('quote_usd')
  })
  const rows = await knex('trades')
    .whereNotNull('filled_price')
    .whereNotNull('filled_quantity')
    .select('id', 'filled_quantity', 'filled_price')
  const D = Decimal.clone({precision: 80, toExpNeg: -100, toExpPos: 100})
  for (const row of rows) {
    const value = new D(row.filled_quantity).mul(row.filled_price)
    await knex('trades')
      .where({id: row.id})
      .update({filled_value: value.isZero() ? '0' : value.toFixed()})
  }
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('trades', (t) => {
    t.dropColumn('filled_value')
    t.dropColumn('quote_usd')
  })
}
