/**
 * `npm run bench`: start-up time, caches and requests per command, measured side by side in one run
 * (interleaved rounds, median of ROUNDS runs each), against the loopback fake Binance exchange.
 * Every command, `node -e 0` included, runs directly (no shell) under bench/rusage.py (python3), which
 * reports that one process's own CPU and wall time. Prints a markdown table and writes it to
 * bench/results.md. Not part of `npm test`.
 */
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import knex from 'knex'

import {Decimal} from '../src/lib/decimal.js'
import {type FakeBinance, startFakeBinance} from '../test/support/fake-binance.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/run.js')
const RUSAGE = join(ROOT, 'bench/rusage.py')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const KEY = 'bench-key'
/** libraries a command should load only when it needs them */
const HEAVY = ['ccxt', '@oclif/core', 'knex', 'undici']
const SECRET = 'bench-secret'

interface Sample {
  wall: number
  cpu: number
}

/** python3 itself, not a shim in front of it (pyenv's is a shell script): resolved once. */
const PYTHON = execFileSync(process.env.BENCH_PYTHON ?? 'python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim()

/**
 * Runs a command directly, with no shell in between, and reads that one process's own CPU time (user +
 * system) and its wall time from spawn to exit, as wait4(2) reports them with microsecond resolution
 * (bench/rusage.py). The helper's own start-up is in neither. Asynchronous, so that the loopback
 * exchange in this process keeps answering.
 */
async function run(
  argv: string[],
  env: Record<string, string>,
): Promise<Sample & {stdout: string; stderr: string; code: number}> {
  const out = join(scratch, 'out')
  const err = join(scratch, 'err')
  const r = await new Promise<{stdout: string; stderr: string; status: number | null}>((resolve, reject) => {
    const child = spawn(PYTHON, [RUSAGE, out, err, ...argv], {
      env: {...process.env, ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (status) => {
      resolve({stdout, stderr, status})
    })
  })
  if (r.status !== 0) throw new Error(`bench/rusage.py ${argv.join(' ')} failed (${String(r.status)}): ${r.stderr}`)
  const usage = JSON.parse(r.stdout) as {code: number; wall: number; user: number; sys: number}
  return {
    wall: usage.wall,
    cpu: usage.user + usage.sys,
    stdout: readFileSync(out, 'utf8'),
    stderr: readFileSync(err, 'utf8'),
    code: usage.code,
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const scratch = mkdtempSync(join(tmpdir(), 'tradedesk-bench-'))

function home(name: string): string {
  return mkdtempSync(join(scratch, `${name}-`))
}

async function td(h: string, args: string[], extra: Record<string, string> = {}) {
  const r = await run([process.execPath, BIN, ...args], {
    TRADEDESK_HOME: h,
    TRADEDESK_PROFILE: 'bench',
    TRADEDESK_BN_API_KEY: KEY,
    TRADEDESK_BN_SECRET: SECRET,
    ...extra,
  })
  if (r.code !== 0) throw new Error(`tradedesk ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}${r.stdout}`)
  return r
}

/** A journal with n filled trades, written straight into the database. */
async function seedTrades(h: string, n: number): Promise<void> {
  await td(h, ['history', '--json'])
  const db = knex({client: 'sqlite3', connection: {filename: join(h, 'tradedesk.sqlite')}, useNullAsDefault: true})
  const symbols = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT', 'ADA/USDT']
  const start = Date.parse('2025-01-01T00:00:00Z')
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i += 500) {
      const rows = []
      for (let j = i; j < Math.min(n, i + 500); j++) {
        const at = new Date(start + j * 60_000).toISOString()
        rows.push({
          profile: 'bench',
          broker: 'paper',
          trade_type: 'manual',
          symbol: symbols[j % symbols.length],
          side: j % 2 ? 'sell' : 'buy',
          order_type: 'market',
          quantity: '0.01',
          price: '27910.36',
          total_value: '279.1036',
          status: 'filled',
          filled_quantity: '0.01',
          filled_price: '27910.36',
          fees: '0.2791036',
          fee_currency: 'USDT',
          client_order_id: `bench${String(n)}x${String(j)}`,
          exchange_order_id: String(j + 1),
          created_at: at,
          executed_at: at,
          updated_at: at,
        })
      }

      await tx('trades').insert(rows)
    }
  })
  await db.destroy()
}

interface Row {
  what: string
  a: string
  b: string
  samples: {a: Sample[]; b: Sample[]}
  target: {ratio: 'cpu' | 'wall'; text: string} & ({max: number} | {min: number})
}

/** Runs one after the other; their times add up. */
async function sequence(steps: (() => Promise<Sample>)[]): Promise<Sample> {
  const total = {wall: 0, cpu: 0}
  for (const step of steps) {
    const s = await step()
    total.wall += s.wall
    total.cpu += s.cpu
  }

  return total
}

const WORKERS = 8
const RUNS_EACH = 3
/** Binance weighs a one-symbol ticker 2: at most 3 of them per 2 s window. */
const LIMIT = {limit: 6, windowMs: 2000}
/**
 * ccxt's throttle set to it, as a user would (broker options): binance's ticker costs 0.4 (weight 2
 * x 0.2), so rateLimit 2500 ms spaces tickers 1 s apart, and a bucket of capacity 0 allows no burst
 * after an idle time: at most 2 tickers in any 2 s window, one fewer than the exchange allows (a
 * margin for the time a request takes to arrive). (ccxt's rollingWindow limiter would say it more
 * directly, but it throws a TypeError on any call that costs more than its window: exchangeInfo.)
 */
const THROTTLE = ['tokenBucket.capacity=0', 'rateLimit=2500']

/**
 * Several processes on one account, against an exchange that enforces a request-weight limit: each
 * process in process has its own rate limiter and none knows of the others; through the gateway they
 * share its one. Both with the broker's rate limit set to what the exchange allows (THROTTLE). Counts
 * the 429s the exchange answered and the runs that failed.
 */
async function contend(gateway: boolean) {
  const f = await startFakeBinance({apiKey: KEY, secret: SECRET})
  const h = home(gateway ? 'contend-gw' : 'contend')
  const env = {TRADEDESK_HOME: h, TRADEDESK_PROFILE: 'bench', TRADEDESK_BN_API_KEY: KEY, TRADEDESK_BN_SECRET: SECRET}
  const args = ['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', f.url]
  await td(h, [...args, '--default'])
  await td(h, ['symbols', '--json'])
  // set after the markets are cached: exchangeInfo costs 4, ten seconds of this throttle
  await td(h, ['broker', 'set', 'bn', ...THROTTLE.flatMap((o) => ['--option', o])])
  if (gateway) await td(h, ['gateway', 'start', '--idle-minutes', '10'])
  f.setWeightLimit(LIMIT) // from now on: the markets were loaded unlimited
  const throttledBefore = f.throttled()
  const requestsBefore = f.countRequests('GET', '/api/v3/ticker/24hr')
  const start = performance.now()
  const results = await Promise.all(
    Array.from({length: WORKERS}, async () => {
      const codes: number[] = []
      for (let i = 0; i < RUNS_EACH; i++)
        codes.push((await run([process.execPath, BIN, 'price', 'BTC/USDT', '--json'], env)).code)
      return codes
    }),
  )
  const wall = (performance.now() - start) / 1000
  if (gateway) await td(h, ['gateway', 'stop'])
  await f.close()
  const codes = results.flat()
  return {
    label: gateway ? 'through the gateway' : 'in process (no gateway)',
    runs: codes.length,
    failed: codes.filter((c) => c !== 0).length,
    throttled: f.throttled() - throttledBefore,
    requests: f.countRequests('GET', '/api/v3/ticker/24hr') - requestsBefore,
    wall,
  }
}

async function main() {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${String(cpus().length)} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
  console.error(`tradedesk benchmark: ${machine}; ${String(ROUNDS)} interleaved rounds per case`)

  const h10k = home('h10k')
  await seedTrades(h10k, 10_000)
  const h100k = home('h100k')
  await seedTrades(h100k, 100_000)
  const h100 = home('h100')
  await seedTrades(h100, 100)
  const hSymbols = home('symbols')
  await td(hSymbols, ['symbols', '--all', '--json']) // warms the markets cache: the whole snapshot

  const fakes: FakeBinance[] = []
  const fake = await startFakeBinance({apiKey: KEY, secret: SECRET, balances: {USDT: '100000'}})
  fakes.push(fake)
  const hEx = home('exchange')
  await td(hEx, ['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', fake.url, '--default'])
  await td(hEx, ['symbols', '--json']) // warm cache
  // The same broker served by a running gateway (issue 16).
  const hGw = home('gateway')
  await td(hGw, ['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', fake.url, '--default'])
  await td(hGw, ['symbols', '--json'])
  await td(hGw, ['gateway', 'start', '--idle-minutes', '30'])
  await td(hGw, ['price', 'BTC/USDT', '--json']) // the gateway's first request warms its instance
  const TEN = [
    'BTC/USDT',
    'ETH/USDT',
    'BNB/USDT',
    'SOL/USDT',
    'XRP/USDT',
    'ADA/USDT',
    'DOGE/USDT',
    'LTC/USDT',
    'DOT/USDT',
    'LINK/USDT',
  ]

  const node0 = [process.execPath, '-e', '0']
  const cases: Row[] = [
    {
      what: '`history --json`, 10,000 trades vs `node -e 0` (CPU)',
      a: 'history10k',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2, text: '<= 2x'},
    },
    {
      what: '`symbols --search btc --json`, warm cache of 2,292 markets vs `node -e 0` (CPU)',
      a: 'symbols',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2, text: '<= 2x'},
    },
    {
      what: '`history show 1 --json`, 10,000 trades vs `node -e 0` (CPU)',
      a: 'show',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2, text: '<= 2x'},
    },
    {
      what: '`broker list --json` vs `node -e 0` (CPU)',
      a: 'brokers',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2, text: '<= 2x'},
    },
    {
      what: '`history --limit 50`, 100,000 trades vs 100 trades (wall)',
      a: 'history100k',
      b: 'history100',
      samples: {a: [], b: []},
      target: {ratio: 'wall', max: 1.2, text: '<= 1.2x'},
    },
    {
      what: '`price BTC/USDT --json` through the gateway vs `node -e 0` (CPU)',
      a: 'priceGw',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 1.5, text: '<= 1.5x'},
    },
    {
      what: 'plain ccxt script vs `price BTC/USDT --json` through the gateway, loopback exchange (wall)',
      a: 'plain',
      b: 'priceGw',
      samples: {a: [], b: []},
      target: {ratio: 'wall', min: 5, text: '>= 5x faster'},
    },
    {
      what: '10 symbols: 10 `price S --json` calls vs one `price S1 ... S10 --json`, in process (wall)',
      a: 'price10calls',
      b: 'price10',
      samples: {a: [], b: []},
      target: {ratio: 'wall', min: 5, text: '>= 5x faster'},
    },
    {
      what: '10 symbols: 10 `price S --json` calls vs one `price S1 ... S10 --json`, through the gateway (wall)',
      a: 'price10callsGw',
      b: 'price10Gw',
      samples: {a: [], b: []},
      target: {ratio: 'wall', min: 5, text: '>= 5x faster'},
    },
    {
      what: 'plain ccxt script vs `price BTC/USDT --json`, loopback exchange (wall)',
      a: 'plain',
      b: 'price',
      samples: {a: [], b: []},
      target: {ratio: 'wall', min: 2, text: '>= 2x faster'},
    },
  ]
  const commands: Record<string, () => Promise<Sample>> = {
    node: () => run(node0, {}),
    history10k: () => td(h10k, ['history', '--json']),
    show: () => td(h10k, ['history', 'show', '1', '--json']),
    symbols: () => td(hSymbols, ['symbols', '--search', 'btc', '--json']),
    brokers: () => td(h10k, ['broker', 'list', '--json']),
    history100k: () => td(h100k, ['history', '--limit', '50']),
    history100: () => td(h100, ['history', '--limit', '50']),
    price: () => td(hEx, ['price', 'BTC/USDT', '--json']),
    plain: () => run([process.execPath, join(ROOT, 'bench/plain-ccxt-price.mjs')], {FAKE_URL: fake.url}),
    priceGw: () => td(hGw, ['price', 'BTC/USDT', '--json']),
    price10: () => td(hEx, ['price', ...TEN, '--json']),
    price10calls: () => sequence(TEN.map((s) => () => td(hEx, ['price', s, '--json']))),
    price10Gw: () => td(hGw, ['price', ...TEN, '--json']),
    price10callsGw: () => sequence(TEN.map((s) => () => td(hGw, ['price', s, '--json']))),
  }

  const contention = [await contend(false), await contend(true)]

  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      c.samples.a.push(await commands[c.a]())
      c.samples.b.push(await commands[c.b]())
    }
  }

  // Which heavy libraries each command loads at all.
  const tripwire = ['--import', join(ROOT, 'test/support/tripwire.mjs')]
  const loads = async (h: string, args: string[]) => {
    const r = await run([process.execPath, ...tripwire, BIN, ...args], {
      TRADEDESK_HOME: h,
      TRADEDESK_PROFILE: 'bench',
      // the environment of the gateway's own, or it is not used
      TRADEDESK_BN_API_KEY: KEY,
      TRADEDESK_BN_SECRET: SECRET,
      TRIPWIRE: HEAVY.join(','),
    })
    return new Set([...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]))
  }

  // Requests per command against the loopback exchange.
  const requests = async (label: string, balances: Record<string, string>, args: string[]) => {
    const f = await startFakeBinance({apiKey: KEY, secret: SECRET, balances})
    fakes.push(f)
    const h = home('req')
    await td(h, ['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', f.url, '--default'])
    await td(h, ['symbols', '--json'])
    const before = f.requests.length
    await td(h, args)
    const made = f.requests.slice(before).map((r) => `${r.method} ${r.path}`)
    return {label, count: made.length, made}
  }

  const tickers = (
    JSON.parse(readFileSync(join(ROOT, 'data/binance-spot/ticker-24hr.json'), 'utf8')) as {
      symbol: string
      lastPrice: string
    }[]
  )
    .filter((t) => t.symbol.endsWith('USDT') && new Decimal(t.lastPrice).gt(0))
    .map((t) => t.symbol.slice(0, -4))
  const holding = (n: number): Record<string, string> =>
    Object.fromEntries([
      ['USDT', '1000'],
      ...tickers
        .filter((a) => a !== 'USDT')
        .slice(0, n - 1)
        .map((a): [string, string] => [a, '1']),
    ])
  const requestRows = [
    await requests('price BTC/USDT', {USDT: '1000'}, ['price', 'BTC/USDT', '--json']),
    await requests('portfolio, 1 asset', holding(1), ['portfolio', '--json']),
    await requests('portfolio, 10 assets', holding(10), ['portfolio', '--json']),
    await requests('portfolio, 50 assets', holding(50), ['portfolio', '--json']),
    await requests('trade buy BTC/USDT --quantity 0.001 --yes', {USDT: '1000'}, [
      'trade',
      'buy',
      'BTC/USDT',
      '--quantity',
      '0.001',
      '--yes',
      '--json',
    ]),
  ]

  const fmt = (x: number) => x.toFixed(3)
  const lines = [
    `Measured on ${machine}; median of ${String(ROUNDS)} interleaved runs each.`,
    'Each command runs on its own, with no shell in between: CPU is the user + system time of that one',
    'process (wait4), wall its time from spawn to exit.',
    '',
    '| case | A (s) | B (s) | ratio A/B | target | met |',
    '|---|---|---|---|---|---|',
  ]
  for (const c of cases) {
    const key = c.target.ratio
    const a = median(c.samples.a.map((s) => s[key]))
    const b = median(c.samples.b.map((s) => s[key]))
    const ratio = a / b
    const met = 'max' in c.target ? ratio <= c.target.max : ratio >= c.target.min
    lines.push(`| ${c.what} | ${fmt(a)} | ${fmt(b)} | ${ratio.toFixed(2)} | ${c.target.text} | ${met ? 'yes' : 'no'} |`)
  }

  lines.push(
    '',
    `| command | ${HEAVY.map((p) => `loads ${p}`).join(' | ')} |`,
    `|---|${HEAVY.map(() => '---|').join('')}`,
  )
  for (const [label, h, args] of [
    ['history', h10k, ['history', '--json']],
    ['history show', h10k, ['history', 'show', '1', '--json']],
    ['symbols (warm cache)', hSymbols, ['symbols', '--search', 'btc', '--json']],
    ['broker list', h10k, ['broker', 'list', '--json']],
    ['price (loopback binance)', hEx, ['price', 'BTC/USDT', '--json']],
    ['price (loopback binance, through the gateway)', hGw, ['price', 'BTC/USDT', '--json']],
    ['balance (loopback binance, through the gateway)', hGw, ['balance', '--json']],
  ] as [string, string, string[]][]) {
    const seen = await loads(h, args)
    lines.push(`| ${label} | ${HEAVY.map((p) => (seen.has(p) ? 'yes' : 'no')).join(' | ')} |`)
  }

  await td(hGw, ['gateway', 'stop'])
  for (const f of fakes) await f.close()

  lines.push('', '| HTTP requests on a warm markets cache | count | requests |', '|---|---|---|')
  for (const r of requestRows) lines.push(`| ${r.label} | ${String(r.count)} | ${r.made.join(', ')} |`)

  lines.push(
    '',
    `| ${String(WORKERS)} processes x ${String(RUNS_EACH)} \`price BTC/USDT --json\` each, one account, exchange limit ${String(LIMIT.limit)} weight per ${String(LIMIT.windowMs)} ms | runs | failed (exit != 0) | HTTP 429 | ticker requests | wall (s) |`,
    '|---|---|---|---|---|---|',
  )
  for (const c of contention)
    lines.push(
      `| ${c.label} | ${String(c.runs)} | ${String(c.failed)} | ${String(c.throttled)} | ${String(c.requests)} | ${c.wall.toFixed(2)} |`,
    )

  const table = lines.join('\n')
  console.log(table)
  writeFileSync(join(ROOT, 'bench/results.md'), `${table}\n`)
}

await main()
