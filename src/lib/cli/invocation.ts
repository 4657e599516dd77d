import type {AttemptFields} from '../activity-log.js'
import {ExitCode, TradedeskError, isExchangeCommunicationError, scrub} from '../errors.js'
import {type HttpExchange, failedInTransit, redactUrls, redactedPath} from '../exchange/http-trace.js'
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
  private readonly started = performance.now()
  /** set when the command says this run is a trade attempt (logged whatever its outcome) */
  private attempt?: AttemptFields
  /** the log's module, loaded only by a run that writes a line (a read-only command never does) */
  private logger?: typeof import('../activity-log.js')
  private loadingLogger?: Promise<void>
  private failure?: TradedeskError
  private http: {requests: number; failures: number; broker?: string} = {requests: 0, failures: 0}
  private logged = false
  /** output went out as it happened (NDJSON): an error then comes as one more line */
  private streaming = false

  constructor(
    readonly io: Io,
    readonly json: boolean,
    private readonly profile?: string,
    /** command: its id, for the log; verbose: print each HTTP request on stderr */
    private readonly options: {command?: string; verbose?: boolean} = {},
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
        this.log()
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
      http: (exchange) => {
        this.sawHttp(exchange)
      },
      warn: (m) => {
        this.warn(m)
      },
      inProcess: Boolean(this.options.verbose),
    })
    return this.openedSession
  }

  /** Counts a request for the log; with --verbose, prints it on stderr (never stdout, whatever --json). */
  private sawHttp(exchange: HttpExchange): void {
    this.http.requests += 1
    this.http.broker = exchange.broker
    if (failedInTransit(exchange)) this.http.failures += 1
    if (!this.options.verbose) return
    const status = exchange.status === null ? 'no-answer' : String(exchange.status)
    this.write(
      `HTTP ${exchange.method.toUpperCase()} ${redactedPath(exchange.url)} ${status} ${String(exchange.ms)}ms\n`,
      this.io.stderr,
    )
  }

  /** What a command's declaration gets from this run. */
  context<F extends FlagSpecs, A extends ArgSpecs>(
    flags: CommandContext<F, A>['flags'],
    args: CommandContext<F, A>['args'],
  ): CommandContext<F, A> {
    return {
      flags,
      args,
      io: this.io,
      interactive: interactive(this.io),
      session: () => this.session(),
      quiet: () => this.spinner?.stop(),
      attempt: (fields) => {
        this.loadLogger()
        this.attempt = {...this.attempt, ...fields}
      },
      print: (text) => {
        this.streaming = true
        this.write(text)
      },
    }
  }

  /** Runs the command's work with a spinner, then prints its result. */
  async perform(work: () => Promise<Result>): Promise<void> {
    // --verbose writes lines on stderr as it goes: no spinner to overwrite them.
    this.spinner = new Spinner('working…', this.io.stderr)
    if (!this.options.verbose) this.spinner.start()
    let result: Result
    try {
      result = await work()
    } finally {
      this.spinner.stop()
    }

    if (result.streamed) {
      // printed as it went
    } else if (this.json) {
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
    const described = toTradedeskError(this.openedSession ? this.openedSession.store.describe(error) : error)
    // ccxt quotes the signed URL in a timeout's or a 5xx's message: never its signature or key parameters
    const e = Object.assign(described, {message: redactUrls(described.message)})
    this.failure = e
    this.exitCode = e.exitCode
    if (this.json) {
      const error = {code: e.code, message: e.message, exit_code: e.exitCode, retryable: e.retryable}
      // The validation failures go with the error, and beside it as in validate's own result, so
      // that `.errors` reads the same from validate and from a refused trade.
      const envelope = e.errors ? {error: {...error, errors: e.errors}, errors: e.errors} : {error}
      this.write(`${JSON.stringify(envelope, null, this.streaming ? undefined : 2)}\n`)
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

    if (this.shouldLog()) {
      this.loadLogger()
      await this.loadingLogger
    }

    this.log()
    return this.exitCode
  }

  private loadLogger(): void {
    this.loadingLogger ??= import('../activity-log.js').then(
      (m) => {
        this.logger = m
      },
      () => undefined, // a log that cannot be written never fails a command
    )
  }

  private shouldLog(): boolean {
    const e = this.failure
    const exchangeTrouble = (e !== undefined && isExchangeCommunicationError(e)) || this.http.failures > 0
    return !this.logged && Boolean(this.options.command) && (this.attempt !== undefined || exchangeTrouble)
  }

  /**
   * One line in $TRADEDESK_HOME/logs/tradedesk.log for a trade attempt, whatever its outcome, and for
   * any run that met an exchange communication error (a failure, or a request that failed and was
   * retried). Built from known fields only; never fails the run.
   */
  private log(): void {
    const e = this.failure
    const {logger} = this
    if (!this.shouldLog() || !logger || !this.options.command) return
    this.logged = true
    const a = this.attempt ?? {}
    logger.appendLog(
      this.io.env,
      {
        time: new Date().toISOString(),
        command: this.options.command,
        broker: a.broker ?? this.http.broker ?? null,
        symbol: a.symbol ?? null,
        outcome: logger.outcomeOf(this.exitCode),
        exit_code: this.exitCode,
        duration_ms: Math.round(performance.now() - this.started),
        error_code: e?.code ?? null,
        error_message: e?.message ?? null,
        validation_codes: e?.errors?.map((v) => v.code) ?? null,
        trade_id: a.trade_id ?? null,
        client_order_id: a.client_order_id ?? null,
        status: a.status ?? null,
        http_requests: this.http.requests,
        http_failures: this.http.failures,
      },
      this.openedSession?.secrets ?? [],
    )
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
