/**
 * What every loopback exchange fake has in common (Kraken, OKX, Coinbase Advanced; Binance keeps its
 * own older server): an HTTP server on 127.0.0.1 that records every request, injects transport
 * faults into chosen requests, and ends hanging answers on close; plus the exchange-neutral view a
 * scenario test needs of it (orders, balances, prices), whatever the exchange's own dialect is.
 *
 * Each fake supplies only its dialect: `route` (its REST API, authentication and errors, answered
 * in its own shapes) and its own answers for a rate limit and a server error.
 */
import http from 'node:http'

import type {SeedTrade, SeededTrade} from './seed.js'

export interface RecordedRequest {
  method: string
  /** the path without the query string, e.g. "/0/private/AddOrder" */
  path: string
  /** query-string parameters merged with form or JSON body parameters (top level, as strings) */
  query: Record<string, string>
  /** the raw body as sent */
  body: string
  headers: http.IncomingHttpHeaders
}

export type FaultKind =
  /** the request is processed (an order is placed, balances move), then no answer ever comes */
  | 'accept-then-hang'
  /** no answer ever comes, nothing is processed */
  | 'hang'
  /** the exchange's own HTTP 5xx answer; nothing is processed */
  | 'server-error'
  /** the exchange's own rate-limit answer; nothing is processed */
  | 'rate-limit'
  /** processed, and the answer is cut in half */
  | 'malformed-json'

export interface FakeFault {
  method?: string
  path: string
  kind: FaultKind
  /** how many matching requests (default 1, the next one), or 'always' until clearFaults() */
  times?: number | 'always'
}

export interface Reply {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string>
}

/** An order as the exchange holds it, in neutral words, for assertions. Decimals are strings. */
export interface FakeOrderView {
  /** the exchange's order id */
  id: string
  clientOrderId: string | null
  /** unified symbol, e.g. "BTC/USD" */
  symbol: string
  side: 'buy' | 'sell'
  type: 'market' | 'limit'
  status: 'open' | 'filled' | 'cancelled'
  /** base amount asked, or null when the order was sized by quote amount */
  amount: string | null
  /** quote amount asked (a market buy sized in money), or null */
  quoteAmount: string | null
  price: string | null
  /** base filled */
  filled: string
  /** quote exchanged by the fills: sum of fill quantity x price */
  cost: string
  fee: string
  /** unified currency code of the fee */
  feeCurrency: string
}

export interface FakeExchangeOptions {
  apiKey?: string
  secret?: string
  /** OKX's passphrase (ccxt's `password`) */
  password?: string
  /** unified asset code -> free amount */
  balances?: Record<string, string>
  port?: number
}

export interface FakeExchange {
  /** the ccxt exchange id this fake speaks for */
  readonly exchange: string
  readonly url: string
  readonly requests: RecordedRequest[]
  injectFault(fault: FakeFault): void
  clearFaults(): void
  /** called for every request after it is recorded and before any fault or route */
  onRequest(hook: (request: RecordedRequest) => void): () => void
  orders(): FakeOrderView[]
  /** unified asset code */
  balance(asset: string): {free: string; locked: string}
  /** moves a market's price (unified symbol); resting orders the move crosses fill */
  setPrice(symbol: string, price: {last?: string; bid?: string; ask?: string}): void
  /** adds a trade history made outside tradedesk (balances do not move); each trade's ids, in the order given */
  seedTrades(trades: SeedTrade[]): SeededTrade[]
  close(): Promise<void>
}

export interface Dialect {
  /** answers one request in the exchange's own words; never throws */
  route(request: RecordedRequest): Reply
  /** the exchange's documented answer to too many requests */
  rateLimited(): Reply
  /** the exchange's HTTP 5xx answer */
  serverError(): Reply
}

export type FakeServer = Pick<FakeExchange, 'url' | 'requests' | 'injectFault' | 'clearFaults' | 'onRequest' | 'close'>

/** Parses a body as JSON (top-level values as strings; of a one-item array, its item's) or as a form. */
export function bodyParams(body: string): Record<string, string> {
  const out: Record<string, string> = {}
  const text = body.trim()
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown
      const object: unknown = Array.isArray(parsed) ? (parsed.length === 1 ? parsed[0] : {}) : parsed
      for (const [k, v] of Object.entries((object ?? {}) as Record<string, unknown>)) {
        out[k] = typeof v === 'string' ? v : JSON.stringify(v)
      }
    } catch {
      // not JSON after all: the route sees the raw body and answers as the exchange would
    }
    return out
  }
  for (const [k, v] of new URLSearchParams(text)) out[k] = v
  return out
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return {status, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8', headers}
}

/** Starts the HTTP side of a fake: recording, faults, hanging answers, close. */
export async function startFakeServer(name: string, dialect: Dialect, port = 0): Promise<FakeServer> {
  const requests: RecordedRequest[] = []
  const faults: {fault: FakeFault; left: number}[] = []
  const hooks = new Set<(request: RecordedRequest) => void>()
  const hanging = new Set<http.ServerResponse>()

  const send = (res: http.ServerResponse, r: Reply) => {
    res.writeHead(r.status, {
      'Content-Type': r.contentType ?? 'application/json',
      'Content-Length': Buffer.byteLength(r.body),
      ...r.headers,
    })
    res.end(r.body)
  }

  const hang = (res: http.ServerResponse) => {
    hanging.add(res)
    res.on('close', () => hanging.delete(res))
  }

  const takeFault = (method: string, path: string): FakeFault | undefined => {
    const i = faults.findIndex(
      ({fault: f}) => f.path === path && (f.method === undefined || f.method.toUpperCase() === method),
    )
    if (i < 0) return undefined
    const entry = faults[i]
    entry.left -= 1
    if (entry.left <= 0) faults.splice(i, 1)
    return entry.fault
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase()
      const raw = req.url ?? '/'
      const q = raw.indexOf('?')
      const path = q < 0 ? raw : raw.slice(0, q)
      const body = Buffer.concat(chunks).toString('utf8')
      const query = {...bodyParams(body)}
      for (const [k, v] of new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))) query[k] = v
      const request: RecordedRequest = {method, path, query, body, headers: req.headers}
      // the raw URL (with its query string) is what signatures cover
      Object.defineProperty(request, 'url', {value: raw, enumerable: false})
      requests.push(request)
      for (const hook of [...hooks]) hook(request)

      const fault = takeFault(method, path)
      switch (fault?.kind) {
        case 'hang':
          hang(res)
          return
        case 'server-error':
          send(res, dialect.serverError())
          return
        case 'rate-limit':
          send(res, dialect.rateLimited())
          return
        case 'accept-then-hang':
          dialect.route(request)
          hang(res)
          return
        case 'malformed-json': {
          const text = dialect.route(request).body
          send(res, {status: 200, body: text.slice(0, Math.max(1, Math.floor(text.length / 2)))})
          return
        }
        default:
          send(res, dialect.route(request))
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error(`${name}: unexpected server address`)
  let closed: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    requests,
    injectFault(fault) {
      const times = fault.times ?? 1
      if (times !== 'always' && !(Number.isInteger(times) && times > 0))
        throw new Error(`${name}: times must be a positive integer or 'always'`)
      faults.push({fault: {...fault}, left: times === 'always' ? Infinity : times})
    },
    clearFaults() {
      faults.length = 0
    },
    onRequest(hook) {
      hooks.add(hook)
      return () => {
        hooks.delete(hook)
      }
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy()
        hanging.clear()
        server.close(() => {
          resolve()
        })
        server.closeAllConnections()
      })
      return closed
    },
  }
}

/** The raw URL of a recorded request, query string included (what signatures cover). */
export function rawUrl(request: RecordedRequest): string {
  return (request as RecordedRequest & {url?: string}).url ?? request.path
}

/** Points a ccxt instance at a fake: rewrites the origin of every URL in urls.api, nested objects too. */
export function pointAt(exchange: {urls: {api: unknown}}, url: string): void {
  const walk = (node: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') node[k] = v.replace(/^https?:\/\/[^/]+/, url)
      else if (v !== null && typeof v === 'object') walk(v as Record<string, unknown>)
    }
  }

  walk(exchange.urls.api as Record<string, unknown>)
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }

  throw new Error('expected the promise to reject')
}
