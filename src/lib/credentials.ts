import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {credentialsError} from './errors.js'

/**
 * Every credential CCXT knows (its `requiredCredentials` keys), with the environment variable
 * suffix that carries it: TRADEDESK_<BROKER>_API_KEY, ..._PASSWORD (OKX's passphrase), ..._UID.
 */
export const CREDENTIAL_KEYS = {
  apiKey: 'API_KEY',
  secret: 'SECRET',
  password: 'PASSWORD',
  uid: 'UID',
  login: 'LOGIN',
  twofa: 'TWOFA',
  privateKey: 'PRIVATE_KEY',
  walletAddress: 'WALLET_ADDRESS',
  token: 'TOKEN',
} as const

export type CredentialKey = keyof typeof CREDENTIAL_KEYS
export type Credentials = Partial<Record<CredentialKey, string>>
const KEYS = Object.keys(CREDENTIAL_KEYS) as CredentialKey[]

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
  const fromEnv = clean(Object.fromEntries(KEYS.map((k) => [k, env[`${prefix}${CREDENTIAL_KEYS[k]}`]])))
  if (Object.keys(fromEnv).length > 0) return fromEnv

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
    throw credentialsError(
      `${file} must hold an object: {"<broker>": {"apiKey", "secret", "password"}}`,
      'CREDENTIALS_FILE_INVALID',
    )
  }

  const entry = (parsed as Record<string, unknown>)[broker]
  if (entry === undefined) return {}
  if (typeof entry !== 'object' || entry === null) {
    throw credentialsError(
      `${file}: the entry for "${broker}" must be an object with apiKey and secret`,
      'CREDENTIALS_FILE_INVALID',
    )
  }

  return clean(entry as Record<string, unknown>)
}

function clean(c: Record<string, unknown>): Credentials {
  const out: Credentials = {}
  for (const k of KEYS) if (typeof c[k] === 'string' && c[k] !== '') out[k] = c[k]
  return out
}

/** Every secret value this process knows for a broker, so output can be scrubbed of them. */
export function secretValues(c: Credentials): string[] {
  return Object.values(c).filter((v): v is string => typeof v === 'string' && v.length >= 4)
}

/** One credential an exchange requires: its credentials.json key, its variable, and whether it is set. */
export interface CredentialStatus {
  key: CredentialKey
  env: string
  present: boolean
}

/** The credentials an exchange requires (ccxt's `requiredCredentials`), and which of them the broker has. */
export function credentialStatus(
  broker: string,
  required: Record<string, unknown>,
  have: Credentials,
): CredentialStatus[] {
  return KEYS.filter((k) => required[k] === true).map((k) => ({
    key: k,
    env: `${envPrefix(broker)}${CREDENTIAL_KEYS[k]}`,
    present: Boolean(have[k]),
  }))
}

/** Exactly what to set, for a broker that lacks required credentials. */
export function describeMissing(broker: string, exchange: string, statuses: CredentialStatus[]): string {
  const missing = statuses.filter((s) => !s.present)
  const needs = statuses.map((s) => s.key).join(', ')
  const vars = missing.map((s) => s.env).join(', ')
  const keys = missing.map((s) => `"${s.key}"`).join(', ')
  return `broker ${broker} (${exchange}) needs ${needs}; missing: ${missing.map((s) => s.key).join(', ')}. Set ${vars}, or add ${keys} under "${broker}" in credentials.json`
}
