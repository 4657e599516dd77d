import {defineCommand, result} from '../../lib/cli/spec.js'
import {movePaperPrice} from '../../lib/paper-prices.js'
import {renderMovedPrice} from '../../lib/render/price.js'

export default defineCommand({
  summary: "Move a snapshot paper market's price; the resting orders it crosses fill.",
  description:
    "Sets last to PRICE, and bid and ask one tick (the market's price precision) below and above it, for this paper broker only, until the broker is removed. A resting buy fills when the ask comes down to its limit, a sell when the bid comes up to it, at the limit price, with the maker fee. For rehearsing offline: a paper broker on live prices (--prices) refuses it.",
  examples: ['paper set-price BTC/USDT 26500', 'paper set-price ETH/USDT 1700.5 --broker practice --json'],
  flags: {},
  args: {
    symbol: {description: 'Market symbol, e.g. BTC/USDT.', required: true},
    price: {description: "The new last price, on the market's tick.", required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const session = await open()
    const broker = await session.broker(flags.broker)
    return result(await movePaperPrice(session, broker, args.symbol, args.price), renderMovedPrice)
  },
})
