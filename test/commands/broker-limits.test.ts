/**
 * `broker limits NAME` on the paper exchange, in process: flag handling, how `broker limits` and
 * `broker list` show the limits, and each guardrail breached and respected by validate and trade.
 * Expected figures come from the paper snapshot (BTC/USDT last 27910.38, bid 27909.01, ask 27910.36).
 */
import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {type CliResult, tempHome} from '../support/cli.js'
import {Cli, dbState, defined, expectHuman, expectJsonError, ticker, withDb} from '../support/e2e.js'
import type {ErrorJson, TradeJson, ValidationJson} from '../support/json.js'
import {type BrokerListWithLimitsJson, type LimitsJson, NO_LIMITS_JSON} from '../support/json-guard.js'

const BTC = ticker('BTCUSDT')
const str = (d: Decimal) => (d.isZero() ? '0' : d.toFixed())

/** The codes of a refused trade's --json envelope. */
function refusedCodes(r: CliResult, what: string): string[] {
  const error = expectJsonError(r, 3, what)
  expect(error.code, what).to.equal('ORDER_INVALID')
  return (error.errors ?? []).map((e) => e.code)
}

describe('broker limits: flags, broker list', () => {
  const cli = new Cli(tempHome(), {TRADEDESK_PROFILE: 'guard'})

  before(async () => {
    await cli.ok(['broker', 'add', 'p2', '--exchange', 'paper'])
  })

  it('without flags: the limits, all unset (null) on a new broker; the human view says so', async () => {
    expect(await cli.ok<LimitsJson>(['broker', 'limits', 'p2'])).to.deep.equal({broker: 'p2', limits: NO_LIMITS_JSON})
    const out = expectHuman(await cli.run(['broker', 'limits', 'p2']), 'broker limits (human)')
    expect(out).to.match(/max order\s+none/)
    expect(out).to.match(/symbols\s+any/)
  })

  it('setting one limit leaves the others as they are; values are canonical decimals; symbols in any spelling', async () => {
    expect(await cli.ok<LimitsJson>(['broker', 'limits', 'p2', '--max-order-usd', '0250.50'])).to.deep.equal({
      broker: 'p2',
      limits: {...NO_LIMITS_JSON, max_order_usd: '250.5'},
    })
    await cli.ok(['broker', 'limits', 'p2', '--daily-usd', '1000'])
    await cli.ok(['broker', 'limits', 'p2', '--symbols', 'btcusdt,ETH-USDT', '--symbols', 'sol/usdt,BTC/USDT'])
    const set = await cli.ok<LimitsJson>(['broker', 'limits', 'p2', '--max-deviation-pct', '2.50'])
    expect(set.limits).to.deep.equal({
      max_order_usd: '250.5',
      daily_usd: '1000',
      symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
      max_deviation_pct: '2.5',
    })
    // A later run reads them back from the journal database.
    expect((await cli.ok<LimitsJson>(['broker', 'limits', 'p2'])).limits).to.deep.equal(set.limits)
    const out = expectHuman(await cli.run(['broker', 'limits', 'p2']), 'broker limits (human)')
    expect(out).to.match(/max order\s+250\.5 USD/)
    expect(out).to.match(/daily buys\s+1000 USD per UTC day/)
    expect(out).to.match(/symbols\s+BTC\/USDT, ETH\/USDT, SOL\/USDT/)
    expect(out).to.match(/max deviation\s+2\.5% from the last price/)
  })

  it('a bad value is exit 2 with a clear message and changes nothing', async () => {
    const before = await cli.ok<LimitsJson>(['broker', 'limits', 'p2'])
    const state = await dbState(cli.home)
    const bad: [string[], RegExp][] = [
      [['--max-order-usd', '-5'], /--max-order-usd must be a decimal number above 0.*"-5"/],
      [['--max-order-usd', 'lots'], /--max-order-usd must be a decimal number above 0.*"lots"/],
      [['--daily-usd', '0'], /--daily-usd must be a decimal number above 0.*"0"/],
      [['--daily-usd', '1e3'], /--daily-usd .*"1e3"/],
      [['--max-deviation-pct', '0.0'], /--max-deviation-pct must be a decimal number above 0/],
      [['--max-deviation-pct', ''], /--max-deviation-pct/],
      // a bad value beside a good one: nothing is set
      [['--daily-usd', '500', '--max-order-usd', 'NaN'], /--max-order-usd .*"NaN"/],
      [['--symbols', 'BTC/USDT,,ETH/USDT'], /--symbols needs a comma-separated list/],
      [['--symbols', 'NOPE/USDT'], /NOPE\/USDT is not a market of broker p2/],
      [['--symbols', 'BTC/USDT', '--clear', '--max-order-usd', '-1'], /--max-order-usd/],
    ]
    const runs = await Promise.all(bad.map(([flags]) => cli.json<ErrorJson>(['broker', 'limits', 'p2', ...flags])))
    runs.forEach((r, i) => {
      const what = bad[i][0].join(' ')
      expect(expectJsonError(r, 2, what).message, what).to.match(bad[i][1])
    })
    const [ghost, missing] = await Promise.all([
      cli.json<ErrorJson>(['broker', 'limits', 'ghost', '--daily-usd', '5']),
      cli.json<ErrorJson>(['broker', 'limits']),
    ])
    expect(expectJsonError(ghost, 2, 'unknown broker').code).to.equal('UNKNOWN_BROKER')
    expectJsonError(missing, 2, 'no NAME')
    expect(await cli.ok<LimitsJson>(['broker', 'limits', 'p2'])).to.deep.equal(before)
    expect(await dbState(cli.home)).to.deep.equal(state)
  })

  it('broker list: every broker with its limits object (null where unset), in JSON and in the table', async () => {
    const list = await cli.ok<BrokerListWithLimitsJson>(['broker', 'list'])
    const byName = new Map(list.brokers.map((b) => [b.name, b]))
    expect(defined(byName.get('paper')).limits).to.deep.equal(NO_LIMITS_JSON)
    expect(defined(byName.get('p2')).limits).to.deep.equal({
      max_order_usd: '250.5',
      daily_usd: '1000',
      symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
      max_deviation_pct: '2.5',
    })
    const table = expectHuman(await cli.run(['broker', 'list']), 'broker list (human)')
    expect(table.split('\n')[0]).to.match(/Name\s+Exchange\s+Sandbox\s+Default\s+Prices\s+Limits/)
    const row = defined(table.split('\n').find((l) => l.trim().startsWith('p2')))
    expect(row).to.include('order <= 250.5 USD')
    expect(row).to.include('buys/day <= 1000 USD')
    expect(row).to.include('only BTC/USDT, ETH/USDT, SOL/USDT')
    expect(row).to.include('price within 2.5% of last')
    expect(defined(table.split('\n').find((l) => l.trim().startsWith('paper')))).to.not.include('USD')
  })

  it('limits belong to one profile: another profile with a broker of the same name has none', async () => {
    const other = await cli.ok<LimitsJson>(['broker', 'limits', 'paper'], {TRADEDESK_PROFILE: 'someone-else'})
    expect(other.limits).to.deep.equal(NO_LIMITS_JSON)
    await cli.ok(['broker', 'limits', 'paper', '--daily-usd', '7'], {TRADEDESK_PROFILE: 'someone-else'})
    expect((await cli.ok<LimitsJson>(['broker', 'limits', 'paper'])).limits).to.deep.equal(NO_LIMITS_JSON)
  })

  it('--clear removes every limit; with other flags, only those remain', async () => {
    const cleared = await cli.ok<LimitsJson>(['broker', 'limits', 'p2', '--clear'])
    expect(cleared.limits).to.deep.equal(NO_LIMITS_JSON)
    await cli.ok(['broker', 'limits', 'p2', '--max-order-usd', '9', '--symbols', 'ETHUSDT'])
    const replaced = await cli.ok<LimitsJson>(['broker', 'limits', 'p2', '--clear', '--daily-usd', '100'])
    expect(replaced.limits).to.deep.equal({...NO_LIMITS_JSON, daily_usd: '100'})
    await withDb(cli.home, async (db) => {
      const row = (await db('brokers').where({profile: 'guard', name: 'p2'}).first()) as Record<string, unknown>
      expect(row).to.include({
        limit_max_order_usd: null,
        limit_daily_usd: '100',
        limit_symbols: null,
        limit_max_deviation_pct: null,
      })
    })
  })
})

describe('broker limits: the guardrails on the paper exchange (validate and trade)', () => {
  const cli = new Cli(tempHome(), {TRADEDESK_PROFILE: 'guard'})

  /** A fresh paper broker with these limits, funded with USDT and BTC, made the default. */
  async function broker(name: string, limits: string[]): Promise<void> {
    await cli.ok(['broker', 'add', name, '--exchange', 'paper', '--balance', 'USDT=5000', '--balance', 'BTC=1'])
    await cli.ok(['broker', 'limits', name, ...limits])
  }

  async function validate(args: string[]): Promise<{code: number | null; json: ValidationJson}> {
    return cli.json<ValidationJson>(['validate', ...args])
  }

  async function tradeRows(name: string): Promise<{status: string; total_value: string}[]> {
    return withDb(cli.home, (db) =>
      db('trades')
        .where({profile: 'guard', broker: name})
        .select<{status: string; total_value: string}[]>('status', 'total_value')
        .orderBy('id'),
    )
  }

  it('SYMBOL_NOT_ALLOWED: only the allowed symbols trade, whatever their spelling', async () => {
    await broker('sym', ['--symbols', 'BTC-USDT'])
    const state = await dbState(cli.home)
    const refused = await validate(['buy', 'ETH/USDT', '--quantity', '0.01', '--broker', 'sym'])
    expect(refused.code).to.equal(3)
    expect(refused.json.errors).to.deep.equal([
      {
        code: 'SYMBOL_NOT_ALLOWED',
        message: 'ETH/USDT is not among the symbols sym may trade (BTC/USDT); see `tradedesk broker limits sym`',
      },
    ])
    const trade = await cli.json<ErrorJson>([
      'trade',
      'buy',
      'ethusdt',
      '--quantity',
      '0.01',
      '--yes',
      '--broker',
      'sym',
    ])
    expect(refusedCodes(trade, 'trade ETH/USDT')).to.deep.equal(['SYMBOL_NOT_ALLOWED'])
    expect(await dbState(cli.home), 'nothing recorded, nothing sent').to.deep.equal(state)

    for (const spelling of ['BTC/USDT', 'btcusdt', 'BTC-USDT']) {
      const ok = await validate(['sell', spelling, '--quantity', '0.01', '--broker', 'sym'])
      expect(ok.code, spelling).to.equal(0)
    }
    const filled = await cli.trade(['buy', 'btcusdt', '--quantity', '0.001', '--broker', 'sym'])
    expect(filled).to.include({symbol: 'BTC/USDT', status: 'filled'})
  })

  it('LIMIT_ORDER_VALUE: the order value in USD (a USDT quote at 1), both sides, the limit itself allowed', async () => {
    // buy 0.0035 at the ask 27910.36 = 97.68626 USD exactly; sell 0.0036 at the bid 27909.01 = 100.472436
    const buyValue = BTC.ask.mul('0.0035')
    expect(str(buyValue)).to.equal('97.68626')
    await broker('val', ['--max-order-usd', str(buyValue)])
    const atLimit = await validate(['buy', 'BTC/USDT', '--quantity', '0.0035', '--broker', 'val'])
    expect(atLimit.code, 'an order worth exactly the limit').to.equal(0)
    await cli.ok(['broker', 'limits', 'val', '--max-order-usd', '97.68625'])
    const over = await validate(['buy', 'BTC/USDT', '--quantity', '0.0035', '--broker', 'val'])
    expect(over.code).to.equal(3)
    expect(over.json.errors).to.deep.equal([
      {code: 'LIMIT_ORDER_VALUE', message: "order value 97.68626 USD is above val's limit of 97.68625 USD per order"},
    ])

    await cli.ok(['broker', 'limits', 'val', '--max-order-usd', '100'])
    const sell = await cli.json<ErrorJson>([
      'trade',
      'sell',
      'BTC/USDT',
      '--quantity',
      '0.0036',
      '--yes',
      '--broker',
      'val',
    ])
    expect(refusedCodes(sell, 'sell over the limit')).to.deep.equal(['LIMIT_ORDER_VALUE'])
    expect(defined(sell.json.errors)[0].message).to.include(`order value ${str(BTC.bid.mul('0.0036'))} USD`)
    // --usd 100 on a buy is the most it spends, fee included: its value is under 100
    const byUsd = await cli.trade(['buy', 'BTC/USDT', '--usd', '100', '--broker', 'val'])
    expect(new Decimal(defined(byUsd.total_value)).lte(100)).to.equal(true)
    expect((await tradeRows('val')).map((r) => r.status)).to.deep.equal(['filled'])
  })

  it('LIMIT_ORDER_VALUE: an order in another quote is valued through its USD route (ETH/BTC via BTC/USDT)', async () => {
    await broker('route', ['--max-order-usd', '1000'])
    const v = await validate(['buy', 'ETH/BTC', '--quantity', '1', '--broker', 'route'])
    expect(v.code).to.equal(3)
    const btcUsd = BTC.last // the portfolio's route: BTC/USDT's last price
    const usd = new Decimal(defined(v.json.order.total_value)).mul(btcUsd)
    expect(v.json.errors.map((e) => e.code)).to.deep.equal(['LIMIT_ORDER_VALUE'])
    expect(v.json.errors[0].message).to.equal(
      `order value ${str(usd)} USD is above route's limit of 1000 USD per order`,
    )
    const small = await validate(['buy', 'ETH/BTC', '--quantity', '0.5', '--broker', 'route'])
    expect(small.code, JSON.stringify(small.json.errors)).to.equal(0)
  })

  it('PRICE_DEVIATION: a limit buy above last x (1 + P/100), a limit sell below last x (1 - P/100)', async () => {
    await broker('dev', ['--max-deviation-pct', '2'])
    const maxBuy = BTC.last.mul('1.02') // 28468.5876
    const minSell = BTC.last.mul('0.98') // 27352.1724
    expect([str(maxBuy), str(minSell)]).to.deep.equal(['28468.5876', '27352.1724'])
    const limit = (side: string, price: string) =>
      validate([side, 'BTC/USDT', '--type', 'limit', '--price', price, '--quantity', '0.001', '--broker', 'dev'])
    const [buyIn, buyOut, sellIn, sellOut] = await Promise.all([
      limit('buy', '28468.58'),
      limit('buy', '28468.59'),
      limit('sell', '27352.18'),
      limit('sell', '27352.17'),
    ])
    expect([buyIn.code, sellIn.code]).to.deep.equal([0, 0])
    expect(buyOut.json.errors).to.deep.equal([
      {
        code: 'PRICE_DEVIATION',
        message: 'limit buy price 28468.59 is more than 2% above the last price 27910.38 (at most 28468.5876)',
      },
    ])
    expect(sellOut.json.errors).to.deep.equal([
      {
        code: 'PRICE_DEVIATION',
        message: 'limit sell price 27352.17 is more than 2% below the last price 27910.38 (at least 27352.1724)',
      },
    ])
    // a limit far on the passive side is no deviation "through the market"
    expect((await limit('buy', '20000')).code).to.equal(0)

    const state = await dbState(cli.home)
    const t = await cli.json<ErrorJson>([
      'trade',
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '28468.59',
      '--quantity',
      '0.001',
      '--yes',
      '--broker',
      'dev',
    ])
    expect(refusedCodes(t, 'limit buy too high')).to.deep.equal(['PRICE_DEVIATION'])
    expect(await dbState(cli.home), 'nothing recorded, nothing sent').to.deep.equal(state)
  })

  it('PRICE_DEVIATION: a market order priced (ask for a buy, bid for a sell) more than P% from the last price', async () => {
    // ask 27910.36 is 0.0000717 % under last 27910.38; bid 27909.01 is 0.00490857 % under it
    await broker('mkt', ['--max-deviation-pct', '0.001'])
    const [buy, sell] = await Promise.all([
      validate(['buy', 'BTC/USDT', '--quantity', '0.001', '--broker', 'mkt']),
      validate(['sell', 'BTC/USDT', '--quantity', '0.001', '--broker', 'mkt']),
    ])
    expect(buy.code).to.equal(0)
    expect(sell.json.errors).to.deep.equal([
      {
        code: 'PRICE_DEVIATION',
        message:
          'the market sell would be priced at 27909.01 (the bid), 0.00490857% away from the last price 27910.38: more than the 0.001% allowed',
      },
    ])
    const t = await cli.json<ErrorJson>([
      'trade',
      'sell',
      'BTC/USDT',
      '--quantity',
      '0.001',
      '--yes',
      '--broker',
      'mkt',
    ])
    expect(refusedCodes(t, 'market sell')).to.deep.equal(['PRICE_DEVIATION'])
    await cli.ok(['broker', 'limits', 'mkt', '--max-deviation-pct', '0.005'])
    expect((await validate(['sell', 'BTC/USDT', '--quantity', '0.001', '--broker', 'mkt'])).code).to.equal(0)
    expect(await tradeRows('mkt')).to.deep.equal([])
  })

  it('LIMIT_DAILY: the buys of the UTC day, this one included, within the cap; sells are not counted', async () => {
    // 0.002 BTC at the ask = 55.82072 USD; two are 111.64144
    await broker('day', ['--daily-usd', '100'])
    const first = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.002', '--broker', 'day'])
    expect(first.total_value).to.equal('55.82072')
    const state = await dbState(cli.home)
    const [v, t] = [
      await validate(['buy', 'BTC/USDT', '--quantity', '0.002', '--broker', 'day']),
      await cli.json<ErrorJson>(['trade', 'buy', 'BTC/USDT', '--quantity', '0.002', '--yes', '--broker', 'day']),
    ]
    const message =
      "this buy (55.82072 USD) would bring day's buys today (UTC) to 111.64144 USD, above its daily limit of 100 USD (55.82072 USD already counted)"
    expect(v.json.errors).to.deep.equal([{code: 'LIMIT_DAILY', message}])
    expect(refusedCodes(t, 'second buy')).to.deep.equal(['LIMIT_DAILY'])
    expect(await dbState(cli.home), 'no row, no order').to.deep.equal(state)

    // what is left fits: 100 - 55.82072 = 44.17928 buys 0.00158 BTC (44.0983688)
    expect((await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.00158', '--broker', 'day'])).status).to.equal('filled')
    expect((await cli.trade(['sell', 'BTC/USDT', '--quantity', '0.01', '--broker', 'day'])).status).to.equal('filled')
    const tiny = await validate(['buy', 'BTC/USDT', '--quantity', '0.0002', '--broker', 'day'])
    expect(tiny.json.errors.map((e) => e.code)).to.deep.equal(['LIMIT_DAILY'])
    // another broker's cap counts only its own buys
    await broker('day2', ['--daily-usd', '60'])
    expect((await validate(['buy', 'BTC/USDT', '--quantity', '0.002', '--broker', 'day2'])).code).to.equal(0)
  })

  it("LIMIT_DAILY counts each of the day's rows by its status: what spent or can still spend", async () => {
    await broker('rules', ['--daily-usd', '400'])
    const today = new Date()
    const yesterday = new Date(today.getTime() - 86_400_000)
    let n = 0
    const row = (fields: Record<string, unknown>) => ({
      profile: 'guard',
      broker: 'rules',
      trade_type: 'manual',
      symbol: 'BTC/USDT',
      side: 'buy',
      order_type: 'limit',
      quantity: '1',
      quote_usd: '1',
      client_order_id: `seed-${String(++n)}`,
      created_at: today.toISOString(),
      updated_at: today.toISOString(),
      ...fields,
    })
    await withDb(cli.home, (db) =>
      db('trades').insert([
        row({status: 'pending', total_value: '10'}), // 10: may still spend all
        row({status: 'open', total_value: '20', filled_value: '3'}), // 20: the rest may fill
        row({status: 'unknown', total_value: '30'}), // 30: may have filled
        row({status: 'filled', total_value: '50', filled_value: '5'}), // 5: what was spent
        row({status: 'cancelled', total_value: '100', filled_value: '7'}), // 7: partly filled
        row({status: 'expired', total_value: '100', filled_value: '11'}), // 11: partly filled
        row({status: 'cancelled', total_value: '100', filled_value: '0'}), // 0
        row({status: 'cancelled', total_value: '100'}), // 0
        row({status: 'rejected', total_value: '100'}), // 0
        row({status: 'failed', total_value: '100'}), // 0
        // 0.01 BTC spent on ETH/BTC when BTC was 25000 USD: 250
        row({symbol: 'ETH/BTC', status: 'filled', total_value: '0.01', filled_value: '0.01', quote_usd: '25000'}),
        row({status: 'filled', total_value: '900', filled_value: '900', created_at: yesterday.toISOString()}), // another day
        row({side: 'sell', status: 'filled', total_value: '900', filled_value: '900'}), // a sell
        row({broker: 'paper', status: 'filled', total_value: '900', filled_value: '900'}), // another broker
        row({profile: 'other', status: 'filled', total_value: '900', filled_value: '900'}), // another profile
      ]),
    )
    // counted: 10 + 20 + 30 + 5 + 7 + 11 + 250 = 333; 0.0023 BTC at the ask = 64.193828 fits (397.193828),
    // 0.0025 BTC = 69.7759 does not (402.7759)
    const fits = await validate(['buy', 'BTC/USDT', '--quantity', '0.0023', '--broker', 'rules'])
    expect(fits.code, JSON.stringify(fits.json.errors)).to.equal(0)
    const over = await validate(['buy', 'BTC/USDT', '--quantity', '0.0025', '--broker', 'rules'])
    expect(over.json.errors).to.deep.equal([
      {
        code: 'LIMIT_DAILY',
        message: `this buy (${str(BTC.ask.mul('0.0025'))} USD) would bring rules's buys today (UTC) to ${str(BTC.ask.mul('0.0025').plus(333))} USD, above its daily limit of 400 USD (333 USD already counted)`,
      },
    ])
  })

  it('every breached guardrail is reported, with the market rules, in one answer', async () => {
    await broker('all', [
      '--symbols',
      'ETH/USDT',
      '--max-order-usd',
      '10',
      '--daily-usd',
      '10',
      '--max-deviation-pct',
      '1',
    ])
    const v = await validate([
      'buy',
      'BTC/USDT',
      '--type',
      'limit',
      '--price',
      '29000',
      '--quantity',
      '1',
      '--broker',
      'all',
    ])
    expect(v.code).to.equal(3)
    expect(v.json.errors.map((e) => e.code)).to.deep.equal([
      'INSUFFICIENT_FUNDS',
      'SYMBOL_NOT_ALLOWED',
      'LIMIT_ORDER_VALUE',
      'LIMIT_DAILY',
      'PRICE_DEVIATION',
    ])
    const human = await cli.run(['validate', 'buy', 'BTC/USDT', '--quantity', '1', '--broker', 'all'])
    expect(human.code).to.equal(3)
    expect(human.stdout).to.include('SYMBOL_NOT_ALLOWED: BTC/USDT is not among the symbols all may trade (ETH/USDT)')
    expect(human.stdout).to.include('LIMIT_ORDER_VALUE: order value 27910.36 USD is above')
  })

  it('a trade within every limit is sent and recorded as usual', async () => {
    await broker('fine', [
      '--symbols',
      'BTC/USDT',
      '--max-order-usd',
      '100',
      '--daily-usd',
      '100',
      '--max-deviation-pct',
      '1',
    ])
    const t: TradeJson = await cli.trade(['buy', 'BTC/USDT', '--usd', '50', '--broker', 'fine'])
    expect(t.status).to.equal('filled')
    expect((await tradeRows('fine')).map((r) => r.status)).to.deep.equal(['filled'])
  })
})
