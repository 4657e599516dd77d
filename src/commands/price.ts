import {pricesOf} from '../lib/brokers.js'
import {defineCommand, result} from '../lib/cli/spec.js'
import {usageError} from '../lib/errors.js'
import {findMarket} from '../lib/markets.js'
import {type PriceView, renderPrice} from '../lib/render/price.js'

export default defineCommand({
  summary: 'Last, bid, ask and 24 h change of one symbol.',
  examples: ['price BTC/USDT', 'price eth/usdt --json', 'price ETHBTC --broker binance'],
  flags: {},
  args: {
    symbol: {description: 'Market symbol, e.g. BTC/USDT.', required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    const market = findMarket(await gateway.markets(), args.symbol)
    if (!market)
      throw usageError(
        `unknown symbol ${args.symbol} on ${broker.name}: see \`tradedesk symbols --all --search ...\``,
        'UNKNOWN_SYMBOL',
      )
    const t = await gateway.fetchTicker(market.symbol)
    const data: PriceView = {
      broker: broker.name,
      symbol: market.symbol,
      last: t.last,
      bid: t.bid,
      ask: t.ask,
      change_24h_pct: t.changePct,
      timestamp: t.timestamp === null ? null : new Date(t.timestamp).toISOString(),
      prices: pricesOf(broker),
    }
    return result(data, (d, ui) => renderPrice(d, ui, gateway.prices))
  },
})
