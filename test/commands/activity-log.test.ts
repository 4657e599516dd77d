/**
 * $TRADEDESK_HOME/logs/tradedesk.log: one JSON line per trade attempt (whatever its outcome) and per
 * run that met an exchange communication error, with the documented keys and never a secret; rotated
 * by size; lines from processes writing at once never interleave; a log that cannot be written never
 * fails a command. Against the loopback Binance with the sentinel credentials. Build first.
 */
import {expect} from 'chai'
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {TradeJson} from '../support/json.js'
import {LOG_KEYS, type LogLineJson} from '../support/json-stats.js'
import {runCli, tempHome} from '../support/cli.js'
import {
  type Desk,
  GOOD_ENV,
  SENTINELS,
  SENTINEL_KEY,
  SENTINEL_WRONG_KEY,
  SENTINEL_SECRET,
  closeOpened,
  expectError,
  expectOk,
  leaksInHomes,
  openDesk,
  removeHomes,
} from './ccxt-support.js'

const ORDER = '/api/v3/order'
const ACCOUNT = '/api/v3/account'
const TICKER = '/api/v3/ticker/24hr'

const logFile = (home: string, n?: number) => join(home, 'logs', n ? `tradedesk.log.${String(n)}` : 'tradedesk.log')

/** The lines of a log file, each parsed (a line that is not JSON fails the test). */
function linesOf(file: string): LogLineJson[] {
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  expect(text.endsWith('\n') || text === '', `${file} ends with a whole line`).to.equal(true)
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLineJson)
}

describe('the log: one JSON line per trade attempt and per exchange communication error', function () {
  this.timeout(120_000)
  let desk: Desk | undefined
  /** what the test did, in order: the line each run must have left (undefined: none) */
  const expected: Partial<LogLineJson>[] = []
  const runs: string[] = []

  const d = () => {
    if (!desk) throw new Error('before() did not open the desk')
    return desk
  }

  /** Runs a command and says what line it must leave in the log, or that it leaves none. */
  async function attempt(args: string[], line: Partial<LogLineJson> | null, env = GOOD_ENV) {
    const r = await d().td<TradeJson>(args, env)
    runs.push(args.join(' '))
    if (line) expected.push(line)
    return r
  }

  before(async () => {
    desk = await openDesk({balances: {USDT: '10000'}})
  })

  after(async () => {
    await closeOpened(desk)
    expect(leaksInHomes()).to.deep.equal([])
    removeHomes()
  })

  it('records each attempt and each exchange error with the documented keys, and nothing else', async () => {
    // 1. a filled trade
    const ok = await attempt(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], {
      command: 'trade',
      broker: 'bn',
      symbol: 'BTC/USDT',
      outcome: 'ok',
      exit_code: 0,
      error_code: null,
      error_message: null,
      validation_codes: null,
      status: 'filled',
    })
    expectOk(ok)
    expected[0] = {...expected[0], trade_id: ok.json.id, client_order_id: ok.json.client_order_id}

    // 2. a validation failure: no row, the codes of the failures
    const invalid = await attempt(['trade', 'buy', 'BTC/USDT', '--quantity', '100', '--yes'], {
      command: 'trade',
      broker: 'bn',
      symbol: 'BTC/USDT',
      outcome: 'invalid',
      exit_code: 3,
      error_code: 'ORDER_INVALID',
      validation_codes: ['INSUFFICIENT_FUNDS'],
      trade_id: null,
      client_order_id: null,
      status: null,
    })
    expectError(invalid, 3, 'ORDER_INVALID')

    // 3. an exchange error on the order: HTTP 500, outcome unknown, with the row's id and client id
    d().fake.injectFault({method: 'POST', path: ORDER, kind: 'server-error-500'})
    const unknown = await attempt(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], {
      command: 'trade',
      broker: 'bn',
      symbol: 'BTC/USDT',
      outcome: 'outcome_unknown',
      exit_code: 6,
      error_code: 'ORDER_OUTCOME_UNKNOWN',
      status: 'unknown',
      http_failures: 1,
    })
    expectError(unknown, 6, 'ORDER_OUTCOME_UNKNOWN')
    const row = await d().lastTrade()
    expect(row.status).to.equal('unknown')
    expected[2] = {...expected[2], trade_id: row.id, client_order_id: row.client_order_id}

    // 4. no terminal and no --yes: refused before anything, still an attempt
    const refused = await attempt(['trade', 'sell', 'ETH/USDT', '--quantity', '0.01'], {
      command: 'trade',
      broker: null,
      symbol: 'ETH/USDT',
      outcome: 'usage_error',
      exit_code: 2,
      error_code: 'CONFIRMATION_REQUIRED',
    })
    expectError(refused, 2, 'CONFIRMATION_REQUIRED')

    // 5. a paper trade: no HTTP at all
    expectOk(
      await attempt(['trade', 'buy', 'ETH/USDT', '--quantity', '0.01', '--yes', '--broker', 'paper'], {
        command: 'trade',
        broker: 'paper',
        symbol: 'ETH/USDT',
        outcome: 'ok',
        status: 'filled',
        http_requests: 0,
      }),
    )

    // 6. a wrong key: the exchange refuses it (an answer, exit 4), but it is a trade attempt
    const wrongKey = await attempt(
      ['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'],
      {command: 'trade', broker: 'bn', outcome: 'credentials_error', exit_code: 4, trade_id: null},
      {TRADEDESK_BN_API_KEY: SENTINEL_WRONG_KEY, TRADEDESK_BN_SECRET: SENTINEL_SECRET},
    )
    expectError(wrongKey, 4)

    // not attempts, no exchange error: no line
    expectOk(await attempt(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--dry-run'], null))
    expectOk(await attempt(['validate', 'buy', 'BTC/USDT', '--quantity', '0.001'], null))
    expectOk(await attempt(['price', 'BTC/USDT'], null))
    expectOk(await attempt(['history'], null))
    expectOk(await attempt(['stats'], null))

    // 7. an exchange error in another command: the balance request answered 503, every retry
    d().fake.injectFault({method: 'GET', path: ACCOUNT, kind: 'html-503', times: 'always'})
    const down = await attempt(['balance'], {
      command: 'balance',
      broker: 'bn',
      symbol: null,
      outcome: 'unavailable',
      exit_code: 5,
      error_code: 'EXCHANGE_UNAVAILABLE',
      http_failures: 3,
      http_requests: 3,
    })
    d().fake.clearFaults()
    expectError(down, 5, 'EXCHANGE_UNAVAILABLE')

    // 8. an exchange error that a retry got over: the command succeeds, and the failed request is logged
    d().fake.injectFault({method: 'GET', path: TICKER, kind: 'html-503'})
    expectOk(
      await attempt(['price', 'BTC/USDT'], {
        command: 'price',
        broker: 'bn',
        outcome: 'ok',
        exit_code: 0,
        error_code: null,
        http_requests: 2,
        http_failures: 1,
      }),
    )

    // 9. a timeout on a signed request: ccxt's message quotes its URL, signature included
    d().fake.injectFault({method: 'GET', path: ACCOUNT, kind: 'hang', times: 'always'})
    const timeout = await attempt(['balance'], {command: 'balance', outcome: 'unavailable', error_code: 'TIMEOUT'})
    d().fake.clearFaults()
    expectError(timeout, 5, 'TIMEOUT')

    // 10. an answer that cannot be read (HTTP 200, broken JSON): no request failed, the exchange's answer did
    d().fake.injectFault({method: 'GET', path: ACCOUNT, kind: 'malformed-json', times: 'always'})
    const garbled = await attempt(['balance'], {
      command: 'balance',
      outcome: 'unavailable',
      error_code: 'BAD_EXCHANGE_ANSWER',
      http_failures: 0,
    })
    d().fake.clearFaults()
    expectError(garbled, 5, 'BAD_EXCHANGE_ANSWER')

    const lines = linesOf(logFile(d().home))
    expect(lines, `one line per attempt or exchange error of: ${runs.join('; ')}`).to.have.length(expected.length)
    for (const [i, line] of lines.entries()) {
      expect(Object.keys(line), `line ${String(i + 1)}: the documented keys, in order`).to.deep.equal(LOG_KEYS)
      expect(line, `line ${String(i + 1)}`).to.deep.include(expected[i])
      expect(new Date(line.time).toISOString(), 'an ISO 8601 UTC time').to.equal(line.time)
      expect(Number.isInteger(line.duration_ms) && line.duration_ms >= 0, 'duration in whole ms').to.equal(true)
      expect(line.http_failures).to.be.at.most(line.http_requests)
    }

    expect(lines[2].error_message).to.contain('sent but not confirmed')
    expect(lines[8].error_message, 'the URL of the timed-out request is quoted').to.contain('/api/v3/account?')
    const text = readFileSync(logFile(d().home), 'utf8')
    expect(text, 'no signature, nor its value').to.not.match(/signature/i)
    for (const s of [...SENTINELS, SENTINEL_KEY]) expect(text).to.not.contain(s)
  })
})

describe('the log: rotation, several processes at once, and a log that cannot be written', function () {
  this.timeout(120_000)

  /** A trade attempt refused at once (no terminal, no --yes): one short line, no exchange, no journal. */
  const refusedAttempt = (home: string, symbol: string, env: Record<string, string> = {}, binary = false) =>
    runCli(['trade', 'buy', symbol, '--quantity', '1'], {home, env, binary})

  it('rotates by size (TRADEDESK_LOG_MAX_BYTES): tradedesk.log.1 .. .KEEP (TRADEDESK_LOG_KEEP), oldest dropped, every line whole', async () => {
    const home = tempHome('tradedesk-log-')
    const env = {TRADEDESK_LOG_MAX_BYTES: '1000', TRADEDESK_LOG_KEEP: '2'}
    const symbols = Array.from({length: 12}, (_, i) => `A${String(i)}/USDT`)
    for (const s of symbols) expect((await refusedAttempt(home, s, env)).code).to.equal(2)

    expect(existsSync(logFile(home, 3)), 'no third generation with KEEP 2').to.equal(false)
    const generations = [logFile(home, 2), logFile(home, 1), logFile(home)]
    for (const f of generations) {
      expect(existsSync(f), f).to.equal(true)
      expect(statSync(f).size, `${f} within the limit`).to.be.at.most(1000)
    }

    // oldest to newest: the last attempts, in order, with nothing missing in between
    const kept = generations.flatMap((f) => linesOf(f).map((l) => l.symbol))
    expect(kept.length).to.be.within(3, symbols.length - 1)
    expect(kept).to.deep.equal(symbols.slice(symbols.length - kept.length))
  })

  it('lines of processes appending at once never interleave or get lost, rotation included', async () => {
    const home = tempHome('tradedesk-log-')
    // The log dir exists before the race (a first run makes it).
    expect((await refusedAttempt(home, 'FIRST/USDT')).code).to.equal(2)
    const env = {TRADEDESK_LOG_MAX_BYTES: '2000', TRADEDESK_LOG_KEEP: '50'}
    const symbols = Array.from({length: 10}, (_, i) => `P${String(i)}/USDT`)
    const results = await Promise.all(symbols.map((s) => refusedAttempt(home, s, env, true)))
    for (const r of results) expect(r.code, r.stderr).to.equal(2)

    const all = Array.from({length: 51}, (_, n) => linesOf(logFile(home, n))).flat()
    expect(all.map((l) => l.symbol).sort()).to.deep.equal(['FIRST/USDT', ...symbols].sort())
  })

  it('a log that cannot be written never fails the command', async () => {
    const home = tempHome('tradedesk-log-')
    writeFileSync(join(home, 'logs'), 'a file where the log directory should be')
    const r = await runCli(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--json'], {home})
    expect(r.code, r.stderr).to.equal(0)
    expect((JSON.parse(r.stdout) as TradeJson).status).to.equal('filled')
    expect(r.stderr).to.equal('')
  })
})
