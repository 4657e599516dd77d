import type {Side} from './exchange/types.js'

/**
 * One execution in the journal's fills table: the source of truth for fees, realized P&L, open lots
 * and tax exports. Every number is an exact decimal string.
 */
export interface FillRecord {
  /** row id */
  id: number
  broker: string
  /** the exchange's trade id, unique per broker; `order:<client order id>` for an order whose fills the exchange did not list */
  trade_id: string
  /** the exchange's order id, when known */
  order_id: string | null
  /** the journal's trade row the fill belongs to (tradedesk's own order, or the `external` row of an imported order) */
  trade_row: number | null
  symbol: string
  side: Side
  /** base quantity executed */
  amount: string
  price: string
  /** quote exchanged (amount x price as the exchange states it) */
  cost: string
  fee: string | null
  fee_currency: string | null
  /** the quote's USD price at the fill (1 for a USD stable); null when unknown: the fill is unpriced */
  quote_usd: string | null
  /** the fee's USD value ('0' when no fee); null when the fee has no known USD value */
  fee_usd: string | null
  /** ISO 8601 UTC */
  executed_at: string
  /** `tradedesk`: recorded as tradedesk's own order settled; `import`: brought in by journal import */
  source: 'tradedesk' | 'import'
}
