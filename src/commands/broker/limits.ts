import {defineCommand, result} from '../../lib/cli/spec.js'
import {usageError} from '../../lib/errors.js'
import {type BrokerLimits, limitsView, parseLimitValue} from '../../lib/limits.js'
import {findMarket} from '../../lib/markets.js'
import {renderLimits} from '../../lib/render/broker.js'

export default defineCommand({
  summary: "Show or set a broker's guardrails: order size, daily buys, allowed symbols, price deviation.",
  description: `validate and trade refuse (exit 3, nothing sent) an order that breaks one: LIMIT_ORDER_VALUE (its value in USD above --max-order-usd), LIMIT_DAILY (the broker's buys of the UTC day, this one included, above --daily-usd), SYMBOL_NOT_ALLOWED (not in --symbols), PRICE_DEVIATION (a limit buy above last x (1 + P/100), a limit sell below last x (1 - P/100), or a market order priced more than P % from the last price).

Values are in USD, converted as the portfolio does (USD stablecoins at 1). The daily total counts the day's buys that spent or can still spend: pending, open and unknown ones at their full value, filled ones (and cancelled ones partly filled) at their filled value. Setting one limit leaves the others as they are; --clear removes them all (then sets any given with it). Without flags it shows the limits.`,
  examples: [
    'broker limits main',
    'broker limits main --max-order-usd 500 --daily-usd 2000',
    'broker limits main --symbols BTC/USDT,ETH/USDT --max-deviation-pct 2',
    'broker limits main --clear --json',
  ],
  flags: {
    'max-order-usd': {type: 'string', description: 'The most one order may be worth, in USD.'},
    'daily-usd': {type: 'string', description: 'The most the buys of one UTC day may spend, in USD.'},
    symbols: {
      type: 'string',
      description: 'The only symbols it may trade, comma-separated (BTC/USDT, btcusdt, BTC-USDT; repeatable).',
      multiple: true,
    },
    'max-deviation-pct': {
      type: 'string',
      description: 'How far, in %, an order may be priced through the last price.',
    },
    clear: {type: 'boolean', description: 'Remove every limit (before setting any given with it).'},
  },
  args: {
    name: {description: 'Broker name.', required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    // Every value is checked before anything is read or written: a bad one changes nothing.
    const changes: Partial<BrokerLimits> = {}
    if (flags['max-order-usd'] !== undefined)
      changes.maxOrderUsd = parseLimitValue('max-order-usd', flags['max-order-usd'])
    if (flags['daily-usd'] !== undefined) changes.dailyUsd = parseLimitValue('daily-usd', flags['daily-usd'])
    if (flags['max-deviation-pct'] !== undefined)
      changes.maxDeviationPct = parseLimitValue('max-deviation-pct', flags['max-deviation-pct'])
    const spellings = flags.symbols?.flatMap((s) => s.split(',')).map((s) => s.trim())
    if (spellings !== undefined && (spellings.length === 0 || spellings.some((s) => s === ''))) {
      throw usageError(
        `--symbols needs a comma-separated list of symbols, like BTC/USDT,ETH/USDT (got "${(flags.symbols ?? []).join(',')}")`,
      )
    }

    const session = await open()
    const broker = await session.broker(args.name)
    if (spellings) {
      const markets = await session.markets(broker)
      const symbols = spellings.map((spelling) => {
        const market = findMarket(markets, spelling)
        if (!market) throw usageError(`${spelling} is not a market of broker ${broker.name}`, 'UNKNOWN_SYMBOL')
        return market.symbol
      })
      changes.symbols = [...new Set(symbols)]
    }

    const given = flags.clear === true || Object.keys(changes).length > 0
    const updated = given ? await session.brokers.setLimits(broker.name, {clear: flags.clear, ...changes}) : broker
    return result({broker: updated.name, limits: limitsView(updated.limits)}, renderLimits)
  },
})
