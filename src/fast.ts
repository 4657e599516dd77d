import {Invocation} from './lib/cli/invocation.js'
import {type Action, type ArgSpecs, type FlagSpecs, parseStrict} from './lib/cli/spec.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAction = Action<FlagSpecs, ArgSpecs, any>

/** The commands scripts call most, by command id. */
const FAST = new Map<string, () => Promise<AnyAction>>([
  ['history', async () => (await import('./actions/history.js')).history as AnyAction],
  ['symbols', async () => (await import('./actions/symbols.js')).symbols as AnyAction],
  ['broker list', async () => (await import('./actions/broker-list.js')).brokerList as AnyAction],
  ['price', async () => (await import('./actions/price.js')).price as AnyAction],
  ['balance', async () => (await import('./actions/balance.js')).balance as AnyAction],
  ['portfolio', async () => (await import('./actions/portfolio.js')).portfolio as AnyAction],
])

/**
 * The fast start-up path. tradedesk runs in cron jobs and shell loops, and loading oclif costs more
 * than the whole of a read-only command, so the commands scripts call most are run here without it:
 * argv is parsed from the same declarations oclif uses, and the run goes through the same Invocation
 * (output, errors, exit codes). Anything not understood here with certainty (help, completion, a bad
 * flag, another command) returns false, and oclif runs the command as usual.
 * TRADEDESK_NO_FAST_PATH=1 sends every run through oclif (the tests compare the two).
 */
export async function runFast(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env.TRADEDESK_NO_FAST_PATH) return false
  const id = argv.length >= 2 && FAST.has(`${argv[0]} ${argv[1]}`) ? `${argv[0]} ${argv[1]}` : argv[0]
  const load = id === undefined ? undefined : FAST.get(id)
  if (!load) return false
  const action = await load()
  const parsed = parseStrict(action, argv.slice(id.split(' ').length), env)
  if (!parsed) return false

  const invocation = new Invocation(Boolean(parsed.flags.json), parsed.flags.profile)
  try {
    await invocation.perform(() => action.run(invocation.context(parsed.flags, parsed.args)))
  } catch (error) {
    invocation.fail(error)
  } finally {
    try {
      await invocation.close()
    } catch (error) {
      invocation.fail(error)
    }
  }

  return true
}
