/**
 * The warm gateway (issue 16), end to end: the real binary starts the real daemon (a detached
 * process), which drives the real ccxt.binance class against the loopback Binance; clients talk to
 * it over its Unix socket. Proven here: start/status/stop and idle stop; the socket's mode; that it
 * is really used (requests counted, ccxt never loaded by the client); the same answers with and
 * without it over the fast path's parity cases; kill -9 of the gateway before and during an order;
 * other profiles and environments refused; another version ignored with a warning; and no
 * credential ever on the socket or in its log.
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, renameSync, statSync} from 'node:fs'
import {type Server, type Socket, createConnection, createServer} from 'node:net'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {type CliResult, runCli, tempHome} from '../support/cli.js'
import {type FakeBinance, startFakeBinance} from '../support/fake-binance.js'
import type {HistoryJson, SyncJson, TradeJson} from '../support/json.js'
import type {GatewayStatusJson, PricesJson} from '../support/json-gateway.js'
import {
  type Desk,
  GOOD_ENV,
  SENTINELS,
  SENTINEL_WRONG_KEY,
  closeOpened,
  count,
  expectError,
  expectOk,
  leaksInHomes,
  openDesk,
  removeHomes,
} from './ccxt-support.js'
import {PARITY_CASES, parityLabel, paritySetup} from './parity-cases.js'

const TRIPWIRE = fileURLToPath(new URL('../support/tripwire.mjs', import.meta.url))
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string})
  .version
/** runEnv gives every run HOME=home and no USER: the profile is the OS user's, as for the gateway itself */
const PROFILE = 'gw'

const files = (home: string) => ({
  dir: join(home, 'gateway'),
  socket: join(home, 'gateway', `${PROFILE}.sock`),
  log: join(home, 'gateway', `${PROFILE}.log`),
})

/** `tradedesk gateway ...` through the real binary, as a user runs it. */
async function gateway(home: string, args: string[], env: Record<string, string | undefined> = GOOD_ENV) {
  const r = await runCli(['gateway', ...args, '--json'], {
    home,
    env: {TRADEDESK_PROFILE: PROFILE, ...env},
    binary: true,
  })
  let json: GatewayStatusJson & {stopped?: boolean; pid?: number | null}
  try {
    json = JSON.parse(r.stdout) as typeof json
  } catch {
    throw new Error(`gateway ${args.join(' ')}: not JSON: ${r.stdout}${r.stderr}`)
  }

  return {...r, json}
}

async function startGateway(home: string, env: Record<string, string | undefined> = GOOD_ENV, idle = '3') {
  const r = await gateway(home, ['start', '--idle-minutes', idle], env)
  expect(r.code, r.stdout + r.stderr).to.equal(0)
  expect(r.json.running).to.equal(true)
  return r.json
}

/** Stops what a test started, however it went. */
async function stopGateway(home: string): Promise<void> {
  await gateway(home, ['stop'])
}

const sleep = (ms: number) =>
  new Promise((done) => {
    setTimeout(done, ms)
  })

/** One line the socket sends after the line `send` (or after connecting). */
function exchange(path: string, lines: unknown[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(path)
    const got: Record<string, unknown>[] = []
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        got.push(JSON.parse(buffer.slice(0, i)) as Record<string, unknown>)
        buffer = buffer.slice(i + 1)
        const next = lines.shift()
        if (next === undefined) {
          socket.destroy()
          resolve(got)
          return
        }

        socket.write(`${JSON.stringify(next)}\n`)
      }
    })
    socket.on('error', reject)
    socket.on('close', () => {
      resolve(got)
    })
  })
}

describe('gateway: start, status, stop (real binary, loopback Binance)', function () {
  this.timeout(60_000)
  let desk: Desk
  const td = <T>(args: string[], env: Record<string, string | undefined> = GOOD_ENV) =>
    desk.td<T>(args, {TRADEDESK_PROFILE: PROFILE, ...env})

  before(async () => {
    desk = await openDesk({home: tempHome('tradedesk-gw-'), skipAdd: true})
    const add = await td(['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', desk.fake.url, '--default'])
    expectOk(add)
    expectOk(await td(['symbols']))
  })
  after(async () => {
    await stopGateway(desk.home)
    await closeOpened(desk)
  })

  it('status when none runs: running false, exit 0', async () => {
    const r = await gateway(desk.home, ['status'])
    expect(r.code).to.equal(0)
    expect(r.json).to.deep.equal({running: false, profile: PROFILE, socket: files(desk.home).socket})
    const human = await runCli(['gateway', 'status'], {home: desk.home, env: {TRADEDESK_PROFILE: PROFILE}})
    expect(human.code).to.equal(0)
    expect(human.stdout).to.include(`No gateway is running for profile ${PROFILE}`)
  })

  it('start: returns listening, on a 0600 socket in a 0700 directory; a second start changes nothing', async () => {
    const first = await startGateway(desk.home)
    expect(first).to.include({running: true, profile: PROFILE, version: VERSION, requests_served: 0})
    expect(first.brokers).to.deep.equal([])
    expect(first.pid).to.be.a('number')
    expect(statSync(files(desk.home).socket).mode & 0o777, 'socket mode').to.equal(0o600)
    expect(statSync(files(desk.home).dir).mode & 0o777, 'directory mode').to.equal(0o700)
    expect(statSync(files(desk.home).socket).isSocket()).to.equal(true)

    const again = await gateway(desk.home, ['start'])
    expect(again.code).to.equal(0)
    expect(again.json.pid, 'the same gateway').to.equal(first.pid)
    const human = await runCli(['gateway', 'start'], {home: desk.home, env: {...GOOD_ENV, TRADEDESK_PROFILE: PROFILE}})
    expect(human.stdout).to.include('The gateway was already running.')
  })

  it('commands use it: price and balance are served by it, counted in status', async () => {
    const mark = desk.mark()
    const price = await td<PricesJson>(['price', 'BTC/USDT', 'ETH/USDT'])
    expectOk(price)
    expect(price.json.prices.map((p) => p.symbol)).to.deep.equal(['BTC/USDT', 'ETH/USDT'])
    expectOk(await td(['balance']))
    expect(desk.since(mark).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      'GET /api/v3/ticker/24hr',
      'GET /api/v3/account',
    ])
    const status = (await gateway(desk.home, ['status'])).json
    expect(status.requests_served).to.be.at.least(3)
    expect(status.brokers).to.deep.equal([{name: 'bn', exchange: 'binance', requests: 2}])
    expect(status.uptime_s).to.be.a('number')
  })

  it('the start-up of a command talking to it loads no ccxt (price: nor knex, nor oclif, nor the command line)', async () => {
    const loaded = async (args: string[], tripwire = 'ccxt,knex,@oclif/core,undici,sqlite3') => {
      const r = await runCli([...args, '--json'], {
        home: desk.home,
        env: {
          ...GOOD_ENV,
          TRADEDESK_PROFILE: PROFILE,
          NODE_OPTIONS: `--import ${TRIPWIRE}`,
          TRIPWIRE: tripwire,
        },
        binary: true,
      })
      expect(r.code, r.stderr).to.equal(0)
      return [...new Set([...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]))].sort()
    }

    expect(await loaded(['price', 'BTC/USDT'])).to.deep.equal([])
    // In its plain shape, price is put to the gateway before the command line's own modules load.
    const commandLine = 'dist/commands/,dist/fast.js,dist/lib/cli/spec.js,dist/lib/cli/invocation.js'
    expect(await loaded(['price', 'BTC/USDT', 'ETH/USDT', '--broker', 'bn'], commandLine)).to.deep.equal([])
    // Any other shape is read by the declaration's parser first, and still answered by the gateway.
    expect(await loaded(['--profile', PROFILE, 'price', 'BTC/USDT'], `ccxt,knex,${commandLine}`)).to.deep.equal([
      'dist/commands/',
      'dist/fast.js',
      'dist/lib/cli/spec.js',
    ])
    expect(await loaded(['balance'])).to.not.include('ccxt')
    expect(await loaded(['order', 'list'])).to.not.include('ccxt')
  })

  it('another profile is refused on its socket; a client of another environment runs in process', async () => {
    const {socket} = files(desk.home)
    const [, refused] = await exchange(socket, [{t: 'hello', profile: 'someone', home: desk.home, env: 'x'}])
    expect(refused).to.include({t: 'refused', code: 'PROFILE'})
    const [, control] = await exchange(socket, [{t: 'control', op: 'status', profile: 'someone'}])
    expect(control).to.include({t: 'refused', code: 'PROFILE'})
    const [, forged] = await exchange(socket, [{t: 'hello', profile: PROFILE, home: desk.home, env: 'x'}])
    expect(forged).to.include({t: 'refused', code: 'ENVIRONMENT'})

    const before = (await gateway(desk.home, ['status'])).json.requests_served
    // Another key: the gateway's instance holds this environment's, so the client runs in process, as before.
    const wrong = await td(['balance'], {TRADEDESK_BN_API_KEY: SENTINEL_WRONG_KEY, TRADEDESK_BN_SECRET: 'x-secret'})
    expectError(wrong, 4)
    expect((await gateway(desk.home, ['status'])).json.requests_served).to.equal(before)
  })

  it('stop: gone, socket removed; status says so; stopping again is harmless', async () => {
    const r = await gateway(desk.home, ['stop'])
    expect(r.code).to.equal(0)
    expect(r.json.stopped).to.equal(true)
    expect(existsSync(files(desk.home).socket)).to.equal(false)
    expect((await gateway(desk.home, ['status'])).json.running).to.equal(false)
    const again = await gateway(desk.home, ['stop'])
    expect(again.json).to.deep.equal({stopped: false, pid: null})
    // and commands run in process again
    expectOk(await td(['price', 'BTC/USDT']))
  })

  it('stops by itself after --idle-minutes without a request', async () => {
    const started = await startGateway(desk.home, GOOD_ENV, '0.02')
    expect(started.idle_minutes).to.equal(0.02)
    let running = true
    for (let i = 0; i < 100 && running; i++) {
      await sleep(100)
      running = (await gateway(desk.home, ['status'])).json.running
    }

    expect(running, 'still running 10 s after a 1.2 s idle time').to.equal(false)
    expect(existsSync(files(desk.home).socket)).to.equal(false)
    expect(readFileSync(files(desk.home).log, 'utf8')).to.match(/"event":"stopped","reason":"idle"/)
  })

  it('a bad --idle-minutes is a usage error (exit 2)', async () => {
    for (const bad of ['0', '-1', 'ten', '99999']) {
      const r = await gateway(desk.home, ['start', '--idle-minutes', bad])
      expect(r.code, bad).to.equal(2)
    }
  })
})

describe('gateway: same answers with and without it (the fast path parity cases)', function () {
  this.timeout(180_000)
  const home = tempHome('tradedesk-gwp-')
  const KEYS = {TRADEDESK_BN_API_KEY: 'gw-key', TRADEDESK_BN_SECRET: 'gw-secret', TRADEDESK_PROFILE: PROFILE}
  let fake: FakeBinance | undefined
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {home, env: {...KEYS, ...env}, binary: true})

  before(async () => {
    fake = await startFakeBinance({apiKey: KEYS.TRADEDESK_BN_API_KEY, secret: KEYS.TRADEDESK_BN_SECRET})
    for (const args of paritySetup(fake.url)) expect((await run(args)).code, args.join(' ')).to.equal(0)
    await startGateway(home, KEYS)
  })
  after(async () => {
    await stopGateway(home)
    await fake?.close()
  })

  const same = (through: CliResult, inProcess: CliResult, label: string) => {
    expect({code: through.code, stdout: through.stdout, stderr: through.stderr}, label).to.deep.equal({
      code: inProcess.code,
      stdout: inProcess.stdout,
      stderr: inProcess.stderr,
    })
  }

  for (const c of PARITY_CASES) {
    const label = parityLabel(c)
    it(`same answer with and without the gateway: ${label}`, async () => {
      const through = await run(c.args, c.env)
      const inProcess = await run(c.args, {...c.env, TRADEDESK_NO_GATEWAY: '1'})
      same(through, inProcess, label)
    })
  }

  it('the gateway did serve the loopback Binance broker for them', async () => {
    const status = (await gateway(home, ['status'], KEYS)).json
    expect(status.brokers?.map((b) => b.name)).to.deep.equal(['bn'])
    expect(status.requests_served).to.be.at.least(5)
  })
})

describe('gateway: killed with SIGKILL around an order', function () {
  this.timeout(60_000)
  let desk: Desk
  let pid: number

  beforeEach(async () => {
    desk = await openDesk({balances: {USDT: '1000'}, home: tempHome('tradedesk-gwk-'), skipAdd: true})
    const env = {...GOOD_ENV, TRADEDESK_PROFILE: PROFILE}
    expectOk(
      await desk.td(['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', desk.fake.url, '--default'], env),
    )
    expectOk(await desk.td(['symbols'], env))
    pid = (await startGateway(desk.home)).pid ?? 0
  })
  afterEach(async () => {
    await stopGateway(desk.home)
    await closeOpened(desk)
  })
  after(() => {
    removeHomes()
  })

  const td = <T>(args: string[], env: Record<string, string | undefined> = {}) =>
    desk.td<T>(args, {...GOOD_ENV, TRADEDESK_PROFILE: PROFILE, ...env})

  /** Kills the gateway when the fake sees `method path`. */
  const killAt = (method: string, path: string) =>
    desk.fake.onRequest((r) => {
      if (r.method === method && r.path === path) process.kill(pid, 'SIGKILL')
    })

  it('during the order request: the row is unknown (exit 6), never resent; order sync in process settles it', async () => {
    desk.fake.injectFault({method: 'POST', path: '/api/v3/order', kind: 'accept-then-hang'})
    const stop = killAt('POST', '/api/v3/order')
    let trade
    try {
      trade = await td<TradeJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'])
    } finally {
      stop()
    }

    expectError(trade, 6, 'ORDER_OUTCOME_UNKNOWN', false)
    const [row] = (await td<HistoryJson>(['history'])).json.trades
    expect(row).to.include({status: 'unknown'})
    const [order] = desk.fake.orders()
    expect(order.clientOrderId).to.equal(row.client_order_id)

    const synced = await td<SyncJson>(['order', 'sync'], {TRADEDESK_NO_GATEWAY: '1'})
    expectOk(synced)
    expect(synced.json.changed[0]).to.include({id: row.id, status: 'filled', exchange_order_id: String(order.orderId)})
    expect(count(desk.fake.requests, 'POST', '/api/v3/order'), 'never resent').to.equal(1)
  })

  it('before the order was handed over (while validating): exit 5, retryable, no row and no order', async () => {
    const stop = killAt('GET', '/api/v3/account')
    let trade
    try {
      trade = await td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'])
    } finally {
      stop()
    }

    expectError(trade, 5, 'NETWORK_ERROR', true)
    expect((await td<HistoryJson>(['history'])).json.trades).to.deep.equal([])
    expect(desk.fake.orders()).to.deep.equal([])
    // The gateway is gone (its socket left behind): commands run in process again.
    expectOk(await td(['balance']))
  })
})

describe('gateway: another version, and what crosses the socket', function () {
  this.timeout(60_000)
  let desk: Desk
  const env = {...GOOD_ENV, TRADEDESK_PROFILE: PROFILE}

  before(async () => {
    desk = await openDesk({balances: {USDT: '1000'}, home: tempHome('tradedesk-gwv-'), skipAdd: true})
    expectOk(
      await desk.td(['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', desk.fake.url, '--default'], env),
    )
    expectOk(await desk.td(['symbols'], env))
  })
  after(async () => {
    await stopGateway(desk.home)
    await closeOpened(desk)
    removeHomes()
  })

  it('a gateway of another tradedesk version is ignored, with one warning on stderr', async () => {
    const {dir, socket} = files(desk.home)
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const served: string[] = []
    const other: Server = createServer((s) => {
      s.write(`${JSON.stringify({t: 'welcome', protocol: 1, version: '0.0.0-other', pid: 4242, nonce: 'n'})}\n`)
      s.on('data', (d) => {
        served.push(d.toString())
        s.end()
      })
    })
    await new Promise<void>((done) => other.listen(socket, done))
    try {
      for (const args of [['price', 'BTC/USDT'], ['price', 'BTC/USDT', 'ETH/USDT'], ['balance']]) {
        const r = await runCli([...args, '--json'], {home: desk.home, env, binary: true})
        expect(r.code, r.stderr).to.equal(0)
        expect(JSON.parse(r.stdout)).to.not.have.property('error')
        const warnings = r.stderr.match(/^Warning: ignoring the tradedesk gateway of version 0\.0\.0-other/gm) ?? []
        expect(warnings, `${args.join(' ')}: ${r.stderr}`).to.have.length(1)
      }

      expect(served, 'nothing was asked of it').to.deep.equal([])
      const status = (await gateway(desk.home, ['status'])).json
      expect(status).to.deep.equal({
        running: true,
        profile: PROFILE,
        socket: files(desk.home).socket,
        pid: 4242,
        version: '0.0.0-other',
      })
      const human = await runCli(['gateway', 'status'], {home: desk.home, env, binary: true})
      expect(human.stdout).to.include('0.0.0-other (another tradedesk: this one does not use it)')
      const start = await gateway(desk.home, ['start'])
      expect(start.code).to.equal(1)
      expect(start.stdout).to.include('GATEWAY_OTHER_VERSION')
    } finally {
      await new Promise((done) => other.close(done))
    }
  })

  it('no credential crosses the socket, nor reaches the gateway log, over reads, an order and a cancel', async () => {
    await startGateway(desk.home)
    // Every byte between clients and the gateway goes through this relay, which keeps them.
    const {socket} = files(desk.home)
    const real = `${socket}.real`
    renameSync(socket, real)
    const bytes: Buffer[] = []
    const relay = createServer((client) => {
      const upstream = createConnection(real)
      client.on('data', (d: Buffer) => {
        bytes.push(d)
        upstream.write(d)
      })
      upstream.on('data', (d: Buffer) => {
        bytes.push(d)
        client.write(d)
      })
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((done) => relay.listen(socket, done))
    try {
      expectOk(await desk.td(['price', 'BTC/USDT'], env))
      expectOk(await desk.td(['balance'], env))
      expectOk(await desk.td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes'], env))
      const limit = await desk.td<TradeJson>(
        ['trade', 'buy', 'BTC/USDT', '--type', 'limit', '--price', '20000', '--quantity', '0.001', '--yes'],
        env,
      )
      expectOk(limit)
      expectOk(await desk.td(['order', 'list'], env))
      expectOk(await desk.td(['order', 'cancel', String(limit.json.id)], env))
      expectError(await desk.td(['balance'], {...env, TRADEDESK_BN_SECRET: undefined}), 4)
    } finally {
      await new Promise((done) => relay.close(done))
    }

    const wire = Buffer.concat(bytes)
    for (const method of ['"price"', '"fetchBalance"', '"createOrder"', '"cancelOrder"', '"fetchOpenOrders"'])
      expect(wire.toString(), `the relay saw ${method}`).to.include(method)
    for (const s of SENTINELS) expect(wire.includes(Buffer.from(s)), `${s} on the socket`).to.equal(false)
    const log = readFileSync(files(desk.home).log, 'utf8')
    expect(log).to.include('"method":"createOrder"')
    for (const s of SENTINELS) expect(log, 'the gateway log').to.not.include(s)

    renameSync(real, socket)
    await stopGateway(desk.home)
    expect(leaksInHomes(), 'no credential in any file of the home').to.deep.equal([])
  })
})
