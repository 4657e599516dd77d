import type {FlagSpecs} from './spec.js'

/** Global flags that may come before the command: `tradedesk --json balance`. */
const GLOBAL_BOOLEANS = new Set(['--json', '--verbose'])
const GLOBAL_VALUES = new Set(['--broker', '--profile'])

/**
 * The argv a user may type, in the one order both parsers read: `help COMMAND` is `COMMAND --help`,
 * and global flags given before the command move after it. Nothing after a `--` is touched.
 */
export function normalizeArgv(argv: string[]): string[] {
  if (argv[0] === 'help') return [...argv.slice(1), '--help']
  const leading: string[] = []
  let i = 0
  while (i < argv.length) {
    const token = argv[i]
    const name = token.split('=')[0]
    if (GLOBAL_BOOLEANS.has(token)) {
      leading.push(token)
      i += 1
    } else if (GLOBAL_VALUES.has(name) && token.includes('=')) {
      leading.push(token)
      i += 1
    } else if (GLOBAL_VALUES.has(token) && i + 1 < argv.length) {
      leading.push(token, argv[i + 1])
      i += 2
    } else {
      break
    }
  }

  if (leading.length === 0) return argv
  const rest = argv.slice(i)
  const end = rest.indexOf('--')
  return end < 0 ? [...rest, ...leading] : [...rest.slice(0, end), ...leading, ...rest.slice(end)]
}

/**
 * Flags whose value may be left out (`--wait`, `--wait 30`, `--wait=30`): given alone, or followed by
 * anything but a whole number (another flag, an argument, the end), such a flag gets its bare value,
 * written in as `--wait=60` so that both parsers read the one form they know. Nothing after a `--`
 * is touched.
 */
export function fillBareValues(argv: string[], flags: FlagSpecs): string[] {
  const bare = new Map<string, number>(
    Object.entries(flags).flatMap(([name, spec]) =>
      spec.type === 'integer' && spec.bare !== undefined ? [[`--${name}`, spec.bare] as const] : [],
    ),
  )
  if (bare.size === 0) return argv
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') return [...out, ...argv.slice(i)]
    const value = bare.get(token)
    if (value !== undefined && !/^\d+$/.test(argv.at(i + 1) ?? '')) out.push(`${token}=${String(value)}`)
    else out.push(token)
  }

  return out
}
