import {expect} from 'chai'
import {Decimal} from 'decimal.js'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  FEE_RATE,
  START_USDT,
  dbState,
  defined,
  expectDec,
  expectDecimalString,
  expectHuman,
  expectHumanError,
  expectJsonError,
  expectNoFloatArtefacts,
  expectTradeRecord,
  free,
  market,
  onPostgres,
  ticker,
  truncate,
  withDb,
} from '../support/e2e.js'
import type {TradeJson, ValidationJson} from '../support/json.js'

/** What a filled trade moved: quote spent (buy) or received (sell), from its own record. */
function quoteMoved(t: TradeJson): Decimal {
  const gross = new Decimal(defined(t.filled_quantity, 'filled_quantity')).mul(defined(t.filled_price, 'filled_price'))
  const fees = defined(t.fees, 'fees')
  return t.side === 'buy' ? gross.plus(fees) : gross.minus(fees)
}

describe('trade (paper)', () => {
  const cli = new Cli(tempHome())
  const eth = ticker('ETHUSDT')
  const btc = ticker('BTCUSDT')

  describe('market orders move balances exactly as the fills say', () => {
    const trades: TradeJson[] = []

    before(async () => {
      await cli.ok(['broker', 'add', 'acc', '--exchange', 'paper', '--default'])
    })

    it('buy 0.1 ETH: filled at the ask, fee 0.1 % in USDT, record complete', async () => {
      const t = await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.1', '--note', 'first'])
      trades.push(t)
      expect(t.broker).to.equal('acc')
      expect(t.symbol).to.equal('ETH/USDT')
      expect(t.side).to.equal('buy')
      expect(t.order_type).to.equal('market')
      expect(t.status).to.equal('filled')
      expect(t.trade_type).to.equal('manual')
      expectDec(t.quantity, '0.1', 'quantity')
      expectDec(t.filled_quantity, '0.1', 'filled_quantity')
      expectDec(t.filled_price, eth.ask, 'filled_price')
      expectDec(t.fees, new Decimal('0.1').mul(eth.ask).mul(FEE_RATE), 'fees')
      expect(t.fee_currency).to.equal('USDT')
      expect(t.exchange_order_id).to.be.a('string').and.not.equal('')
      expect(t.executed_at, 'a fill has executed_at').to.be.a('string')
      expect(t.error_message).to.equal(null)
      expect(t.notes).to.equal('first')

      const b = await cli.balances()
      expectDec(b.get('ETH')?.free, '0.1', 'ETH free')
      expectDec(b.get('USDT')?.free, START_USDT.minus(quoteMoved(t)), 'USDT free')
    })

    it('then 0.2 and 0.1 more: exactly 0.3 and 0.4 ETH, USDT down by exactly what the fills cost', async () => {
      trades.push(await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.2']))
      let b = await cli.balances()
      expectDec(b.get('ETH')?.free, '0.3', 'ETH after 0.1 + 0.2')
      trades.push(await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.1']))
      b = await cli.balances()
      expectDec(b.get('ETH')?.free, '0.4', 'ETH after 0.1 + 0.2 + 0.1')

      const spent = trades.reduce((sum, t) => sum.plus(quoteMoved(t)), new Decimal(0))
      expectDec(b.get('USDT')?.free, START_USDT.minus(spent), 'USDT free')
      // from the book alone: 0.4 ETH at the ask plus 0.1 %
      expectDec(
        b.get('USDT')?.free,
        START_USDT.minus(new Decimal('0.4').mul(eth.ask).mul(FEE_RATE.plus(1))),
        'USDT free from the book',
      )
    })

    it('--usd buys of 10.1 and 10.2: quantity = usd / (ask + fee) truncated to the step', async () => {
      const step = market('ETH/USDT').step
      for (const usd of ['10.1', '10.2']) {
        const t = await cli.trade(['buy', 'ETH/USDT', '--usd', usd])
        trades.push(t)
        expectDec(
          t.quantity,
          truncate(new Decimal(usd).div(eth.ask.mul(FEE_RATE.plus(1))), step),
          `quantity for --usd ${usd}`,
        )
        expect(quoteMoved(t).lte(usd), `spent ${String(quoteMoved(t))}, fee included, within ${usd}`).to.equal(true)
        expectDec(t.filled_quantity, t.quantity, 'filled_quantity')
      }
    })

    it('a market sell fills at the bid and credits quantity x bid minus the fee', async () => {
      const before = await cli.balances()
      const t = await cli.trade(['sell', 'ETH/USDT', '--quantity', '0.3'])
      trades.push(t)
      expectDec(t.filled_price, eth.bid, 'sell price')
      expectDec(t.fees, new Decimal('0.3').mul(eth.bid).mul(FEE_RATE), 'sell fee')
      const after = await cli.balances()
      expectDec(after.get('ETH')?.free, free(before, 'ETH').minus('0.3'), 'ETH after the sell')
      expectDec(after.get('USDT')?.free, free(before, 'USDT').plus(quoteMoved(t)), 'USDT after the sell')
    })

    it('the balance command agrees with the sum of every fill in the journal', async () => {
      const history = await cli.history()
      expect(history.map((t) => t.id).sort((a, b) => a - b)).to.deep.equal(
        trades.map((t) => t.id).sort((a, b) => a - b),
      )
      let usdt = START_USDT
      let ethQty = new Decimal(0)
      for (const t of history) {
        expectTradeRecord(t)
        expectDecimalString(t.filled_quantity, 'filled_quantity')
        usdt = usdt.plus(t.side === 'buy' ? quoteMoved(t).neg() : quoteMoved(t))
        ethQty = t.side === 'buy' ? ethQty.plus(t.filled_quantity) : ethQty.minus(t.filled_quantity)
      }

      const b = await cli.balances()
      expectDec(b.get('USDT')?.total, usdt, 'USDT total')
      expectDec(b.get('ETH')?.total, ethQty, 'ETH total')
      // the human view shows the same strings
      const out = expectHuman(await cli.run(['balance']), 'balance')
      expect(out).to.include(defined(b.get('USDT'), 'the USDT balance').total)
      expect(out).to.include(defined(b.get('ETH'), 'the ETH balance').total)
    })

    it('no float artefact anywhere in stdout or in the trades / paper tables', async () => {
      expectNoFloatArtefacts(cli.outputs.join('\n'), 'stdout/stderr of every run')
      await withDb(cli.home, async (db) => {
        for (const table of ['trades', 'paper_balances', 'paper_orders', 'paper_fills']) {
          const rows = await db(table).select('*')
          expect(rows.length, `${table} has rows`).to.be.greaterThan(0)
          expectNoFloatArtefacts(JSON.stringify(rows), table)
        }

        if (onPostgres()) return
        // money is stored as TEXT, never REAL
        const typed = await db.raw<Record<string, unknown>[]>(
          "SELECT typeof(quantity) q, typeof(price) p, typeof(total_value) v, typeof(filled_quantity) fq, typeof(filled_price) fp, typeof(fees) f FROM trades WHERE status = 'filled'",
        )
        for (const r of typed)
          for (const [k, v] of Object.entries(r)) expect(v, `trades.${k} storage class`).to.equal('text')
        const bal = await db.raw<Record<string, unknown>[]>('SELECT typeof(free) f, typeof(used) u FROM paper_balances')
        for (const r of bal)
          for (const [k, v] of Object.entries(r)) expect(v, `paper_balances.${k} storage class`).to.equal('text')
      })
    })

    it('the exact strings sent are the strings recorded (journal vs paper order)', async () => {
      await withDb(cli.home, async (db) => {
        const rows = await db('trades')
          .join('paper_orders', 'paper_orders.client_order_id', 'trades.client_order_id')
          .select<{q: string; a: string; id: number}[]>(
            'trades.quantity as q',
            'paper_orders.amount as a',
            'trades.id as id',
          )
        expect(rows.length).to.equal(trades.length)
        for (const r of rows) expect(r.q, `trade ${String(r.id)}`).to.equal(r.a)
      })
    })
  })

  describe('cheap coin: 0.1 and 0.2 lots (LTC/USDT)', () => {
    it('three buys 0.1, 0.2, 0.1 give exactly 0.4 LTC and exact USDT', async () => {
      await cli.ok(['broker', 'add', 'ltc', '--exchange', 'paper'])
      const ltc = ticker('LTCUSDT')
      let spent = new Decimal(0)
      for (const q of ['0.1', '0.2', '0.1']) {
        const t = await cli.trade(['buy', 'LTC/USDT', '--quantity', q, '--broker', 'ltc'])
        expectDec(t.total_value, new Decimal(q).mul(ltc.ask), `total_value of ${q}`)
        spent = spent.plus(quoteMoved(t))
      }

      const out = await cli.run(['balance', '--broker', 'ltc'])
      expectHuman(out, 'balance')
      expectNoFloatArtefacts(out.stdout)
      const b = await cli.balances('ltc')
      expectDec(b.get('LTC')?.free, '0.4', 'LTC after 0.1 + 0.2 + 0.1')
      expectDec(b.get('USDT')?.free, START_USDT.minus(spent), 'USDT')
      expectDec(
        b.get('USDT')?.free,
        START_USDT.minus(new Decimal('0.4').mul(ltc.ask).mul(FEE_RATE.plus(1))),
        'USDT from the book',
      )
    })
  })

  describe('sizing', () => {
    before(async () => {
      await cli.ok([
        'broker',
        'add',
        'sz',
        '--exchange',
        'paper',
        '--balance',
        'USDT=1000',
        '--balance',
        'BTC=0.123456789',
      ])
    })

    it('--quantity is truncated to the step 0.00001, and that is what is sent and filled', async () => {
      const step = market('BTC/USDT').step
      expect(step.eq('0.00001'), 'BTC/USDT step in the snapshot').to.equal(true)
      const t = await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.000369999', '--broker', 'sz'])
      expectDec(t.quantity, truncate('0.000369999', step), 'quantity sent')
      expectDec(t.filled_quantity, '0.00036', 'filled')
    })

    it('--percent 100 on a sell sells everything the step allows, leaving the dust', async () => {
      const before = await cli.balances('sz')
      const held = free(before, 'BTC')
      const t = await cli.trade(['sell', 'BTC/USDT', '--percent', '100', '--broker', 'sz'])
      const step = market('BTC/USDT').step
      expectDec(t.quantity, truncate(held, step), 'sold quantity')
      expectDec(t.filled_price, btc.bid, 'sold at the bid')
      const after = await cli.balances('sz')
      expectDec(after.get('BTC')?.free, held.minus(truncate(held, step)), 'BTC dust left')
      expect(held.minus(truncate(held, step)).lt(step)).to.equal(true)
      expectDec(after.get('USDT')?.free, free(before, 'USDT').plus(quoteMoved(t)), 'USDT credited')
    })

    it('--percent on a buy spends at most that share of free USDT, fee included', async () => {
      const before = await cli.balances('sz')
      const usdt = free(before, 'USDT')
      const t = await cli.trade(['buy', 'BTC/USDT', '--percent', '25', '--broker', 'sz'])
      const budget = usdt.mul(25).div(100)
      const step = market('BTC/USDT').step
      const expected = truncate(budget.div(btc.ask.mul(FEE_RATE.plus(1))), step)
      expectDec(t.quantity, expected, 'quantity for 25 %')
      expect(quoteMoved(t).lte(budget), 'cost + fee within 25 % of free').to.equal(true)
      expect(
        expected.plus(step).mul(btc.ask).mul(FEE_RATE.plus(1)).gt(budget),
        'one more step would exceed it',
      ).to.equal(true)
    })

    it('trade --dry-run validates like validate and sends nothing', async () => {
      const state = await dbState(cli.home)
      const r = await cli.json<ValidationJson>([
        'trade',
        'buy',
        'BTC/USDT',
        '--usd',
        '20',
        '--dry-run',
        '--broker',
        'sz',
      ])
      expect(r.code).to.equal(0)
      expect(r.json.valid).to.equal(true)
      expectDec(
        r.json.order.quantity,
        truncate(new Decimal(20).div(btc.ask.mul(FEE_RATE.plus(1))), market('BTC/USDT').step),
        'dry-run quantity',
      )
      expect(await dbState(cli.home)).to.deep.equal(state)
    })
  })

  describe('limit orders', () => {
    before(async () => {
      await cli.ok(['broker', 'add', 'lim', '--exchange', 'paper'])
    })

    it('a crossing limit buy fills at once at the ask, not at its limit', async () => {
      const t = await cli.trade([
        'buy',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        '30000',
        '--quantity',
        '0.001',
        '--broker',
        'lim',
      ])
      expect(t.status).to.equal('filled')
      expectDec(t.price, '30000', 'limit price recorded')
      expectDec(t.filled_price, btc.ask, 'filled at the ask')
      expectDec(t.total_value, '30', 'what was asked: quantity x limit')
      expectDec(t.filled_value, new Decimal('0.001').mul(btc.ask), 'what was filled: quantity x fill price')
      expectDec(t.fees, new Decimal('0.001').mul(btc.ask).mul(FEE_RATE), 'fee at the fill price')
      const csv = (await cli.run(['history', '--csv', '--broker', 'lim', '--limit', '1'])).stdout.split('\n')
      const header = csv[0].split(',')
      expect(csv[1].split(',')[header.indexOf('filled_value')], 'the CSV has it too').to.equal(t.filled_value)
      const b = await cli.balances('lim')
      expectDec(b.get('USDT')?.free, START_USDT.minus(quoteMoved(t)), 'USDT')
      expectDec(b.get('USDT')?.used, 0, 'nothing reserved after a fill')
    })

    it('a resting limit is open, reserves quantity x price x 1.001, and has no fill', async () => {
      const before = await cli.balances('lim')
      const t = await cli.trade([
        'buy',
        'BTC/USDT',
        '--type',
        'limit',
        '--price',
        '20000.004',
        '--quantity',
        '0.01',
        '--broker',
        'lim',
      ])
      expect(t.status).to.equal('open')
      expectDec(t.price, '20000', 'price rounded to the tick 0.01')
      expectDec(t.filled_quantity ?? '0', 0, 'filled')
      expect(t.filled_price).to.equal(null)
      expect(t.executed_at).to.equal(null)
      const reserved = new Decimal('0.01').mul('20000').mul(FEE_RATE.plus(1))
      const after = await cli.balances('lim')
      expectDec(after.get('USDT')?.used, reserved, 'USDT used')
      expectDec(after.get('USDT')?.free, free(before, 'USDT').minus(reserved), 'USDT free')
      expectDec(after.get('USDT')?.total, free(before, 'USDT'), 'USDT total unchanged')
    })
  })

  describe('human output and refusals', () => {
    before(async () => {
      await cli.ok(['broker', 'add', 'hum', '--exchange', 'paper'])
    })

    it('a trade without --json prints the trade as text on stdout', async () => {
      const r = await cli.run(['trade', 'buy', 'BTC/USDT', '--quantity', '0.0002', '--yes', '--broker', 'hum'])
      const out = expectHuman(r, 'trade')
      expect(out).to.include('filled')
      expect(out).to.include('BTC/USDT')
      expect(out).to.include(btc.ask.toFixed())
      const [t] = await cli.history(['--symbol', 'BTC/USDT', '--limit', '1'])
      expect(out).to.include(t.client_order_id)
    })

    it('trade with no arguments and no terminal: exit 2 at once, no prompt', async () => {
      const state = await dbState(cli.home)
      const r = await cli.run(['trade'])
      expectHumanError(r, 2, 'trade (no args)')
      expect(r.stdout, 'no prompt on stdout').to.equal('')
      expect(await dbState(cli.home)).to.deep.equal(state)
    })

    it('insufficient funds: exit 3, message, nothing recorded', async () => {
      const state = await dbState(cli.home)
      const err = expectJsonError(
        await cli.json(['trade', 'buy', 'BTC/USDT', '--quantity', '1', '--yes', '--broker', 'hum']),
        3,
        'too big',
      )
      expect(err.message).to.include('INSUFFICIENT_FUNDS')
      expect(
        err.errors?.map((e: {code: string}) => e.code),
        'the validation failures, as validate gives them',
      ).to.deep.equal(['INSUFFICIENT_FUNDS'])
      expect(await dbState(cli.home)).to.deep.equal(state)
    })
  })
})
