import {PAPER} from '../../lib/brokers.js'
import {defineCommand, result} from '../../lib/cli/spec.js'
import {usageError} from '../../lib/errors.js'
import {parseBalanceFlag} from '../../lib/exchange/paper-accounts.js'
import {brokerView, renderAdded} from '../../lib/render/broker.js'

export default defineCommand({
  summary: 'Register a broker: an exchange account (a CCXT exchange id) or a paper account.',
  description:
    'Credentials are never given here: set TRADEDESK_<NAME>_API_KEY, _SECRET (and _PASSWORD, _UID... as the exchange requires) in the environment, or put them in $TRADEDESK_HOME/credentials.json (mode 0600). The output names the credentials the exchange requires and which are missing.',
  examples: [
    'broker add main --exchange binance --default',
    'broker add test --exchange binance --sandbox',
    'broker add eu --exchange kraken --option timeout=20000',
    'broker add practice --exchange paper --balance USDT=500 --balance BTC=0.1',
    'broker add live-practice --exchange paper --prices binance',
  ],
  flags: {
    exchange: {
      type: 'string',
      description: 'CCXT exchange id (see `exchange-info --list`), or paper.',
      required: true,
    },
    sandbox: {type: 'boolean', description: "Use the exchange's sandbox (testnet)."},
    default: {type: 'boolean', description: 'Make it the default broker.'},
    'api-url': {
      type: 'string',
      description: 'Send every API request to this origin instead (regional endpoint, proxy).',
    },
    option: {
      type: 'string',
      description: 'key=value passed to the CCXT constructor (repeatable; dotted keys nest).',
      multiple: true,
    },
    balance: {
      type: 'string',
      description: 'Paper only: starting balance ASSET=AMOUNT (repeatable; default USDT=10000).',
      multiple: true,
    },
    prices: {
      type: 'string',
      description:
        "Paper only: trade on this CCXT exchange's live public markets, prices and order books (no keys) instead of the offline snapshot; --api-url and --option then apply to it.",
    },
  },
  args: {
    name: {description: 'A name of your choice (letters, digits, _ and -).', required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const exchange = flags.exchange.trim().toLowerCase()
    const prices = flags.prices?.trim().toLowerCase()
    if (prices !== undefined && exchange !== PAPER)
      throw usageError('--prices only applies to paper brokers (--exchange paper)')
    if (prices === PAPER) throw usageError('--prices names a CCXT exchange (binance, kraken...), not paper')
    // The exchange whose API the broker talks to: its own, or the one a paper broker takes prices from.
    const api = exchange === PAPER ? prices : exchange
    let options: Record<string, string> = {}
    if (api !== undefined) {
      const {ccxtExchangeIds, parseOptionFlags} = await import('../../lib/exchange/ccxt-gateway.js')
      if (!ccxtExchangeIds().includes(api))
        throw usageError(`unknown exchange "${api}": see \`tradedesk exchange-info --list\``, 'UNKNOWN_EXCHANGE')
      options = parseOptionFlags(flags.option ?? [])
    } else if (flags.option?.length) {
      throw usageError('--option applies to a paper broker only with --prices EXCHANGE')
    }

    const apiUrl = flags['api-url']
    if (apiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(apiUrl))
      throw usageError(`--api-url must be an http(s) URL (got "${apiUrl}")`)

    const session = await open()
    const credentials = await session.credentialStatus({name: args.name, exchange})
    const broker = await session.brokers.add({
      name: args.name,
      exchange,
      sandbox: flags.sandbox,
      apiUrl: apiUrl ?? null,
      options,
      makeDefault: flags.default,
      balances: parseBalanceFlag(flags.balance ?? []),
      prices: prices ?? null,
    })
    return result({...brokerView(broker), credentials}, renderAdded)
  },
})
