import {defineCommand, result} from '../../lib/cli/spec.js'
import {ensureHome, resolveProfile} from '../../lib/config.js'
import {stopGateway} from '../../lib/gateway/control.js'

export default defineCommand({
  summary: 'Stop the gateway of this profile and home.',
  examples: ['gateway stop', 'gateway stop --json'],
  flags: {},
  args: {},
  async run({flags, io}) {
    const stopped = await stopGateway(ensureHome(io.env), resolveProfile(flags.profile, io.env))
    return result(stopped, (d) => (d.stopped ? `Gateway stopped (pid ${String(d.pid)}).` : 'No gateway was running.'))
  },
})
