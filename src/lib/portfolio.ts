import type {Broker} from './brokers.js'
import {Decimal, str} from './decimal.js'
import type {ExchangeGateway, Ticker} from './exchange/types.js'
import type {FillRecord} from './fills.js'
import {type CostMethod, type OpenPosition, openPositions} from './lots.js'
import {isUsdStable, usdPriceAlong, usdRoute} from './usd.js'

export interface Position {
  asset: string
  quantity: string
  price_usd: string
  value_usd: string
  allocation_pct: string
  /** null when any part of the holding has no known cost (see unknown_cost_quantity) */
  avg_cost_usd: string | null
  unrealized_pnl_usd: string | null
  /** how much of the holding has no known cost (funded, deposited or bought before the journal); null for USD stables */
  unknown_cost_quantity: string | null
}

export interface Portfolio {
  broker: string
  total_value_usd: string
  positions: Position[]
  unpriced: {asset: string; quantity: string}[]
}

const USD_DP = 8
/** An average cost keeps its significant digits, however cheap the coin. */
const AVG_DIGITS = 16

/**
 * Values every holding in USD along its route (stablecoins at 1, ASSET/USD(T/C), USDT/ASSET
 * inverted, or through BTC, ETH or BNB: see usdRoute). All prices come from one tickers request,
 * whatever the number of assets. Assets with no price are listed apart, never dropped. Average cost
 * and P&L cover the whole holding, or are unknown with the quantity whose cost is unknown.
 */
export async function buildPortfolio(
  gateway: ExchangeGateway,
  broker: Broker,
  fills: FillRecord[],
  method: CostMethod = 'fifo',
): Promise<Portfolio> {
  const holdings = (await gateway.fetchBalance()).filter((b) => !new Decimal(b.total).isZero())
  const symbols = new Set((await gateway.markets()).map((m) => m.symbol))
  const routes = new Map(holdings.map((h) => [h.asset, usdRoute(h.asset, symbols)]))
  const needed = [...new Set([...routes.values()].flatMap((route) => (route ?? []).map((leg) => leg.symbol)))]
  const tickers = needed.length > 0 ? await gateway.fetchTickers(needed) : new Map<string, Ticker>()
  const lots = openPositions(fills, method)

  const priced: {asset: string; quantity: Decimal; price: Decimal; value: Decimal}[] = []
  const unpriced: Portfolio['unpriced'] = []
  for (const h of holdings) {
    const route = routes.get(h.asset)
    const price = route
      ? usdPriceAlong(route, (symbol) => {
          const last = tickers.get(symbol)?.last
          return last ? new Decimal(last) : null
        })
      : null
    if (price === null) unpriced.push({asset: h.asset, quantity: h.total})
    else priced.push({asset: h.asset, quantity: new Decimal(h.total), price, value: new Decimal(h.total).mul(price)})
  }

  const total = priced.reduce((sum, p) => sum.plus(p.value), new Decimal(0))
  priced.sort((a, b) => b.value.cmp(a.value) || a.asset.localeCompare(b.asset))
  const allocations = allocate(
    priced.map((p) => p.value),
    total,
  )
  return {
    broker: broker.name,
    total_value_usd: str(total),
    positions: priced.map((p, i) => ({
      asset: p.asset,
      quantity: str(p.quantity),
      price_usd: str(p.price),
      value_usd: str(p.value),
      allocation_pct: str(allocations[i]),
      ...costOfHolding(p.asset, p.quantity, p.price, lots.get(p.asset)),
    })),
    unpriced,
  }
}

/**
 * Average cost and P&L of a holding from its open lots (the journal's fills, imported ones included,
 * under the chosen method). What the lots cannot account for (a funded or deposited quantity, a
 * fill with no USD price) has an unknown cost: then the average and the P&L are unknown too, and
 * that quantity is said. A holding smaller than its lots (sold or withdrawn elsewhere) keeps their
 * proportions.
 */
function costOfHolding(
  asset: string,
  held: Decimal,
  price: Decimal,
  lots: OpenPosition | undefined,
): Pick<Position, 'avg_cost_usd' | 'unrealized_pnl_usd' | 'unknown_cost_quantity'> {
  if (isUsdStable(asset)) return {avg_cost_usd: null, unrealized_pnl_usd: null, unknown_cost_quantity: null}
  const tracked = new Decimal(lots?.quantity ?? 0)
  const knownQuantity = new Decimal(lots?.known_quantity ?? 0)
  const knownCost = new Decimal(lots?.known_cost_usd ?? 0)
  const scale = tracked.gt(held) ? held.div(tracked) : new Decimal(1)
  const known = knownQuantity.mul(scale)
  const unknown = held.minus(known)
  if (!unknown.isZero() || known.isZero())
    return {avg_cost_usd: null, unrealized_pnl_usd: null, unknown_cost_quantity: str(unknown)}
  return {
    avg_cost_usd: str(knownCost.div(knownQuantity).toSignificantDigits(AVG_DIGITS)),
    unrealized_pnl_usd: str(price.mul(held).minus(knownCost.mul(scale)).toDecimalPlaces(USD_DP)),
    unknown_cost_quantity: '0',
  }
}

/** Allocations in percent to 2 decimals that add up to exactly 100: the largest remainders get the last cents. */
function allocate(values: Decimal[], total: Decimal): Decimal[] {
  if (total.isZero()) return values.map(() => new Decimal(0))
  const exact = values.map((v) => v.div(total).mul(100))
  const floored = exact.map((e) => e.toDecimalPlaces(2, Decimal.ROUND_DOWN))
  let left = new Decimal(100)
    .minus(floored.reduce((sum, f) => sum.plus(f), new Decimal(0)))
    .mul(100)
    .round()
    .toNumber()
  const order = exact.map((e, i) => ({i, rest: e.minus(floored[i])})).sort((a, b) => b.rest.cmp(a.rest) || a.i - b.i)
  for (const {i} of order) {
    if (left <= 0) break
    floored[i] = floored[i].plus('0.01')
    left -= 1
  }

  return floored
}
