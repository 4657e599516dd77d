import {defineCommand, result} from '../../lib/cli/spec.js'
import {ensureHome, resolveProfile} from '../../lib/config.js'
import {idleMinutes, startGateway} from '../../lib/gateway/control.js'
import {renderGatewayStatus} from '../../lib/render/gateway.js'

export default defineCommand({
  summary: 'Start the warm gateway of this profile and home in the background.',
  description:
    'The gateway keeps the exchanges of the brokers it serves warm (markets loaded, connections open) and runs one rate limiter per exchange account for every tradedesk process; commands use it when it runs and run in process when it does not. It reads credentials from the environment it is started with and from credentials.json. Starting it again when it runs changes nothing.',
  examples: ['gateway start', 'gateway start --idle-minutes 120', 'gateway start --json'],
  flags: {
    'idle-minutes': {
      type: 'string',
      description: 'Stop after this many minutes without a request (default 30; fractions allowed).',
      env: 'TRADEDESK_GATEWAY_IDLE_MINUTES',
    },
  },
  args: {},
  async run({flags, io}) {
    const idle = idleMinutes(flags['idle-minutes'])
    const profile = resolveProfile(flags.profile, io.env)
    const {started, status} = await startGateway(ensureHome(io.env), profile, io.env, idle)
    return result(status, (d, ui) =>
      [started ? 'Gateway started.' : 'The gateway was already running.', renderGatewayStatus(d, ui)].join('\n'),
    )
  },
})
