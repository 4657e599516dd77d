import {existsSync} from 'node:fs'

import type {Io} from '../cli/io.js'
import {resolveProfile, tradedeskHome} from '../config.js'
import type {PriceView} from '../render/price.js'
import {FALLBACK, connectGateway} from './client.js'
import {gatewayFiles} from './wire.js'

interface Parsed {
  flags: {json?: boolean; broker?: string; profile?: string; verbose?: boolean}
  args: Record<string, string | string[] | undefined>
}

/** The flags read by plainPrice, with a value or without. */
const VALUED = new Set(['--broker', '--profile'])
const BARE = new Set(['--json'])

/**
 * `price` argv in its plain shape, `price SYMBOL... [--json] [--broker B] [--profile P]` (each flag
 * once; `--flag=value` or `--flag value`), read as the declaration's parser reads it (a test holds
 * the two together), so that the command's start-up can ask a running gateway before it loads the
 * command line's modules. Undefined for anything else (help, another flag, a value that looks like a
 * flag, `--`): the command line then reads it as usual.
 */
export function plainPrice(argv: string[], env: NodeJS.ProcessEnv): Parsed | undefined {
  if (argv[0] !== 'price') return undefined
  const given = new Map<string, string | true>()
  const symbols: string[] = []
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i]
    if (!token.startsWith('-')) {
      if (token === '') return undefined
      symbols.push(token)
      continue
    }

    const eq = token.indexOf('=')
    const name = eq < 0 ? token : token.slice(0, eq)
    if (given.has(name)) return undefined
    if (BARE.has(name) && eq < 0) given.set(name, true)
    else if (VALUED.has(name)) {
      const value = eq < 0 ? argv[++i] : token.slice(eq + 1)
      if (!value || value.startsWith('-')) return undefined
      given.set(name, value)
    } else return undefined
  }

  if (symbols.length === 0) return undefined
  const value = (name: string) => {
    const v = given.get(name)
    return typeof v === 'string' ? v : undefined
  }

  return {
    flags: {
      json: given.has('--json') || undefined,
      verbose: undefined,
      broker: value('--broker') ?? (env.TRADEDESK_BROKER || undefined),
      profile: value('--profile') ?? (env.TRADEDESK_PROFILE || undefined),
    },
    args: {symbol: symbols},
  }
}

/**
 * `price` in its plain shape through a running gateway, before anything of the command line loads
 * (main calls it first): node's start-up, this module and the socket are the whole cost. Undefined
 * when the argv is not plain; `{code: undefined}` when the gateway was asked and does not answer it
 * (none runs, a paper broker): the run then goes on as usual, without asking again.
 */
export async function quickPrice(argv: string[], io: Io): Promise<{code: number | undefined} | undefined> {
  if (io.env.TRADEDESK_NO_FAST_PATH) return undefined
  const parsed = plainPrice(argv, io.env)
  return parsed && {code: await gatewayShortcut(parsed, io)}
}

/**
 * `price` answered whole by the running gateway (from main or the fast path): the gateway resolves the broker,
 * checks the symbols against its warm markets and makes the one request, so that this process opens
 * no database and loads no exchange library: its cost is little more than node's own start-up.
 * Undefined when the gateway cannot answer it as the command would (none running, a paper broker,
 * another environment): the command then runs as usual. The output and exit codes are the command's.
 */
export async function gatewayShortcut(parsed: Parsed, io: Io): Promise<number | undefined> {
  // --verbose shows the requests this process makes: it never goes through the gateway
  if (io.env.TRADEDESK_NO_GATEWAY || parsed.flags.verbose) return undefined
  let home: string
  let profile: string
  try {
    home = tradedeskHome(io.env)
    profile = resolveProfile(parsed.flags.profile, io.env)
  } catch {
    return undefined // the command says what is wrong, in its words
  }

  if (!existsSync(gatewayFiles(home, profile).socket)) return undefined
  const connection = await connectGateway({
    home,
    profile,
    env: io.env,
    warn: (m) => io.stderr.write(`Warning: ${m}\n`),
  })
  if (!connection) return undefined
  const json = Boolean(parsed.flags.json)
  let answer: unknown
  try {
    answer = await connection.request({
      op: 'price',
      broker: parsed.flags.broker ?? null,
      symbols: [parsed.args.symbol ?? []].flat(),
    })
  } catch (error) {
    const {Invocation} = await import('../cli/invocation.js')
    const invocation = new Invocation(io, json, parsed.flags.profile)
    invocation.fail(error)
    return await invocation.close()
  } finally {
    connection.close()
  }

  if (answer === FALLBACK) return undefined
  const {views, prices} = answer as {views: PriceView[]; prices: string}
  const data = views.length === 1 ? views[0] : {broker: views[0].broker, prices: views}
  if (json) {
    io.stdout.write(`${JSON.stringify(data, null, 2)}\n`)
    return 0
  }

  const [{Ui}, {renderPrice, renderPrices}] = await Promise.all([import('../ui.js'), import('../render/price.js')])
  const ui = await Ui.create(io.stdout, io.env)
  const text = views.length === 1 ? renderPrice(views[0], ui, prices) : renderPrices(views, ui, prices)
  io.stdout.write(`${text}\n`)
  return 0
}
