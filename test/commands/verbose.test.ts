/**
 * --verbose: every HTTP request ccxt makes, one line each on stderr (method, path and query without
 * any credential-bearing parameter, status or no-answer, ms), and stdout exactly as without it.
 * Against the loopback Binance with the sentinel credentials (ccxt-support scans every run's stdout
 * and stderr for them). Build first.
 */
import {expect} from 'chai'

import type {RecordedRequest} from '../support/fake-binance.js'
import {runCli} from '../support/cli.js'
import {
  type Desk,
  GOOD_ENV,
  SENTINELS,
  closeOpened,
  expectError,
  expectOk,
  leaksInHomes,
  openDesk,
  removeHomes,
} from './ccxt-support.js'

const LINE = /^HTTP (GET|POST|DELETE|PUT) (\/\S*) (\d{3}|no-answer) (\d+)ms$/

/** The requests --verbose printed, as `METHOD path status` (the path without its query). */
function printed(stderr: string): {method: string; path: string; query: string; status: string}[] {
  const lines = stderr.split('\n').filter(Boolean)
  return lines.map((l) => {
    const m = LINE.exec(l)
    expect(m, `a --verbose line: ${l}`).to.not.equal(null)
    const [, method, full, status] = m ?? []
    const [path, query = ''] = full.split('?')
    return {method, path, query, status}
  })
}

const asReceived = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`)

describe('--verbose: each HTTP request on stderr, never a credential, stdout unchanged', function () {
  this.timeout(120_000)
  let desk: Desk | undefined
  const stderrs: string[] = []

  const d = () => {
    if (!desk) throw new Error('before() did not open the desk')
    return desk
  }

  before(async () => {
    desk = await openDesk({balances: {USDT: '10000'}})
    // warm the markets cache, so that the runs compared below make the same requests
    expectOk(await desk.td(['price', 'BTC/USDT']))
  })

  after(async () => {
    await closeOpened(desk)
    for (const e of stderrs) {
      expect(e).to.not.match(/signature/i)
      for (const s of SENTINELS) expect(e).to.not.contain(s)
    }

    expect(leaksInHomes()).to.deep.equal([])
    removeHomes()
  })

  it('price: the same stdout; one line per request the exchange received, before or after the command', async () => {
    const plain = await d().td(['price', 'BTC/USDT'])
    expectOk(plain)
    expect(plain.stderr).to.equal('')
    for (const args of [
      ['--verbose', 'price', 'BTC/USDT'],
      ['price', 'BTC/USDT', '--verbose'],
    ]) {
      const m = d().mark()
      const v = await d().td(args)
      stderrs.push(v.stderr)
      expectOk(v)
      expect(v.stdout, 'stdout as without --verbose').to.equal(plain.stdout)
      const lines = printed(v.stderr)
      expect(lines.map((l) => `${l.method} ${l.path}`)).to.deep.equal(asReceived(d().since(m)))
      expect(lines).to.deep.equal([
        {method: 'GET', path: '/api/v3/ticker/24hr', query: 'symbol=BTCUSDT', status: '200'},
      ])
    }
  })

  it('a signed request: the query without its signature; an order: its path only, never its body', async () => {
    let m = d().mark()
    const b = await d().td(['--verbose', 'balance'])
    stderrs.push(b.stderr)
    expectOk(b)
    const received = d().since(m)
    expect(
      received.map((r) => Boolean(r.query.signature)),
      'the exchange did get a signature',
    ).to.deep.equal([true])
    const [account] = printed(b.stderr)
    expect(account).to.include({method: 'GET', path: '/api/v3/account', status: '200'})
    expect(account.query).to.equal(
      `timestamp=${received[0].query.timestamp}&recvWindow=${received[0].query.recvWindow}`,
    )

    m = d().mark()
    const t = await d().td(['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--verbose'])
    stderrs.push(t.stderr)
    expectOk(t)
    const lines = printed(t.stderr)
    expect(lines.map((l) => `${l.method} ${l.path}`)).to.deep.equal(asReceived(d().since(m)))
    const post = lines.find((l) => l.method === 'POST')
    expect(post).to.deep.include({path: '/api/v3/order', status: '200'})
    expect(post?.query, 'the order is in the body, which is never printed').to.equal('')
    expect(t.stderr).to.not.contain('newClientOrderId')
  })

  it('a failed request shows its status, one with no answer says so; stdout is still one JSON document', async () => {
    d().fake.injectFault({method: 'GET', path: '/api/v3/ticker/24hr', kind: 'html-503'})
    const retried = await d().td(['--verbose', 'price', 'BTC/USDT'])
    stderrs.push(retried.stderr)
    expectOk(retried)
    expect(printed(retried.stderr).map((l) => l.status)).to.deep.equal(['503', '200'])

    d().fake.injectFault({method: 'GET', path: '/api/v3/account', kind: 'hang', times: 'always'})
    const timedOut = await d().td(['--verbose', 'balance'])
    d().fake.clearFaults()
    stderrs.push(timedOut.stderr)
    expectError(timedOut, 5, 'TIMEOUT')
    expect(printed(timedOut.stderr).map((l) => `${l.path} ${l.status}`)).to.deep.equal(
      Array<string>(3).fill('/api/v3/account no-answer'),
    )
  })

  it('the real binary: the lines on its stderr, its stdout one JSON document', async () => {
    const r = await runCli(['--verbose', 'price', 'BTC/USDT', '--json'], {home: d().home, env: GOOD_ENV, binary: true})
    stderrs.push(r.stderr)
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({symbol: 'BTC/USDT'})
    expect(printed(r.stderr).map((l) => `${l.method} ${l.path} ${l.status}`)).to.deep.equal([
      'GET /api/v3/ticker/24hr 200',
    ])
  })
})
