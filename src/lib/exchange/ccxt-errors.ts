import {
  ExitCode,
  NotSentError,
  TradedeskError,
  type ExitCodeValue,
  isExchangeCommunicationError,
  markExchangeError,
  scrub,
} from '../errors.js'

/** Which call failed: a read can be retried; an order may already exist on the exchange. */
export type Phase = 'read' | 'order'

interface Mapping {
  code: string
  exit: ExitCodeValue
  retryable: boolean
  /** for an order: true when the failure means the order may exist (outcome unknown) */
  maybeSent?: boolean
}

/** CCXT error classes, most specific first, to what a user sees. */
const BY_CLASS: [string, Mapping][] = [
  ['InsufficientFunds', {code: 'INSUFFICIENT_FUNDS', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['BadSymbol', {code: 'UNKNOWN_SYMBOL', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['OrderNotFound', {code: 'ORDER_NOT_FOUND', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['DuplicateOrderId', {code: 'DUPLICATE_ORDER', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['InvalidOrder', {code: 'ORDER_REJECTED', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['AccountSuspended', {code: 'ACCOUNT_SUSPENDED', exit: ExitCode.CREDENTIALS, retryable: false}],
  ['PermissionDenied', {code: 'PERMISSION_DENIED', exit: ExitCode.CREDENTIALS, retryable: false}],
  ['AuthenticationError', {code: 'AUTHENTICATION_FAILED', exit: ExitCode.CREDENTIALS, retryable: false}],
  ['ArgumentsRequired', {code: 'EXCHANGE_ARGUMENTS', exit: ExitCode.USAGE, retryable: false}],
  ['NotSupported', {code: 'NOT_SUPPORTED', exit: ExitCode.USAGE, retryable: false}],
  ['BadRequest', {code: 'EXCHANGE_REJECTED', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['OperationRejected', {code: 'EXCHANGE_REJECTED', exit: ExitCode.ORDER_INVALID, retryable: false}],
  ['RateLimitExceeded', {code: 'RATE_LIMITED', exit: ExitCode.UNAVAILABLE, retryable: true}],
  ['DDoSProtection', {code: 'RATE_LIMITED', exit: ExitCode.UNAVAILABLE, retryable: true}],
  ['OnMaintenance', {code: 'EXCHANGE_MAINTENANCE', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}],
  [
    'ExchangeNotAvailable',
    {code: 'EXCHANGE_UNAVAILABLE', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true},
  ],
  ['RequestTimeout', {code: 'TIMEOUT', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}],
  ['InvalidNonce', {code: 'INVALID_NONCE', exit: ExitCode.UNAVAILABLE, retryable: true}],
  ['NetworkError', {code: 'NETWORK_ERROR', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}],
  ['BadResponse', {code: 'BAD_EXCHANGE_ANSWER', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}],
  ['CancelPending', {code: 'CANCEL_PENDING', exit: ExitCode.UNAVAILABLE, retryable: true}],
  ['OperationFailed', {code: 'EXCHANGE_UNAVAILABLE', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}],
  ['ExchangeClosedByUser', {code: 'EXCHANGE_CLOSED', exit: ExitCode.INTERNAL, retryable: false}],
  ['ExchangeError', {code: 'EXCHANGE_ERROR', exit: ExitCode.ORDER_INVALID, retryable: false}],
]

/** A prototype, as far as it is read here: its class, whose name it takes (a prototype may have none). */
type Prototype = {constructor?: {name?: string}} | null

/** Names of an error's class and its ancestors ("RequestTimeout", "NetworkError", ...). */
export function errorClassChain(error: unknown): string[] {
  const names: string[] = []
  let proto = error && typeof error === 'object' ? (Object.getPrototypeOf(error) as Prototype) : null
  while (proto && proto !== Error.prototype && proto !== Object.prototype) {
    if (proto.constructor?.name) names.push(proto.constructor.name)
    proto = Object.getPrototypeOf(proto) as Prototype
  }

  return names
}

/**
 * Maps an error from a CCXT call to a TradedeskError: by class, corrected where the class misleads
 * (Binance -2015 can arrive as DDoSProtection). On an order, anything that may have reached the
 * exchange without a definitive answer is "outcome unknown" (exit 6), never "failed".
 */
export function mapCcxtError(
  error: unknown,
  phase: Phase,
  exchangeId: string,
  secrets: string[] = [],
  known: {maybeSent?: boolean} = {},
): TradedeskError {
  if (error instanceof TradedeskError) return error
  const message = scrub(messageOf(error), secrets)
  const chain = errorClassChain(error)
  let mapping = BY_CLASS.find(([cls]) => chain.includes(cls))?.[1]
  if (known.maybeSent && mapping) mapping = {...mapping, maybeSent: true}

  if (/"code":\s*-2015\b|-2015/.test(message) || /"code":\s*-1022\b/.test(message)) {
    mapping = {code: 'AUTHENTICATION_FAILED', exit: ExitCode.CREDENTIALS, retryable: false}
  }

  if (!mapping) {
    // Not a CCXT error: the exchange answered something CCXT could not read (or a bug below us).
    mapping = {code: 'BAD_EXCHANGE_ANSWER', exit: ExitCode.UNAVAILABLE, retryable: true, maybeSent: true}
  }

  const text = `${exchangeId}: ${message.startsWith(exchangeId + ' ') ? message.slice(exchangeId.length + 1) : message}`
  if (phase === 'order' && mapping.maybeSent) {
    return markExchangeError(new TradedeskError('ORDER_OUTCOME_UNKNOWN', text, ExitCode.OUTCOME_UNKNOWN, false))
  }

  return markExchangeError(new TradedeskError(mapping.code, text, mapping.exit, mapping.retryable))
}

/** A thrown value's message, else the value itself as text: anything can be thrown. */
function messageOf(error: unknown): string {
  return String((error as {message?: unknown} | null | undefined)?.message ?? error)
}

/** An error raised before a request left (missing credentials, bad arguments): the order was not sent. */
export function notSent(error: TradedeskError): NotSentError {
  const copy = new NotSentError(error.code, error.message, error.exitCode, error.retryable)
  return isExchangeCommunicationError(error) ? markExchangeError(copy) : copy
}
