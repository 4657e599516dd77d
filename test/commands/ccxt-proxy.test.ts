/**
 * A broker configured with a proxy (--option httpProxy=...) keeps CCXT's own transport, which sends
 * through the proxy; without one, tradedesk hands CCXT Node's built-in fetch (a faster start) and the
 * requests go straight to the exchange. Real binary, real ccxt.binance, fake Binance, a real proxy.
 */
import http from 'node:http'
import net from 'node:net'

import {expect} from 'chai'

import {runCli, tempHome} from '../support/cli.js'
import {type FakeBinance, startFakeBinance} from '../support/fake-binance.js'
import {closeOpened} from './ccxt-support.js'

/** A forward proxy on loopback: plain requests with an absolute URL, and CONNECT tunnels. Counts both. */
async function startProxy(): Promise<{url: string; used: () => number; close: () => Promise<void>}> {
  let used = 0
  const server = http.createServer((req, res) => {
    used++
    const target = new URL(req.url ?? '/')
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    used++
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${String(port)}`,
    used: () => used,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

describe('ccxt end to end: a broker behind an HTTP proxy', function () {
  this.timeout(60_000)
  const env = {
    TRADEDESK_VIA_API_KEY: 'proxy-key',
    TRADEDESK_VIA_SECRET: 'proxy-secret',
    TRADEDESK_DIRECT_API_KEY: 'proxy-key',
    TRADEDESK_DIRECT_SECRET: 'proxy-secret',
  }
  let fake: FakeBinance
  let proxy: Awaited<ReturnType<typeof startProxy>>
  const home = tempHome()

  before(async () => {
    fake = await startFakeBinance({apiKey: 'proxy-key', secret: 'proxy-secret'})
    proxy = await startProxy()
    for (const args of [
      ['broker', 'add', 'via', '--exchange', 'binance', '--api-url', fake.url, '--option', `httpProxy=${proxy.url}`],
      ['broker', 'add', 'direct', '--exchange', 'binance', '--api-url', fake.url],
    ]) {
      const r = await runCli(args, {home, env})
      expect(r.code, r.stderr).to.equal(0)
    }
  })

  after(() => closeOpened(proxy, fake))

  it("price through the proxy: every request passes the proxy, and the answer is the exchange's", async () => {
    const r = await runCli(['price', 'BTC/USDT', '--broker', 'via', '--json'], {home, env})
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({broker: 'via', symbol: 'BTC/USDT'})
    expect(proxy.used(), 'requests through the proxy').to.be.greaterThan(0)
  })

  it('a broker without a proxy goes straight to the exchange', async () => {
    const before = proxy.used()
    const r = await runCli(['price', 'ETH/USDT', '--broker', 'direct', '--json'], {home, env})
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({broker: 'direct', symbol: 'ETH/USDT'})
    expect(proxy.used()).to.equal(before)
  })
})
