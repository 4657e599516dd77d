import {expect} from 'chai'

import {defineCommand, parseStrict, result} from '../../src/lib/cli/spec.js'

const command = defineCommand({
  summary: 'a command to parse for',
  examples: [],
  flags: {
    side: {type: 'string', description: 'side', options: ['buy', 'sell']},
    quote: {type: 'string', description: 'quote', multiple: true},
    limit: {type: 'integer', description: 'limit', default: 50, min: 1, max: 1000},
    page: {type: 'integer', description: 'page', min: -5, max: 5},
    csv: {type: 'boolean', description: 'csv', exclusive: ['json']},
  },
  args: {
    symbol: {description: 'symbol', required: true},
    extra: {description: 'optional'},
  },
  async run() {
    return Promise.resolve(result(null, () => ''))
  },
})

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseStrict(command, argv, env)

const withRequired = defineCommand({
  summary: 'a command with a required flag and an argument of choices',
  examples: [],
  flags: {exchange: {type: 'string', description: 'exchange', required: true}},
  args: {side: {description: 'side', options: ['buy', 'sell']}},
  async run() {
    return Promise.resolve(result(null, () => ''))
  },
})

describe('parseStrict: argv for the fast path, or null when oclif must answer', () => {
  it('reads flags in either form, anywhere, with defaults, repeats of a multiple flag and the arguments', () => {
    expect(
      parse(['BTC/USDT', '--side', 'buy', '--limit=7', '--quote', 'usdt', '--quote=USDC', '--json']),
    ).to.deep.equal({
      flags: {
        json: true,
        verbose: undefined,
        broker: undefined,
        profile: undefined,
        side: 'buy',
        quote: ['usdt', 'USDC'],
        limit: 7,
        page: undefined,
        csv: undefined,
      },
      args: {symbol: 'BTC/USDT', extra: undefined},
    })
    expect(parse(['--csv', 'ETH/USDT', 'more'])).to.deep.include({args: {symbol: 'ETH/USDT', extra: 'more'}})
    expect(parse(['X', '--page=-2'])?.flags.page).to.equal(-2)
  })

  it('an argument that takes the rest gets every positional from its place on; without one, extras are refused', () => {
    const many = {flags: {}, args: {symbol: {description: 'symbol', required: true, multiple: true}}}
    expect(parseStrict(many, ['BTC/USDT', 'eth/usdt', '--json', 'SOLUSDT'], {})).to.deep.include({
      args: {symbol: ['BTC/USDT', 'eth/usdt', 'SOLUSDT']},
    })
    expect(parseStrict(many, ['BTC/USDT'], {})?.args.symbol).to.deep.equal(['BTC/USDT'])
    expect(parseStrict(many, [], {}), 'the declared argument is still required').to.equal(null)
    const one = {flags: {}, args: {symbol: {description: 'symbol', required: true}}}
    expect(parseStrict(one, ['BTC/USDT', 'ETH/USDT'], {})).to.equal(null)
  })

  it('takes --broker and --profile from the environment when not given, the flag first', () => {
    const env = {TRADEDESK_BROKER: 'bn', TRADEDESK_PROFILE: 'team'}
    expect(parse(['X'], env)?.flags).to.include({broker: 'bn', profile: 'team'})
    expect(parse(['X', '--broker', 'paper'], env)?.flags).to.include({broker: 'paper', profile: 'team'})
    expect(parse(['X'], {TRADEDESK_BROKER: ''})?.flags.broker).to.equal(undefined)
  })

  const refused: [string, string[]][] = [
    ['help', ['X', '--help']],
    ['a short flag', ['X', '-h']],
    ['an unknown flag', ['X', '--bogus']],
    ['a value not among the options', ['X', '--side', 'hold']],
    ['a non-integer', ['X', '--limit', '1.5']],
    ['an integer below its range', ['X', '--limit', '0']],
    ['an integer above its range', ['X', '--limit', '1001']],
    ['an integer past the safe range', ['X', '--page', '99999999999999999999']],
    ['an integer with a sign and letters', ['X', '--limit', '+3']],
    ['a repeated single flag', ['X', '--limit', '1', '--limit', '2']],
    ['a repeated boolean', ['X', '--csv', '--csv']],
    ['exclusive flags together', ['X', '--csv', '--json']],
    ['a missing required argument', ['--json']],
    ['an extra argument', ['X', 'Y', 'Z']],
    ['a flag without its value', ['X', '--side']],
    ['a value that looks like a flag', ['X', '--side', '--json']],
    ['a boolean with a value', ['X', '--json=true']],
    ['the -- terminator', ['--', 'X']],
    ['an empty argument', ['']],
    ['an empty flag value', ['X', '--side=']],
  ]
  it('reads a required flag and an argument among its choices; refuses either missing or off the list', () => {
    expect(parseStrict(withRequired, ['buy', '--exchange', 'kraken'], {})).to.deep.equal({
      flags: {json: undefined, verbose: undefined, broker: undefined, profile: undefined, exchange: 'kraken'},
      args: {side: 'buy'},
    })
    expect(parseStrict(withRequired, ['--exchange', 'kraken'], {})?.args).to.deep.equal({side: undefined})
    expect(parseStrict(withRequired, ['buy'], {})).to.equal(null)
    expect(parseStrict(withRequired, ['hold', '--exchange', 'kraken'], {})).to.equal(null)
  })

  for (const [what, argv] of refused) {
    it(`refuses ${what}: ${JSON.stringify(argv)}`, () => {
      expect(parse(argv)).to.equal(null)
    })
  }
})
