/**
 * The fast start-up path (src/fast.ts): the commands marked fast in their declaration run
 * without loading oclif (or knex, on a migrated SQLite journal). Two things are proven here, end to end on the real
 * binary: every answer is the same, byte for byte and exit code for exit code, as oclif's for the same
 * argv (TRADEDESK_NO_FAST_PATH=1 forces oclif); and the fast path is really the one taken.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {COMMANDS} from '../../src/commands/index.js'
import {type CliResult, runCli, tempHome, usingPostgres} from '../support/cli.js'
import {type FakeBinance, startFakeBinance} from '../support/fake-binance.js'
import {PARITY_CASES, parityLabel, paritySetup} from './parity-cases.js'
import type {BalanceJson, BrokerListJson, HistoryJson, PortfolioJson, PriceJson, SymbolsJson} from '../support/json.js'

const TRIPWIRE = fileURLToPath(new URL('../support/tripwire.mjs', import.meta.url))
const KEYS = {TRADEDESK_BN_API_KEY: 'fast-key', TRADEDESK_BN_SECRET: 'fast-secret'}

describe('fast path: the hot commands without oclif', function () {
  this.timeout(120_000)
  const home = tempHome('tradedesk-fast-')
  // unset when before() failed to start it
  let fake: FakeBinance | undefined

  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {home, env: {...KEYS, ...env}, binary: true})
  const viaOclif = (args: string[], env: Record<string, string> = {}) =>
    run(args, {...env, TRADEDESK_NO_FAST_PATH: '1'})
  const same = (fast: CliResult, oclif: CliResult, label: string) => {
    expect({code: fast.code, stdout: fast.stdout, stderr: fast.stderr}, label).to.deep.equal({
      code: oclif.code,
      stdout: oclif.stdout,
      stderr: oclif.stderr,
    })
  }

  before(async () => {
    fake = await startFakeBinance({apiKey: KEYS.TRADEDESK_BN_API_KEY, secret: KEYS.TRADEDESK_BN_SECRET})
    for (const args of paritySetup(fake.url)) expect((await run(args)).code, args.join(' ')).to.equal(0)
  })

  after(async () => {
    await fake?.close()
  })

  for (const c of PARITY_CASES) {
    const label = parityLabel(c)
    it(`same answer with and without oclif: ${label}`, async () => {
      const [fast, oclif] = [await run(c.args, c.env), await viaOclif(c.args, c.env)]
      same(fast, oclif, label)
    })
  }

  it('the answers compared above are real ones: trades, symbols, brokers and prices', async () => {
    const h = JSON.parse((await run(['history', '--json'])).stdout) as HistoryJson
    expect(h.trades.map((t) => `${t.side} ${t.symbol}`)).to.deep.equal([
      'buy ETH/USDT',
      'sell BTC/USDT',
      'buy BTC/USDT',
    ])
    const s = JSON.parse((await run(['symbols', '--search', 'btc', '--broker', 'bn', '--json'])).stdout) as SymbolsJson
    expect(s.symbols).to.include('BTC/USDT')
    const b = JSON.parse((await run(['broker', 'list', '--json'])).stdout) as BrokerListJson
    expect(b.brokers.map((x) => x.name)).to.deep.equal(['bn', 'p2', 'paper'])
    const p = JSON.parse((await run(['price', 'BTCUSDT', '--broker', 'bn', '--json'])).stdout) as PriceJson
    expect(p).to.include({broker: 'bn', symbol: 'BTC/USDT'})
    expect(p.last).to.match(/^\d+(\.\d+)?$/)
    const bal = JSON.parse((await run(['balance', '--json'])).stdout) as BalanceJson
    expect(bal.balances.map((x) => x.asset)).to.include.members(['BTC', 'USDT'])
    const pf = JSON.parse((await run(['portfolio', '--json'])).stdout) as PortfolioJson
    expect(pf.positions.find((x) => x.asset === 'BTC')).to.include({quantity: '0.0005'})
  })

  describe('what the fast path never loads', () => {
    const loaded = async (args: string[], env: Record<string, string> = {}) => {
      const r = await run(args, {
        ...env,
        NODE_OPTIONS: `--import ${TRIPWIRE}`,
        TRIPWIRE: '@oclif/core,knex,ccxt,undici',
      })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0)
      return [...new Set([...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]))].sort()
    }

    it('history, symbols (paper, and a warm cache of a real exchange), broker list, paper balance and portfolio, pnl, stats and journal export: none of oclif, knex, ccxt', async () => {
      // On PostgreSQL the journal is always reached through knex (the pg driver); oclif and ccxt stay out.
      const none = usingPostgres() ? ['knex'] : []
      expect(await loaded(['history', '--json'])).to.deep.equal(none)
      expect(await loaded(['history', '--symbol', 'BTC/USDT'])).to.deep.equal(none)
      expect(await loaded(['symbols', '--search', 'btc'])).to.deep.equal(none)
      expect(await loaded(['symbols', '--search', 'btc', '--broker', 'bn', '--json'])).to.deep.equal(none)
      expect(await loaded(['broker', 'list', '--json'])).to.deep.equal(none)
      expect(await loaded(['balance', '--json'])).to.deep.equal(none)
      expect(await loaded(['portfolio'])).to.deep.equal(none)
      expect(await loaded(['pnl', '--json'])).to.deep.equal(none)
      expect(await loaded(['stats', '--json'])).to.deep.equal(none)
      expect(await loaded(['journal', 'export', '--format', 'koinly'])).to.deep.equal(none)
    })

    it('price on a real exchange loads ccxt, and only ccxt: not oclif, not knex, not the undici package', async () => {
      const expected = usingPostgres() ? ['ccxt', 'knex'] : ['ccxt']
      expect(await loaded(['price', 'BTC/USDT', '--broker', 'bn', '--json'])).to.deep.equal(expected)
      expect(await loaded(['portfolio', '--broker', 'bn', '--json'])).to.deep.equal(expected)
    })

    it('the fast path runs exactly the commands whose declaration is marked fast, and oclif the others', async () => {
      // One plain argv per command; whether it succeeds does not matter here, only who ran it.
      const argv: Record<string, string[]> = {
        'history show': ['1'],
        'journal export': ['--format', 'csv'],
        'order cancel': ['999'],
        'broker add': ['z', '--exchange', 'nosuch'],
        'broker set': ['p2', '--sandbox'],
        'broker default': ['nosuch'],
        'broker remove': ['nosuch'],
        'broker test': ['p2'],
        'broker limits': ['nosuch'],
        price: ['BTC/USDT'],
        'exchange-info': ['paper'],
        validate: ['buy', 'BTC/USDT', '--usd', '20'],
        trade: ['buy', 'BTC/USDT', '--usd', '20', '--dry-run'],
        'paper set-price': ['BTC/USDT', '27000'],
      }
      const declared: Record<string, boolean> = {}
      const ran: Record<string, boolean> = {}
      for (const [id, load] of Object.entries(COMMANDS)) {
        declared[id] = Boolean((await load()).default.fast)
        const r = await run([...id.split(' '), ...(argv[id] ?? []), '--json'], {
          NODE_OPTIONS: `--import ${TRIPWIRE}`,
          TRIPWIRE: '@oclif/core',
        })
        ran[id] = !r.stderr.includes('LOADED @oclif/core')
      }

      expect(ran).to.deep.equal(declared)
      expect(Object.values(declared), 'some commands run on each path').to.include.members([true, false])
    })

    it("the fast path's table is oclif's: the same command ids, and the manifest carries each declaration's mark", async () => {
      const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
        commands: Record<string, {fast?: boolean}>
      }
      const ids = Object.keys(manifest.commands).map((id) => id.replaceAll(':', ' '))
      expect(ids.sort()).to.deep.equal(Object.keys(COMMANDS).sort())
      for (const [id, load] of Object.entries(COMMANDS)) {
        expect(manifest.commands[id.replaceAll(' ', ':')].fast, id).to.equal(Boolean((await load()).default.fast))
      }
    })

    it('the tripwire does see them when they load: a command oclif runs, and a write', async () => {
      expect(await loaded(['broker', 'list', '--json'], {TRADEDESK_NO_FAST_PATH: '1'})).to.include('@oclif/core')
      expect(await loaded(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--json'])).to.include.members([
        '@oclif/core',
        'knex',
      ])
    })
  })
})
