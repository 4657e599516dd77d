import {mkdirSync} from 'node:fs'
import {homedir, userInfo} from 'node:os'
import {join} from 'node:path'

import {TradedeskError, ExitCode} from './errors.js'

/** Where tradedesk keeps its files: $TRADEDESK_HOME, else the XDG data dir. */
export function tradedeskHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRADEDESK_HOME) return env.TRADEDESK_HOME
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(dataHome, 'tradedesk')
}

export function ensureHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = tradedeskHome(env)
  try {
    mkdirSync(home, {recursive: true, mode: 0o700})
  } catch (error) {
    throw new TradedeskError(
      'HOME_UNWRITABLE',
      `cannot create the tradedesk home ${home}: ${(error as Error).message}`,
      ExitCode.INTERNAL,
    )
  }

  return home
}

/** The profile whose journal this is: --profile, $TRADEDESK_PROFILE, else the OS user name. */
export function resolveProfile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const profile = flag ?? env.TRADEDESK_PROFILE ?? osUserName()
  if (!/^[\w.@-]{1,64}$/.test(profile)) {
    throw new TradedeskError(
      'BAD_PROFILE',
      `invalid profile name "${profile}": use letters, digits, ".", "_", "-" or "@" (at most 64)`,
      ExitCode.USAGE,
    )
  }

  return profile
}

function osUserName(): string {
  try {
    return userInfo().username || 'default'
  } catch {
    return 'default'
  }
}
