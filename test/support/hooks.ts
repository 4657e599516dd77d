/**
 * mocha's root hooks (.mocharc.json: require). In parallel mode they run around each test file, in the
 * worker that runs it.
 */
import {releaseDatabases} from './cli.js'

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000)
    await releaseDatabases()
  },
}
