import {expect} from 'chai'
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {tempHome} from '../support/cli.js'
import {BROKER_KEYS, Cli, dbState, expectDec, expectHuman, expectHumanError, expectJsonError} from '../support/e2e.js'
import type {
  BalanceJson,
  BrokerAddJson,
  BrokerJson,
  BrokerListJson,
  BrokerRemoveJson,
  BrokerTestJson,
  ErrorJson,
  TradeJson,
} from '../support/json.js'

function expectBrokerView(b: BrokerJson): void {
  expect(b).to.have.all.keys(BROKER_KEYS)
  expect(b.name).to.be.a('string')
  expect(b.exchange).to.be.a('string')
  expect(b.sandbox).to.be.a('boolean')
  expect(b.default).to.be.a('boolean')
}

function omitLimits(b: BrokerJson): BrokerJson {
  expect(b).to.have.property('limits')
  const {limits: _limits, ...view} = b as BrokerJson & {limits?: unknown}
  return view
}

describe('broker add / list / default / remove / test', () => {
  const cli = new Cli(tempHome())
  const SECRETS = ['AKIAsuperSecretKey123', 'shhhTopSecretValue456', 'pa55phraseXYZ789', 'jsonFileSecretABC']

  it('a new profile lists the built-in paper broker as the default', async () => {
    const json = await cli.ok<BrokerListJson>(['broker', 'list'])
    expect(json).to.have.all.keys('brokers')
    const limits = {max_order_usd: null, daily_usd: null, symbols: null, max_deviation_pct: null}
    expect(json.brokers).to.deep.equal([
      {name: 'paper', exchange: 'paper', sandbox: false, default: true, prices: 'snapshot 2023-03-21', limits},
    ])
  })

  it('broker add NAME --exchange paper --balance ...: the broker view, funded as asked', async () => {
    const {credentials, ...added} = await cli.ok<BrokerAddJson>([
      'broker',
      'add',
      'practice',
      '--exchange',
      'paper',
      '--balance',
      'USDT=500',
      '--balance',
      'BTC=0.1',
    ])
    expectBrokerView(added)
    expect(added).to.deep.equal({
      name: 'practice',
      exchange: 'paper',
      sandbox: false,
      default: false,
      prices: 'snapshot 2023-03-21',
    })
    expect(credentials, 'the paper exchange needs no credentials').to.deep.equal([])
    const bal = await cli.ok<BalanceJson>(['balance', '--broker', 'practice'])
    const byAsset = Object.fromEntries(bal.balances.map((b) => [b.asset, b.total]))
    expect(Object.keys(byAsset)).to.have.members(['USDT', 'BTC'])
    expectDec(byAsset.USDT, 500, 'USDT')
    expectDec(byAsset.BTC, '0.1', 'BTC')
  })

  it('broker add --exchange binance is accepted (no keys needed to register)', async () => {
    const {credentials, ...added} = await cli.ok<BrokerAddJson>([
      'broker',
      'add',
      'main',
      '--exchange',
      'binance',
      '--api-url',
      'http://127.0.0.1:9',
    ])
    expectBrokerView(added)
    expect(added).to.include({name: 'main', exchange: 'binance', default: false})
    expect(credentials, 'what binance requires, and that none is set yet').to.deep.equal([
      {key: 'apiKey', env: 'TRADEDESK_MAIN_API_KEY', present: false},
      {key: 'secret', env: 'TRADEDESK_MAIN_SECRET', present: false},
    ])
    const human = await cli.run(['broker', 'add', 'second', '--exchange', 'binance'], {TRADEDESK_SECOND_API_KEY: 'k'})
    const text = expectHuman(human, 'broker add (human)')
    expect(text).to.include('second')
    expect(text, 'names what is still missing, and where to set it').to.include(
      'missing: secret. Set TRADEDESK_SECOND_SECRET',
    )
  })

  it('broker list never shows a secret, even with credentials in the env and in credentials.json', async () => {
    const file = join(cli.home, 'credentials.json')
    writeFileSync(file, JSON.stringify({main: {apiKey: SECRETS[3], secret: SECRETS[3]}}), {mode: 0o600})
    const env = {
      TRADEDESK_MAIN_API_KEY: SECRETS[0],
      TRADEDESK_MAIN_SECRET: SECRETS[1],
      TRADEDESK_MAIN_PASSWORD: SECRETS[2],
    }
    const [json, human] = await Promise.all([
      cli.json<BrokerListJson>(['broker', 'list'], env),
      cli.run(['broker', 'list'], env),
    ])
    expect(json.code).to.equal(0)
    expect(json.json.brokers.map((b) => b.name)).to.have.members(['paper', 'practice', 'main', 'second'])
    // broker list adds each broker's limits to the broker view (test/commands/broker-limits.test.ts)
    for (const b of json.json.brokers) expectBrokerView(omitLimits(b))
    const out = expectHuman(human, 'broker list')
    for (const s of SECRETS) {
      expect(json.stdout + json.stderr).to.not.include(s)
      expect(out + human.stderr).to.not.include(s)
    }
  })

  it('a failing call with credentials loaded leaks no secret to output or to the database', async () => {
    const env = {
      TRADEDESK_MAIN_API_KEY: SECRETS[0],
      TRADEDESK_MAIN_SECRET: SECRETS[1],
      TRADEDESK_MAIN_PASSWORD: SECRETS[2],
    }
    const r = await cli.json<ErrorJson>(['balance', '--broker', 'main'], env)
    // 127.0.0.1:9 refuses connections: the exchange is unavailable
    expectJsonError(r, 5, 'balance on an unreachable exchange')
    for (const s of SECRETS) expect(r.stdout + r.stderr).to.not.include(s)
    for (const f of readdirSync(cli.home).filter((n) => n.startsWith('tradedesk.sqlite'))) {
      const bytes = readFileSync(join(cli.home, f)).toString('latin1')
      for (const s of SECRETS) expect(bytes.includes(s), `${s} in ${f}`).to.equal(false)
    }
  })

  it('broker default NAME: every command then uses it', async () => {
    expect(expectHuman(await cli.run(['broker', 'default', 'paper']), 'broker default (human)')).to.include('paper')
    const d = await cli.ok<BrokerJson>(['broker', 'default', 'practice'])
    expect(d).to.include({name: 'practice', default: true})
    const [list, bal] = await Promise.all([
      cli.ok<BrokerListJson>(['broker', 'list']),
      cli.ok<BalanceJson>(['balance']),
    ])
    expect(list.brokers.filter((b) => b.default).map((b) => b.name)).to.deep.equal(['practice'])
    expect(bal.broker).to.equal('practice')
  })

  it('TRADEDESK_BROKER selects a broker; --broker wins over it', async () => {
    const [env, flag] = await Promise.all([
      cli.ok<BalanceJson>(['balance'], {TRADEDESK_BROKER: 'paper'}),
      cli.ok<BalanceJson>(['balance', '--broker', 'practice'], {TRADEDESK_BROKER: 'paper'}),
    ])
    expect(env.broker).to.equal('paper')
    expect(flag.broker).to.equal('practice')
    expectJsonError(await cli.json<ErrorJson>(['balance'], {TRADEDESK_BROKER: 'ghost'}), 2, 'TRADEDESK_BROKER=ghost')
  })

  it('the default broker cannot be removed (exit 2); another can, and its trades stay in the journal', async () => {
    const state = await dbState(cli.home)
    const err = expectJsonError(await cli.json<ErrorJson>(['broker', 'remove', 'practice']), 2, 'remove the default')
    expect(err.message).to.include('practice')
    expect(await dbState(cli.home)).to.deep.equal(state)

    await cli.ok(['broker', 'add', 'temp', '--exchange', 'paper'])
    const t = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.001', '--broker', 'temp'])
    const removed = await cli.ok<BrokerRemoveJson>(['broker', 'remove', 'temp'])
    expect(removed).to.have.all.keys('removed')
    expect(removed.removed.name).to.equal('temp')
    const [list, shown] = await Promise.all([
      cli.ok<BrokerListJson>(['broker', 'list']),
      cli.ok<TradeJson>(['history', 'show', String(t.id)]),
    ])
    expect(list.brokers.map((b) => b.name)).to.not.include('temp')
    expect(shown.id).to.equal(t.id)
    expectJsonError(await cli.json<ErrorJson>(['balance', '--broker', 'temp']), 2, 'a removed broker is unknown')
    expect(expectHuman(await cli.run(['broker', 'remove', 'second']), 'broker remove (human)')).to.include('second')
  })

  it('broker add with an unknown exchange exits 2 and registers nothing', async () => {
    const before = await dbState(cli.home)
    const [json, human] = await Promise.all([
      cli.json<ErrorJson>(['broker', 'add', 'x', '--exchange', 'notanexchange']),
      cli.run(['broker', 'add', 'y', '--exchange', 'notanexchange']),
    ])
    expect(expectJsonError(json, 2, 'broker add --exchange notanexchange').message).to.include('notanexchange')
    expectHumanError(human, 2, 'broker add --exchange notanexchange (human)')
    expect(await dbState(cli.home)).to.deep.equal(before)
  })

  it('bad broker add input exits 2 and registers nothing', async () => {
    const before = await dbState(cli.home)
    const cases = [
      ['broker', 'add', 'practice', '--exchange', 'paper'], // taken
      ['broker', 'add', 'bad name!', '--exchange', 'paper'],
      ['broker', 'add', 'p2', '--exchange', 'paper', '--balance', 'USDT=abc'],
      ['broker', 'add', 'b2', '--exchange', 'binance', '--balance', 'USDT=5'],
      ['broker', 'add', 'b3', '--exchange', 'binance', '--option', `apiKey=${SECRETS[0]}`],
    ]
    const results = await Promise.all(cases.map((c) => cli.json<ErrorJson>(c)))
    results.forEach((r, i) => {
      expectJsonError(r, 2, cases[i].join(' '))
      expect(r.stdout).to.not.include(SECRETS[0])
    })
    expect(await dbState(cli.home)).to.deep.equal(before)
  })

  it('broker default / remove of an unknown broker exit 2', async () => {
    const [d, r] = await Promise.all([
      cli.json<ErrorJson>(['broker', 'default', 'ghost']),
      cli.json<ErrorJson>(['broker', 'remove', 'ghost']),
    ])
    expectJsonError(d, 2, 'broker default ghost')
    expectJsonError(r, 2, 'broker remove ghost')
  })

  it('every command taking --broker rejects an unknown one with exit 2', async () => {
    const state = await dbState(cli.home)
    const commands = [
      ['balance'],
      ['portfolio'],
      ['price', 'BTC/USDT'],
      ['validate', 'buy', 'BTC/USDT', '--quantity', '0.001'],
      ['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'],
      ['order', 'cancel', '1'],
    ]
    const results = await Promise.all(commands.map((c) => cli.json<ErrorJson>([...c, '--broker', 'ghost'])))
    results.forEach((r, i) =>
      expect(expectJsonError(r, 2, `${commands[i].join(' ')} --broker ghost`).message).to.include('ghost'),
    )
    expect(await dbState(cli.home)).to.deep.equal(state)
  })

  it('broker list (human): a table with the default marked; broker test on paper succeeds', async () => {
    const out = expectHuman(await cli.run(['broker', 'list']), 'broker list')
    expect(out.split('\n')[0]).to.match(/Name\s+Exchange/)
    const row = out.split('\n').find((l) => l.trim().startsWith('practice'))
    expect(row).to.match(/\*/)
    const [test, testHuman] = await Promise.all([
      cli.json<BrokerTestJson>(['broker', 'test', 'practice']),
      cli.run(['broker', 'test', 'practice']),
    ])
    expect(test.code).to.equal(0)
    expect(test.json.broker).to.equal('practice')
    expect(expectHuman(testHuman, 'broker test (human)')).to.include('practice')
  })
})
