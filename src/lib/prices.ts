import {type Broker, pricesOf} from './brokers.js'
import type {ExchangeGateway, Ticker} from './exchange/types.js'
import {marketNamed} from './markets.js'
import type {PriceView} from './render/price.js'

/**
 * The prices of the symbols asked for, in the order asked: every symbol is checked against the
 * broker's markets before any request (an unknown one is a usage error, exit 2); one symbol is one
 * ticker request, several are one batch request (fetchTickers) where the exchange has one.
 */
export async function priceViews(
  gateway: ExchangeGateway,
  broker: Pick<Broker, 'name' | 'exchange' | 'prices'>,
  asked: string[],
): Promise<PriceView[]> {
  const markets = await gateway.markets()
  const symbols = asked.map((text) => marketNamed(markets, text, broker.name).symbol)

  if (symbols.length === 1) return [priceView(broker, symbols[0], await gateway.fetchTicker(symbols[0]))]
  const tickers = await gateway.fetchTickers([...new Set(symbols)])
  return symbols.map((symbol) => priceView(broker, symbol, tickers.get(symbol)))
}

function priceView(
  broker: Pick<Broker, 'name' | 'exchange' | 'prices'>,
  symbol: string,
  t: Ticker | undefined,
): PriceView {
  return {
    broker: broker.name,
    symbol,
    last: t?.last ?? null,
    bid: t?.bid ?? null,
    ask: t?.ask ?? null,
    change_24h_pct: t?.changePct ?? null,
    timestamp: t?.timestamp === null || t?.timestamp === undefined ? null : new Date(t.timestamp).toISOString(),
    prices: pricesOf(broker),
  }
}
