/**
 * The JSON answers of paper trading on live prices and of `paper set-price` (issue 15), as the
 * commands print them: the SPEC's shapes (test/support/json.ts) plus the `prices` key that says which
 * market a paper broker trades on (null on other brokers).
 */
import type {BalanceJson, BrokerJson, PortfolioJson, PriceJson, TradeJson} from './json.js'

export type PricedBrokerJson = BrokerJson & {prices: string | null}
export interface PricedBrokerListJson {
  brokers: PricedBrokerJson[]
}
export type PricedBalanceJson = BalanceJson & {prices: string | null}
export type PricedPriceJson = PriceJson & {prices: string | null}
export type PricedPortfolioJson = PortfolioJson & {prices: string | null}

/** `paper set-price SYMBOL PRICE --json` */
export interface SetPriceJson {
  broker: string
  symbol: string
  last: string
  bid: string
  ask: string
  /** the journal's orders the move filled */
  filled: TradeJson[]
}
