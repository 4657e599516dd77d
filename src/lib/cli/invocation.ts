import {ExitCode, TradedeskError, scrub} from '../errors.js'
import {Session} from '../session.js'
import {Spinner, Ui} from '../ui.js'
import {type Io, type OutputStream, interactive} from './io.js'
import type {ArgSpecs, CommandContext, FlagSpecs, Result} from './spec.js'

/**
 * One run of a command, whichever parser read its argv (oclif, or the fast path): its session,
 * opened on first use and closed at the end; its spinner; printing its result as JSON or for a
 * person; and the one mapping from any error to the SPEC's message, JSON envelope and exit code.
 * Everything it prints goes to its io's streams, scrubbed of any secret the run loaded.
 */
export class Invocation {
  /** the exit code this run ends with */
  exitCode = 0
  private spinner?: Spinner
  private openedSession?: Session
  private readonly onSignal: [NodeJS.Signals, () => void][] = []

  constructor(
    readonly io: Io,
    readonly json: boolean,
    private readonly profile?: string,
  ) {
    // Interrupted scripts still get the envelope: 130 for SIGINT, 143 for SIGTERM.
    if (!io.process) return
    for (const [signal, exit] of [
      ['SIGINT', ExitCode.INTERRUPTED],
      ['SIGTERM', ExitCode.TERMINATED],
    ] as const) {
      const listener = () => {
        const message = `interrupted by ${signal}: whatever was sent is in the journal; \`tradedesk order sync\` settles an order left pending or unknown`
        this.fail(new TradedeskError('INTERRUPTED', message, exit))
        process.exit(exit)
      }

      process.once(signal, listener)
      this.onSignal.push([signal, listener])
    }
  }

  async session(): Promise<Session> {
    this.openedSession ??= await Session.open({
      profile: this.profile,
      env: this.io.env,
      warn: (m) => {
        this.warn(m)
      },
    })
    return this.openedSession
  }

  /** What a command's declaration gets from this run. */
  context<F extends FlagSpecs, A extends ArgSpecs>(
    flags: CommandContext<F, A>['flags'],
    args: CommandContext<F, A>['args'],
    rest: string[] = [],
  ): CommandContext<F, A> {
    return {
      flags,
      args,
      rest,
      io: this.io,
      interactive: interactive(this.io),
      session: () => this.session(),
      quiet: () => this.spinner?.stop(),
    }
  }

  /** Runs the command's work with a spinner, then prints its result. */
  async perform(work: () => Promise<Result>): Promise<void> {
    this.spinner = new Spinner('working…', this.io.stderr).start()
    let result: Result
    try {
      result = await work()
    } finally {
      this.spinner.stop()
    }

    if (this.json) {
      this.write(`${JSON.stringify(result.data, null, 2)}\n`)
    } else {
      const text = result.human(result.data, await Ui.create(this.io.stdout, this.io.env))
      if (text) this.write(`${text}\n`)
    }

    if (result.exitCode) this.exitCode = result.exitCode
  }

  /** Reports a failure: the message on stderr, or the JSON envelope on stdout; sets the exit code. */
  fail(error: unknown): void {
    this.spinner?.stop()
    // A database failure after start-up (a server gone, a disk full) gets the same clear words as one at start.
    const e = toTradedeskError(this.openedSession ? this.openedSession.store.describe(error) : error)
    this.exitCode = e.exitCode
    if (this.json) {
      const error = {code: e.code, message: e.message, exit_code: e.exitCode, retryable: e.retryable}
      // The validation failures go with the error, and beside it as in validate's own result, so
      // that `.errors` reads the same from validate and from a refused trade.
      const envelope = e.errors ? {error: {...error, errors: e.errors}, errors: e.errors} : {error}
      this.write(`${JSON.stringify(envelope, null, 2)}\n`)
    } else {
      this.write(`Error: ${e.message}\n`, this.io.stderr)
    }
  }

  /** A warning for people, on stderr (never on stdout, which may carry JSON). */
  warn(message: string): void {
    this.spinner?.stop()
    this.write(`Warning: ${message}\n`, this.io.stderr)
  }

  write(text: string, stream: OutputStream = this.io.stdout): void {
    stream.write(scrub(text, this.openedSession?.secrets ?? []))
  }

  /** Closes the session (a failure to close is the run's failure) and returns the exit code. */
  async close(): Promise<number> {
    for (const [signal, listener] of this.onSignal) process.removeListener(signal, listener)
    try {
      await this.openedSession?.close()
    } catch (error) {
      this.fail(error)
    }

    return this.exitCode
  }

  /** Runs a whole command: the work, its failure if any, and the close; returns the exit code. */
  async run(work: () => Promise<Result>): Promise<number> {
    try {
      await this.perform(work)
    } catch (error) {
      this.fail(error)
    }

    return this.close()
  }
}

/** Any error, from us, oclif's parser, a prompt or a bug, as a TradedeskError. */
export function toTradedeskError(error: unknown): TradedeskError {
  if (error instanceof TradedeskError) return error
  const err = error as (Error & {oclif?: {exit?: number}; code?: string}) | undefined
  if (err?.name === 'ExitPromptError' || err?.name === 'AbortPromptError') {
    return new TradedeskError('INTERRUPTED', 'interrupted: nothing was sent', ExitCode.INTERRUPTED)
  }

  if (err?.oclif?.exit !== undefined || /Parse|Flag|Arg/i.test(err?.constructor.name ?? '')) {
    // oclif's messages run over lines ("Parsing --limit \n\tExpected an integer..."): one line each.
    const message = String(err?.message ?? err)
      .split('\nSee more help')[0]
      .trim()
      .replace(/:?\s*\n\s*/g, ': ')
    return new TradedeskError('USAGE', message, ExitCode.USAGE)
  }

  return new TradedeskError('INTERNAL', `unexpected error: ${err?.message ?? String(error)}`, ExitCode.INTERNAL)
}
