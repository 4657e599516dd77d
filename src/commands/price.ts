import {defineCommand, result} from '../lib/cli/spec.js'
import {renderPrice, renderPrices} from '../lib/render/price.js'

export default defineCommand({
  summary: 'Last, bid, ask and 24 h change of one symbol, or of several in one request.',
  examples: [
    'price BTC/USDT',
    'price eth/usdt --json',
    'price ETHBTC --broker binance',
    'price BTC/USDT ETH/USDT SOL/USDT',
  ],
  flags: {},
  args: {
    symbol: {
      description: 'Market symbol, e.g. BTC/USDT; more than one asks for them all in one request.',
      required: true,
      multiple: true,
    },
  },
  fast: true,
  async run({args, flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    const gateway = await session.gateway(broker)
    // loaded here, not with the declaration: the gateway's shortcut answers price without it
    const {priceViews} = await import('../lib/prices.js')
    const prices = await priceViews(gateway, broker, args.symbol)
    if (prices.length === 1) return result(prices[0], (d, ui) => renderPrice(d, ui, gateway.prices))
    return result({broker: broker.name, prices}, (d, ui) => renderPrices(d.prices, ui, gateway.prices))
  },
})
