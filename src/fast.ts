import {commandOf} from './commands/index.js'
import type {Io} from './lib/cli/io.js'
import {parseStrict} from './lib/cli/spec.js'

/**
 * The fast start-up path. tradedesk runs in cron jobs and shell loops, and loading oclif costs more
 * than the whole of a read-only command, so the commands marked `fast` in their declaration run here
 * without it: argv is parsed from the same declaration oclif's class is derived from, and the run goes
 * through the same Invocation (output, errors, exit codes). Anything not understood here with
 * certainty (help, completion, a short or bad flag, an unknown or unmarked command) returns undefined,
 * and oclif runs the command as usual. TRADEDESK_NO_FAST_PATH=1 sends every run through oclif (the
 * tests compare the two).
 */
export async function runFast(
  argv: string[],
  io: Io,
  options: {askGateway?: boolean} = {},
): Promise<number | undefined> {
  if (io.env.TRADEDESK_NO_FAST_PATH) return undefined
  const found = commandOf(argv)
  if (!found) return undefined
  const command = (await found.load()).default
  if (!command.fast) return undefined
  const parsed = parseStrict(command, found.rest, io.env)
  if (!parsed) return undefined
  // With the gateway running, what it answers whole (price) opens no database here (unless main has
  // asked it already).
  if (found.id === 'price' && options.askGateway !== false) {
    const {gatewayShortcut} = await import('./lib/gateway/shortcut.js')
    const answered = await gatewayShortcut(parsed, io)
    if (answered !== undefined) return answered
  }

  const {Invocation} = await import('./lib/cli/invocation.js')
  const invocation = new Invocation(io, Boolean(parsed.flags.json), parsed.flags.profile, {
    command: found.id,
    verbose: Boolean(parsed.flags.verbose),
  })
  return invocation.run(() => command.run(invocation.context(parsed.flags, parsed.args)))
}
