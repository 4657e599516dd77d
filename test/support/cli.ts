import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The real binary, as a user runs it (built by `npm test`'s pretest). */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** TRADEDESK_HOME for this run */
  home: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

/** A fresh, empty TRADEDESK_HOME. */
export function tempHome(prefix = 'tradedesk-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/**
 * Runs bin/run.js with args, stdin and stdout as pipes (no terminal), a clean environment with only
 * PATH, HOME and TRADEDESK_HOME (plus opts.env), and returns its exit code and output.
 */
export function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: opts.home, TRADEDESK_HOME: opts.home}
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k]
      else env[k] = v
    }

    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Runs with --json and parses stdout; fails loudly when stdout is not exactly one JSON document. */
export async function runJson(args: string[], opts: CliOptions): Promise<CliResult & {json: any}> {
  const result = await runCli([...args, '--json'], opts)
  let json: any
  try {
    json = JSON.parse(result.stdout)
  } catch {
    throw new Error(`stdout of \`tradedesk ${args.join(' ')} --json\` is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }

  return {...result, json}
}
