import {spawn} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readFileSync} from 'node:fs'
import {type Socket, createConnection} from 'node:net'
import {fileURLToPath} from 'node:url'

import {ExitCode, TradedeskError, usageError} from '../errors.js'
import type {GatewayStatus} from './daemon.js'
import {type Message, VERSION, type Welcome, gatewayFiles, readLines, writeLine} from './wire.js'

const DAEMON = fileURLToPath(new URL('../../../dist/lib/gateway/daemon-main.js', import.meta.url))
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000
export const DEFAULT_IDLE_MINUTES = 30

/** A gateway that runs but speaks another protocol (another tradedesk version): what its greeting says. */
export interface OtherGateway {
  running: true
  profile: string
  socket: string
  pid: number
  version: string
}

export type StatusView = GatewayStatus | OtherGateway | {running: false; profile: string; socket: string}

/** A control exchange with the gateway of a profile: its greeting, and its answer to `op`. */
async function control(
  home: string,
  profile: string,
  op: 'status' | 'stop',
): Promise<{welcome: Welcome; reply: Message | undefined} | undefined> {
  const {socket: path} = gatewayFiles(home, profile)
  if (!existsSync(path)) return undefined
  return new Promise((done) => {
    const socket: Socket = createConnection(path)
    let welcome: Welcome | undefined
    const finish = (reply?: Message) => {
      socket.destroy()
      done(welcome ? {welcome, reply} : undefined)
    }
    socket.setTimeout(5_000, () => {
      finish()
    })
    socket.once('error', () => {
      finish()
    })
    socket.once('close', () => {
      finish()
    })
    readLines(socket, (message) => {
      if (!welcome) {
        welcome = message as unknown as Welcome
        writeLine(socket, {t: 'control', op, profile})
      } else finish(message)
    })
  })
}

export async function gatewayStatus(home: string, profile: string): Promise<StatusView> {
  const answer = await control(home, profile, 'status')
  const status = answer?.reply?.status as GatewayStatus | undefined
  if (answer && status) return status
  if (answer) {
    const {pid, version} = answer.welcome
    return {running: true, profile, socket: gatewayFiles(home, profile).socket, pid, version}
  }

  return notRunning(home, profile)
}

function notRunning(home: string, profile: string): StatusView {
  return {running: false, profile, socket: gatewayFiles(home, profile).socket}
}

/** Starts the profile's gateway (detached) and returns once it answers; a running one is left as it is. */
export async function startGateway(
  home: string,
  profile: string,
  env: NodeJS.ProcessEnv,
  idleMinutes: number,
): Promise<{started: boolean; status: StatusView}> {
  const running = await gatewayStatus(home, profile)
  if (running.running) {
    if (running.version !== VERSION) throw otherVersion(running)
    return {started: false, status: running}
  }

  const files = gatewayFiles(home, profile)
  if (files.socket.length > 100)
    throw usageError(`the gateway's socket path would be too long for a Unix socket: ${files.socket}`)
  mkdirSync(files.dir, {recursive: true, mode: 0o700})
  const log = openSync(files.log, 'a', 0o600)
  let exited: number | null | undefined
  try {
    const child = spawn(process.execPath, [DAEMON, home, profile, String(idleMinutes)], {
      detached: true,
      // its own directory: a gateway keeps no other directory busy
      cwd: home,
      stdio: ['ignore', 'ignore', log],
      env,
    })
    child.on('exit', (code) => {
      exited = code
    })
    child.unref()
  } finally {
    closeSync(log)
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    const status = await gatewayStatus(home, profile)
    if (status.running) {
      if (status.version !== VERSION) throw otherVersion(status)
      return {started: true, status}
    }

    if (exited !== undefined && exited !== 0) {
      const last = readFileSync(files.log, 'utf8').trim().split('\n').at(-1) ?? ''
      let reason = last
      try {
        reason = (JSON.parse(last) as {message?: string}).message ?? last
      } catch {
        // not a line of ours: shown as it is
      }

      throw new TradedeskError('GATEWAY_START_FAILED', `the gateway did not start: ${reason}`, ExitCode.INTERNAL)
    }

    await sleep(25)
  }

  throw new TradedeskError(
    'GATEWAY_START_FAILED',
    `the gateway did not answer within ${String(START_TIMEOUT_MS / 1000)} s; see ${files.log}`,
    ExitCode.INTERNAL,
  )
}

/** Stops the profile's gateway and waits until it is gone. */
export async function stopGateway(home: string, profile: string): Promise<{stopped: boolean; pid: number | null}> {
  const answer = await control(home, profile, 'stop')
  if (!answer) return {stopped: false, pid: null}
  const {pid} = answer.welcome
  // A gateway of another protocol may not understand the request: it stops on SIGTERM all the same.
  if (answer.reply?.t !== 'stopping') {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // gone already
    }
  }

  const {socket} = gatewayFiles(home, profile)
  const deadline = Date.now() + STOP_TIMEOUT_MS
  while (Date.now() < deadline && (existsSync(socket) || running(pid))) await sleep(25)
  return {stopped: true, pid}
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function otherVersion(status: {version: string; pid: number}): TradedeskError {
  return new TradedeskError(
    'GATEWAY_OTHER_VERSION',
    `a gateway of tradedesk ${status.version} runs (pid ${String(status.pid)}): stop it first with \`tradedesk gateway stop\``,
    ExitCode.INTERNAL,
  )
}

const sleep = (ms: number) =>
  new Promise((done) => {
    setTimeout(done, ms)
  })

/** --idle-minutes: a positive number of minutes (fractions allowed), at most a week. */
export function idleMinutes(text: string | undefined): number {
  if (text === undefined) return DEFAULT_IDLE_MINUTES
  const n = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || n > 10_080)
    throw usageError(`--idle-minutes takes a number of minutes above 0 and at most 10080 (got "${text}")`)
  return n
}
