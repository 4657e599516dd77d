import {Command, Flags, type Interfaces} from '@oclif/core'

import {ExitCode, TradedeskError} from './errors.js'
import {scrub} from './exchange/ccxt-errors.js'
import {Session} from './session.js'
import {Spinner, Ui} from './ui.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** What a command produced: the data (printed as JSON with --json) and how a person sees it. */
export interface Result<D> {
  data: D
  human: (data: D, ui: Ui) => string
  /** a non-zero exit code for a result that is not a failure to run (validate: the order is invalid) */
  exitCode?: number
}

/**
 * Every command's base: the global flags, one run of a session, rendering (JSON on stdout or a
 * human view), and the one mapping from any error to the SPEC's message, JSON envelope and exit code.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    json: Flags.boolean({description: 'Print JSON on stdout, for scripts.', helpGroup: 'GLOBAL'}),
    broker: Flags.string({description: 'Broker to use (default: the default broker).', env: 'TRADEDESK_BROKER', helpGroup: 'GLOBAL'}),
    profile: Flags.string({description: 'Whose journal (default: your OS user name).', env: 'TRADEDESK_PROFILE', helpGroup: 'GLOBAL'}),
  }

  /** shown on stderr while a command waits (on a terminal only); stop it before prompting */
  protected spinner?: Spinner
  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  private openedSession?: Session

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract execute(): Promise<Result<any>>

  override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
  }

  async run(): Promise<void> {
    this.spinner = new Spinner('working…').start()
    let result: Result<unknown>
    try {
      result = await this.execute()
    } finally {
      this.spinner.stop()
    }

    if (this.wantsJson()) {
      this.write(`${JSON.stringify(result.data, null, 2)}\n`)
    } else {
      const text = result.human(result.data, await Ui.create())
      if (text) this.write(`${text}\n`)
    }

    if (result.exitCode) process.exitCode = result.exitCode
  }

  /** The session of this run, opened on first use and closed when the command ends. */
  protected async session(): Promise<Session> {
    this.openedSession ??= await Session.open({profile: this.flags.profile})
    return this.openedSession
  }

  protected wantsJson(): boolean {
    return this.flags ? Boolean(this.flags.json) : this.argv.includes('--json')
  }

  /** Everything printed goes through here, scrubbed of any secret this run loaded. */
  protected write(text: string, stream: NodeJS.WriteStream = process.stdout): void {
    stream.write(scrub(text, this.openedSession?.secrets ?? []))
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    this.spinner?.stop()
    // A database failure after start-up (a server gone, a disk full) gets the same clear words as one at start.
    const e = toTradedeskError(this.openedSession ? this.openedSession.store.describe(error) : error)
    process.exitCode = e.exitCode
    if (this.wantsJson()) {
      const envelope = {error: {code: e.code, message: e.message, exit_code: e.exitCode, retryable: e.retryable}}
      this.write(`${JSON.stringify(envelope, null, 2)}\n`)
    } else {
      this.write(`Error: ${e.message}\n`, process.stderr)
    }
  }

  override async finally(error: Error | undefined): Promise<void> {
    try {
      await this.openedSession?.close()
    } finally {
      await super.finally(error)
    }
  }
}

/** Any error, from us, oclif's parser, a prompt or a bug, as a TradedeskError. */
export function toTradedeskError(error: unknown): TradedeskError {
  if (error instanceof TradedeskError) return error
  const err = error as Error & {oclif?: {exit?: number}; code?: string}
  if (err?.name === 'ExitPromptError' || err?.name === 'AbortPromptError') {
    return new TradedeskError('INTERRUPTED', 'interrupted: nothing was sent', ExitCode.INTERRUPTED)
  }

  if (err?.oclif?.exit !== undefined || /Parse|Flag|Arg/i.test(err?.constructor?.name ?? '')) {
    const message = String(err.message ?? err).split('\nSee more help')[0]
    return new TradedeskError('USAGE', message.trim(), ExitCode.USAGE)
  }

  return new TradedeskError('INTERNAL', `unexpected error: ${err?.message ?? String(error)}`, ExitCode.INTERNAL)
}
