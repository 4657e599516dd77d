import type {Broker} from './brokers.js'
import {Decimal, str} from './decimal.js'
import type {ExchangeGateway, Market, Ticker} from './exchange/types.js'
import type {TradeRecord} from './journal.js'
import {isUsdStable, usdQuotes} from './usd.js'

export interface Position {
  asset: string
  quantity: string
  price_usd: string
  value_usd: string
  allocation_pct: string
  avg_cost_usd: string | null
  unrealized_pnl_usd: string | null
}

export interface Portfolio {
  broker: string
  total_value_usd: string
  positions: Position[]
  unpriced: {asset: string; quantity: string}[]
}

const USD_DP = 8

/**
 * Values every holding in USD: stablecoins at 1, others through ASSET/USDT, then ASSET/USDC, then
 * ASSET/BTC times BTC's USD price. All prices come from one tickers request, whatever the number
 * of assets. Assets with no price are listed apart, never dropped.
 */
export async function buildPortfolio(gateway: ExchangeGateway, broker: Broker, fills: TradeRecord[]): Promise<Portfolio> {
  const holdings = (await gateway.fetchBalance()).filter((b) => !new Decimal(b.total).isZero())
  const markets = await gateway.markets()
  const bySymbol = new Map(markets.map((m) => [m.symbol, m]))
  const routes = new Map(holdings.map((h) => [h.asset, priceRoute(h.asset, bySymbol)]))
  const needed = [...new Set([...routes.values()].flat())]
  const tickers = needed.length > 0 ? await gateway.fetchTickers(needed) : new Map<string, Ticker>()
  const basis = costBasis(fills)

  const priced: {asset: string; quantity: Decimal; price: Decimal; value: Decimal}[] = []
  const unpriced: Portfolio['unpriced'] = []
  for (const h of holdings) {
    const price = usdPrice(h.asset, routes.get(h.asset)!, tickers)
    if (price === null) unpriced.push({asset: h.asset, quantity: h.total})
    else priced.push({asset: h.asset, quantity: new Decimal(h.total), price, value: new Decimal(h.total).mul(price)})
  }

  const total = priced.reduce((sum, p) => sum.plus(p.value), new Decimal(0))
  priced.sort((a, b) => b.value.cmp(a.value) || a.asset.localeCompare(b.asset))
  return {
    broker: broker.name,
    total_value_usd: str(total),
    positions: priced.map((p) => {
      const b = basis.get(p.asset)
      const avg = b && b.quantity.gt(0) ? b.cost.div(b.quantity) : null
      const tracked = b ? Decimal.min(p.quantity, b.quantity) : null
      return {
        asset: p.asset,
        quantity: str(p.quantity),
        price_usd: str(p.price),
        value_usd: str(p.value),
        allocation_pct: total.isZero() ? '0' : str(p.value.div(total).mul(100).toDecimalPlaces(2)),
        avg_cost_usd: avg ? str(avg.toDecimalPlaces(USD_DP)) : null,
        unrealized_pnl_usd: avg && tracked ? str(p.price.minus(avg).mul(tracked).toDecimalPlaces(USD_DP)) : null,
      }
    }),
    unpriced,
  }
}

/** The tickers that give an asset its USD price, in order of preference. */
function priceRoute(asset: string, markets: Map<string, Market>): string[] {
  if (isUsdStable(asset)) return []
  for (const q of usdQuotes) if (markets.has(`${asset}/${q}`)) return [`${asset}/${q}`]
  if (markets.has(`${asset}/BTC`)) return [`${asset}/BTC`, ...usdQuotes.map((q) => `BTC/${q}`).filter((s) => markets.has(s))]
  return []
}

function usdPrice(asset: string, route: string[], tickers: Map<string, Ticker>): Decimal | null {
  if (isUsdStable(asset)) return new Decimal(1)
  const last = (symbol: string) => {
    const t = tickers.get(symbol)
    return t?.last ? new Decimal(t.last) : null
  }

  if (route.length === 1) return last(route[0])
  if (route.length > 1) {
    const inBtc = last(route[0])
    const btc = route.slice(1).map(last).find((p) => p !== null) ?? null
    return inBtc && btc ? inBtc.mul(btc) : null
  }

  return null
}

/**
 * Average cost per asset from the journal's fills quoted in a USD stablecoin: buys add their cost
 * (fees included), sells take out their share of the cost at the running average.
 */
export function costBasis(fills: TradeRecord[]): Map<string, {quantity: Decimal; cost: Decimal}> {
  const basis = new Map<string, {quantity: Decimal; cost: Decimal}>()
  for (const t of fills) {
    const [base, quote] = t.symbol.split('/')
    if (!quote || !isUsdStable(quote) || !t.filled_quantity || !t.filled_price) continue
    const qty = new Decimal(t.filled_quantity)
    if (qty.isZero()) continue
    const b = basis.get(base) ?? {quantity: new Decimal(0), cost: new Decimal(0)}
    if (t.side === 'buy') {
      const fee = t.fees && t.fee_currency === quote ? new Decimal(t.fees) : new Decimal(0)
      b.quantity = b.quantity.plus(qty)
      b.cost = b.cost.plus(t.filled_value ?? qty.mul(t.filled_price)).plus(fee)
    } else if (b.quantity.gt(0)) {
      const sold = Decimal.min(qty, b.quantity)
      b.cost = b.cost.minus(b.cost.mul(sold).div(b.quantity))
      b.quantity = b.quantity.minus(sold)
    }

    basis.set(base, b)
  }

  return basis
}
