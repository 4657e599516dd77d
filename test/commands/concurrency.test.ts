import {expect} from 'chai'

import {Decimal} from 'decimal.js'

import {type CliResult, runCli, runJson, tempHome, withJournal} from '../support/cli.js'
import {defined} from '../support/e2e.js'
import type {BalanceJson, HistoryJson} from '../support/json.js'

/** The columns of a journal row this test reads. */
interface TradeRow {
  id: number
  client_order_id: string
  status: string
  symbol: string
  side: string
  quantity: string
  filled_quantity: string | null
  filled_price: string | null
  fees: string | null
  created_at: string
}

/** Concurrent runs of the real binary on one journal: SQLite, or PostgreSQL with TRADEDESK_TEST_PG_URL. */
describe('concurrent trades', function () {
  this.timeout(600_000)

  it('16 processes x 10 paper trades at once: all filled, 160 rows, unique client order ids, exact USDT balance', async () => {
    const home = tempHome()
    const failures: CliResult[] = []
    const worker = async () => {
      for (let i = 0; i < 10; i++) {
        const r = await runCli(['trade', 'buy', 'BTC/USDT', '--quantity', '0.0002', '--yes', '--json'], {
          home,
          binary: true,
          timeoutMs: 240_000,
        })
        if (r.code !== 0) failures.push(r)
      }
    }

    await Promise.all(Array.from({length: 16}, worker))
    expect(failures.map((f) => `exit ${String(f.code)}: ${f.stdout}${f.stderr}`)).to.deep.equal([])

    const trades = await withJournal(home, (db) => db('trades').select<TradeRow[]>('*').orderBy('id'))
    expect(trades).to.have.length(160)
    expect(new Set(trades.map((t) => t.client_order_id)).size, 'unique client order ids').to.equal(160)
    let spent = new Decimal(0)
    let bought = new Decimal(0)
    for (const t of trades) {
      expect(t, `trade ${String(t.id)}`).to.include({
        status: 'filled',
        symbol: 'BTC/USDT',
        side: 'buy',
        quantity: '0.0002',
        filled_quantity: '0.0002',
      })
      const quantity = defined(t.filled_quantity, `trade ${String(t.id)} filled_quantity`)
      spent = spent.plus(
        new Decimal(quantity)
          .mul(defined(t.filled_price, `trade ${String(t.id)} filled_price`))
          .plus(defined(t.fees, `trade ${String(t.id)} fees`)),
      )
      bought = bought.plus(quantity)
    }

    const balance = await runJson<BalanceJson>(['balance'], {home})
    expect(balance.code, balance.stderr).to.equal(0)
    const usdt = defined(
      balance.json.balances.find((b) => b.asset === 'USDT'),
      'the USDT balance',
    )
    const btc = defined(
      balance.json.balances.find((b) => b.asset === 'BTC'),
      'the BTC balance',
    )
    expect(usdt.free, 'USDT = 10000 - sum(filled_quantity * filled_price + fees)').to.equal(
      new Decimal(10_000).minus(spent).toFixed(),
    )
    expect(usdt.used).to.equal('0')
    expect(btc.free).to.equal(bought.toFixed())
    expect(bought.toFixed()).to.equal('0.032')

    const history = await runJson<HistoryJson>(['history', '--limit', '1000'], {home})
    const ids = history.json.trades.map((t) => t.id)
    const newestFirst = [...trades].sort((a, b) =>
      a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1,
    )
    expect(ids, 'history: newest first').to.deep.equal(newestFirst.map((t) => t.id))
  })
})
