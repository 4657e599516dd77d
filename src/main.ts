import {type Io, processIo, withRun} from './lib/cli/io.js'

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
  // price through a running gateway: asked before the command line's own modules load, its cost is
  // little more than node's start-up (issue 16's target)
  let askedGateway = false
  if (args[0] === 'price') {
    const {quickPrice} = await import('./lib/gateway/shortcut.js')
    const quick = await quickPrice(args, io)
    if (quick?.code !== undefined) return quick.code
    askedGateway = quick !== undefined
  }

  const [{normalizeArgv}, {runFast}] = await Promise.all([import('./lib/cli/argv.js'), import('./fast.js')])
  const argv = await withBareValues(normalizeArgv(args))
  return withRun(io, async (state) => {
    const fast = await runFast(argv, io, {askGateway: !askedGateway})
    if (fast !== undefined) {
      state.exitCode = fast
      return
    }

    const oclif = await import('@oclif/core')
    try {
      await oclif.run(argv, options.development ? await sourceConfig(options.root) : options.root)
      // oclif's flush waits for the process's stdout to drain: nothing to wait for in process.
      if (io.process) await oclif.flush()
    } catch (error) {
      // Errors outside any command (oclif's own: a bad plugin, an exit): oclif's words in a process,
      // the SPEC's envelope otherwise.
      if (io.process) {
        await oclif.handle(error as Error)
        return
      }

      const {Invocation} = await import('./lib/cli/invocation.js')
      const invocation = new Invocation(io, argv.includes('--json'))
      invocation.fail(error)
      state.exitCode = await invocation.close()
    }
  })
}

/** argv with the bare value of each flag given without one (`trade ... --wait`): see fillBareValues. */
async function withBareValues(argv: string[]): Promise<string[]> {
  const [{commandOf}, {fillBareValues}] = await Promise.all([
    import('./commands/index.js'),
    import('./lib/cli/argv.js'),
  ])
  const found = commandOf(argv)
  if (!found) return argv
  const {flags} = (await found.load()).default
  return [...argv.slice(0, argv.length - found.rest.length), ...fillBareValues(found.rest, flags)]
}

/**
 * oclif's configuration for bin/dev.js: the commands of these TypeScript sources. oclif would map
 * dist/oclif.js to src/oclif.ts itself, but only by registering tsx or ts-node its own way, which fails
 * with this tsx (already loaded by the shebang's --import): it then runs the stale build. So the root
 * plugin is handed this copy's commands, the same modules the fast path runs.
 */
async function sourceConfig(root: string): Promise<import('@oclif/core').Config> {
  const [{Config}, {OCLIF_COMMANDS}] = await Promise.all([import('@oclif/core'), import('./oclif.js')])
  const config = await Config.load(root)
  const plugin = config.plugins.get(config.pjson.name) as unknown as {commandCache?: unknown} | undefined
  if (plugin) plugin.commandCache = OCLIF_COMMANDS
  return config
}
