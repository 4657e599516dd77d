import {Session} from '../../src/lib/session.js'
import {tempHome} from './cli.js'

/** A session on a brand-new SQLite file in a temporary TRADEDESK_HOME. */
export async function freshSession(profile = 'tester'): Promise<Session> {
  const home = tempHome()
  return Session.open({profile, env: {TRADEDESK_HOME: home}})
}
