/** Exit codes of the SPEC, in one place. */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  ORDER_INVALID: 3,
  CREDENTIALS: 4,
  UNAVAILABLE: 5,
  OUTCOME_UNKNOWN: 6,
  DECLINED: 7,
  /** `--wait`, `order watch`: the order ended (or the wait did) without filling: cancelled, expired, still open */
  NOT_FILLED: 8,
  INTERRUPTED: 130,
  /** SIGTERM: 128 + 15, as a shell reports it */
  TERMINATED: 143,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * Every failure a user can see is a TradedeskError: a stable code for scripts, a message for people,
 * the exit code, and whether trying again may help. Services throw them; the base command renders them.
 */
export class TradedeskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly retryable = false,
    /** the validation failures, when an order was refused by our checks (SPEC: the envelope's `errors`) */
    readonly errors?: {code: string; message: string}[],
  ) {
    super(message)
    this.name = 'TradedeskError'
  }
}

export const usageError = (message: string, code = 'USAGE') => new TradedeskError(code, message, ExitCode.USAGE)

export const invalidOrder = (message: string, errors: {code: string; message: string}[]) =>
  new TradedeskError('ORDER_INVALID', message, ExitCode.ORDER_INVALID, false, errors)

export const credentialsError = (message: string, code = 'CREDENTIALS') =>
  new TradedeskError(code, message, ExitCode.CREDENTIALS)

/** The exchange (or the paper exchange) refused the order for good: the journal row becomes `rejected`. */
export const orderRejected = (message: string, code = 'ORDER_REJECTED') =>
  new TradedeskError(code, message, ExitCode.ORDER_INVALID)

/** Raised before an order left the machine: the journal row becomes `failed`. */
export class NotSentError extends TradedeskError {}

/** Errors that came from talking to an exchange (see markExchangeError). */
const fromExchange = new WeakSet<TradedeskError>()

/** Marks an error as the exchange's (its answer, or the lack of one): the log records those for any command. */
export function markExchangeError<E extends TradedeskError>(error: E): E {
  fromExchange.add(error)
  return error
}

/**
 * An exchange communication error: no answer, a bad answer, an unavailable or rate-limited exchange,
 * an order whose outcome is unknown (not a refusal of an order or of credentials, which is an answer).
 */
export function isExchangeCommunicationError(error: TradedeskError): boolean {
  return (
    fromExchange.has(error) && (error.exitCode === ExitCode.UNAVAILABLE || error.exitCode === ExitCode.OUTCOME_UNKNOWN)
  )
}

/** A text with every secret in it replaced by ***: what any message or output goes through. */
export function scrub(text: string, secrets: string[]): string {
  let out = text
  for (const s of secrets) if (s) out = out.split(s).join('***')
  return out
}
