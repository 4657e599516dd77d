import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {credentialsError} from './errors.js'

export interface Credentials {
  apiKey?: string
  secret?: string
  password?: string
}

/** TRADEDESK_<BROKER>_API_KEY: the broker name upper-cased, every other character as "_". */
export function envPrefix(broker: string): string {
  return `TRADEDESK_${broker.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`
}

/**
 * A broker's credentials, from the environment first, else from $TRADEDESK_HOME/credentials.json,
 * which must be readable by its owner only. They are never stored, printed or put in argv.
 */
export function loadCredentials(broker: string, home: string, env: NodeJS.ProcessEnv = process.env): Credentials {
  const prefix = envPrefix(broker)
  const fromEnv = clean({apiKey: env[`${prefix}API_KEY`], secret: env[`${prefix}SECRET`], password: env[`${prefix}PASSWORD`]})
  if (fromEnv.apiKey || fromEnv.secret) return fromEnv

  const file = join(home, 'credentials.json')
  let mode: number
  try {
    mode = statSync(file).mode
  } catch {
    return {}
  }

  if ((mode & 0o077) !== 0) {
    throw credentialsError(
      `${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
      'CREDENTIALS_FILE_UNSAFE',
    )
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    // The parser's message can quote the file's content, so it is not repeated here.
    throw credentialsError(`${file} is not valid JSON (${(error as Error).name})`, 'CREDENTIALS_FILE_INVALID')
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw credentialsError(`${file} must hold an object: {"<broker>": {"apiKey", "secret", "password"}}`, 'CREDENTIALS_FILE_INVALID')
  }

  const entry = (parsed as Record<string, unknown>)[broker]
  if (entry === undefined) return {}
  if (typeof entry !== 'object' || entry === null) {
    throw credentialsError(`${file}: the entry for "${broker}" must be an object with apiKey and secret`, 'CREDENTIALS_FILE_INVALID')
  }

  const e = entry as Record<string, unknown>
  const pick = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined)
  return clean({apiKey: pick('apiKey'), secret: pick('secret'), password: pick('password')})
}

function clean(c: Credentials): Credentials {
  const out: Credentials = {}
  if (c.apiKey) out.apiKey = c.apiKey
  if (c.secret) out.secret = c.secret
  if (c.password) out.password = c.password
  return out
}

/** Every secret value this process knows for a broker, so output can be scrubbed of them. */
export function secretValues(c: Credentials): string[] {
  return [c.apiKey, c.secret, c.password].filter((v): v is string => typeof v === 'string' && v.length >= 4)
}
