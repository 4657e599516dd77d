/**
 * The daily cap under concurrency: 16 real processes buy at once on one journal, each under the cap,
 * together over it. SQLite, or PostgreSQL with TRADEDESK_TEST_PG_URL (test/support/cli.ts).
 */
import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {type CliResult, runCli, runJson, tempHome, withJournal} from '../support/cli.js'
import {ticker} from '../support/e2e.js'
import type {ErrorJson} from '../support/json.js'

const PROCESSES = 16
const QUANTITY = '0.001'
/** what each buy counts against the cap: 0.001 BTC at the paper ask 27910.36 = 27.91036 USD */
const VALUE = ticker('BTCUSDT').ask.mul(QUANTITY)
/** room for 5 buys and half of a sixth: 153.50698 USD */
const FITTING = 5
const CAP = VALUE.mul(FITTING).plus(VALUE.div(2))

describe('the daily cap under 16 concurrent buyers', function () {
  this.timeout(600_000)

  it('16 processes each under the cap, together over it: exactly as many as fit are filled, the rest refused (LIMIT_DAILY, exit 3, no row)', async () => {
    expect(VALUE.toFixed()).to.equal('27.91036')
    const home = tempHome()
    const set = await runJson(['broker', 'limits', 'paper', '--daily-usd', CAP.toFixed()], {home})
    expect(set.code, set.stdout + set.stderr).to.equal(0)

    const runs: CliResult[] = await Promise.all(
      Array.from({length: PROCESSES}, () =>
        runCli(['trade', 'buy', 'BTC/USDT', '--quantity', QUANTITY, '--yes', '--json'], {
          home,
          binary: true,
          timeoutMs: 240_000,
        }),
      ),
    )

    const accepted = runs.filter((r) => r.code === 0)
    const refused = runs.filter((r) => r.code !== 0)
    for (const r of refused) {
      expect(r.code, `a refused buy exits 3: ${r.stdout}${r.stderr}`).to.equal(3)
      const {error} = JSON.parse(r.stdout) as ErrorJson
      expect(error.code).to.equal('ORDER_INVALID')
      expect(error.errors?.map((e) => e.code)).to.deep.equal(['LIMIT_DAILY'])
    }

    expect(accepted).to.have.length(FITTING)
    const rows = await withJournal(home, (db) =>
      db('trades').select<{status: string; side: string; total_value: string}[]>('status', 'side', 'total_value'),
    )
    expect(
      rows.map((r) => r.status),
      'no pending, failed or unknown row: refused buys left none',
    ).to.deep.equal(Array.from({length: FITTING}, () => 'filled'))
    const spent = rows.reduce((sum, r) => sum.plus(r.total_value), new Decimal(0))
    expect(spent.lte(CAP), `${spent.toFixed()} USD accepted within the cap ${CAP.toFixed()}`).to.equal(true)
    expect(spent.toFixed()).to.equal(VALUE.mul(FITTING).toFixed())

    const orders = await withJournal(home, (db) => db('paper_orders').count<{n: number | string}[]>({n: '*'}))
    expect(Number(orders[0].n), 'the exchange saw only the accepted orders').to.equal(FITTING)
  })
})
