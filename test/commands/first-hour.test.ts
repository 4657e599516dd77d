/**
 * What a careful trader found in the first hour: the rules a script that pipes, loops and reuses
 * names relies on, and the contract around them. One test per rule, through the real binary.
 */
import {expect} from 'chai'
import {Decimal as DecimalJs} from 'decimal.js'
import {readFileSync} from 'node:fs'

import type {ChildProcess} from 'node:child_process'

import {runCli, runJson, tempHome} from '../support/cli.js'
import {Cli, dbState, defined, expectJsonError} from '../support/e2e.js'
import type {
  BrokerJson,
  BrokerListJson,
  BrokerRemoveJson,
  ErrorJson,
  HistoryJson,
  PortfolioJson,
  PriceJson,
  TradeJson,
  ValidationJson,
} from '../support/json.js'
import {GOOD_ENV, allSnapshotTickers as allTickers, openDesk} from './ccxt-support.js'

/** 80 significant digits, as the app computes: no expectation is rounded by the test itself */
const Decimal = DecimalJs.clone({precision: 80})

describe('first-hour rules: scripting safety and conventions', () => {
  const cli = new Cli(tempHome())

  it('arguments never come from stdin: a missing argument with stdin piped is exit 2, and the input is left unread', async () => {
    const placed = await cli.trade(['buy', 'BTC/USDT', '--type', 'limit', '--price', '20000', '--quantity', '0.001'])
    const state = await dbState(cli.home)
    // `while read id; do tradedesk order cancel; done`: the command must not take the loop's next line
    const cancel = await runCli(['order', 'cancel', '--json'], {home: cli.home, input: `${String(placed.id)}\n`})
    const err = expectJsonError(cancel, 2, 'order cancel, id on stdin')
    expect(err.message).to.match(/missing 1 required arg/i)
    const trade = await runCli(['trade', '--json'], {home: cli.home, input: 'buy\nBTC/USDT\n'})
    expect(expectJsonError(trade, 2, 'trade, side on stdin').message).to.include('SIDE, SYMBOL')
    const show = await runCli(['history', 'show', '--json'], {home: cli.home, input: `${String(placed.id)}\n`})
    expect(expectJsonError(show, 2, 'history show, id on stdin').message).to.match(/missing 1 required arg/i)
    expect(await dbState(cli.home), 'nothing was cancelled or sent').to.deep.equal(state)
  })

  it('broker names are unique under their credentials mapping: a clash is exit 2 and names both', async () => {
    await cli.ok(['broker', 'add', 'main', '--exchange', 'binance'])
    for (const name of ['MAIN', 'Main']) {
      const err = expectJsonError(
        await cli.json<ErrorJson>(['broker', 'add', name, '--exchange', 'kraken']),
        2,
        `broker add ${name}`,
      )
      expect(err.code).to.equal('BROKER_NAME_CLASH')
      expect(err.message).to.include(`"${name}"`).and.include('"main"').and.include('TRADEDESK_MAIN_')
    }

    await cli.ok(['broker', 'add', 'x-y', '--exchange', 'paper'])
    const err = expectJsonError(
      await cli.json<ErrorJson>(['broker', 'add', 'x_y', '--exchange', 'paper']),
      2,
      'broker add x_y',
    )
    expect(err.message).to.include('"x-y"')
    const names = (await cli.ok<BrokerListJson>(['broker', 'list'])).brokers.map((b) => b.name)
    expect(names).to.deep.equal(['main', 'paper', 'x-y'])
  })

  it('a repeated --balance ASSET is refused, not silently overwritten', async () => {
    const err = expectJsonError(
      await cli.json<ErrorJson>([
        'broker',
        'add',
        'twice',
        '--exchange',
        'paper',
        '--balance',
        'USDT=100',
        '--balance',
        'usdt=200',
      ]),
      2,
      'twice',
    )
    expect(err.message).to.include('USDT is given twice')
    expect((await cli.ok<BrokerListJson>(['broker', 'list'])).brokers.map((b) => b.name)).to.not.include('twice')
  })

  it('history --symbol accepts every spelling the other commands accept; an unknown --broker is exit 2', async () => {
    const all = (await cli.ok<HistoryJson>(['history', '--symbol', 'BTC/USDT'])).trades
    expect(all.length).to.be.greaterThan(0)
    for (const spelling of ['BTCUSDT', 'btcusdt', 'BTC-USDT', 'btc/usdt', 'btc_usdt']) {
      expect((await cli.ok<HistoryJson>(['history', '--symbol', spelling])).trades, spelling).to.deep.equal(all)
    }

    expect((await cli.ok<HistoryJson>(['history', '--symbol', 'ETHUSDT'])).trades).to.deep.equal([])
    const err = expectJsonError(await cli.json<ErrorJson>(['history', '--broker', 'nope']), 2, 'history --broker nope')
    expect(err.code).to.equal('UNKNOWN_BROKER')
    expectJsonError(
      await cli.json<ErrorJson>(['history', '--broker', 'nope'], {TRADEDESK_NO_FAST_PATH: '1'}),
      2,
      'through oclif too',
    )
  })

  it('integer flags out of range are usage errors (exit 2), never an internal error or a number in exponent form', async () => {
    const cases = [
      ['history', '--limit', '99999999999999999999'],
      ['history', '--limit', '9007199254740993'],
      ['history', '--limit', '0'],
      ['symbols', '--page', '99999999999999999999999'],
      ['symbols', '--page', '0'],
      ['symbols', '--page-size', '5001'],
    ]
    for (const args of cases) {
      for (const env of [{}, {TRADEDESK_NO_FAST_PATH: '1'}]) {
        const r = await cli.json<ErrorJson>(args, env)
        const err = expectJsonError(r, 2, args.join(' '))
        expect(err.code).to.equal('USAGE')
        expect(err.message, 'one line').to.not.include('\n')
        expect(r.stdout, 'no exponent').to.not.match(/\de[+-]?\d/i)
      }
    }
  })

  it('-h is --help on every command, and `tradedesk help COMMAND` works', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
      commands: Record<string, unknown>
    }
    const ids = Object.keys(manifest.commands).map((id) => id.split(':'))
    expect(ids.length).to.be.greaterThan(15)
    for (const id of ids) {
      const [long, short, help] = await Promise.all([
        runCli([...id, '--help'], {home: cli.home, binary: true}),
        runCli([...id, '-h'], {home: cli.home, binary: true}),
        runCli(['help', ...id], {home: cli.home, binary: true}),
      ])
      expect(long.code, `${id.join(' ')} --help`).to.equal(0)
      expect(long.stdout).to.include('USAGE')
      expect(short, `${id.join(' ')} -h`).to.deep.include({code: 0, stdout: long.stdout})
      expect(help, `help ${id.join(' ')}`).to.deep.include({code: 0, stdout: long.stdout})
    }
  })

  it('the global flags --json, --broker and --profile may come before the command', async () => {
    const after = await cli.run(['balance', '--broker', 'paper', '--json'])
    expect(after.code).to.equal(0)
    for (const args of [
      ['--json', 'balance', '--broker', 'paper'],
      ['--broker', 'paper', '--json', 'balance'],
      ['--broker=paper', '--json', 'balance'],
    ]) {
      expect(await cli.run(args), args.join(' ')).to.deep.include({code: 0, stdout: after.stdout})
    }

    const [profiled, before] = await Promise.all([
      cli.run(['broker', 'list', '--profile', 'other', '--json']),
      cli.run(['--profile', 'other', '--json', 'broker', 'list']),
    ])
    expect(before).to.deep.include({code: 0, stdout: profiled.stdout})
    expect(
      expectJsonError(await cli.json<ErrorJson>(['--broker', 'nope', 'balance']), 2, '--broker nope before the command')
        .code,
    ).to.equal('UNKNOWN_BROKER')
  })

  it('removing a broker never orphans orders: refused while any is open (exit 2, named) unless --force, which closes them with a reason', async () => {
    await cli.ok(['broker', 'add', 'rm', '--exchange', 'paper'])
    const resting = await cli.trade([
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '20000',
      '--quantity',
      '0.001',
      '--broker',
      'rm',
    ])
    const state = await dbState(cli.home)
    const err = expectJsonError(
      await cli.json<ErrorJson>(['broker', 'remove', 'rm']),
      2,
      'broker remove with an open order',
    )
    expect(err.code).to.equal('BROKER_HAS_ORDERS')
    expect(err.message).to.include(`${String(resting.id)} (open)`)
    expect(await dbState(cli.home), 'nothing removed').to.deep.equal(state)

    const removed = await cli.ok<BrokerRemoveJson>(['broker', 'remove', 'rm', '--force'])
    expect(removed.removed.name).to.equal('rm')
    const row = await cli.ok<TradeJson>(['history', 'show', String(resting.id)])
    expect(row.status).to.equal('expired')
    expect(row.error_message).to.include('removed with --force')
    expect((await cli.ok<HistoryJson>(['history', '--status', 'open'])).trades.map((t) => t.id)).to.not.include(
      resting.id,
    )
  })

  it('interrupted with --json: SIGINT and SIGTERM still print the INTERRUPTED envelope (exit 130 and 143)', async () => {
    const desk = await openDesk()
    try {
      desk.fake.injectFault({method: 'GET', path: '/api/v3/account', kind: 'hang', times: 'always'})
      for (const [signal, exit] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const) {
        let child: ChildProcess | undefined
        const arrived = new Promise<void>((resolve) => {
          const off = desk.fake.onRequest((r) => {
            if (r.path === '/api/v3/account') {
              off()
              resolve()
            }
          })
        })
        const run = runCli(['balance', '--json'], {
          home: desk.home,
          env: GOOD_ENV,
          timeoutMs: 30_000,
          binary: true,
          onSpawn: (c) => (child = c),
        })
        await arrived
        defined(child, 'the running tradedesk').kill(signal)
        const result = await run
        const err = expectJsonError(result, exit, signal)
        expect(err.code).to.equal('INTERRUPTED')
        expect(err.message).to.include(signal)
      }
    } finally {
      await desk.close()
    }
  })

  it('broker set edits a broker in place: sandbox, API origin and options, used by the next command', async () => {
    const desk = await openDesk()
    try {
      const td = <T = unknown>(args: string[]) => runJson<T>(args, {home: desk.home, env: GOOD_ENV})
      expect((await td(['price', 'BTC/USDT'])).code).to.equal(0)
      const moved = await td(['broker', 'set', 'bn', '--api-url', 'http://127.0.0.1:9', '--option', 'timeout=700'])
      expect(moved.code, moved.stdout).to.equal(0)
      expect(moved.json).to.deep.equal({name: 'bn', exchange: 'binance', sandbox: false, default: true, prices: null})
      const nowhere = await td(['price', 'BTC/USDT'])
      expect(nowhere.code, 'the next command uses the new origin: nothing listens there').to.equal(5)
      expect((await td(['broker', 'set', 'bn', '--api-url', desk.fake.url])).code).to.equal(0)
      expect((await td(['price', 'BTC/USDT'])).code, 'and back').to.equal(0)

      expect((await td<BrokerJson>(['broker', 'set', 'bn', '--sandbox'])).json.sandbox).to.equal(true)
      expect((await td<BrokerJson>(['broker', 'set', 'bn', '--no-sandbox'])).json.sandbox).to.equal(false)
      expectJsonError(await runCli(['broker', 'set', 'bn', '--json'], {home: desk.home}), 2, 'nothing to change')
      expectJsonError(
        await runCli(['broker', 'set', 'nope', '--sandbox', '--json'], {home: desk.home}),
        2,
        'unknown broker',
      )
      expectJsonError(
        await runCli(['broker', 'set', 'paper', '--sandbox', '--json'], {home: desk.home}),
        2,
        'paper has no sandbox',
      )
      expectJsonError(
        await runCli(['broker', 'set', 'bn', '--option', 'secret=x', '--json'], {home: desk.home}),
        2,
        'no credentials in argv',
      )
    } finally {
      await desk.close()
    }
  })

  it('the price validate quotes is the price the paper exchange fills at, on the tick, even where the snapshot is off it', async () => {
    const desk = new Cli(tempHome())
    await desk.ok(['broker', 'add', 'tick', '--exchange', 'paper', '--default', '--balance', 'BTC=1'])
    // ETH/BTC's snapshot ask 0.062909 and bid 0.062908 are off its 0.00001 tick
    const quoted = await desk.ok<PriceJson>(['price', 'ETH/BTC'])
    expect(quoted).to.include({ask: '0.06291', bid: '0.0629'})
    const v = await desk.ok<ValidationJson>(['validate', 'buy', 'ETH/BTC', '--percent', '100'])
    expect(v.valid).to.equal(true)
    expect(v.order.price).to.equal('0.06291')
    const t = await desk.trade(['buy', 'ETH/BTC', '--percent', '100'])
    expect(t).to.include({
      status: 'filled',
      quantity: v.order.quantity,
      filled_quantity: v.order.quantity,
      filled_price: v.order.price,
    })
    expect(t.filled_value, 'what was asked is what was filled').to.equal(v.order.total_value)
    expect(t.fees).to.equal(v.order.estimated_fee)
    const btc = defined((await desk.balances()).get('BTC'), 'the BTC balance')
    const spent = new Decimal(defined(t.filled_value, 'filled_value')).plus(defined(t.fees, 'fees'))
    expect(new Decimal(btc.free).eq(new Decimal(1).minus(spent)), `BTC left ${btc.free}`).to.equal(true)

    const sell = await desk.ok<ValidationJson>(['validate', 'sell', 'ETH/BTC', '--quantity', '0.1'])
    const sold = await desk.trade(['sell', 'ETH/BTC', '--quantity', '0.1'])
    expect(sold.filled_price).to.equal(sell.order.price).and.equal('0.0629')
  })

  it('fiat-quoted markets are priced through a USD stable market in either direction: BTC/TRY through USDT/TRY', async () => {
    const desk = new Cli(tempHome())
    await desk.ok([
      'broker',
      'add',
      'try',
      '--exchange',
      'paper',
      '--default',
      '--balance',
      'TRY=100000',
      '--balance',
      'BRL=1000',
    ])
    const usdtTry = new Decimal(defined((await desk.ok<PriceJson>(['price', 'USDT/TRY'])).last, 'the USDT/TRY price'))
    const ask = new Decimal(defined((await desk.ok<PriceJson>(['price', 'BTC/TRY'])).ask, 'the BTC/TRY ask'))
    const v = await desk.ok<ValidationJson>(['validate', 'buy', 'BTC/TRY', '--usd', '100'])
    expect(v.valid).to.equal(true)
    const spend = new Decimal(100).mul(usdtTry)
    const required = defined(v.balance.required, 'the validated spend')
    expect(new Decimal(required).lte(spend), `${required} TRY for 100 USD at ${String(usdtTry)} TRY`).to.equal(true)
    expect(
      new Decimal(defined(v.order.quantity, 'the validated quantity')).plus('0.00001').mul(ask).mul('1.001').gt(spend),
      'and one step more would exceed it',
    ).to.equal(true)

    const p = await desk.ok<PortfolioJson>(['portfolio'])
    const tryPosition = defined(
      p.positions.find((x) => x.asset === 'TRY'),
      'the TRY position',
    )
    expect(tryPosition.price_usd).to.equal(new Decimal(1).div(usdtTry).toFixed())
    expect(p.positions.map((x) => x.asset).sort()).to.deep.equal(['BRL', 'TRY'])
    expect(p.unpriced).to.deep.equal([])
  })

  it('average cost and P&L cover the whole holding: a seeded quantity is unknown, never folded in; non-USD quotes cost in USD', async () => {
    const desk = new Cli(tempHome())
    await desk.ok([
      'broker',
      'add',
      'seed',
      '--exchange',
      'paper',
      '--default',
      '--balance',
      'BTC=1.1',
      '--balance',
      'USDT=1000',
    ])
    const btcUsd = new Decimal(defined((await desk.ok<PriceJson>(['price', 'BTC/USDT'])).last, 'the BTC/USDT price'))
    await desk.trade(['buy', 'BTC/USDT', '--quantity', '0.01'])
    let p = await desk.ok<PortfolioJson>(['portfolio'])
    const btc = p.positions.find((x) => x.asset === 'BTC')
    expect(btc).to.include({
      quantity: '1.11',
      avg_cost_usd: null,
      unrealized_pnl_usd: null,
      unknown_cost_quantity: '1.1',
    })
    const human = (await desk.run(['portfolio'])).stdout
    expect(human).to.include('unknown for 1.1')

    // ETH bought through ETH/BTC: its cost is the BTC spent, at BTC's USD price when it was placed
    const eth = await desk.trade(['buy', 'ETH/BTC', '--quantity', '0.5'])
    p = await desk.ok<PortfolioJson>(['portfolio'])
    const position = defined(
      p.positions.find((x) => x.asset === 'ETH'),
      'the ETH position',
    )
    const cost = new Decimal(defined(eth.filled_value, 'filled_value')).plus(defined(eth.fees, 'fees')).mul(btcUsd)
    expect(position).to.include({
      quantity: '0.5',
      unknown_cost_quantity: '0',
      avg_cost_usd: cost.div('0.5').toSignificantDigits(16).toFixed(),
    })
    expect(position.unrealized_pnl_usd).to.equal(
      new Decimal(defined(position.value_usd, 'the ETH value')).minus(cost).toDecimalPlaces(8).toFixed(),
    )
    const sum = p.positions.reduce((total, x) => total.plus(x.allocation_pct), new Decimal(0))
    expect(sum.toFixed(), 'allocations add up to exactly 100').to.equal('100')
  })

  it('average cost keeps its precision for cheap coins', async () => {
    const desk = new Cli(tempHome())
    await desk.ok(['broker', 'add', 'shib', '--exchange', 'paper', '--default', '--balance', 'USDT=100'])
    const t = await desk.trade(['buy', 'SHIB/USDT', '--quantity', '1000000'])
    const shib = defined(
      (await desk.ok<PortfolioJson>(['portfolio'])).positions.find((x) => x.asset === 'SHIB'),
      'the SHIB position',
    )
    const spent = new Decimal(defined(t.filled_value, 'filled_value')).plus(defined(t.fees, 'fees'))
    const avg = spent.div('1000000')
    expect(shib.avg_cost_usd).to.equal(avg.toSignificantDigits(16).toFixed())
    expect(
      new Decimal(defined(shib.avg_cost_usd, 'the SHIB average cost'))
        .mul('1000000')
        .minus(spent)
        .abs()
        .lt('0.0000001'),
    ).to.equal(true)
  })

  it('the paper exchange and validate enforce the Binance PERCENT_PRICE_BY_SIDE and maximum notional', async () => {
    const desk = new Cli(tempHome())
    await desk.ok([
      'broker',
      'add',
      'rules',
      '--exchange',
      'paper',
      '--default',
      '--balance',
      'USDT=100000000',
      '--balance',
      'BTC=10',
    ])
    const last = new Decimal(defined((await desk.ok<PriceJson>(['price', 'BTC/USDT'])).last, 'the BTC/USDT price'))
    const codes = async (args: string[]) => {
      const r = await desk.json<ValidationJson>(['validate', ...args])
      return r.json.errors.map((e) => e.code)
    }

    // BTC/USDT: a buy between last x 0.2 and last x 5, a sell likewise (bidMultiplierDown/Up, askMultiplierDown/Up)
    expect(await codes(['buy', 'BTC/USDT', '--type', 'limit', '--price', '5000', '--quantity', '0.01'])).to.deep.equal([
      'PRICE_OUT_OF_RANGE',
    ])
    expect(
      await codes([
        'buy',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        last.mul('0.2').plus(1).toFixed(2),
        '--quantity',
        '0.01',
      ]),
    ).to.deep.equal([])
    expect(
      await codes([
        'sell',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        last.mul(5).plus(1).toFixed(2),
        '--quantity',
        '0.01',
      ]),
    ).to.deep.equal(['PRICE_OUT_OF_RANGE'])
    const refused = await desk.json<ErrorJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '5000',
      '--quantity',
      '0.01',
      '--yes',
    ])
    expect(expectJsonError(refused, 3, 'a BTC limit buy at 5000').errors?.[0]?.code).to.equal('PRICE_OUT_OF_RANGE')

    // NOTIONAL maxNotional 9,000,000 for limit orders (applyMaxToMarket false)
    expect(await codes(['buy', 'BTC/USDT', '--type', 'limit', '--price', '27000', '--quantity', '400'])).to.deep.equal([
      'AMOUNT_TOO_LARGE',
    ])
    expect((await desk.history()).length, 'nothing recorded').to.equal(0)
  })

  it('times in human output say their zone, the same way in every command', async () => {
    const desk = new Cli(tempHome())
    const t = await desk.trade(['buy', 'BTC/USDT', '--type', 'limit', '--price', '20000', '--quantity', '0.001'])
    const utc = `${t.created_at.replace('T', ' ').slice(0, 19)} UTC`
    const shown = (await desk.run(['history', 'show', String(t.id)])).stdout
    expect(shown).to.match(new RegExp(`created\\s+${utc}`))
    const table = (await desk.run(['history'])).stdout
    expect(table).to.include('Created (UTC)').and.include(utc.slice(0, 19))
    const orders = (await desk.run(['order', 'list'])).stdout
    expect(orders).to.include('Created (UTC)').and.include(utc.slice(0, 19))
    expect((await desk.run(['price', 'BTC/USDT'])).stdout).to.match(/as of\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    for (const out of [shown, table, orders]) expect(out, 'no bare ISO time').to.not.match(/\dT\d\d:\d\d/)
  })

  it('wherever the paper broker shows a snapshot price, it says the snapshot date; a live broker says live', async () => {
    const desk = new Cli(tempHome())
    const closeTimes = allTickers().map((t) => Number(t.closeTime))
    const date = new Date(Math.max(...closeTimes)).toISOString().slice(0, 10)
    expect(date).to.equal('2023-03-21')
    for (const args of [
      ['validate', 'buy', 'BTC/USDT', '--usd', '100'],
      ['trade', 'buy', 'BTC/USDT', '--usd', '100', '--dry-run'],
      ['portfolio'],
      ['price', 'BTC/USDT'],
    ]) {
      const out = (await desk.run(args)).stdout
      expect(out, args.join(' ')).to.include(`snapshot ${date}`)
    }

    const live = await openDesk()
    try {
      const out = await runCli(['price', 'BTC/USDT'], {home: live.home, env: GOOD_ENV})
      expect(out.stdout).to.include('live: binance').and.not.include('snapshot')
    } finally {
      await live.close()
    }
  })
})
