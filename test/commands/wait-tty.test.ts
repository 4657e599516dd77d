/**
 * `trade --wait` in a real terminal (tmux): the spinner on stderr says what the order is doing while
 * it waits, and is gone when the record is printed. Against the loopback fake Binance, whose ask a
 * test moves onto the resting order's price.
 */
import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'

import {BIN, databaseEnv} from '../support/cli.js'
import {D, type Desk, GOOD_ENV, canon, closeOpened, openDesk, removeHomes, snapshotTicker} from './ccxt-support.js'

const hasTmux = spawnSync('tmux', ['-V']).status === 0
const SOCKET = `td-wait-test-${String(process.pid)}`
const tmux = (...args: string[]) => ['-L', SOCKET, ...args]
const LOW = new D(snapshotTicker('BTCUSDT').askPrice).mul('0.98').toDecimalPlaces(2, D.ROUND_DOWN)

const screen = (name: string) => execFileSync('tmux', tmux('capture-pane', '-p', '-t', name), {encoding: 'utf8'})

async function waitFor(name: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const text = screen(name)
    if (pattern.test(text)) return text
    if (Date.now() > until) throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${text}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('trade --wait in a terminal', function () {
  this.timeout(60_000)
  let desk: Desk | undefined
  const name = `td-wait-${String(process.pid)}`

  before(function () {
    if (!hasTmux) this.skip()
  })
  after(async () => {
    spawnSync('tmux', tmux('kill-server'))
    await closeOpened(desk)
    removeHomes()
  })

  it('shows a spinner saying where the order stands, and erases it when the order is final', async () => {
    const d = (desk = await openDesk({balances: {USDT: '1000'}}))
    const env = Object.entries({...(await databaseEnv(d.home)), ...GOOD_ENV, TRADEDESK_POLL_MS: '200', NO_COLOR: '1'})
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ')
    const args = `trade buy BTC/USDT --type limit --price ${canon(LOW)} --quantity 0.001 --yes --wait 30`
    const command = `${env} ${process.execPath} ${BIN} ${args}; echo "EXIT=$?"; sleep 600`
    execFileSync('tmux', tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '40', command))

    await waitFor(name, /waiting for order 1: open, 0 of 0\.001 filled/)
    d.fake.setTicker('BTCUSDT', {askPrice: canon(LOW), bidPrice: canon(LOW.minus('0.01')), lastPrice: canon(LOW)})
    const done = await waitFor(name, /EXIT=\d+/)
    expect(done).to.match(/EXIT=0/)
    expect(done).to.match(/status\s+filled/)
    expect(done).to.not.match(/waiting for order/)
  })
})
