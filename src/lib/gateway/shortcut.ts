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

/**
 * `price` answered whole by the running gateway, from the fast path: the gateway resolves the broker,
 * checks the symbols against its warm markets and makes the one request, so that this process opens
 * no database and loads no exchange library: its cost is little more than node's own start-up.
 * Undefined when the gateway cannot answer it as the command would (none running, a paper broker,
 * another environment): the command then runs as usual. The output and exit codes are the command's.
 */
export async function gatewayShortcut(id: string, parsed: Parsed, io: Io): Promise<number | undefined> {
  // --verbose shows the requests this process makes: it never goes through the gateway
  if (id !== 'price' || io.env.TRADEDESK_NO_GATEWAY || parsed.flags.verbose) return undefined
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
