import {expect} from 'chai'
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {envPrefix, loadCredentials} from '../../src/lib/credentials.js'
import {ExitCode, TradedeskError} from '../../src/lib/errors.js'
import {tempHome} from '../support/cli.js'

describe('credentials', () => {
  const SECRET = 'SENTINEL-SECRET-5d1e'

  it('names environment variables after the broker', () => {
    expect(envPrefix('main')).to.equal('TRADEDESK_MAIN_')
    expect(envPrefix('my-bn.2')).to.equal('TRADEDESK_MY_BN_2_')
  })

  it('reads the environment first', () => {
    const home = tempHome()
    const env = {TRADEDESK_MAIN_API_KEY: 'k', TRADEDESK_MAIN_SECRET: 's', TRADEDESK_MAIN_PASSWORD: 'p'}
    expect(loadCredentials('main', home, env)).to.deep.equal({apiKey: 'k', secret: 's', password: 'p'})
    expect(loadCredentials('other', home, env)).to.deep.equal({})
  })

  it('reads a 0600 credentials file', () => {
    const home = tempHome()
    const file = join(home, 'credentials.json')
    writeFileSync(file, JSON.stringify({main: {apiKey: 'k', secret: SECRET}}), {mode: 0o600})
    expect(loadCredentials('main', home, {})).to.deep.equal({apiKey: 'k', secret: SECRET})
  })

  const refused = (home: string, code: string) => {
    try {
      loadCredentials('main', home, {})
      expect.fail('accepted')
    } catch (error) {
      expect(error).to.be.instanceOf(TradedeskError)
      expect((error as TradedeskError).code).to.equal(code)
      expect((error as TradedeskError).exitCode).to.equal(ExitCode.CREDENTIALS)
      expect((error as Error).message).to.not.contain(SECRET)
      return (error as Error).message
    }
  }

  it('refuses a credentials file that others can read', () => {
    const home = tempHome()
    const file = join(home, 'credentials.json')
    writeFileSync(file, JSON.stringify({main: {apiKey: 'k', secret: SECRET}}))
    chmodSync(file, 0o644)
    expect(refused(home, 'CREDENTIALS_FILE_UNSAFE')).to.contain('chmod 600')
  })

  it('refuses a corrupt credentials file without quoting it', () => {
    const home = tempHome()
    writeFileSync(join(home, 'credentials.json'), `{"main": {"secret": "${SECRET}"`, {mode: 0o600})
    refused(home, 'CREDENTIALS_FILE_INVALID')
    writeFileSync(join(home, 'credentials.json'), JSON.stringify({main: SECRET}), {mode: 0o600})
    refused(home, 'CREDENTIALS_FILE_INVALID')
  })
})
