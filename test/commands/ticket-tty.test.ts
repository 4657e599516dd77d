import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Decimal} from 'decimal.js'

import {BIN, databaseEnv, runJson, tempHome} from '../support/cli.js'
import type {HistoryJson} from '../support/json.js'

/** The order ticket driven in a real terminal (tmux), keystroke by keystroke, as a person would. */
const hasTmux = spawnSync('tmux', ['-V']).status === 0

/**
 * A tmux server of this file's own, kept up by an idle session: tmux ends a server when its last
 * session closes, and a session opened just then fails with "server exited unexpectedly".
 */
const SOCKET = `td-test-${String(process.pid)}`
const tmux = (...args: string[]) => ['-L', SOCKET, ...args]
function keepServer(): void {
  if (spawnSync('tmux', tmux('has-session', '-t', 'keep')).status !== 0) {
    execFileSync('tmux', tmux('new-session', '-d', '-s', 'keep', 'sleep 3600'))
  }
}

after(() => {
  if (hasTmux) spawnSync('tmux', tmux('kill-server'))
})

class Terminal {
  private static count = 0
  readonly name = `td-test-${String(process.pid)}-${String(Terminal.count++)}`

  private constructor() {}

  /** Starts `tradedesk ARGS` in a new tmux session, on the journal of home (SQLite or PostgreSQL). */
  static async open(home: string, args: string, color = false): Promise<Terminal> {
    const term = new Terminal()
    const env = Object.entries(await databaseEnv(home))
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ')
    const command = `${env} ${color ? '' : 'NO_COLOR=1 '}${process.execPath} ${BIN} ${args}; echo "EXIT=$?"; sleep 600`
    keepServer()
    execFileSync('tmux', tmux('new-session', '-d', '-s', term.name, '-x', '100', '-y', '40', command))
    return term
  }

  screen(withEscapes = false): string {
    return execFileSync('tmux', tmux('capture-pane', '-p', ...(withEscapes ? ['-e'] : []), '-t', this.name), {
      encoding: 'utf8',
    })
  }

  keys(...keys: string[]) {
    execFileSync('tmux', tmux('send-keys', '-t', this.name, ...keys))
  }

  type(text: string) {
    execFileSync('tmux', tmux('send-keys', '-t', this.name, '-l', text))
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const screen = this.screen()
      if (pattern.test(screen)) return screen
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${screen}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  close() {
    spawnSync('tmux', tmux('kill-session', '-t', this.name))
  }
}

describe('trade: the order ticket in a terminal', function () {
  let term: Terminal | undefined

  before(function () {
    if (!hasTmux) this.skip()
  })
  afterEach(() => term?.close())

  it('asks for each piece, asks again after a wrong answer, and records the confirmed trade', async () => {
    const home = tempHome()
    term = await Terminal.open(home, 'trade')
    await term.waitFor(/Markets/)
    term.keys('Enter') // USDT
    await term.waitFor(/Symbol/)
    term.type('eth/u')
    await term.waitFor(/❯ ETH\/USDT/)
    term.keys('Enter')
    await term.waitFor(/Side/)
    term.keys('Enter') // buy
    await term.waitFor(/Order type/)
    term.keys('Enter') // market
    await term.waitFor(/Size in/)
    term.keys('Enter') // value (USD)
    await term.waitFor(/Value in USD/)
    term.type('abc')
    term.keys('Enter')
    await term.waitFor(/must be a plain number/)
    term.keys('BSpace', 'BSpace', 'BSpace')
    term.type('60')
    const ask = new Decimal('1755.76')
    const quantity = new Decimal(60).div(ask).toDecimalPlaces(4, Decimal.ROUND_DOWN)
    await term.waitFor(new RegExp(`60 +≈ ${quantity.toFixed().replace('.', '\\.')} ETH`))
    term.keys('Enter')
    const summary = await term.waitFor(/Send this order\?/)
    expect(summary).to.contain(`buy ${quantity.toFixed()} ETH/USDT market`)
    expect(summary).to.match(/balance after +\d/)
    term.type('y')
    term.keys('Enter')
    await term.waitFor(/EXIT=0/)

    const {json} = await runJson<HistoryJson>(['history'], {home})
    expect(json.trades).to.have.length(1)
    expect(json.trades[0]).to.include({
      symbol: 'ETH/USDT',
      side: 'buy',
      order_type: 'market',
      status: 'filled',
      quantity: quantity.toFixed(),
    })
  })

  it('sends nothing when cancelled with Ctrl-C (exit 130) or declined (exit 7)', async () => {
    const home = tempHome()
    term = await Terminal.open(home, 'trade buy BTC/USDT')
    await term.waitFor(/Order type/)
    term.keys('C-c')
    await term.waitFor(/EXIT=130/)
    term.close()

    term = await Terminal.open(home, 'trade buy BTC/USDT --usd 20')
    await term.waitFor(/Send this order\?/)
    term.type('n')
    term.keys('Enter')
    await term.waitFor(/EXIT=7/)
    const {json} = await runJson<HistoryJson>(['history'], {home})
    expect(json.trades).to.deep.equal([])
    // both attempts are in the log, each with its outcome
    const log = readFileSync(join(home, 'logs', 'tradedesk.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {command: string; symbol: string; outcome: string; exit_code: number; error_code: string},
      )
    expect(
      log.map(({command, symbol, outcome, exit_code, error_code}) => ({
        command,
        symbol,
        outcome,
        exit_code,
        error_code,
      })),
    ).to.deep.equal([
      {command: 'trade', symbol: 'BTC/USDT', outcome: 'interrupted', exit_code: 130, error_code: 'INTERRUPTED'},
      {command: 'trade', symbol: 'BTC/USDT', outcome: 'declined', exit_code: 7, error_code: 'DECLINED'},
    ])
  })
})

describe('colors in a terminal', function () {
  before(function () {
    if (!hasTmux) this.skip()
  })

  it('colors buy green on a terminal, and not at all with NO_COLOR', async () => {
    const home = tempHome()
    await runJson(['trade', 'buy', 'BTC/USDT', '--usd', '20', '--yes'], {home})
    for (const color of [true, false]) {
      const term = await Terminal.open(home, 'history', color)
      try {
        await term.waitFor(/EXIT=0/)
        const screen = term.screen(true)
        if (color) expect(screen).to.include('\u001B[32mbuy')
        // eslint-disable-next-line no-control-regex -- an ANSI color code (ESC [ 3x m) is what this looks for
        else expect(screen).to.not.match(/\u001B\[3\dm/)
      } finally {
        term.close()
      }
    }
  })
})
