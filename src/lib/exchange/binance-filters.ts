import {type Decimal, optStr} from '../decimal.js'
import type {Market} from './types.js'

interface BinanceFilter {
  filterType: string
  [key: string]: unknown
}

/** A positive limit or step from a Binance filter; Binance writes "0" for "none". */
export function positive(value: unknown): string | null {
  const s = optStr(value as string | undefined)
  return s === null || s === '0' ? null : s
}

/**
 * The rules of Binance's filters that CCXT's unified market leaves out: whether the notional limits
 * apply to market orders (NOTIONAL applyMinToMarket / applyMaxToMarket), and how far a limit price
 * may be from the average price, per side (PERCENT_PRICE_BY_SIDE, or PERCENT_PRICE for both).
 */
export function binanceRules(
  filters: unknown,
): Pick<Market, 'minCostAppliesToMarket' | 'maxCostAppliesToMarket' | 'percentPrice'> {
  const list = Array.isArray(filters) ? (filters as BinanceFilter[]) : []
  const filter = (type: string) => list.find((f) => f.filterType === type)
  const notional = filter('NOTIONAL')
  const minNotional = filter('MIN_NOTIONAL')
  const bySide = filter('PERCENT_PRICE_BY_SIDE')
  const both = filter('PERCENT_PRICE')
  return {
    minCostAppliesToMarket: notional
      ? notional.applyMinToMarket !== false
      : minNotional
        ? minNotional.applyToMarket !== false
        : true,
    maxCostAppliesToMarket: notional ? notional.applyMaxToMarket === true : false,
    percentPrice: bySide
      ? {
          bidUp: positive(bySide.bidMultiplierUp),
          bidDown: positive(bySide.bidMultiplierDown),
          askUp: positive(bySide.askMultiplierUp),
          askDown: positive(bySide.askMultiplierDown),
        }
      : both
        ? {
            bidUp: positive(both.multiplierUp),
            bidDown: positive(both.multiplierDown),
            askUp: positive(both.multiplierUp),
            askDown: positive(both.multiplierDown),
          }
        : null,
  }
}

/**
 * The band a limit price must be in, from the average price and the market's multipliers for the
 * order's side; null where the market has none.
 */
export function priceBand(
  market: Market,
  side: 'buy' | 'sell',
  average: Decimal,
): {min: Decimal | null; max: Decimal | null} | null {
  const band = market.percentPrice
  if (!band) return null
  const [up, down] = side === 'buy' ? [band.bidUp, band.bidDown] : [band.askUp, band.askDown]
  return {min: down ? average.mul(down) : null, max: up ? average.mul(up) : null}
}
