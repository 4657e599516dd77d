import {Session} from '../../src/lib/session.js'
import {databaseEnv, tempHome} from './cli.js'

/**
 * A session on a brand-new journal in a temporary TRADEDESK_HOME: a SQLite file there, or with
 * TRADEDESK_TEST_PG_URL set, a brand-new PostgreSQL database of its own.
 */
export async function freshSession(profile = 'tester'): Promise<Session> {
  const home = tempHome()
  return Session.open({profile, env: await databaseEnv(home)})
}
