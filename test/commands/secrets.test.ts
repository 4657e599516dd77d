/**
 * Secrets never reach stdout, stderr or the database: every command and its error paths, run with a
 * sentinel key, secret and password in the environment and in credentials.json.
 */
import {expect} from 'chai'
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {openJournal, runCli} from '../support/cli.js'
import {openDesk} from './ccxt-support.js'

const KEY = 'SENTINEL-SWEEP-KEY-7c2e'
const SECRET = 'SENTINEL-SWEEP-SECRET-3b9d'
const PASSWORD = 'SENTINEL-SWEEP-PASS-1a6f'
const SENTINELS = [KEY, SECRET, PASSWORD]

const COMMANDS = [
  ['--help'],
  ['balance'],
  ['balance', '--all'],
  ['portfolio'],
  ['symbols', '--search', 'btc'],
  ['symbols', '--refresh'],
  ['exchange-info'],
  ['exchange-info', 'binance', '--raw'],
  ['price', 'BTC/USDT'],
  ['price', 'NOPE/USDT'],
  ['validate', 'buy', 'BTC/USDT', '--usd', '20'],
  ['validate', 'buy', 'BTC/USDT', '--quantity', 'abc'],
  ['trade', 'buy', 'BTC/USDT', '--usd', '20', '--yes'],
  ['trade', 'buy', 'BTC/USDT', '--type', 'limit', '--price', '20000', '--quantity', '0.001', '--yes'],
  ['trade', 'sell', 'BTC/USDT', '--percent', '100', '--yes'],
  ['trade', 'buy', 'BTC/USDT', '--usd', '20'],
  ['history'],
  ['history', '--csv'],
  ['history', 'show', '1'],
  ['order', 'list'],
  ['order', 'cancel', '2'],
  ['order', 'sync'],
  ['broker', 'list'],
  ['broker', 'test', 'main'],
  ['broker', 'test', 'dead'],
  ['broker', 'default', 'dead'],
  ['broker', 'default', 'main'],
]

describe('secrets never leak', function () {
  this.timeout(300_000)

  it('runs every command, on a live and a dead exchange, and finds no sentinel anywhere', async () => {
    const desk = await openDesk({apiKey: KEY, secret: SECRET, balances: {USDT: '1000'}})
    const home = desk.home
    try {
      const env = {TRADEDESK_MAIN_API_KEY: KEY, TRADEDESK_MAIN_SECRET: SECRET, TRADEDESK_MAIN_PASSWORD: PASSWORD}
      const add = (args: string[]) => runCli(['broker', 'add', ...args], {home})
      expect((await add(['main', '--exchange', 'binance', '--api-url', desk.fake.url, '--default'])).code).to.equal(0)
      expect(
        (await add(['dead', '--exchange', 'binance', '--api-url', 'http://127.0.0.1:9', '--option', 'timeout=500']))
          .code,
      ).to.equal(0)
      writeFileSync(
        join(home, 'credentials.json'),
        JSON.stringify({dead: {apiKey: KEY, secret: SECRET, password: PASSWORD}}),
        {mode: 0o600},
      )

      const outputs: string[] = []
      const sweep = async (broker: string, commands: string[][], modes: string[][]) => {
        for (const args of commands) {
          for (const mode of modes) {
            const r = await runCli([...args, '--broker', broker, ...mode], {home, env})
            outputs.push(`$ ${args.join(' ')} --broker ${broker} ${mode.join(' ')}\n${r.stdout}${r.stderr}`)
          }
        }
      }

      await sweep('main', COMMANDS, [[], ['--json']])
      // An exchange that does not answer: every path that reaches for it fails, with credentials loaded.
      await sweep(
        'dead',
        COMMANDS.filter((c) => ['balance', 'portfolio', 'price', 'trade', 'order', 'broker'].includes(c[0])),
        [['--json']],
      )

      const everything = outputs.join('\n')
      expect(everything).to.contain('BTC/USDT') // the sweep did run the commands
      for (const s of SENTINELS) expect(everything.includes(s), `${s} printed`).to.equal(false)

      for (const f of readdirSync(home).filter((n) => n.startsWith('tradedesk.sqlite'))) {
        const bytes = readFileSync(join(home, f)).toString('latin1')
        for (const s of SENTINELS) expect(bytes.includes(s), `${s} in ${f}`).to.equal(false)
      }

      const db = await openJournal(home)
      try {
        for (const table of [
          'brokers',
          'trades',
          'markets',
          'paper_balances',
          'paper_orders',
          'paper_fills',
          'store_meta',
        ]) {
          const dump = JSON.stringify(await db(table).select())
          for (const s of SENTINELS) expect(dump.includes(s), `${s} in table ${table}`).to.equal(false)
        }
      } finally {
        await db.destroy()
      }
    } finally {
      await desk.close()
    }
  })
})
