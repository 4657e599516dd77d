import {existsSync} from 'node:fs'
import {type Socket, createConnection} from 'node:net'

import {ExitCode, type ExitCodeValue, NotSentError, TradedeskError} from '../errors.js'
import {
  type Message,
  PROTOCOL,
  VERSION,
  type Welcome,
  type WireError,
  environmentProof,
  gatewayFiles,
  readLines,
  writeLine,
} from './wire.js'

/** How long a client waits for a gateway's greeting before running in process instead. */
const GREETING_MS = 2_000

/** The runs (by their environment object) already warned of a gateway of another version: once is enough. */
const warned = new WeakSet<NodeJS.ProcessEnv>()

/** An answer that says: this request is not the gateway's to serve (a paper broker): run it in process. */
export const FALLBACK = Symbol('fallback')

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  /** an order request: once written, a dropped connection leaves its outcome unknown */
  order: boolean
  written: boolean
  onPage?: (page: unknown[]) => Promise<void>
}

export interface ConnectOptions {
  home: string
  profile: string
  env: NodeJS.ProcessEnv
  /** where a warning for people goes (stderr) */
  warn?: (message: string) => void
}

/**
 * A client's connection to its profile's gateway, made after the version handshake; undefined
 * whenever the gateway cannot serve this run as the run would serve itself: none running (no socket,
 * or a stale one), TRADEDESK_NO_GATEWAY set, another tradedesk version (with a warning), another
 * profile or home, or another environment (other credentials, another database).
 */
export async function connectGateway(options: ConnectOptions): Promise<GatewayConnection | undefined> {
  if (options.env.TRADEDESK_NO_GATEWAY) return undefined
  const {socket: path} = gatewayFiles(options.home, options.profile)
  if (!existsSync(path)) return undefined
  const socket = await new Promise<Socket | undefined>((resolve) => {
    const s = createConnection(path)
    s.once('connect', () => {
      resolve(s)
    })
    s.once('error', () => {
      resolve(undefined)
    })
  })
  if (!socket) return undefined
  const connection = new GatewayConnection(socket)
  const welcome = (await connection.greeting()) as Welcome | undefined
  if (welcome?.t !== 'welcome') {
    connection.close()
    return undefined
  }

  if (welcome.version !== VERSION || welcome.protocol !== PROTOCOL) {
    if (!warned.has(options.env)) {
      warned.add(options.env)
      options.warn?.(
        `ignoring the tradedesk gateway of version ${welcome.version} (pid ${String(welcome.pid)}): this is ${VERSION}; \`tradedesk gateway stop\` stops it`,
      )
    }

    connection.close()
    return undefined
  }

  connection.pid = welcome.pid
  const ready = await connection.greeting({
    t: 'hello',
    profile: options.profile,
    home: options.home,
    env: environmentProof(options.env, welcome.nonce),
  })
  if (ready?.t !== 'ready') {
    connection.close()
    return undefined
  }

  return connection
}

/** Requests and answers over one socket, by id. */
export class GatewayConnection {
  pid = 0
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private greeted?: (message: Message | undefined) => void
  private closed = false

  constructor(private readonly socket: Socket) {
    readLines(socket, (message) => {
      this.receive(message)
    })
    socket.on('close', () => {
      this.dropped()
    })
    socket.on('error', () => {
      // 'close' follows: the pending requests fail there.
    })
  }

  /** The next handshake message (after sending `send`, if given); undefined if none comes in time. */
  greeting(send?: unknown): Promise<Message | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(undefined)
      }, GREETING_MS)
      this.greeted = (message) => {
        clearTimeout(timer)
        this.greeted = undefined
        resolve(message)
      }
      if (send !== undefined && !writeLine(this.socket, send)) this.greeted(undefined)
    })
  }

  /**
   * One request; its answer, or FALLBACK. `order`: an order request, whose outcome is unknown when
   * the gateway goes away after it was handed over. `onPage` receives the pages of a streamed answer.
   */
  request(message: Message, options: {order?: boolean; onPage?: (page: unknown[]) => Promise<void>} = {}) {
    const id = this.nextId++
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = {resolve, reject, order: Boolean(options.order), written: false, onPage: options.onPage}
      if (this.closed || !writeLine(this.socket, {...message, id})) {
        reject(lost(pending))
        return
      }

      pending.written = true
      this.pending.set(id, pending)
    })
  }

  close(): void {
    this.closed = true
    this.socket.end()
    this.socket.unref()
  }

  private receive(message: Message): void {
    if (message.id === undefined) {
      this.greeted?.(message)
      return
    }

    const pending = this.pending.get(message.id)
    if (!pending) return
    const id = message.id
    if ('page' in message) {
      const onPage = pending.onPage
      if (!onPage) return
      // Each page is handed over, and awaited, before the gateway reads the next one.
      onPage(message.page as unknown[]).then(
        () => writeLine(this.socket, {id, ack: true}),
        (error: unknown) => {
          this.pending.delete(id)
          writeLine(this.socket, {id, abort: true})
          pending.reject(error)
        },
      )
      return
    }

    this.pending.delete(id)
    if ('error' in message) pending.reject(rebuild(message.error as WireError))
    else if ('fallback' in message) pending.resolve(FALLBACK)
    else pending.resolve(message.ok)
  }

  private dropped(): void {
    this.closed = true
    this.greeted?.(undefined)
    for (const pending of this.pending.values()) pending.reject(lost(pending))
    this.pending.clear()
  }
}

/** The failure of a request the gateway did not answer: an order handed over may exist; anything else can be retried. */
function lost(pending: Pending): TradedeskError {
  if (pending.order && pending.written) {
    return new TradedeskError(
      'ORDER_OUTCOME_UNKNOWN',
      'the tradedesk gateway stopped while the order was being sent: its outcome is unknown',
      ExitCode.OUTCOME_UNKNOWN,
    )
  }

  if (pending.order) {
    return new NotSentError(
      'NETWORK_ERROR',
      'the tradedesk gateway stopped answering before the order was handed to it: nothing was sent; try again',
      ExitCode.UNAVAILABLE,
      true,
    )
  }

  return new TradedeskError(
    'NETWORK_ERROR',
    'the tradedesk gateway stopped answering; try again (commands run in process when no gateway runs)',
    ExitCode.UNAVAILABLE,
    true,
  )
}

/** The error the gateway's call raised, as it would have been raised in process. */
function rebuild(e: WireError): Error {
  if (e.code === undefined || e.exitCode === undefined) return new Error(e.message)
  const Class = e.notSent ? NotSentError : TradedeskError
  return new Class(e.code, e.message, e.exitCode as ExitCodeValue, e.retryable ?? false, e.errors)
}

/** Serialises an error for the wire (the daemon's side of rebuild). */
export function wireError(error: unknown, scrubbed: (text: string) => string): WireError {
  if (error instanceof TradedeskError) {
    return {
      code: error.code,
      message: scrubbed(error.message),
      exitCode: error.exitCode,
      retryable: error.retryable,
      ...(error.errors ? {errors: error.errors} : {}),
      notSent: error instanceof NotSentError,
    }
  }

  return {message: scrubbed(error instanceof Error ? error.message : String(error))}
}
