// Fills are the source of truth for fees, realized P&L, open lots and tax exports: one row per
// execution, with the exchange's trade id (unique per broker), linked to the journal's trade row
// (`trade_row`) when tradedesk placed the order or imported it. Numbers are exact decimal TEXT.
// `quote_usd` is the quote's USD price at the fill (null: unpriced); `fee_usd` the fee's USD value.
//
// `import_cursors`: how far `journal import` has read a broker's trade history, per symbol (or `*`
// where the exchange serves every symbol at once): the newest trade time seen, in milliseconds.
//
// Orders already in the journal get one fill each from their totals (trade id `order:<client id>`),
// the same row tradedesk writes for an order whose answer lists no fills.
import Decimal from 'decimal.js'

const USD_STABLES = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'DAI', 'PAX'])
const D = Decimal.clone({precision: 80, toExpNeg: -100, toExpPos: 100})
const str = (d) => (d.isZero() ? '0' : d.toFixed())

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('fills', (t) => {
    t.increments('id').primary()
    t.string('profile', 64).notNullable()
    t.string('broker', 64).notNullable()
    t.string('trade_id', 128).notNullable()
    t.string('order_id', 128)
    t.integer('trade_row')
    t.string('symbol', 64).notNullable()
    t.string('side', 8).notNullable()
    t.text('amount').notNullable()
    t.text('price').notNullable()
    t.text('cost').notNullable()
    t.text('fee')
    t.string('fee_currency', 32)
    t.text('quote_usd')
    t.text('fee_usd')
    t.string('executed_at', 32).notNullable()
    t.string('source', 16).notNullable()
    t.string('created_at', 32).notNullable()
    t.unique(['profile', 'broker', 'trade_id'], {indexName: 'uq_fills_broker_trade'})
    t.index(['profile', 'executed_at'], 'idx_fills_profile_executed')
    t.index(['trade_row'], 'idx_fills_trade_row')
  })
  await knex.schema.createTable('import_cursors', (t) => {
    t.string('profile', 64).notNullable()
    t.string('broker', 64).notNullable()
    t.string('scope', 64).notNullable()
    t.bigInteger('since_ms').notNullable()
    t.string('updated_at', 32).notNullable()
    t.primary(['profile', 'broker', 'scope'])
  })

  const now = new Date().toISOString()
  const rows = await knex('trades')
    .whereNotNull('filled_price')
    .whereNotNull('filled_quantity')
    .whereIn('status', ['filled', 'open', 'cancelled', 'expired'])
    .select()
  for (const row of rows) {
    const amount = new D(row.filled_quantity)
    if (amount.isZero()) continue
    const [base, quote] = row.symbol.split('/')
    const price = new D(row.filled_price)
    const cost = row.filled_value ? new D(row.filled_value) : amount.mul(price)
    const rate = USD_STABLES.has(quote) ? new D(1) : row.quote_usd ? new D(row.quote_usd) : null
    const fee = row.fees ? new D(row.fees) : new D(0)
    let feeUsd = null
    if (fee.isZero()) feeUsd = new D(0)
    else if (USD_STABLES.has(row.fee_currency ?? '')) feeUsd = fee
    else if (rate && row.fee_currency === quote) feeUsd = fee.mul(rate)
    else if (rate && row.fee_currency === base) feeUsd = fee.mul(cost.div(amount)).mul(rate)
    await knex('fills').insert({
      profile: row.profile,
      broker: row.broker,
      trade_id: `order:${row.client_order_id}`,
      order_id: row.exchange_order_id,
      trade_row: row.id,
      symbol: row.symbol,
      side: row.side,
      amount: str(amount),
      price: str(price),
      cost: str(cost),
      fee: row.fees,
      fee_currency: row.fee_currency,
      quote_usd: rate ? str(rate) : null,
      fee_usd: feeUsd ? str(feeUsd) : null,
      executed_at: row.executed_at ?? row.created_at,
      source: 'tradedesk',
      created_at: now,
    })
  }
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('import_cursors')
  await knex.schema.dropTable('fills')
}
