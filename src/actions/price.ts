import {type Result, defineAction} from '../lib/cli/spec.js'
import {usageError} from '../lib/errors.js'
import {findMarket} from '../lib/markets.js'

interface PriceView {
  broker: string
  symbol: string
  last: string | null
  bid: string | null
  ask: string | null
  change_24h_pct: string | null
  timestamp: string | null
}

export const price = defineAction({
  flags: {},
  args: {
    symbol: {description: 'Market symbol, e.g. BTC/USDT.', required: true},
  },
  async run({args, flags, session: open}): Promise<Result<PriceView>> {
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
    return {
      data: {
        broker: broker.name,
        symbol: market.symbol,
        last: t.last,
        bid: t.bid,
        ask: t.ask,
        change_24h_pct: t.changePct,
        timestamp: t.timestamp === null ? null : new Date(t.timestamp).toISOString(),
      },
      human: (d, ui) =>
        ui.pairs([
          ['symbol', d.symbol],
          ['last', ui.bold(d.last ?? '-')],
          ['bid', d.bid],
          ['ask', d.ask],
          ['24h change', d.change_24h_pct === null ? null : `${ui.signed(d.change_24h_pct)} %`],
          ['as of', ui.time(d.timestamp)],
          ['prices', gateway.prices],
        ]),
    }
  },
})
