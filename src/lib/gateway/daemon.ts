import {randomBytes, createHash} from 'node:crypto'
import {chmodSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync} from 'node:fs'
import {type Server, type Socket, createConnection, createServer} from 'node:net'
import {resolve} from 'node:path'

import {type Broker, BrokerService, PAPER} from '../brokers.js'
import {loadCredentials, secretValues} from '../credentials.js'
import {MARKETS_TTL_MS} from '../markets.js'
import {scrub} from '../errors.js'
import type {CcxtGateway} from '../exchange/ccxt-gateway.js'
import {priceViews} from '../prices.js'
import {Store} from '../store.js'
import {wireError} from './client.js'
import {type Message, PROTOCOL, VERSION, environmentProof, gatewayFiles, readLines, writeLine} from './wire.js'

export interface DaemonOptions {
  home: string
  profile: string
  /** stop after this long without a request */
  idleMs: number
  env: NodeJS.ProcessEnv
}

/** What `gateway status` shows. */
export interface GatewayStatus {
  running: true
  pid: number
  uptime_s: number
  profile: string
  version: string
  socket: string
  idle_minutes: number
  brokers: {name: string; exchange: string; requests: number}[]
  requests_served: number
}

/** A broker's exchange the gateway holds: one CcxtGateway (one ccxt instance, one throttle) per account. */
interface Held {
  handle: string
  broker: Broker
  gateway: CcxtGateway
  secrets: string[]
  requests: number
}

/** The calls a client may make on a held exchange: the gateway interface's asynchronous methods. */
const CALLS = new Set([
  'markets',
  'fetchTicker',
  'fetchTickers',
  'fetchBalance',
  'createOrder',
  'fetchOrder',
  'cancelOrder',
  'fetchOpenOrders',
  'fetchMyTrades',
  'priceAt',
])

/**
 * The gateway: a background process per profile and home that holds the CCXT instances of the
 * brokers it has served, warm (markets loaded, HTTP connections kept alive), so that every client
 * process shares one instance, hence one rate limiter, per exchange account. It listens on a Unix
 * socket (mode 0600, in a 0700 directory of the home), reads credentials itself from its own
 * environment and credentials.json, serves only its profile's clients whose TRADEDESK_* environment is
 * its own, logs one JSON line per request on stderr (the log file), and stops when idle.
 */
export class GatewayDaemon {
  private readonly started = Date.now()
  private readonly files: ReturnType<typeof gatewayFiles>
  private readonly held = new Map<string, Promise<Held>>()
  /** when the copy under each key was made: one older than the markets cache's lifetime is made again, as a run in process would reload them */
  private readonly made = new Map<string, number>()
  private readonly byHandle = new Map<string, Held>()
  private readonly sockets = new Set<Socket>()
  private server?: Server
  private served = 0
  private inFlight = 0
  private idleTimer?: NodeJS.Timeout
  private stopping = false

  private constructor(
    private readonly options: DaemonOptions,
    private readonly store: Store,
  ) {
    this.files = gatewayFiles(options.home, options.profile)
  }

  /** Starts the gateway unless one already runs for this profile and home (then resolves to undefined). */
  static async start(options: DaemonOptions): Promise<GatewayDaemon | undefined> {
    const files = gatewayFiles(options.home, options.profile)
    mkdirSync(files.dir, {recursive: true, mode: 0o700})
    chmodSync(files.dir, 0o700)
    if (await answers(files.socket)) return undefined
    if (!takeLock(files.lock)) return undefined
    let daemon: GatewayDaemon | undefined
    try {
      const store = await Store.open(options.env)
      daemon = new GatewayDaemon(options, store)
      await daemon.listen()
    } catch (error) {
      rmSync(files.lock, {force: true})
      throw error
    }

    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.on(signal, () => {
        void daemon.stop(signal)
      })
    }

    daemon.log('started', {pid: process.pid, version: VERSION, idle_minutes: options.idleMs / 60_000})
    daemon.armIdle()
    return daemon
  }

  private async listen(): Promise<void> {
    rmSync(this.files.socket, {force: true})
    const server = createServer((socket) => {
      this.accept(socket)
    })
    // Created 0600 in a 0700 directory: no moment when another user could connect.
    const umask = process.umask(0o177)
    try {
      await new Promise<void>((done, fail) => {
        server.once('error', fail)
        server.listen(this.files.socket, () => {
          server.off('error', fail)
          done()
        })
      })
    } finally {
      process.umask(umask)
    }

    chmodSync(this.files.socket, 0o600)
    this.server = server
  }

  status(): GatewayStatus {
    return {
      running: true,
      pid: process.pid,
      uptime_s: Math.floor((Date.now() - this.started) / 1000),
      profile: this.options.profile,
      version: VERSION,
      socket: this.files.socket,
      idle_minutes: this.options.idleMs / 60_000,
      brokers: this.brokersServed(),
      requests_served: this.served,
    }
  }

  /** Each broker served, once, with the requests of every copy of it made so far. */
  private brokersServed(): GatewayStatus['brokers'] {
    const byName = new Map<string, GatewayStatus['brokers'][number]>()
    for (const h of this.byHandle.values()) {
      const seen = byName.get(h.broker.name)
      if (seen) seen.requests += h.requests
      else byName.set(h.broker.name, {name: h.broker.name, exchange: h.broker.exchange, requests: h.requests})
    }

    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => {
      // a client gone: its requests run to their end, their answers go nowhere
    })
    const nonce = randomBytes(16).toString('hex')
    const acks = new Map<number, {resolve(): void; reject(error: Error): void}>()
    let ready = false
    writeLine(socket, {t: 'welcome', protocol: PROTOCOL, version: VERSION, pid: process.pid, nonce})
    readLines(socket, (message) => {
      if (!ready && message.t === 'control') {
        this.control(socket, message)
        return
      }

      if (!ready) {
        const refusal = this.refusal(message, nonce)
        if (refusal) {
          this.log('refused', {reason: refusal.code})
          writeLine(socket, {t: 'refused', ...refusal})
          socket.end()
          return
        }

        ready = true
        writeLine(socket, {t: 'ready'})
        return
      }

      const id = message.id
      if (typeof id !== 'number') return
      const ack = acks.get(id)
      if (ack) {
        acks.delete(id)
        if (message.ack === true) ack.resolve()
        else ack.reject(new Error('the client stopped reading the trade history'))
        return
      }

      void this.serve(socket, id, message, acks)
    })
  }

  /** `gateway status` and `gateway stop`: for this profile's clients, whatever their environment. */
  private control(socket: Socket, message: Message): void {
    if (message.profile !== this.options.profile) {
      writeLine(socket, {
        t: 'refused',
        code: 'PROFILE',
        message: `this gateway serves profile ${this.options.profile} only`,
      })
      socket.end()
      return
    }

    if (message.op === 'stop') {
      writeLine(socket, {t: 'stopping', pid: process.pid})
      void this.stop('request')
      return
    }

    writeLine(socket, {t: 'status', status: this.status()})
  }

  /** Why a client's hello is refused: another profile or home, or another environment. */
  private refusal(message: Message, nonce: string): {code: string; message: string} | undefined {
    if (message.t !== 'hello') return {code: 'PROTOCOL', message: 'expected hello'}
    if (message.profile !== this.options.profile) {
      return {
        code: 'PROFILE',
        message: `this gateway serves profile ${this.options.profile} only: start one for ${String(message.profile)}`,
      }
    }

    if (typeof message.home !== 'string' || resolve(message.home) !== resolve(this.options.home))
      return {code: 'HOME', message: 'this gateway serves another TRADEDESK_HOME'}
    if (message.env !== environmentProof(this.options.env, nonce))
      return {code: 'ENVIRONMENT', message: 'this gateway runs with other credentials or another database'}
    return undefined
  }

  private async serve(
    socket: Socket,
    id: number,
    message: Message,
    acks: Map<number, {resolve(): void; reject(error: Error): void}>,
  ): Promise<void> {
    this.busy(1)
    const began = Date.now()
    const op = String(message.op)
    let outcome = 'ok'
    let held: Held | undefined
    try {
      switch (op) {
        case 'price': {
          this.served++
          const store = new BrokerService(this.store, this.options.profile)
          const broker = await store.resolve(typeof message.broker === 'string' ? message.broker : undefined)
          if (broker.exchange === PAPER) {
            outcome = 'fallback'
            writeLine(socket, {id, fallback: true})
            return
          }

          held = await this.hold(broker)
          held.requests++
          const views = await priceViews(held.gateway, broker, message.symbols as string[])
          writeLine(socket, {id, ok: {views, prices: held.gateway.prices}})
          return
        }

        case 'open': {
          this.served++
          const broker = message.broker as Broker
          if (broker.exchange === PAPER) {
            outcome = 'fallback'
            writeLine(socket, {id, fallback: true})
            return
          }

          held = await this.hold(broker)
          const g = held.gateway
          writeLine(socket, {
            id,
            ok: {
              handle: held.handle,
              exchangeId: g.exchangeId,
              name: g.name,
              has: g.has,
              prices: g.prices,
              tradesNeedSymbol: g.tradesNeedSymbol,
            },
          })
          return
        }

        case 'call': {
          this.served++
          held = this.byHandle.get(String(message.handle))
          const method = String(message.method)
          if (!held || !CALLS.has(method)) throw new Error(`the gateway has no ${method} for this client`)
          held.requests++
          // JSON has no undefined: an omitted argument (order list's symbol) arrives as null.
          const args = ((message.args ?? []) as unknown[]).map((a) => (a === null ? undefined : a))
          const gateway = held.gateway as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
          if (method === 'fetchMyTrades') {
            await held.gateway.fetchMyTrades(
              args[0] as Parameters<CcxtGateway['fetchMyTrades']>[0],
              (page) =>
                new Promise<void>((done, fail) => {
                  acks.set(id, {resolve: done, reject: fail})
                  if (!writeLine(socket, {id, page})) fail(new Error('the client went away'))
                }),
            )
            writeLine(socket, {id, ok: null})
            return
          }

          const answer = await gateway[method].apply(held.gateway, args)
          writeLine(socket, {id, ok: answer instanceof Map ? [...answer] : (answer ?? null)})
          return
        }

        default:
          throw new Error(`unknown request ${op}`)
      }
    } catch (error) {
      const secrets = held?.secrets ?? []
      const e = wireError(error, (text) => scrub(text, secrets))
      outcome = e.code ?? 'error'
      writeLine(socket, {id, error: e})
    } finally {
      this.log('request', {
        op,
        method: typeof message.method === 'string' ? message.method : undefined,
        broker: held?.broker.name,
        ms: Date.now() - began,
        outcome,
      })
      this.busy(-1)
    }
  }

  /** The broker's exchange, made once per account and kept: rebuilt when its settings or credentials change. */
  private hold(broker: Broker): Promise<Held> {
    const credentials = loadCredentials(broker.name, this.options.home, this.options.env)
    const key = JSON.stringify([
      broker.id,
      broker.name,
      broker.exchange,
      broker.sandbox,
      broker.apiUrl,
      broker.options,
      createHash('sha256').update(JSON.stringify(credentials)).digest('hex'),
    ])
    let held = this.held.get(key)
    const made = this.made.get(key)
    if (held && made !== undefined && Date.now() - made > MARKETS_TTL_MS) {
      this.held.delete(key)
      held = undefined
    }

    if (!held) {
      this.made.set(key, Date.now())
      held = (async () => {
        const {CcxtGateway} = await import('../exchange/ccxt-gateway.js')
        const gateway = await CcxtGateway.create(broker, credentials, this.store)
        const h: Held = {
          handle: `h${String(this.byHandle.size + 1)}`,
          broker,
          gateway,
          secrets: secretValues(credentials),
          requests: 0,
        }
        // A client may still hold the handle of an older copy: it keeps working until its run ends.
        this.byHandle.set(h.handle, h)
        return h
      })()
      held.catch(() => this.held.delete(key))
      this.held.set(key, held)
    }

    return held
  }

  private busy(delta: number): void {
    this.inFlight += delta
    if (this.inFlight > 0) clearTimeout(this.idleTimer)
    else this.armIdle()
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => void this.stop('idle'), this.options.idleMs)
  }

  async stop(reason: string): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    clearTimeout(this.idleTimer)
    this.server?.close()
    rmSync(this.files.socket, {force: true})
    for (const s of this.sockets) s.end()
    for (const h of this.byHandle.values()) await h.gateway.close().catch(() => undefined)
    await this.store.close().catch(() => undefined)
    rmSync(this.files.lock, {force: true})
    this.log('stopped', {reason, requests_served: this.served})
    process.exit(0)
  }

  private log(event: string, fields: Record<string, unknown>): void {
    const secrets = [...this.byHandle.values()].flatMap((h) => h.secrets)
    process.stderr.write(`${scrub(JSON.stringify({at: new Date().toISOString(), event, ...fields}), secrets)}\n`)
  }
}

/** Whether a gateway answers on this socket (it greets every connection). */
function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection(path)
    socket.once('data', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => {
      done(false)
    })
    socket.setTimeout(2_000, () => {
      socket.destroy()
      done(false)
    })
  })
}

/** The pid lock: taken when free or left by a process that is gone. */
function takeLock(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(readFileSync(path, 'utf8').trim())
      if (pid > 0 && alive(pid)) return false
      rmSync(path, {force: true})
    }
  }

  return false
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
