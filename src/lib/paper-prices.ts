import {type Broker, PAPER} from './brokers.js'
import {parsePlainDecimal} from './decimal.js'
import {usageError} from './errors.js'
import {PaperExchange} from './exchange/paper.js'
import type {TradeRecord} from './journal.js'
import {marketNamed} from './markets.js'
import type {Session} from './session.js'

/** A snapshot paper market's new price, and the journal's orders the move filled. */
export interface MovedPrice {
  broker: string
  symbol: string
  last: string
  bid: string
  ask: string
  filled: TradeRecord[]
}

/**
 * Moves a snapshot paper market's price for one broker (`paper set-price`): last = price, bid and ask
 * one tick around it. The resting orders it crosses fill on the paper exchange, and their journal rows
 * record the fills at once. Refused (exit 2) for a broker that is not paper, or trades on live prices.
 */
export async function movePaperPrice(
  session: Session,
  broker: Broker,
  symbol: string,
  priceText: string,
): Promise<MovedPrice> {
  if (broker.exchange !== PAPER) {
    throw usageError(
      `broker ${broker.name} is a ${broker.exchange} account, not paper: only a paper market's price can be set`,
      'NOT_PAPER',
    )
  }

  if (broker.prices) {
    throw usageError(
      `paper broker ${broker.name} trades on live ${broker.prices} prices, which only the exchange moves: paper set-price moves a snapshot paper market`,
      'PRICES_LIVE',
    )
  }

  const price = parsePlainDecimal(priceText)
  if (price === null)
    throw usageError(`PRICE must be a plain positive decimal like 27000.5 (got "${priceText}")`, 'BAD_NUMBER')
  const gateway = await session.gateway(broker)
  if (!(gateway instanceof PaperExchange)) throw new Error(`broker ${broker.name} has no paper exchange`)
  const market = marketNamed(await gateway.markets(), symbol, broker.name)

  const {ticker, filled} = await gateway.setPrice(market.symbol, price)
  const ids = filled.map((o) => o.clientOrderId).filter((id): id is string => id !== null)
  const rows = new Map((await session.journal.byClientOrderIds(broker.name, ids)).map((t) => [t.client_order_id, t]))
  const records: TradeRecord[] = []
  for (const order of filled) {
    const row = order.clientOrderId ? rows.get(order.clientOrderId) : undefined
    if (row) records.push(await session.journal.recordOrder(row.id, order))
  }

  return {
    broker: broker.name,
    symbol: market.symbol,
    last: ticker.last ?? '',
    bid: ticker.bid ?? '',
    ask: ticker.ask ?? '',
    filled: records,
  }
}
