import {expect} from 'chai'

import {fillBareValues} from '../../src/lib/cli/argv.js'
import {defineCommand, parseStrict, result} from '../../src/lib/cli/spec.js'
import type {ExchangeGateway} from '../../src/lib/exchange/types.js'
import {pollIntervalMs} from '../../src/lib/wait.js'

const flags = {
  wait: {type: 'integer', description: 'wait', min: 1, max: 100, bare: 60},
  quantity: {type: 'string', description: 'quantity'},
} as const

describe('fillBareValues: a flag whose value may be left out', () => {
  it('gives --wait its bare value alone, before another flag or an argument, and at the end', () => {
    expect(fillBareValues(['buy', '--wait', '--quantity', '1'], flags)).to.deep.equal([
      'buy',
      '--wait=60',
      '--quantity',
      '1',
    ])
    expect(fillBareValues(['--wait', 'buy'], flags)).to.deep.equal(['--wait=60', 'buy'])
    expect(fillBareValues(['buy', '--wait'], flags)).to.deep.equal(['buy', '--wait=60'])
  })

  it('leaves a given value as it is, in either form, and anything after --', () => {
    expect(fillBareValues(['--wait', '30', 'buy'], flags)).to.deep.equal(['--wait', '30', 'buy'])
    expect(fillBareValues(['--wait=30'], flags)).to.deep.equal(['--wait=30'])
    expect(fillBareValues(['--', '--wait'], flags)).to.deep.equal(['--', '--wait'])
    expect(fillBareValues(['--quantity', '--wait'], {quantity: flags.quantity})).to.deep.equal(['--quantity', '--wait'])
  })
})

describe('parseStrict: an argument that takes the rest', () => {
  const watch = defineCommand({
    summary: 'watch',
    examples: [],
    flags: {},
    args: {ids: {description: 'ids', multiple: true}},
    async run() {
      return Promise.resolve(result(null, () => ''))
    },
  })

  it('collects every argument, or none', () => {
    expect(parseStrict(watch, ['1', '2', '3'], {})?.args).to.deep.equal({ids: ['1', '2', '3']})
    expect(parseStrict(watch, [], {})?.args).to.deep.equal({ids: []})
  })
})

describe('pollIntervalMs', () => {
  const gateway = (rateLimitMs?: number) => ({rateLimitMs}) as unknown as ExchangeGateway

  it('is TRADEDESK_POLL_MS (default 1 s), never under the exchange rate limit nor 50 ms', () => {
    expect(pollIntervalMs(gateway(50), {})).to.equal(1000)
    expect(pollIntervalMs(gateway(50), {TRADEDESK_POLL_MS: '200'})).to.equal(200)
    expect(pollIntervalMs(gateway(2000), {TRADEDESK_POLL_MS: '200'})).to.equal(2000)
    expect(pollIntervalMs(gateway(), {TRADEDESK_POLL_MS: '0'})).to.equal(50)
  })

  it('refuses a value that is not a whole number of milliseconds', () => {
    expect(() => pollIntervalMs(gateway(), {TRADEDESK_POLL_MS: '1.5'})).to.throw(/TRADEDESK_POLL_MS/)
  })
})
