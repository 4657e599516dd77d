import {createHmac} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Socket} from 'node:net'

/**
 * The gateway's wire: JSON lines over a Unix socket inside TRADEDESK_HOME. The daemon speaks first
 * (`welcome`: its tradedesk version, protocol and pid, and a fresh nonce); the client answers `hello`
 * (its profile, home and an HMAC of its environment under that nonce); then requests `{id, op, ...}`
 * and answers `{id, ok}` | `{id, error}` | `{id, fallback}` (run it in process) | `{id, page}` (one
 * page of a trade history, acknowledged by `{id, ack}` before the next is read). No credential
 * crosses it, not even hashed without a fresh nonce: each side reads its own.
 */
export const PROTOCOL = 1

/** This tradedesk's version (package.json): a gateway of another version is not used. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}
).version

/** Where a profile's gateway lives in a home: its socket, its pid lock and its log. */
export function gatewayFiles(home: string, profile: string): {dir: string; socket: string; lock: string; log: string} {
  const dir = join(home, 'gateway')
  return {
    dir,
    socket: join(dir, `${profile}.sock`),
    lock: join(dir, `${profile}.pid`),
    log: join(dir, `${profile}.log`),
  }
}

/**
 * Variables a client may set without changing what the gateway would do for it: the rest of the
 * TRADEDESK_* environment (credentials, the database URL, anything new) must be the gateway's own,
 * or the client runs in process.
 */
const CLIENT_ONLY = new Set([
  'TRADEDESK_HOME',
  'TRADEDESK_PROFILE',
  'TRADEDESK_BROKER',
  'TRADEDESK_NO_FAST_PATH',
  'TRADEDESK_NO_GATEWAY',
  'TRADEDESK_PENDING_GRACE_SECONDS',
  'TRADEDESK_GATEWAY_IDLE_MINUTES',
])

/** An HMAC, under the connection's nonce, of the TRADEDESK_* variables that change what an exchange call does. */
export function environmentProof(env: NodeJS.ProcessEnv, nonce: string): string {
  const entries = Object.keys(env)
    .filter((k) => k.startsWith('TRADEDESK_') && !CLIENT_ONLY.has(k) && env[k] !== undefined && env[k] !== '')
    .sort()
    .map((k) => `${k}=${env[k] ?? ''}`)
  return createHmac('sha256', nonce).update(entries.join('\0')).digest('hex')
}

export interface Welcome {
  t: 'welcome'
  protocol: number
  version: string
  pid: number
  nonce: string
}

export interface Hello {
  t: 'hello'
  profile: string
  home: string
  env: string
}

/** A failure as it crosses the socket: a TradedeskError's fields, or a plain error's message. */
export interface WireError {
  code?: string
  message: string
  exitCode?: number
  retryable?: boolean
  errors?: {code: string; message: string}[]
  notSent?: boolean
}

export type Message = Record<string, unknown> & {id?: number}

/** Calls onMessage with each JSON line the socket receives. */
export function readLines(socket: Socket, onMessage: (message: Message) => void): void {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    let end = buffer.indexOf('\n')
    while (end >= 0) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 1)
      if (line) {
        let message: Message | undefined
        try {
          message = JSON.parse(line) as Message
        } catch {
          socket.destroy()
          return
        }

        onMessage(message)
      }

      end = buffer.indexOf('\n')
    }
  })
}

export function writeLine(socket: Socket, message: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false
  socket.write(`${JSON.stringify(message)}\n`)
  return true
}
