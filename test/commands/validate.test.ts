import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  FEE_RATE,
  START_USDT,
  VALIDATION_CODES,
  dbState,
  defined,
  expectDec,
  expectValidationJson,
  expectNoAnsi,
  market,
  ticker,
  truncate,
} from '../support/e2e.js'
import type {ValidationJson} from '../support/json.js'

describe('validate (paper)', () => {
  const cli = new Cli(tempHome())
  const btc = ticker('BTCUSDT')
  const step = market('BTC/USDT').step
  let state: Awaited<ReturnType<typeof dbState>>

  before(async () => {
    await cli.ok([
      'broker',
      'add',
      'v',
      '--exchange',
      'paper',
      '--default',
      '--balance',
      'USDT=1000',
      '--balance',
      'BTC=0.123456789',
    ])
    state = await dbState(cli.home)
  })

  after(async () => {
    // validate never sends or records anything, whatever it was asked
    expect(await dbState(cli.home)).to.deep.equal(state)
  })

  /** validate --json; returns the parsed validation, checking its shape and the exit code (0 valid, 3 invalid). */
  async function validate(args: string[]): Promise<ValidationJson> {
    const r = await cli.json(['validate', ...args])
    expectValidationJson(r.json)
    expect(r.code, `exit code of validate ${args.join(' ')}`).to.equal(r.json.valid ? 0 : 3)
    return r.json
  }

  it('--usd buy: the most the order may spend, fee included; at the ask, truncated to the step, with fee and required balance', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--usd', '100'])
    expect(v.valid).to.equal(true)
    expect(v.errors).to.deep.equal([])
    const qty = truncate(new Decimal(100).div(btc.ask.mul(FEE_RATE.plus(1))), step)
    expect(v.order).to.include({
      broker: 'v',
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'market',
      fee_currency: 'USDT',
    })
    expectDec(v.order.quantity, qty, 'quantity')
    expectDec(v.order.price, btc.ask, 'price')
    expectDec(v.order.total_value, qty.mul(btc.ask), 'total_value')
    expectDec(v.order.estimated_fee, qty.mul(btc.ask).mul(FEE_RATE), 'estimated_fee')
    expect(v.balance.asset).to.equal('USDT')
    expectDec(v.balance.free, 1000, 'free')
    expectDec(v.balance.required, qty.mul(btc.ask).mul(FEE_RATE.plus(1)), 'required')
    expect(
      new Decimal(defined(v.balance.required, 'balance.required')).lte(100),
      'never more than 100 USD, fee included',
    ).to.equal(true)
    expect(qty.plus(step).mul(btc.ask).mul(FEE_RATE.plus(1)).gt(100), 'one more step would spend more').to.equal(true)
  })

  it('--usd buy of exactly the free balance is valid: the fee is inside it', async () => {
    const other = new Cli(tempHome())
    const r = await other.json<ValidationJson>(['validate', 'buy', 'BTC/USDT', '--usd', '10000'])
    expect(r.code, r.stdout).to.equal(0)
    const v = r.json
    expect(v.errors).to.deep.equal([])
    expect(new Decimal(defined(v.balance.required, 'balance.required')).lte(10000)).to.equal(true)
  })

  it('--usd sell: at the bid, the base asset is what is required', async () => {
    const v = await validate(['sell', 'BTC/USDT', '--usd', '100'])
    const qty = truncate(new Decimal(100).div(btc.bid), step)
    expectDec(v.order.quantity, qty, 'quantity')
    expectDec(v.order.price, btc.bid, 'price')
    expect(v.balance.asset).to.equal('BTC')
    expectDec(v.balance.free, '0.123456789', 'free BTC')
    expectDec(v.balance.required, qty, 'required BTC')
  })

  it('--usd on a BTC-quoted market converts through the BTC price in USD', async () => {
    const v = await validate(['buy', 'ETH/BTC', '--usd', '100'])
    const ethbtc = ticker('ETHBTC')
    const ask = ethbtc.ask.toNearest(market('ETH/BTC').tick, Decimal.ROUND_CEIL)
    const qty = truncate(new Decimal(100).div(btc.last).div(ask.mul(FEE_RATE.plus(1))), market('ETH/BTC').step)
    expectDec(v.order.quantity, qty, 'ETH quantity for 100 USD')
    expect(v.order.fee_currency).to.equal('BTC')
    expectDec(v.order.estimated_fee, qty.mul(ask).mul(FEE_RATE), 'fee in BTC')
  })

  it('--quantity is truncated to the step 0.00001 and a warning says so', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--quantity', '0.0012345'])
    expect(v.valid).to.equal(true)
    expectDec(v.order.quantity, truncate('0.0012345', step), 'quantity')
    expect(v.warnings.join(' ')).to.include('0.0012345')
  })

  it('--percent 100 on a sell: everything the step allows', async () => {
    const v = await validate(['sell', 'BTC/USDT', '--percent', '100'])
    expect(v.valid).to.equal(true)
    expectDec(v.order.quantity, truncate('0.123456789', step), 'quantity')
    expectDec(v.balance.required, truncate('0.123456789', step), 'required')
  })

  it('--percent 50 on a sell and --percent 10 on a buy', async () => {
    const sell = await validate(['sell', 'BTC/USDT', '--percent', '50'])
    expectDec(sell.order.quantity, truncate(new Decimal('0.123456789').div(2), step), 'half of the BTC')
    const buy = await validate(['buy', 'BTC/USDT', '--percent', '10'])
    expectDec(
      buy.order.quantity,
      truncate(new Decimal(100).div(btc.ask.mul(FEE_RATE.plus(1))), step),
      '10 % of 1000 USDT, fee included',
    )
    expect(new Decimal(defined(buy.balance.required, 'balance.required')).lte(100)).to.equal(true)
  })

  it('a limit order: price on the tick, never against the trader (a buy rounds down, a sell up), warning, cost at the limit price', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--type', 'limit', '--price', '20000.006', '--quantity', '0.01'])
    expect(v.valid).to.equal(true)
    const price = new Decimal('20000.006').toNearest(market('BTC/USDT').tick, Decimal.ROUND_FLOOR)
    expectDec(v.order.price, price, 'price')
    expectDec(v.order.total_value, price.mul('0.01'), 'total_value')
    expect(v.warnings.length).to.be.greaterThan(0)

    const [buy, sell] = await Promise.all([
      validate(['buy', 'BTC/USDT', '--type', 'limit', '--price', '25000.125', '--quantity', '0.01']),
      validate(['sell', 'BTC/USDT', '--type', 'limit', '--price', '25000.121', '--quantity', '0.01']),
    ])
    expect(buy.order.price, 'a buy never pays more than asked').to.equal('25000.12')
    expect(sell.order.price, 'a sell never gets less than asked').to.equal('25000.13')
  })

  it('reports every failing rule, not only the first, with the SPEC codes', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--type', 'limit', '--price', '20000', '--quantity', '10000'])
    expect(v.valid).to.equal(false)
    const codes = v.errors.map((e) => e.code)
    expect(codes).to.include.members(['AMOUNT_TOO_LARGE', 'INSUFFICIENT_FUNDS'])
    for (const c of codes) expect(VALIDATION_CODES, `code ${c} is one of the SPEC's`).to.include(c)
  })

  it('COST_TOO_SMALL below the 5 USDT minimum notional', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--quantity', '0.0001'])
    expect(v.errors.map((e) => e.code)).to.deep.equal(['COST_TOO_SMALL'])
  })

  it('INSUFFICIENT_FUNDS when selling more than held', async () => {
    const v = await validate(['sell', 'BTC/USDT', '--quantity', '0.2'])
    expect(v.errors.map((e) => e.code)).to.deep.equal(['INSUFFICIENT_FUNDS'])
  })

  it('quantity 0 after rounding: AMOUNT_TOO_SMALL', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--quantity', '0.000001'])
    expect(v.errors.map((e) => e.code)).to.include('AMOUNT_TOO_SMALL')
  })

  it('PRICE_REQUIRED for a limit without --price, UNKNOWN_SYMBOL for an unknown market', async () => {
    const noPrice = await validate(['buy', 'BTC/USDT', '--type', 'limit', '--quantity', '0.01'])
    expect(noPrice.errors.map((e) => e.code)).to.include('PRICE_REQUIRED')
    const unknown = await validate(['buy', 'NOPE/USDT', '--quantity', '1'])
    expect(unknown.errors.map((e) => e.code)).to.deep.equal(['UNKNOWN_SYMBOL'])
  })

  it('a symbol with no price (ARB/USDT) is invalid with an error code from the SPEC', async () => {
    const v = await validate(['buy', 'ARB/USDT', '--quantity', '100'])
    expect(v.valid).to.equal(false)
    expect(v.errors.map((e) => e.message).join(' ')).to.match(/price/i)
    for (const e of v.errors) expect(VALIDATION_CODES, `code ${e.code} is one of the SPEC's`).to.include(e.code)
  })

  it('human output: the computed order and the verdict, exit 0 valid / 3 invalid, no color', async () => {
    const ok = await cli.run(['validate', 'buy', 'BTC/USDT', '--usd', '100'])
    expect(ok.code).to.equal(0)
    expectNoAnsi(ok, 'validate')
    const qty = truncate(new Decimal(100).div(btc.ask.mul(FEE_RATE.plus(1))), step)
    expect(ok.stdout).to.include(qty.toFixed())
    expect(ok.stdout).to.include(btc.ask.toFixed())
    expect(ok.stdout).to.match(/valid/i)

    const bad = await cli.run(['validate', 'buy', 'BTC/USDT', '--quantity', '5'])
    expect(bad.code).to.equal(3)
    expectNoAnsi(bad, 'validate invalid')
    expect(bad.stdout + bad.stderr).to.include('INSUFFICIENT_FUNDS')
  })

  it('the default paper broker validates against its own 10000 USDT', async () => {
    const v = await validate(['buy', 'BTC/USDT', '--usd', '50', '--broker', 'paper'])
    expect(v.order.broker).to.equal('paper')
    expectDec(v.balance.free, START_USDT, 'free')
  })
})
