/**
 * `npm run bench`: start-up time, caches and requests per command, measured side by side in one run
 * (interleaved rounds, median of ROUNDS runs each), against the loopback fake Binance exchange.
 * Prints a markdown table and writes it to bench/results.md. Not part of `npm test`.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import knex from 'knex'

import {type FakeBinance, startFakeBinance} from '../test/support/fake-binance.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/run.js')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const KEY = 'bench-key'
/** libraries a command should load only when it needs them */
const HEAVY = ['ccxt', '@oclif/core', 'knex', 'undici']
const SECRET = 'bench-secret'

interface Sample {
  wall: number
  cpu: number
}

/**
 * Runs a command line under bash and reads its children's CPU time from bash's `times`. Asynchronous,
 * so that the loopback exchange in this process keeps answering.
 */
async function run(
  argv: string[],
  env: Record<string, string>,
): Promise<Sample & {stdout: string; stderr: string; code: number | null}> {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  const start = performance.now()
  const r = await new Promise<{stdout: string; status: number | null}>((resolve, reject) => {
    const child = spawn('bash', ['-c', `${quoted} > "$OUT" 2> "$ERR"; code=$?; times; exit $code`], {
      env: {...process.env, ...env, OUT: join(scratch, 'out'), ERR: join(scratch, 'err')},
    })
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.on('error', reject)
    child.on('close', (status) => resolve({stdout, status}))
  })
  const wall = (performance.now() - start) / 1000
  const children = r.stdout.trim().split('\n')[1] ?? ''
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]))
  return {
    wall,
    cpu: seconds.reduce((a, b) => a + b, 0),
    stdout: readFileSync(join(scratch, 'out'), 'utf8'),
    stderr: readFileSync(join(scratch, 'err'), 'utf8'),
    code: r.status,
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
  if (r.code !== 0) throw new Error(`tradedesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
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
          client_order_id: `bench${n}x${j}`,
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
  target?: {ratio: 'cpu' | 'wall'; max?: number; min?: number; text: string}
}

async function main() {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
  console.error(`tradedesk benchmark: ${machine}; ${ROUNDS} interleaved rounds per case`)

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

  const node0 = [process.execPath, '-e', '0']
  const cases: Row[] = [
    {
      what: '`history --json`, 10,000 trades vs `node -e 0` (CPU)',
      a: 'history10k',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2.5, text: '<= 2.5x'},
    },
    {
      what: '`symbols --search btc --json`, warm cache of 2,292 markets vs `node -e 0` (CPU)',
      a: 'symbols',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2.5, text: '<= 2.5x'},
    },
    {
      what: '`broker list --json` vs `node -e 0` (CPU)',
      a: 'brokers',
      b: 'node',
      samples: {a: [], b: []},
      target: {ratio: 'cpu', max: 2.5, text: '<= 2.5x'},
    },
    {
      what: '`history --limit 50`, 100,000 trades vs 100 trades (wall)',
      a: 'history100k',
      b: 'history100',
      samples: {a: [], b: []},
      target: {ratio: 'wall', max: 1.2, text: '<= 1.2x'},
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
    symbols: () => td(hSymbols, ['symbols', '--search', 'btc', '--json']),
    brokers: () => td(h10k, ['broker', 'list', '--json']),
    history100k: () => td(h100k, ['history', '--limit', '50']),
    history100: () => td(h100, ['history', '--limit', '50']),
    price: () => td(hEx, ['price', 'BTC/USDT', '--json']),
    plain: () => run([process.execPath, join(ROOT, 'bench/plain-ccxt-price.mjs')], {FAKE_URL: fake.url}),
  }

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
    .filter((t) => t.symbol.endsWith('USDT') && Number(t.lastPrice) > 0)
    .map((t) => t.symbol.slice(0, -4))
  const holding = (n: number) =>
    Object.fromEntries([
      ['USDT', '1000'],
      ...tickers
        .filter((a) => a !== 'USDT')
        .slice(0, n - 1)
        .map((a) => [a, '1']),
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
    `Measured on ${machine}; median of ${ROUNDS} interleaved runs each.`,
    '',
    '| case | A (s) | B (s) | ratio A/B | target | met |',
    '|---|---|---|---|---|---|',
  ]
  for (const c of cases) {
    const key = c.target!.ratio
    const a = median(c.samples.a.map((s) => s[key]))
    const b = median(c.samples.b.map((s) => s[key]))
    const ratio = a / b
    const met = c.target!.max === undefined ? ratio >= c.target!.min! : ratio <= c.target!.max
    lines.push(
      `| ${c.what} | ${fmt(a)} | ${fmt(b)} | ${ratio.toFixed(2)} | ${c.target!.text} | ${met ? 'yes' : 'no'} |`,
    )
  }

  lines.push(
    '',
    `| command | ${HEAVY.map((p) => `loads ${p}`).join(' | ')} |`,
    `|---|${HEAVY.map(() => '---|').join('')}`,
  )
  for (const [label, h, args] of [
    ['history', h10k, ['history', '--json']],
    ['symbols (warm cache)', hSymbols, ['symbols', '--search', 'btc', '--json']],
    ['broker list', h10k, ['broker', 'list', '--json']],
    ['price (loopback binance)', hEx, ['price', 'BTC/USDT', '--json']],
  ] as [string, string, string[]][]) {
    const seen = await loads(h, args)
    lines.push(`| ${label} | ${HEAVY.map((p) => (seen.has(p) ? 'yes' : 'no')).join(' | ')} |`)
  }

  for (const f of fakes) await f.close()

  lines.push('', '| HTTP requests on a warm markets cache | count | requests |', '|---|---|---|')
  for (const r of requestRows) lines.push(`| ${r.label} | ${r.count} | ${r.made.join(', ')} |`)

  const table = lines.join('\n')
  console.log(table)
  writeFileSync(join(ROOT, 'bench/results.md'), `${table}\n`)
}

await main()
