import {exchangeInfo} from '../lib/capabilities.js'
import {defineCommand, result} from '../lib/cli/spec.js'
import {renderExchangeInfo, renderExchangeList} from '../lib/render/exchange-info.js'

export default defineCommand({
  summary: "What an exchange can do, from CCXT's `has` (no keys or network needed).",
  examples: [
    'exchange-info binance',
    'exchange-info kraken --raw --json',
    'exchange-info --list',
    "exchange-info            # the broker's exchange",
  ],
  flags: {
    raw: {type: 'boolean', description: "Add CCXT's raw `has` map."},
    list: {type: 'boolean', description: 'List every exchange id CCXT supports.'},
  },
  args: {
    exchange: {description: "A CCXT exchange id, or paper (default: the broker's exchange)."},
  },
  fast: true,
  async run({flags, args, session}) {
    if (flags.list) {
      const {ccxtExchangeIds} = await import('../lib/exchange/ccxt-gateway.js')
      return result({exchanges: ccxtExchangeIds()}, renderExchangeList)
    }

    const id = args.exchange?.toLowerCase() || (await (await session()).broker(flags.broker)).exchange
    return result(await exchangeInfo(id, Boolean(flags.raw)), renderExchangeInfo)
  },
})
