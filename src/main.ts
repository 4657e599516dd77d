import {normalizeArgv} from './lib/cli/argv.js'
import {Invocation} from './lib/cli/invocation.js'
import {type Io, processIo, withRun} from './lib/cli/io.js'
import {runFast} from './fast.js'

export interface MainOptions {
  /** the package root (where package.json is) */
  root: string
  /** oclif on the TypeScript sources (bin/dev.js) */
  development?: boolean
}

/**
 * One run of the command line, as the binary does it and as the in-process tests do it: the argv put
 * in the one order both parsers read (`help X`, global flags first), the fast path for the commands
 * marked fast, else oclif. Output goes to io's streams; returns the exit code.
 */
export async function main(args: string[], options: MainOptions, io: Io = processIo()): Promise<number> {
  const argv = normalizeArgv(args)
  return withRun(io, async (state) => {
    const fast = await runFast(argv, io)
    if (fast !== undefined) {
      state.exitCode = fast
      return
    }

    const oclif = await import('@oclif/core')
    if (options.development) {
      // As oclif's execute({development: true}): the TypeScript sources, and its debug output.
      process.env.NODE_ENV = 'development'
      oclif.settings.debug = true
    }

    try {
      await oclif.run(argv, options.root)
      // oclif's flush waits for the process's stdout to drain: nothing to wait for in process.
      if (io.process) await oclif.flush()
    } catch (error) {
      // Errors outside any command (oclif's own: a bad plugin, an exit): oclif's words in a process,
      // the SPEC's envelope otherwise.
      if (io.process) {
        await oclif.handle(error as Error)
        return
      }

      const invocation = new Invocation(io, argv.includes('--json'))
      invocation.fail(error)
      state.exitCode = await invocation.close()
    }
  })
}
