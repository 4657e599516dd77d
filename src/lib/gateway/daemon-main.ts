/**
 * The gateway process (`tradedesk gateway start` spawns it detached): node daemon-main.js HOME
 * PROFILE IDLE_MINUTES, with the environment of the start command (its credentials stay in this
 * process). stderr is the gateway's log file.
 */
import {GatewayDaemon} from './daemon.js'

const [home, profile, idle] = process.argv.slice(2)
process.title = `tradedesk-gateway ${profile}`
try {
  const daemon = await GatewayDaemon.start({home, profile, idleMs: Number(idle) * 60_000, env: process.env})
  if (!daemon) {
    process.stderr.write(`${JSON.stringify({at: new Date().toISOString(), event: 'already-running'})}\n`)
    process.exit(0)
  }
} catch (error) {
  process.stderr.write(
    `${JSON.stringify({at: new Date().toISOString(), event: 'failed', message: (error as Error).message})}\n`,
  )
  process.exit(1)
}
