import {input, search, select} from '@inquirer/prompts'
import {render} from '@inquirer/testing'
import {expect} from 'chai'

import {Decimal} from '../../src/lib/decimal.js'
import type {Market} from '../../src/lib/exchange/types.js'
import type {Session} from '../../src/lib/session.js'
import {OrderTicket, type Prompts, positiveDecimal, sizePreview, symbolChoices} from '../../src/lib/ticket.js'
import {defined} from '../support/e2e.js'
import {freshSession} from '../support/session.js'

type Screen = Awaited<ReturnType<typeof render>>
/** Drives one prompt, rendered by inquirer's testing helper, as a person would. */
type Step = (screen: Screen) => Promise<void> | void

/** One of inquirer's prompts, as its testing helper renders it: a config (with a message) in, an answer out. */
type InquirerPrompt<C> = (config: C, context?: Parameters<typeof input>[1]) => Promise<unknown> & {cancel: () => void}

/** Prompts that are inquirer's real prompts, answered by a script of keystrokes, one step per prompt. */
function scripted(steps: Step[], screens: string[]): Prompts {
  const run = async <V, C extends {message: string}>(prompt: InquirerPrompt<C>, config: C): Promise<V> => {
    const step = steps.shift()
    if (!step) throw new Error(`unexpected prompt: ${config.message}`)
    const screen = await render(prompt, config)
    await step(screen)
    const answer = (await screen.answer) as V
    screens.push(screen.getScreen())
    return answer
  }

  return {
    select: (config) => run(select, config),
    search: (config) => run(search, config),
    input: (config) => run(input, config),
  }
}

const enter = (s: Screen) => {
  s.events.keypress('enter')
}
const down = (s: Screen) => {
  s.events.keypress('down')
}
const tick = () => new Promise((r) => setTimeout(r, 20))

describe('order ticket', () => {
  let session: Session
  let markets: Market[]

  beforeEach(async () => {
    session = await freshSession()
    markets = await session.markets(await session.broker())
  })
  afterEach(() => session.close())

  it('lists symbols of the chosen quote containing the typed text, prefix matches first', () => {
    const eth = symbolChoices(markets, 'USDT', 'eth').map((c) => c.value)
    expect(eth[0]).to.equal('ETH/USDT')
    expect(eth.every((s) => s.endsWith('/USDT') && s.includes('ETH'))).to.equal(true)
    expect(symbolChoices(markets, 'USDC', undefined).map((c) => c.value)).to.deep.equal([
      'BNB/USDC',
      'BTC/USDC',
      'ETH/USDC',
    ])
    expect(symbolChoices(markets, 'all', 'ethbtc').map((c) => c.value)).to.include('ETH/BTC')
    expect(symbolChoices(markets, 'USDT', 'zzzz')).to.deep.equal([])
  })

  it('accepts only plain positive decimals as answers', () => {
    const check = positiveDecimal('the value')
    expect(check('100')).to.equal(true)
    expect(check('0.5')).to.equal(true)
    for (const bad of ['0', '-1', 'abc', '1e5', '', 'NaN']) expect(check(bad), bad).to.be.a('string')
  })

  it('computes the other side of the calculator, rounded the exchange way', () => {
    const btc = defined(
      markets.find((m) => m.symbol === 'BTC/USDT'),
      'the BTC/USDT market',
    )
    const ask = new Decimal('27910.36')
    // a buy's USD value is the most it may spend, fee included; a sell's is the value sold
    const q = new Decimal(100).div(ask.mul('1.001')).toDecimalPlaces(5, Decimal.ROUND_DOWN)
    const cost = q.mul(ask)
    expect(sizePreview('usd', '100', btc, 'buy', ask, new Decimal(1))).to.equal(
      `≈ ${q.toFixed()} BTC (${cost.toFixed()} + ${cost.mul('0.001').toFixed()} fee USDT)`,
    )
    const sold = new Decimal(100).div(ask).toDecimalPlaces(5, Decimal.ROUND_DOWN)
    expect(sizePreview('usd', '100', btc, 'sell', ask, new Decimal(1))).to.equal(
      `≈ ${sold.toFixed()} BTC (${sold.mul(ask).toFixed()} USDT)`,
    )
    expect(sizePreview('quantity', '0.0123456', btc, 'buy', ask, new Decimal(1))).to.equal(
      `= ${new Decimal('0.01234').mul(ask).toDecimalPlaces(2).toFixed()} USD after truncation to 0.01234 BTC`,
    )
    expect(sizePreview('usd', 'abc', btc, 'buy', ask, new Decimal(1))).to.equal('')
  })

  it('fills in every missing piece, asking again after a wrong answer', async () => {
    const screens: string[] = []
    const prompts = scripted(
      [
        enter, // markets: USDT
        async (s) => {
          s.events.type('btc/u')
          await tick()
          expect(s.getScreen()).to.contain('BTC/USDT')
          enter(s)
        },
        (s) => {
          down(s) // side: sell
          enter(s)
        },
        enter, // type: market
        enter, // size in USD
        async (s) => {
          s.events.type('abc')
          enter(s)
          await tick()
          expect(s.getScreen()).to.contain('must be a plain number')
          for (let i = 0; i < 3; i++) s.events.keypress('backspace')
          s.events.type('50')
          await tick()
          expect(s.getScreen()).to.match(/50 +≈ 0\.00179 BTC/)
          enter(s)
        },
      ],
      screens,
    )
    const ticket = new OrderTicket(prompts, await session.brokers.list(), (b) => session.gateway(b))
    const {broker, input: order} = await ticket.fill({})
    expect(broker.name).to.equal('paper')
    expect(order).to.include({symbol: 'BTC/USDT', side: 'sell', type: 'market', usd: '50'})
    expect(screens).to.have.length(6)
  })

  it('refuses a mistyped --broker instead of falling back to another account', async () => {
    const ticket = new OrderTicket(scripted([], []), await session.brokers.list(), (b) => session.gateway(b))
    try {
      await ticket.fill({broker: 'papr'})
      expect.fail('a mistyped broker was accepted')
    } catch (error) {
      expect((error as {code: string}).code).to.equal('UNKNOWN_BROKER')
    }
  })

  it('asks only for what the command line left out, and offers the default broker first', async () => {
    await session.brokers.add({name: 'second', exchange: 'paper'})
    const asked: string[] = []
    const prompts = scripted(
      [
        (s) => {
          asked.push(s.getScreen())
          enter(s)
        },
        (s) => {
          asked.push(s.getScreen())
          s.events.type('20000')
          enter(s)
        },
      ],
      [],
    )
    const ticket = new OrderTicket(prompts, await session.brokers.list(), (b) => session.gateway(b))
    const {broker, input: order} = await ticket.fill({
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      quantity: '0.001',
    })
    expect(asked[0]).to.match(/❯ paper \(paper\) \[default\]/)
    expect(asked[1]).to.contain('Limit price in USDT (bid 27909.01, ask 27910.36)')
    expect(broker.name).to.equal('paper')
    expect(order).to.include({price: '20000', quantity: '0.001'})
  })
})
