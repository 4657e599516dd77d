import type {Broker} from './brokers.js'
import {Decimal, str} from './decimal.js'
import type {ExchangeGateway, Ticker} from './exchange/types.js'
import type {Fill} from './journal.js'
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
export async function buildPortfolio(gateway: ExchangeGateway, broker: Broker, fills: Fill[]): Promise<Portfolio> {
  const holdings = (await gateway.fetchBalance()).filter((b) => !new Decimal(b.total).isZero())
  const symbols = new Set((await gateway.markets()).map((m) => m.symbol))
  const routes = new Map(holdings.map((h) => [h.asset, usdRoute(h.asset, symbols)]))
  const needed = [...new Set([...routes.values()].flatMap((route) => (route ?? []).map((leg) => leg.symbol)))]
  const tickers = needed.length > 0 ? await gateway.fetchTickers(needed) : new Map<string, Ticker>()
  const basis = costBasis(fills)

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
      ...costOfHolding(p.asset, p.quantity, p.price, basis.get(p.asset)),
    })),
    unpriced,
  }
}

/**
 * Average cost and P&L of a holding from its basis in the journal. What the journal cannot account
 * for (a funded or deposited quantity, a fill whose quote had no USD price) has an unknown cost:
 * then the average and the P&L are unknown too, and that quantity is said. A holding smaller than
 * the journal's (sold or withdrawn elsewhere) keeps the same proportions.
 */
function costOfHolding(
  asset: string,
  held: Decimal,
  price: Decimal,
  basis: Basis | undefined,
): Pick<Position, 'avg_cost_usd' | 'unrealized_pnl_usd' | 'unknown_cost_quantity'> {
  if (isUsdStable(asset)) return {avg_cost_usd: null, unrealized_pnl_usd: null, unknown_cost_quantity: null}
  const b = basis ?? {quantity: new Decimal(0), cost: new Decimal(0), unknown: new Decimal(0)}
  const tracked = b.quantity.plus(b.unknown)
  const scale = tracked.gt(held) ? held.div(tracked) : new Decimal(1)
  const known = b.quantity.mul(scale)
  const unknown = held.minus(known)
  if (!unknown.isZero() || known.isZero())
    return {avg_cost_usd: null, unrealized_pnl_usd: null, unknown_cost_quantity: str(unknown)}
  const avg = b.cost.div(b.quantity)
  return {
    avg_cost_usd: str(avg.toSignificantDigits(AVG_DIGITS)),
    unrealized_pnl_usd: str(price.mul(held).minus(b.cost.mul(scale)).toDecimalPlaces(USD_DP)),
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

interface Basis {
  /** quantity whose cost is known, and that cost in USD */
  quantity: Decimal
  cost: Decimal
  /** quantity the journal bought at a cost it cannot say in USD */
  unknown: Decimal
}

/**
 * Cost per asset from the journal's fills, in USD at the quote's price when each order was placed
 * (1 for USD stables): a buy adds what it received (less a fee taken in the asset) at its cost (plus
 * a fee taken in the quote); a sell takes out its share of the known and the unknown at the running
 * average. A buy whose quote had no USD price adds to the unknown.
 */
export function costBasis(fills: Fill[]): Map<string, Basis> {
  const basis = new Map<string, Basis>()
  for (const t of fills) {
    const [base, quote] = t.symbol.split('/')
    if (!quote || !t.filled_quantity || !t.filled_price) continue
    const qty = new Decimal(t.filled_quantity)
    if (qty.isZero()) continue
    const b = basis.get(base) ?? {quantity: new Decimal(0), cost: new Decimal(0), unknown: new Decimal(0)}
    const fee = t.fees ? new Decimal(t.fees) : new Decimal(0)
    if (t.side === 'buy') {
      const received = t.fee_currency === base ? qty.minus(fee) : qty
      const rate = isUsdStable(quote) ? new Decimal(1) : t.quote_usd ? new Decimal(t.quote_usd) : null
      if (rate === null) {
        b.unknown = b.unknown.plus(received)
      } else {
        const value = new Decimal(t.filled_value ?? qty.mul(t.filled_price))
        b.quantity = b.quantity.plus(received)
        b.cost = b.cost.plus(value.plus(t.fee_currency === quote ? fee : 0).mul(rate))
      }
    } else {
      const held = b.quantity.plus(b.unknown)
      if (held.gt(0)) {
        const share = Decimal.min(qty, held).div(held)
        b.cost = b.cost.minus(b.cost.mul(share))
        b.quantity = b.quantity.minus(b.quantity.mul(share))
        b.unknown = b.unknown.minus(b.unknown.mul(share))
      }
    }

    basis.set(base, b)
  }

  return basis
}
