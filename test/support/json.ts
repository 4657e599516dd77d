/**
 * The SPEC's JSON answers, as the tests read them. Written from SPEC.md, not from src: a test casts
 * what a command printed to one of these to read it, and asserts its shape itself (the key sets and
 * expect* checks of e2e.ts), so a type here never stands in for a check.
 */

export interface TradeJson {
  id: number
  broker: string
  trade_type: string
  symbol: string
  side: 'buy' | 'sell'
  order_type: 'market' | 'limit'
  quantity: string
  price: string | null
  total_value: string | null
  status: string
  filled_quantity: string | null
  filled_price: string | null
  filled_value: string | null
  fees: string | null
  fee_currency: string | null
  client_order_id: string
  exchange_order_id: string | null
  created_at: string
  executed_at: string | null
  error_message: string | null
  notes: string | null
}

export interface HistoryJson {
  trades: TradeJson[]
}

export interface BalanceRowJson {
  asset: string
  free: string
  used: string
  total: string
}

export interface BalanceJson {
  broker: string
  exchange: string
  balances: BalanceRowJson[]
}

export interface PositionJson {
  asset: string
  quantity: string
  price_usd: string | null
  value_usd: string | null
  allocation_pct: string
  avg_cost_usd: string | null
  unrealized_pnl_usd: string | null
  unknown_cost_quantity: string | null
}

export interface PortfolioJson {
  broker: string
  total_value_usd: string
  positions: PositionJson[]
  unpriced: {asset: string; quantity: string}[]
}

export interface SymbolsJson {
  broker: string
  symbols: string[]
  total: number
  inactive: number
  page: number
  page_size: number
  has_next: boolean
}

export interface PriceJson {
  broker: string
  symbol: string
  last: string | null
  bid: string | null
  ask: string | null
  change_24h_pct: string | null
  timestamp: string | null
}

export interface ValidationJson {
  valid: boolean
  errors: {code: string; message: string}[]
  warnings: string[]
  order: {
    broker: string
    symbol: string
    side: string
    order_type: string
    quantity: string | null
    price: string | null
    total_value: string | null
    estimated_fee: string | null
    fee_currency: string | null
  }
  balance: {asset: string | null; free: string | null; required: string | null}
}

export interface BrokerJson {
  name: string
  exchange: string
  sandbox: boolean
  default: boolean
  /** which market a paper broker trades on ('snapshot 2023-03-21', 'live: binance'); null for the others (SPEC additions, issue 15) */
  prices: string | null
}

export interface CredentialJson {
  key: string
  env: string
  present: boolean
}

export interface BrokerAddJson extends BrokerJson {
  credentials: CredentialJson[]
}

export interface BrokerListJson {
  brokers: BrokerJson[]
}

export interface BrokerTestJson {
  broker: string
  exchange: string
  ok: boolean
  assets: number
  credentials: CredentialJson[]
}

export interface OrderListJson {
  orders: (Omit<TradeJson, 'id' | 'client_order_id'> & {id: number | null; client_order_id: string | null})[]
}

export interface SyncJson {
  checked: number
  changed: TradeJson[]
  left: {id: number; status: string; reason: string}[]
}

export type ExchangeInfoJson = {
  exchange: string
  name: string
  rate_limit: number | null
  raw_has?: Record<string, unknown>
} & Record<string, unknown>

export interface ErrorJson {
  error: {
    code: string
    message: string
    exit_code: number
    retryable: boolean
    errors?: {code: string; message: string}[]
  }
  errors?: {code: string; message: string}[]
}

/** broker remove: the broker view of what was removed. */
export interface BrokerRemoveJson {
  removed: BrokerJson
}

/** exchange-info --list: every exchange id CCXT supports. */
export interface ExchangeListJson {
  exchanges: string[]
}

/** `journal import` (SPEC additions) */
export interface ImportJson {
  imported: number
  skipped: number
  symbols_scanned: number
  since: string | null
}

/** One asset of `pnl` (SPEC additions) */
export interface PnlAssetJson {
  asset: string
  quantity_sold: string
  proceeds_usd: string
  cost_usd: string
  fees_usd: string
  realized_pnl_usd: string
  unmatched_quantity: string
}

/** `pnl` (SPEC additions) */
export interface PnlJson {
  method: 'fifo' | 'average'
  currency: 'USD'
  assets: PnlAssetJson[]
  total_realized_pnl_usd: string
  unpriced: {asset: string; quantity: string}[]
}
