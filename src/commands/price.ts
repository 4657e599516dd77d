import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
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

export default class Price extends BaseCommand<typeof Price> {
  static override summary = 'Last, bid, ask and 24 h change of one symbol.'
  static override examples = ['<%= config.bin %> price BTC/USDT', '<%= config.bin %> price eth/usdt --json', '<%= config.bin %> price ETHBTC --broker binance']
  static override args = {
    symbol: Args.string({description: 'Market symbol, e.g. BTC/USDT.', required: true}),
  }

  async execute(): Promise<Result<PriceView>> {
    const session = await this.session()
    const broker = await session.broker(this.flags.broker)
    const gateway = await session.gateway(broker)
    const market = findMarket(await gateway.markets(), this.args.symbol)
    if (!market) throw usageError(`unknown symbol ${this.args.symbol} on ${broker.name}: see \`tradedesk symbols --all --search ...\``, 'UNKNOWN_SYMBOL')
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
          ['as of', d.timestamp],
        ]),
    }
  }
}
