import {Args, Command, Flags, type Interfaces} from '@oclif/core'

import {Invocation} from './cli/invocation.js'
import {currentRun} from './cli/io.js'
import {
  type AnyCommand,
  type ArgSpecs,
  type CommandContext,
  type FlagSpec,
  type FlagSpecs,
  GLOBAL_FLAGS,
  envDefault,
} from './cli/spec.js'

/** oclif's flag for a plain declaration (src/lib/cli/spec.ts). */
function oclifFlag(spec: FlagSpec) {
  switch (spec.type) {
    case 'boolean': {
      const {type, ...rest} = spec
      return Flags.boolean(rest)
    }

    case 'integer': {
      const {type, ...rest} = spec
      return Flags.integer(rest)
    }

    case 'string': {
      const {type, options, multiple, ...rest} = spec
      const choices = options ? [...options] : undefined
      return multiple
        ? Flags.string({...rest, options: choices, multiple: true})
        : Flags.string({...rest, options: choices})
    }
  }
}

/** oclif's flags for plain declarations. */
export function oclifFlags(specs: FlagSpecs): Interfaces.FlagInput {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, oclifFlag(spec)]))
}

/**
 * oclif's arguments for plain declarations. oclif would read a missing argument from piped stdin:
 * `while read id; do ... order cancel $id` would swallow its own input. Arguments come from argv only.
 */
export function oclifArgs(specs: ArgSpecs): Interfaces.ArgInput {
  return Object.fromEntries(
    Object.entries(specs).map(([name, {options, ...spec}]) => [
      name,
      Args.string({...spec, options: options ? [...options] : undefined, ignoreStdin: true}),
    ]),
  )
}

/** The oclif command class of a declaration: oclif parses argv and shows help; the declaration runs. */
export function oclifCommand(declaration: AnyCommand): typeof Command {
  return class extends Command {
    static override summary = declaration.summary
    static override description = declaration.description
    static override examples = declaration.examples.map((e) => `<%= config.bin %> ${e}`.trimEnd())
    static override baseFlags = oclifFlags(GLOBAL_FLAGS)
    static override flags = oclifFlags(declaration.flags)
    static override args = oclifArgs(declaration.args)
    static override strict = !declaration.variadic
    /** read by the fast-path test, through the manifest */
    static fast = Boolean(declaration.fast)

    private invocation?: Invocation

    async run(): Promise<void> {
      const {flags, args, argv, raw} = await this.parse(this.ctor)
      const {io} = currentRun()
      // A flag's environment variable is read from the run's environment (oclif reads the process's).
      const specs: FlagSpecs = {...GLOBAL_FLAGS, ...declaration.flags}
      for (const [name, spec] of Object.entries(specs)) {
        const given = raw.some((t) => t.type === 'flag' && t.flag === name)
        if (spec.type === 'string' && spec.env && !given) flags[name] = envDefault(spec, io.env)
      }

      const invocation = new Invocation(io, Boolean(flags.json), flags.profile as string | undefined)
      this.invocation = invocation
      await invocation.perform(() =>
        declaration.run(
          invocation.context(
            flags as CommandContext<FlagSpecs, ArgSpecs>['flags'],
            args,
            // oclif's argv holds every positional value: those past the declared arguments are the rest.
            (argv as string[]).slice(Object.keys(declaration.args).length),
          ),
        ),
      )
    }

    override catch(error: Error): Promise<void> {
      // A parse failure comes before the invocation exists: --json still decides the form.
      this.invocation ??= new Invocation(currentRun().io, this.argv.includes('--json'))
      this.invocation.fail(error)
      return Promise.resolve()
    }

    override async finally(error: Error | undefined): Promise<void> {
      try {
        if (this.invocation) currentRun().exitCode = await this.invocation.close()
      } finally {
        await super.finally(error)
      }
    }
  }
}
