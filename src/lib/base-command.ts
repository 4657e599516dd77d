import {Args, Command, Flags, type Interfaces} from '@oclif/core'

import {Invocation} from './cli/invocation.js'
import {
  type Action,
  type ActionContext,
  type ArgSpecs,
  type FlagSpec,
  type FlagSpecs,
  GLOBAL_FLAGS,
  type Result,
} from './cli/spec.js'
import type {Session} from './session.js'
import type {Spinner} from './ui.js'

export type {Result} from './cli/spec.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** oclif's flag for a plain declaration (src/lib/cli/spec.ts). */
function oclifFlag(spec: FlagSpec) {
  switch (spec.type) {
    case 'boolean': {
      const {type: _, ...rest} = spec
      return Flags.boolean(rest)
    }

    case 'integer': {
      const {type: _, ...rest} = spec
      return Flags.integer(rest)
    }

    case 'string': {
      const {type: _, options, multiple, ...rest} = spec
      const choices = options ? [...options] : undefined
      return multiple
        ? Flags.string({...rest, options: choices, multiple: true})
        : Flags.string({...rest, options: choices})
    }
  }
}

/** oclif's flags for plain declarations. */
export function oclifFlags(specs: FlagSpecs): Interfaces.FlagInput {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, oclifFlag(spec)]),
  ) as Interfaces.FlagInput
}

/** oclif's arguments for plain declarations. */
export function oclifArgs(specs: ArgSpecs): Interfaces.ArgInput {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, Args.string({...spec})]),
  ) as Interfaces.ArgInput
}

/**
 * Every command's base, the oclif side of a run: the global flags and parsing. What a run does with
 * its result or its failure (JSON or a human view, the error envelope, exit codes, the session's
 * lifetime) is the Invocation's, shared with the fast path that skips oclif (src/fast.ts).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = oclifFlags(GLOBAL_FLAGS) as {
    json: Interfaces.BooleanFlag<boolean>
    broker: Interfaces.OptionFlag<string | undefined>
    profile: Interfaces.OptionFlag<string | undefined>
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  private invocation?: Invocation

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract execute(): Promise<Result<any>>

  override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      // oclif reads a missing argument from piped stdin: `while read id; do ... order cancel $id` would
      // swallow its own input. Arguments come from argv only.
      args: Object.fromEntries(
        Object.entries(this.ctor.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]),
      ),
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.invocation = new Invocation(Boolean(this.flags.json), this.flags.profile)
  }

  async run(): Promise<void> {
    await this.invocation!.perform(() => this.execute())
  }

  /** shown on stderr while a command waits (on a terminal only); stop it before prompting */
  protected get spinner(): Spinner | undefined {
    return this.invocation?.spinner
  }

  /** The session of this run, opened on first use and closed when the command ends. */
  protected session(): Promise<Session> {
    return this.invocation!.session()
  }

  /** What an action (a command declared without oclif) gets from this run. */
  protected context<F extends FlagSpecs, A extends ArgSpecs, D>(_action: Action<F, A, D>): ActionContext<F, A> {
    return this.invocation!.context<F, A>(
      this.flags as unknown as ActionContext<F, A>['flags'],
      this.args as unknown as ActionContext<F, A>['args'],
    )
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    // A parse failure comes before the invocation exists: --json still decides the form.
    this.invocation ??= new Invocation(this.argv.includes('--json'))
    this.invocation.fail(error)
  }

  override async finally(error: Error | undefined): Promise<void> {
    try {
      await this.invocation?.close()
    } finally {
      await super.finally(error)
    }
  }
}
