/**
 * CCXT error class -> tradedesk error code / exit code / retryable, with the real ccxt error classes.
 * Exit codes are the SPEC's numbers, written out here on purpose (not imported from src).
 */
import {expect} from 'chai'
import ccxt from 'ccxt'

import {TradedeskError, scrub} from '../../../src/lib/errors.js'
import {errorClassChain, mapCcxtError, notSent} from '../../../src/lib/exchange/ccxt-errors.js'

type ErrorClass = new (message?: string) => Error
const cls = (name: string): ErrorClass => {
  const c = (ccxt as unknown as Record<string, unknown>)[name]
  if (typeof c !== 'function') throw new Error(`ccxt has no error class ${name}`)
  return c as ErrorClass
}

interface Expectation {
  /** the CCXT class thrown */
  error: string
  code: string
  exit: number
  retryable: boolean
  /** on the order request: the order may exist, so the outcome is unknown (exit 6) */
  maybeSent: boolean
}

// The contract: 3 = invalid / rejected, 4 = credentials, 5 = unavailable / rate limited / timeout,
// 2 = usage; on an order, anything that may have reached the exchange without a definitive no is 6.
const TABLE: Expectation[] = [
  {error: 'InsufficientFunds', code: 'INSUFFICIENT_FUNDS', exit: 3, retryable: false, maybeSent: false},
  {error: 'BadSymbol', code: 'UNKNOWN_SYMBOL', exit: 3, retryable: false, maybeSent: false},
  {error: 'OrderNotFound', code: 'ORDER_NOT_FOUND', exit: 3, retryable: false, maybeSent: false},
  {error: 'DuplicateOrderId', code: 'DUPLICATE_ORDER', exit: 3, retryable: false, maybeSent: false},
  {error: 'InvalidOrder', code: 'ORDER_REJECTED', exit: 3, retryable: false, maybeSent: false},
  {error: 'OrderImmediatelyFillable', code: 'ORDER_REJECTED', exit: 3, retryable: false, maybeSent: false},
  {error: 'AccountSuspended', code: 'ACCOUNT_SUSPENDED', exit: 4, retryable: false, maybeSent: false},
  {error: 'PermissionDenied', code: 'PERMISSION_DENIED', exit: 4, retryable: false, maybeSent: false},
  {error: 'AccountNotEnabled', code: 'PERMISSION_DENIED', exit: 4, retryable: false, maybeSent: false},
  {error: 'AuthenticationError', code: 'AUTHENTICATION_FAILED', exit: 4, retryable: false, maybeSent: false},
  {error: 'ArgumentsRequired', code: 'EXCHANGE_ARGUMENTS', exit: 2, retryable: false, maybeSent: false},
  {error: 'NotSupported', code: 'NOT_SUPPORTED', exit: 2, retryable: false, maybeSent: false},
  {error: 'BadRequest', code: 'EXCHANGE_REJECTED', exit: 3, retryable: false, maybeSent: false},
  {error: 'OperationRejected', code: 'EXCHANGE_REJECTED', exit: 3, retryable: false, maybeSent: false},
  {error: 'MarketClosed', code: 'EXCHANGE_REJECTED', exit: 3, retryable: false, maybeSent: false},
  {error: 'ExchangeError', code: 'EXCHANGE_ERROR', exit: 3, retryable: false, maybeSent: false},
  // HTTP 418/429: the request was refused before it was processed: a definitive "not now"
  {error: 'RateLimitExceeded', code: 'RATE_LIMITED', exit: 5, retryable: true, maybeSent: false},
  {error: 'DDoSProtection', code: 'RATE_LIMITED', exit: 5, retryable: true, maybeSent: false},
  {error: 'InvalidNonce', code: 'INVALID_NONCE', exit: 5, retryable: true, maybeSent: false},
  {error: 'CancelPending', code: 'CANCEL_PENDING', exit: 5, retryable: true, maybeSent: false},
  // 5xx, maintenance pages, timeouts, dropped connections, unreadable answers: the order may exist
  {error: 'OnMaintenance', code: 'EXCHANGE_MAINTENANCE', exit: 5, retryable: true, maybeSent: true},
  {error: 'ExchangeNotAvailable', code: 'EXCHANGE_UNAVAILABLE', exit: 5, retryable: true, maybeSent: true},
  {error: 'RequestTimeout', code: 'TIMEOUT', exit: 5, retryable: true, maybeSent: true},
  {error: 'NetworkError', code: 'NETWORK_ERROR', exit: 5, retryable: true, maybeSent: true},
  {error: 'BadResponse', code: 'BAD_EXCHANGE_ANSWER', exit: 5, retryable: true, maybeSent: true},
  {error: 'NullResponse', code: 'BAD_EXCHANGE_ANSWER', exit: 5, retryable: true, maybeSent: true},
  {error: 'OperationFailed', code: 'EXCHANGE_UNAVAILABLE', exit: 5, retryable: true, maybeSent: true},
  {error: 'ExchangeClosedByUser', code: 'EXCHANGE_CLOSED', exit: 1, retryable: false, maybeSent: false},
]

describe('ccxt-errors: CCXT error class -> code, exit code, retryable', () => {
  describe('one mapping per class (read, then order)', () => {
    for (const t of TABLE) {
      it(`${t.error} -> ${t.code}, exit ${String(t.exit)}${t.retryable ? ', retryable' : ''}; on the order: exit ${String(t.maybeSent ? 6 : t.exit)}`, () => {
        const Err = cls(t.error)
        const error = new Err('binance {"code":-1,"msg":"something"}')
        expect(errorClassChain(error)[0], 'the real ccxt class').to.equal(t.error)

        const read = mapCcxtError(error, 'read', 'binance')
        expect(read).to.be.instanceOf(TradedeskError)
        expect({code: read.code, exit: read.exitCode, retryable: read.retryable}).to.deep.equal({
          code: t.code,
          exit: t.exit,
          retryable: t.retryable,
        })
        expect(read.message).to.equal('binance: {"code":-1,"msg":"something"}')

        const order = mapCcxtError(error, 'order', 'binance')
        if (t.maybeSent) {
          expect({code: order.code, exit: order.exitCode, retryable: order.retryable}).to.deep.equal({
            code: 'ORDER_OUTCOME_UNKNOWN',
            exit: 6,
            retryable: false,
          })
        } else {
          expect({code: order.code, exit: order.exitCode, retryable: order.retryable}).to.deep.equal({
            code: t.code,
            exit: t.exit,
            retryable: t.retryable,
          })
        }
      })
    }
  })

  describe('corrections and non-CCXT errors', () => {
    it('Binance -2015 arriving as DDoSProtection is a credentials problem (exit 4), on a read and on an order', () => {
      const error = new ccxt.DDoSProtection(
        'binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}',
      )
      for (const phase of ['read', 'order'] as const) {
        const e = mapCcxtError(error, phase, 'binance')
        expect({code: e.code, exit: e.exitCode, retryable: e.retryable}, phase).to.deep.equal({
          code: 'AUTHENTICATION_FAILED',
          exit: 4,
          retryable: false,
        })
      }
    })

    it('Binance -1022 (bad signature) in any class is a credentials problem (exit 4)', () => {
      const e = mapCcxtError(
        new ccxt.BadRequest('binance {"code":-1022,"msg":"Signature for this request is not valid."}'),
        'read',
        'binance',
      )
      expect({code: e.code, exit: e.exitCode}).to.deep.equal({code: 'AUTHENTICATION_FAILED', exit: 4})
    })

    it('a 429 -1003 DDoSProtection (no -2015) stays a retryable rate limit', () => {
      const e = mapCcxtError(
        new ccxt.DDoSProtection('binance {"code":-1003,"msg":"Too many requests"}'),
        'read',
        'binance',
      )
      expect({code: e.code, exit: e.exitCode, retryable: e.retryable}).to.deep.equal({
        code: 'RATE_LIMITED',
        exit: 5,
        retryable: true,
      })
    })

    it('a plain TypeError (a garbled answer CCXT could not parse) is BAD_EXCHANGE_ANSWER: exit 5 on a read, 6 on an order', () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'symbol')")
      const read = mapCcxtError(error, 'read', 'binance')
      expect({code: read.code, exit: read.exitCode, retryable: read.retryable}).to.deep.equal({
        code: 'BAD_EXCHANGE_ANSWER',
        exit: 5,
        retryable: true,
      })
      expect(read.message).to.contain("reading 'symbol'")
      const order = mapCcxtError(error, 'order', 'binance')
      expect({code: order.code, exit: order.exitCode}).to.deep.equal({code: 'ORDER_OUTCOME_UNKNOWN', exit: 6})
    })

    it('a SyntaxError or a thrown non-Error is a bad exchange answer too, never an internal crash', () => {
      for (const thrown of [new SyntaxError('Unexpected end of JSON input'), 'socket hang up', undefined]) {
        const e = mapCcxtError(thrown, 'read', 'binance')
        expect(e.code, String(thrown)).to.equal('BAD_EXCHANGE_ANSWER')
        expect(e.exitCode).to.equal(5)
      }
    })

    it('a TradedeskError passes through unchanged', () => {
      const mine = new TradedeskError('CREDENTIALS_MISSING', 'no keys', 4)
      expect(mapCcxtError(mine, 'order', 'binance')).to.equal(mine)
    })

    it('notSent keeps code, exit code and retryable (a failure before the request left)', () => {
      const e = notSent(
        mapCcxtError(new ccxt.RequestTimeout('binance GET /api/v3/exchangeInfo request timed out'), 'read', 'binance'),
      )
      expect({code: e.code, exit: e.exitCode, retryable: e.retryable}).to.deep.equal({
        code: 'TIMEOUT',
        exit: 5,
        retryable: true,
      })
    })
  })

  describe('secrets are scrubbed from messages', () => {
    const KEY = 'SENTINEL-APIKEY-5d1e7b'
    const SECRET = 'SENTINEL-SECRET-8f3a2c'

    it('from a CCXT error message, on a read and on an order', () => {
      const error = new ccxt.AuthenticationError(
        `binance GET http://x/api/v3/account?apiKey=${KEY}&secret=${SECRET} {"code":-2015}`,
      )
      for (const phase of ['read', 'order'] as const) {
        const e = mapCcxtError(error, phase, 'binance', [KEY, SECRET])
        expect(e.message).to.not.contain(KEY)
        expect(e.message).to.not.contain(SECRET)
        expect(e.message).to.contain('***')
        expect(e.exitCode).to.equal(4)
      }
    })

    it('from a timeout on an order and from a non-CCXT error, every occurrence', () => {
      const timeout = mapCcxtError(
        new ccxt.RequestTimeout(`binance POST ${SECRET} ${SECRET} request timed out`),
        'order',
        'binance',
        [KEY, SECRET],
      )
      expect(timeout.message).to.not.contain(SECRET)
      expect(timeout.exitCode).to.equal(6)
      const plain = mapCcxtError(new TypeError(`bad ${KEY}`), 'read', 'binance', [KEY, SECRET])
      expect(plain.message).to.equal('binance: bad ***')
    })

    it('scrub() replaces every secret, leaves text without secrets alone, ignores empty secrets', () => {
      expect(scrub(`a ${KEY} b ${SECRET} c ${KEY}`, [KEY, SECRET])).to.equal('a *** b *** c ***')
      expect(scrub('nothing here', [KEY, ''])).to.equal('nothing here')
    })
  })
})
