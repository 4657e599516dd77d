import type {StatusView} from '../gateway/control.js'
import type {Ui} from '../ui.js'

/** The gateway's state for people. */
export function renderGatewayStatus(d: StatusView, ui: Ui): string {
  if (!d.running) return `No gateway is running for profile ${d.profile}.`
  if (!('brokers' in d))
    return ui.pairs([
      ['pid', d.pid],
      ['profile', d.profile],
      ['version', `${d.version} (another tradedesk: this one does not use it)`],
      ['socket', d.socket],
    ])
  return ui.pairs([
    ['pid', d.pid],
    ['profile', d.profile],
    ['version', d.version],
    ['uptime', `${String(d.uptime_s)} s`],
    ['idle stop', `${String(d.idle_minutes)} min`],
    ['socket', d.socket],
    ['requests', d.requests_served],
    ['brokers', d.brokers.length === 0 ? 'none yet' : d.brokers.map((b) => `${b.name} (${b.exchange})`).join(', ')],
  ])
}
