/** Help with examples for every command, and shell completion. */
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {runCli, tempHome} from '../support/cli.js'

const manifest = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8'),
) as {
  commands: Record<string, unknown>
}
const COMMANDS = Object.keys(manifest.commands).map((id) => id.replaceAll(':', ' '))

describe('help and completion', function () {
  this.timeout(120_000)
  const home = tempHome()

  it('knows the SPEC commands', () => {
    expect(COMMANDS).to.include.members([
      'balance',
      'portfolio',
      'symbols',
      'exchange-info',
      'price',
      'validate',
      'trade',
      'history',
      'history show',
      'broker add',
      'broker list',
      'broker remove',
      'broker default',
      'broker test',
      'order list',
      'order cancel',
      'order sync',
    ])
  })

  it('lists every command and topic in --help', async () => {
    const r = await runCli(['--help'], {home, binary: true})
    expect(r.code).to.equal(0)
    for (const c of COMMANDS.filter((c) => !c.includes(' '))) expect(r.stdout, c).to.contain(c)
    for (const topic of ['broker', 'order', 'history']) expect(r.stdout).to.contain(topic)
  })

  it('shows examples in the help of every command', async () => {
    for (const command of COMMANDS) {
      const r = await runCli([...command.split(' '), '--help'], {home, binary: true})
      expect(r.code, command).to.equal(0)
      expect(r.stdout, command).to.contain('EXAMPLES')
      expect(r.stdout, command).to.contain(`$ tradedesk ${command}`)
    }
  })

  it('sets up shell completion', async () => {
    const r = await runCli(['autocomplete', 'bash'], {home, binary: true})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.contain('tradedesk autocomplete script bash')
  })
  it('an unknown command is a usage error (exit 2) that names the nearest command', async () => {
    const typo = await runCli(['histroy', '--limit', '5'], {home})
    expect(typo.code).to.equal(2)
    expect(typo.stdout).to.equal('')
    expect(typo.stderr).to.equal(
      'Error: unknown command "histroy": did you mean `tradedesk history`? see `tradedesk --help`\n',
    )

    const nested = await runCli(['broker', 'lst'], {home})
    expect(nested.code).to.equal(2)
    expect(nested.stderr).to.contain('did you mean `tradedesk broker list`?')

    const json = await runCli(['frobnicate', '--json'], {home})
    expect(json.code).to.equal(2)
    expect(JSON.parse(json.stdout)).to.deep.equal({
      error: {
        code: 'UNKNOWN_COMMAND',
        message: 'unknown command "frobnicate": see `tradedesk --help`',
        exit_code: 2,
        retryable: false,
      },
    })
  })
})
