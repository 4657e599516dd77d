import {defineCommand, result} from '../../lib/cli/spec.js'
import {ensureHome, resolveProfile} from '../../lib/config.js'
import {gatewayStatus} from '../../lib/gateway/control.js'
import {renderGatewayStatus} from '../../lib/render/gateway.js'

export default defineCommand({
  summary: 'Whether the gateway of this profile and home runs, and what it serves.',
  description: 'Exit 0 either way: `running` says whether it runs.',
  examples: ['gateway status', 'gateway status --json'],
  flags: {},
  args: {},
  async run({flags, io}) {
    const status = await gatewayStatus(ensureHome(io.env), resolveProfile(flags.profile, io.env))
    return result(status, (d, ui) => renderGatewayStatus(d, ui))
  },
})
