import {expect} from 'chai'

import price from '../../src/commands/price.js'
import {parseStrict} from '../../src/lib/cli/spec.js'
import {plainPrice} from '../../src/lib/gateway/shortcut.js'

/** Tokens a user may type after `price`, the plain and the not so plain. */
const TOKENS = [
  'BTC/USDT',
  'eth/usdt',
  '--json',
  '--broker',
  'bn',
  '--broker=bn',
  '--profile=p1',
  '--profile',
  '--verbose',
  '-h',
  '--',
  '--broker=',
  '-',
  '--json=1',
  '--bogus',
]

/** Every sequence of up to `length` tokens. */
function* sequences(length: number, prefix: string[] = []): Generator<string[]> {
  yield prefix
  if (prefix.length === length) return
  for (const t of TOKENS) yield* sequences(length, [...prefix, t])
}

describe("plainPrice: price's plain argv, read before the command line loads", () => {
  it('reads every argv it accepts exactly as the declaration does, and leaves the rest to it', () => {
    const envs: NodeJS.ProcessEnv[] = [{}, {TRADEDESK_BROKER: 'env-bn'}, {TRADEDESK_PROFILE: 'env-p'}]
    let accepted = 0
    let left = 0
    for (const env of envs) {
      for (const rest of sequences(4)) {
        const plain = plainPrice(['price', ...rest], env)
        if (!plain) {
          left++
          continue
        }

        accepted++
        const declared = parseStrict(price, rest, env)
        expect(declared, rest.join(' ')).to.not.equal(null)
        expect(plain, rest.join(' ')).to.deep.equal({
          flags: {
            json: declared?.flags.json,
            verbose: declared?.flags.verbose,
            broker: declared?.flags.broker,
            profile: declared?.flags.profile,
          },
          args: declared?.args,
        })
      }
    }

    // Both kinds are there in numbers: the comparison is not vacuous.
    expect(accepted).to.be.greaterThan(1000)
    expect(left).to.be.greaterThan(1000)
  })

  it('takes nothing but price, at least one symbol, and each flag once', () => {
    expect(plainPrice(['balance', 'BTC/USDT'], {})).to.equal(undefined)
    expect(plainPrice(['price'], {})).to.equal(undefined)
    expect(plainPrice(['price', '--json'], {})).to.equal(undefined)
    expect(plainPrice(['price', 'BTC/USDT', '--json', '--json'], {})).to.equal(undefined)
    expect(plainPrice(['price', 'BTC/USDT', '--broker', 'a', '--broker=b'], {})).to.equal(undefined)
    expect(plainPrice(['price', 'BTC/USDT', '--broker'], {})).to.equal(undefined)
    expect(plainPrice(['price', 'BTC/USDT', '--verbose'], {})).to.equal(undefined)
    expect(plainPrice(['price', 'BTC/USDT', 'ETH/USDT', '--broker', 'bn', '--json'], {})).to.deep.equal({
      flags: {json: true, verbose: undefined, broker: 'bn', profile: undefined},
      args: {symbol: ['BTC/USDT', 'ETH/USDT']},
    })
  })
})
