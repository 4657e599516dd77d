import {parseArgs} from 'node:util'

import type {AttemptFields} from '../activity-log.js'
import type {Session} from '../session.js'
import type {Ui} from '../ui.js'
import type {Io} from './io.js'

/**
 * Every command is one declaration (src/commands): its help (summary, description, examples), its
 * flags and arguments as plain data, and what it does. oclif's command classes are derived from the
 * declarations (src/oclif.ts), and so is the fast start-up path (src/fast.ts), which parses the same
 * flags without loading oclif for the commands marked `fast`. A test holds the two parsers to the
 * same answers (test/commands/fast-path.test.ts).
 */

interface FlagBase {
  description: string
  /** a one-letter alias: -y for --yes */
  char?: 'y'
  /** flags that cannot be given together with this one */
  exclusive?: string[]
  required?: boolean
  helpGroup?: string
}

export type FlagSpec =
  | (FlagBase & {type: 'boolean'; /** --no-NAME sets it to false */ allowNo?: boolean})
  | (FlagBase & {type: 'string'; options?: readonly string[]; multiple?: boolean; env?: string})
  | (FlagBase & {
      type: 'integer'
      default?: number
      min: number
      max: number
      /** the value when the flag is given without one (`--wait` alone is `--wait=60`): see fillBareValues */
      bare?: number
    })

export interface ArgSpec {
  description: string
  required?: boolean
  options?: readonly string[]
  /** the last argument only: it takes every remaining argument (`order watch [ID...]`) */
  multiple?: boolean
}

export type FlagSpecs = Record<string, FlagSpec>
export type ArgSpecs = Record<string, ArgSpec>

type FlagValue<S extends FlagSpec> = S extends {type: 'boolean'}
  ? boolean | undefined
  : S extends {type: 'integer'; default: number}
    ? number
    : S extends {type: 'integer'}
      ? number | undefined
      : S extends {multiple: true}
        ? string[] | undefined
        : S extends {required: true}
          ? string
          : string | undefined

export type FlagValues<F extends FlagSpecs> = {[K in keyof F]: FlagValue<F[K]>}
export type ArgValues<A extends ArgSpecs> = {
  [K in keyof A]: A[K] extends {multiple: true} ? string[] : A[K] extends {required: true} ? string : string | undefined
}

/** What every command takes. */
export const GLOBAL_FLAGS = {
  json: {type: 'boolean', description: 'Print JSON on stdout, for scripts.', helpGroup: 'GLOBAL'},
  verbose: {
    type: 'boolean',
    description: 'Print each HTTP request to the exchange on stderr: method, path (no credentials), status, ms.',
    helpGroup: 'GLOBAL',
  },
  broker: {
    type: 'string',
    description: 'Broker to use (default: the default broker).',
    env: 'TRADEDESK_BROKER',
    helpGroup: 'GLOBAL',
  },
  profile: {
    type: 'string',
    description: 'Whose journal (default: your OS user name).',
    env: 'TRADEDESK_PROFILE',
    helpGroup: 'GLOBAL',
  },
} as const satisfies FlagSpecs

export type GlobalFlags = FlagValues<typeof GLOBAL_FLAGS>

/** What a command produced: the data (printed as JSON with --json) and how a person sees it. */
export interface Result<D = unknown> {
  data: D
  /** (a method, so that a result of any data is a Result) */
  human(data: D, ui: Ui): string
  /** a non-zero exit code for a result that is not a failure to run (validate: the order is invalid) */
  exitCode?: number
  /** the command printed its output as it went (`order watch`'s lines): nothing is left to print */
  streamed?: boolean
}

/** A command's result: its data, how a person sees it, and a non-zero exit code if it has one. */
export function result<D>(data: D, human: (data: D, ui: Ui) => string, exitCode?: number): Result<D> {
  return exitCode ? {data, human, exitCode} : {data, human}
}

/** The result of a command that printed its output as it went (with `print`). */
export function streamed(exitCode?: number): Result<null> {
  return {data: null, human: () => '', streamed: true, ...(exitCode ? {exitCode} : {})}
}

export interface CommandContext<F extends FlagSpecs, A extends ArgSpecs> {
  flags: FlagValues<F> & GlobalFlags
  args: ArgValues<A>
  /** the run's streams and environment */
  io: Io
  /** a person is at a terminal to answer prompts */
  interactive: boolean
  /** the session of this run, opened on first use and closed when the command ends */
  session: () => Promise<Session>
  /** stops the spinner: call it before prompting or writing to stderr */
  quiet: () => void
  /**
   * Marks this run as a trade attempt, logged as one line of $TRADEDESK_HOME/logs/tradedesk.log when
   * it ends, whatever the outcome; each call adds what the command has learnt (broker, journal id...).
   */
  attempt: (fields: AttemptFields) => void
  /** writes to stdout at once, scrubbed as every output is: for output that comes as it happens */
  print: (text: string) => void
}

/** A command: its help, what it takes, and what it does. */
export interface CommandDeclaration<F extends FlagSpecs, A extends ArgSpecs> {
  summary: string
  description?: string
  /** command lines after `tradedesk`, each with an optional `  # comment` */
  examples: string[]
  flags: F
  args: A
  /** runs on the fast path, without loading oclif, when its argv is plain (src/fast.ts) */
  fast?: boolean
  run(ctx: CommandContext<F, A>): Promise<Result>
}

/** Any command: what a list of every command holds. */
export interface AnyCommand extends Omit<CommandDeclaration<FlagSpecs, ArgSpecs>, 'run'> {
  run(ctx: CommandContext<FlagSpecs, ArgSpecs>): Promise<Result>
}

export function defineCommand<const F extends FlagSpecs, const A extends ArgSpecs>(
  command: CommandDeclaration<F, A>,
): CommandDeclaration<F, A> {
  return command
}

/**
 * Parses argv for an action exactly where oclif would accept it and agree on the result; anything
 * else (help, an unknown or repeated flag, a bad value, a missing or extra argument) is null, and
 * oclif handles it with its own words. Defaults and environment values apply as in oclif.
 */
export function parseStrict<F extends FlagSpecs, A extends ArgSpecs>(
  command: Pick<CommandDeclaration<F, A>, 'flags' | 'args'>,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): {flags: FlagValues<F> & GlobalFlags; args: ArgValues<A>} | null {
  const specs: FlagSpecs = {...GLOBAL_FLAGS, ...command.flags}
  const options = Object.fromEntries(
    Object.entries(specs).map(
      ([name, s]) =>
        [
          name,
          {type: s.type === 'boolean' ? 'boolean' : 'string', multiple: s.type === 'string' && Boolean(s.multiple)},
        ] as const,
    ),
  )
  let parsed: ReturnType<
    typeof parseArgs<{options: typeof options; strict: true; allowPositionals: true; tokens: true}>
  >
  try {
    parsed = parseArgs({args: argv, options, strict: true, allowPositionals: true, tokens: true})
  } catch {
    return null
  }

  const given = new Map<string, number>()
  for (const t of parsed.tokens) {
    if (t.kind === 'option') given.set(t.name, (given.get(t.name) ?? 0) + 1)
    // A short option (-h) or anything after "--": oclif's reading is the one that counts.
    if (t.kind === 'option' && t.rawName !== `--${t.name}`) return null
    if (t.kind === 'option-terminator') return null
    // Empty values: left to oclif, whose handling of them is its own.
    if ((t.kind === 'option' && t.value === '') || (t.kind === 'positional' && t.value === '')) return null
  }

  const flags: Record<string, unknown> = {}
  for (const [name, s] of Object.entries(specs)) {
    const count = given.get(name) ?? 0
    if (count > 1 && !(s.type === 'string' && s.multiple)) return null
    if (count > 0 && s.exclusive?.some((other) => given.has(other))) return null
    const raw = (parsed.values as Record<string, unknown>)[name]
    if (s.required && raw === undefined) return null
    if (s.type === 'boolean') {
      flags[name] = raw === true ? true : undefined
    } else if (s.type === 'integer') {
      if (raw === undefined) flags[name] = s.default
      else if (typeof raw === 'string' && /^-?\d+$/.test(raw) && inRange(Number(raw), s.min, s.max))
        flags[name] = Number(raw)
      else return null
    } else {
      const value = raw ?? envDefault(s, env)
      const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
      const {options} = s
      if (options && values.some((v) => !options.includes(v as string))) return null
      flags[name] = s.multiple && typeof value === 'string' ? [value] : value
    }
  }

  const names = Object.keys(command.args)
  const rest = names.length > 0 && command.args[names[names.length - 1]].multiple
  if (parsed.positionals.length > names.length && !rest) return null
  const args: Record<string, string | string[] | undefined> = {}
  for (const [i, name] of names.entries()) {
    const spec = command.args[name]
    if (spec.multiple) {
      const values = parsed.positionals.slice(i)
      if (spec.required && values.length === 0) return null
      if (spec.options && values.some((v) => !spec.options?.includes(v))) return null
      args[name] = values
      continue
    }

    const value = parsed.positionals.at(i)
    if (spec.required && value === undefined) return null
    if (value !== undefined && spec.options && !spec.options.includes(value)) return null
    args[name] = value
  }

  return {
    flags: flags as FlagValues<F> & GlobalFlags,
    args: args as ArgValues<A>,
  }
}

/** A string flag's value from its environment variable, when it has one and it is set (not empty). */
export function envDefault(spec: FlagSpec, env: NodeJS.ProcessEnv): string | undefined {
  return spec.type === 'string' && spec.env ? env[spec.env] || undefined : undefined
}

/** A whole number within a flag's range (oclif says why not, in its words). */
function inRange(n: number, min: number, max: number): boolean {
  return Number.isSafeInteger(n) && n >= min && n <= max
}
