import {Args, Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {PAPER} from '../../lib/brokers.js'
import type {CredentialStatus} from '../../lib/credentials.js'
import {usageError} from '../../lib/errors.js'
import {parseBalanceFlag} from '../../lib/exchange/paper-accounts.js'
import {brokerView, renderCredentials} from '../../lib/render/broker.js'

export default class BrokerAdd extends BaseCommand<typeof BrokerAdd> {
  static override summary = 'Register a broker: an exchange account (a CCXT exchange id) or a paper account.'
  static override description = `Credentials are never given here: set TRADEDESK_<NAME>_API_KEY, _SECRET (and _PASSWORD, _UID... as the exchange requires) in the environment, or put them in $TRADEDESK_HOME/credentials.json (mode 0600). The output names the credentials the exchange requires and which are missing.`
  static override examples = [
    '<%= config.bin %> broker add main --exchange binance --default',
    '<%= config.bin %> broker add test --exchange binance --sandbox',
    '<%= config.bin %> broker add eu --exchange kraken --option timeout=20000',
    '<%= config.bin %> broker add practice --exchange paper --balance USDT=500 --balance BTC=0.1',
  ]

  static override args = {
    name: Args.string({description: 'A name of your choice (letters, digits, _ and -).', required: true}),
  }

  static override flags = {
    exchange: Flags.string({description: 'CCXT exchange id (see `exchange-info --list`), or paper.', required: true}),
    sandbox: Flags.boolean({description: "Use the exchange's sandbox (testnet)."}),
    default: Flags.boolean({description: 'Make it the default broker.'}),
    'api-url': Flags.string({description: 'Send every API request to this origin instead (regional endpoint, proxy).'}),
    option: Flags.string({
      description: 'key=value passed to the CCXT constructor (repeatable; dotted keys nest).',
      multiple: true,
    }),
    balance: Flags.string({
      description: 'Paper only: starting balance ASSET=AMOUNT (repeatable; default USDT=10000).',
      multiple: true,
    }),
  }

  async execute(): Promise<Result<ReturnType<typeof brokerView> & {credentials: CredentialStatus[]}>> {
    const exchange = this.flags.exchange.trim().toLowerCase()
    let options: Record<string, string> = {}
    if (exchange !== PAPER) {
      const {ccxtExchangeIds, parseOptionFlags} = await import('../../lib/exchange/ccxt-gateway.js')
      if (!ccxtExchangeIds().includes(exchange))
        throw usageError(
          `unknown exchange "${this.flags.exchange}": see \`tradedesk exchange-info --list\``,
          'UNKNOWN_EXCHANGE',
        )
      options = parseOptionFlags(this.flags.option ?? [])
    } else if (this.flags.option?.length) {
      throw usageError('--option does not apply to the paper exchange')
    }

    const apiUrl = this.flags['api-url']
    if (apiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(apiUrl))
      throw usageError(`--api-url must be an http(s) URL (got "${apiUrl}")`)

    const session = await this.session()
    const credentials = await session.credentialStatus({name: this.args.name, exchange})
    const broker = await session.brokers.add({
      name: this.args.name,
      exchange,
      sandbox: this.flags.sandbox,
      apiUrl: apiUrl ?? null,
      options,
      makeDefault: this.flags.default,
      balances: parseBalanceFlag(this.flags.balance ?? []),
    })
    return {
      data: {...brokerView(broker), credentials},
      human: (d) =>
        `Added broker ${d.name} (${d.exchange}${d.sandbox ? ', sandbox' : ''})${d.default ? ', now the default' : ''}.` +
        (d.exchange === PAPER ? '' : `\n${renderCredentials(d.name, d.exchange, d.credentials)}`),
    }
  }
}
