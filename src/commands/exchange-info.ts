import {Args, Flags} from '@oclif/core'

import {BaseCommand, type Result} from '../lib/base-command.js'
import {CAPABILITY_GROUPS, type ExchangeInfo as Info, exchangeInfo} from '../lib/capabilities.js'

export default class ExchangeInfo extends BaseCommand<typeof ExchangeInfo> {
  static override summary = "What an exchange can do, from CCXT's `has` (no keys or network needed)."
  static override examples = [
    '<%= config.bin %> exchange-info binance',
    '<%= config.bin %> exchange-info kraken --raw --json',
    '<%= config.bin %> exchange-info --list',
    "<%= config.bin %> exchange-info            # the broker's exchange",
  ]

  static override args = {
    exchange: Args.string({description: "A CCXT exchange id, or paper (default: the broker's exchange)."}),
  }

  static override flags = {
    raw: Flags.boolean({description: "Add CCXT's raw `has` map."}),
    list: Flags.boolean({description: 'List every exchange id CCXT supports.'}),
  }

  async execute(): Promise<Result<Info | {exchanges: string[]}>> {
    if (this.flags.list) {
      const {ccxtExchangeIds} = await import('../lib/exchange/ccxt-gateway.js')
      return {data: {exchanges: ccxtExchangeIds()}, human: (d) => (d as {exchanges: string[]}).exchanges.join('\n')}
    }

    let id = this.args.exchange?.toLowerCase()
    if (!id) id = (await (await this.session()).broker(this.flags.broker)).exchange
    const info = await exchangeInfo(id, this.flags.raw)
    return {
      data: info,
      human: (d, ui) => {
        const i = d as Info
        const mark = (v: boolean) => (v ? ui.green('yes') : ui.dim('no'))
        const sections = CAPABILITY_GROUPS.map(
          ([title, keys]) =>
            `${ui.bold(title)}\n${ui.pairs(keys.map((k) => [`  ${k.replaceAll('_', ' ')}`, mark(i[k] as boolean)]))}`,
        )
        const head = ui.pairs([
          ['exchange', `${i.name} (${i.exchange})`],
          ['rate limit', i.rate_limit === null ? null : `${i.rate_limit} ms between requests`],
        ])
        const raw = i.raw_has
          ? `\n${ui.bold('Raw has')}\n${ui.pairs(Object.entries(i.raw_has).map(([k, v]) => [`  ${k}`, String(v)]))}`
          : ''
        return `${head}\n\n${sections.join('\n\n')}${raw}`
      },
    }
  }
}
