/**
 * The in-process tier's helper against the real binary: for the same argv, on the same home, the
 * same stdout, stderr and exit code. Most command tests run in process (runCli); this is what lets
 * them stand for the binary. A sample of every kind of answer: results, JSON and human, each exit
 * code a command can end with before it reaches an exchange, oclif's parse errors, and the
 * commands oclif runs (not marked fast) beside the fast ones.
 */
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {databaseEnv, runBinary, runInProcess, tempHome} from '../support/cli.js'

describe('in process and as a binary: the same answer', function () {
  this.timeout(120_000)
  const home = tempHome()

  before(async () => {
    for (const args of [
      ['broker', 'add', 'practice', '--exchange', 'paper', '--balance', 'USDT=500', '--balance', 'BTC=0.5'],
      ['broker', 'add', 'bn', '--exchange', 'binance'],
      ['trade', 'buy', 'BTC/USDT', '--usd', '25', '--note', 'first', '--yes'],
      ['trade', 'sell', 'BTC/USDT', '--quantity', '0.1', '--broker', 'practice', '--yes'],
    ]) {
      const r = await runInProcess(args, {home})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0)
    }
  })

  const samples: [string, string[]][] = [
    ['history, human', ['history']],
    ['history, JSON', ['history', '--json']],
    ['history, CSV', ['history', '--csv']],
    ['history show', ['history', 'show', '1', '--json']],
    ['an unknown trade (exit 2)', ['history', 'show', '99', '--json']],
    ['a bad date (exit 2)', ['history', '--since', '2026-02-30']],
    ['balance of another broker', ['balance', '--broker', 'practice', '--all']],
    ['broker list', ['broker', 'list', '--json']],
    ['symbols, searched and paged', ['symbols', '--search', 'eth', '--page-size', '5', '--page', '2']],
    ['price', ['price', 'eth/usdt', '--json']],
    ['portfolio', ['portfolio']],
    ['validate, valid', ['validate', 'buy', 'BTC/USDT', '--usd', '50']],
    ['validate, invalid (exit 3)', ['validate', 'buy', 'BTC/USDT', '--usd', '5000000', '--json']],
    ['trade refused by validation (exit 3)', ['trade', 'buy', 'BTC/USDT', '--quantity', '0.0000001', '--yes']],
    ['trade without --yes and no terminal (exit 2)', ['trade', 'buy', 'BTC/USDT', '--usd', '20', '--json']],
    [
      'trade --dry-run, through oclif',
      ['trade', 'sell', 'BTC/USDT', '--percent', '50', '--dry-run', '--broker', 'practice'],
    ],
    ['credentials missing (exit 4)', ['balance', '--broker', 'bn', '--json']],
    ['an unknown broker (exit 2)', ['portfolio', '--broker', 'ghost']],
    ["oclif's parse error: an unknown flag (exit 2)", ['history', '--bogus', '--json']],
    ["oclif's parse error: a bad option value (exit 2)", ['history', '--side', 'hold']],
    ['an unknown command (exit 2)', ['histroy', '--json']],
    ['exchange-info of the paper exchange', ['exchange-info', 'paper', '--json']],
    ['a global flag before the command', ['--json', 'broker', 'list']],
    ['-y, read by oclif', ['trade', 'buy', 'BTC/USDT', '--usd', '20', '-y', '--dry-run', '--json']],
  ]

  for (const [what, args] of samples) {
    it(`${what}: tradedesk ${args.join(' ')}`, async () => {
      const inProcess = await runInProcess(args, {home})
      const binary = await runBinary(args, {home})
      expect(inProcess, `stderr: ${binary.stderr}`).to.deep.equal(binary)
    })
  }

  it('the sample covers every exit code a command ends with before reaching an exchange: 0, 2, 3 and 4', async () => {
    const codes = new Set<number | null>()
    for (const [, args] of samples) codes.add((await runInProcess(args, {home})).code)
    expect([...codes].sort()).to.deep.equal([0, 2, 3, 4])
  })
})

describe('bin/dev.js: the same path as bin/run.js, on the TypeScript sources', function () {
  this.timeout(120_000)
  const home = tempHome()
  const DEV = fileURLToPath(new URL('../../bin/dev.js', import.meta.url))

  for (const args of [
    ['broker', 'list', '--json'],
    ['trade', 'buy', 'BTC/USDT', '--usd', '20', '--dry-run'],
    ['history', '--bogus'],
    ['trade', 'buy', 'NOPE/USDT', '--usd', '20', '--yes', '--json'],
  ]) {
    it(`tradedesk ${args.join(' ')}`, async () => {
      const binary = await runBinary(args, {home})
      // The shebang runs it as `node --import tsx bin/dev.js`.
      const dev = spawnSync(process.execPath, ['--import', 'tsx', DEV, ...args], {
        env: {PATH: process.env.PATH, HOME: home, ...(await databaseEnv(home))},
        encoding: 'utf8',
      })
      expect({code: dev.status, stdout: dev.stdout, stderr: dev.stderr}).to.deep.equal({
        code: binary.code,
        stdout: binary.stdout,
        stderr: binary.stderr,
      })
    })
  }
})
