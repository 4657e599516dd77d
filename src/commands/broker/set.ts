import {Args, Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {brokerView} from '../../lib/render/broker.js'

export default class BrokerSet extends BaseCommand<typeof BrokerSet> {
  static override summary = "Edit a broker's connection: sandbox, API origin, CCXT options."
  static override description =
    'Changes only what is given. `--option key=` (no value) removes an option; `--api-url ""` goes back to the exchange\'s own origin.'
  static override examples = [
    '<%= config.bin %> broker set main --no-sandbox',
    '<%= config.bin %> broker set main --api-url https://api.binance.us',
    '<%= config.bin %> broker set eu --option timeout=20000',
  ]

  static override args = {
    name: Args.string({description: 'Broker name.', required: true}),
  }

  static override flags = {
    sandbox: Flags.boolean({
      description: "Use the exchange's sandbox (testnet); --no-sandbox for the real one.",
      allowNo: true,
    }),
    'api-url': Flags.string({
      description: 'Send every API request to this origin instead ("" for the exchange\'s own).',
    }),
    option: Flags.string({
      description: 'key=value passed to the CCXT constructor (repeatable; key= removes it).',
      multiple: true,
    }),
  }

  async execute(): Promise<Result<ReturnType<typeof brokerView>>> {
    const apiUrl = this.flags['api-url']
    if (apiUrl !== undefined && apiUrl !== '' && !/^https?:\/\/[^\s/]+/.test(apiUrl))
      throw usageError(`--api-url must be an http(s) URL (got "${apiUrl}")`)
    let options: Record<string, string> | undefined
    if (this.flags.option?.length) {
      const {parseOptionFlags} = await import('../../lib/exchange/ccxt-gateway.js')
      options = parseOptionFlags(this.flags.option)
    }

    const session = await this.session()
    const broker = await session.brokers.set(this.args.name, {
      sandbox: this.flags.sandbox,
      apiUrl: apiUrl === undefined ? undefined : apiUrl === '' ? null : apiUrl,
      options,
    })
    return {
      data: brokerView(broker),
      human: (d) => `Broker ${d.name} (${d.exchange}${d.sandbox ? ', sandbox' : ''}) updated.`,
    }
  }
}
