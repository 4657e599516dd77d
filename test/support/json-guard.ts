/** The JSON answers of the guardrails (`broker limits`), as the SPEC's Additions table names them. */
import type {BrokerJson} from './json.js'

/** A broker's limits: null where unset; decimals as strings; symbols unified (BTC/USDT). */
export interface LimitsViewJson {
  max_order_usd: string | null
  daily_usd: string | null
  symbols: string[] | null
  max_deviation_pct: string | null
}

/** `broker limits NAME --json` */
export interface LimitsJson {
  broker: string
  limits: LimitsViewJson
}

/** `broker list --json`: each broker with its limits */
export interface BrokerListWithLimitsJson {
  brokers: (BrokerJson & {limits: LimitsViewJson})[]
}

export const NO_LIMITS_JSON: LimitsViewJson = {
  max_order_usd: null,
  daily_usd: null,
  symbols: null,
  max_deviation_pct: null,
}
