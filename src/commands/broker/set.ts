import {defineCommand, result} from '../../lib/cli/spec.js'
import {usageError} from '../../lib/errors.js'
import {brokerView, renderUpdated} from '../../lib/render/broker.js'

export default defineCommand({
  summary: "Edit a broker's connection: sandbox, API origin, CCXT options.",
  description:
    'Changes only what is given. `--option key=` (no value) removes an option; `--api-url ""` goes back to the exchange\'s own origin.',
  examples: [
    'broker set main --no-sandbox',
    'broker set main --api-url https://api.binance.us',
    'broker set eu --option timeout=20000',
  ],
  flags: {
    sandbox: {
      type: 'boolean',
      description: "Use the exchange's sandbox (testnet); --no-sandbox for the real one.",
      allowNo: true,
    },
    'api-url': {
      type: 'string',
      description: 'Send every API request to this origin instead ("" for the exchange\'s own).',
    },
    option: {
      type: 'string',
      description: 'key=value passed to the CCXT constructor (repeatable; key= removes it).',
      multiple: true,
    },
  },
  args: {
    name: {description: 'Broker name.', required: true},
  },
  fast: true,
  async run({args, flags, session: open}) {
    const apiUrl = flags['api-url']
    if (apiUrl !== undefined && apiUrl !== '' && !/^https?:\/\/[^\s/]+/.test(apiUrl))
      throw usageError(`--api-url must be an http(s) URL (got "${apiUrl}")`)
    let options: Record<string, string> | undefined
    if (flags.option?.length) {
      const {parseOptionFlags} = await import('../../lib/exchange/ccxt-gateway.js')
      options = parseOptionFlags(flags.option)
    }

    const session = await open()
    const broker = await session.brokers.set(args.name, {
      sandbox: flags.sandbox,
      apiUrl: apiUrl === undefined ? undefined : apiUrl === '' ? null : apiUrl,
      options,
    })
    return result(brokerView(broker), renderUpdated)
  },
})
