import {Args} from '@oclif/core'

import {BaseCommand, type Result} from '../../lib/base-command.js'
import type {CredentialStatus} from '../../lib/credentials.js'

export default class BrokerTest extends BaseCommand<typeof BrokerTest> {
  static override summary = "Check a broker's credentials with one balance call."
  static override examples = ['<%= config.bin %> broker test main', '<%= config.bin %> broker test main --json']
  static override args = {
    name: Args.string({description: 'Broker name (default: the default broker).'}),
  }

  async execute(): Promise<
    Result<{broker: string; exchange: string; ok: boolean; assets: number; credentials: CredentialStatus[]}>
  > {
    const session = await this.session()
    const broker = await session.broker(this.args.name ?? this.flags.broker)
    // Missing credentials are named before anything is sent (exit 4, CREDENTIALS_MISSING).
    const balances = await (await session.gateway(broker)).fetchBalance()
    return {
      data: {
        broker: broker.name,
        exchange: broker.exchange,
        ok: true,
        assets: balances.length,
        credentials: await session.credentialStatus(broker),
      },
      human: (d, ui) =>
        `${ui.green('ok')}: ${d.broker} (${d.exchange}) answered a balance request (${d.assets} assets).`,
    }
  }
}
