import {Decimal} from './decimal.js'

/** Assets valued at exactly 1 USD: the USD stablecoins an exchange quotes in. */
export const USD_STABLES = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'DAI', 'PAX'])

export const isUsdStable = (asset: string) => USD_STABLES.has(asset.toUpperCase())

/** The markets that price an asset in USD, in order of preference. */
export const usdQuotes = ['USD', 'USDT', 'USDC']

/** Assets other assets are most often quoted in, tried when an asset has no USD market of its own. */
const BRIDGES = ['BTC', 'ETH', 'BNB']

/** One step of a route to USD: a market's last price, or its inverse (USDT/TRY prices TRY as 1/last). */
export interface UsdLeg {
  symbol: string
  inverse: boolean
}

/**
 * How an asset gets its USD price from the markets an exchange lists: nothing for a USD stable;
 * ASSET/USD(T/C); USD(T/C)/ASSET inverted (fiat such as TRY or BRL); else ASSET/BTC (or ETH, BNB)
 * times that bridge's own route. Null when no route exists.
 */
export function usdRoute(asset: string, symbols: Set<string>): UsdLeg[] | null {
  const direct = (a: string): UsdLeg[] | null => {
    if (isUsdStable(a)) return []
    for (const q of usdQuotes) if (symbols.has(`${a}/${q}`)) return [{symbol: `${a}/${q}`, inverse: false}]
    for (const q of usdQuotes) if (symbols.has(`${q}/${a}`)) return [{symbol: `${q}/${a}`, inverse: true}]
    return null
  }

  const route = direct(asset)
  if (route) return route
  for (const bridge of BRIDGES) {
    const rest = symbols.has(`${asset}/${bridge}`) ? direct(bridge) : null
    if (rest) return [{symbol: `${asset}/${bridge}`, inverse: false}, ...rest]
  }

  return null
}

/** The USD price along a route, from last prices; null when a leg has none. */
export function usdPriceAlong(route: UsdLeg[], last: (symbol: string) => Decimal | null): Decimal | null {
  let price = new Decimal(1)
  for (const leg of route) {
    const p = last(leg.symbol)
    if (p === null || p.isZero()) return null
    price = leg.inverse ? price.div(p) : price.mul(p)
  }

  return price
}
