import {AsyncLocalStorage} from 'node:async_hooks'

/** An output stream as a command sees it: a terminal or not, and how wide. */
export interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/** An input stream as a command sees it (the order ticket's prompts read it). */
export type InputStream = NodeJS.ReadableStream & {isTTY?: boolean}

/**
 * Everything a run reads from or writes to outside itself: its streams, its environment, and whether
 * it is a whole process (then SIGINT and SIGTERM end it with the envelope). The binary runs with the
 * process's own; the in-process tests run with theirs, so that a command runs the same either way.
 */
export interface Io {
  stdin: InputStream
  stdout: OutputStream
  stderr: OutputStream
  env: NodeJS.ProcessEnv
  process: boolean
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, process: true}
}

/** A person is there to answer: both stdin and stdout are terminals. */
export function interactive(io: Io): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY)
}

/** One run of the command line: its io, and the exit code it ends with. */
export interface RunState {
  io: Io
  exitCode: number
}

const current = new AsyncLocalStorage<RunState>()

/** Runs fn as one run of the command line, with io; returns its exit code. */
export async function withRun(io: Io, fn: (state: RunState) => Promise<void>): Promise<number> {
  const state: RunState = {io, exitCode: 0}
  await current.run(state, () => fn(state))
  return state.exitCode
}

/**
 * The run this code is part of. oclif builds commands itself, so a command reaches its run's io
 * here; outside any run (a script importing a module) it is the process's.
 */
export function currentRun(): RunState {
  return current.getStore() ?? {io: processIo(), exitCode: 0}
}
