import {expect} from 'chai'

import type {FillRecord} from '../../src/lib/fills.js'
import {TradedeskError} from '../../src/lib/errors.js'
import {openPositions, realizedPnl, type CostMethod, type RealizedAsset} from '../../src/lib/lots.js'

type FillSpec = Pick<FillRecord, 'symbol' | 'side' | 'amount' | 'price' | 'cost'> & Partial<FillRecord>

let nextId = 1

/** A journal fill: quoted in a USD stable at 1 and without a fee unless the spec says otherwise. */
function fill(day: string, spec: FillSpec): FillRecord {
  const id = nextId++
  return {
    id,
    broker: 'test',
    trade_id: `t${String(id)}`,
    order_id: null,
    trade_row: null,
    fee: null,
    fee_currency: null,
    quote_usd: '1',
    fee_usd: '0',
    executed_at: `2024-${day}T12:00:00.000Z`,
    source: 'import',
    ...spec,
  }
}

const noUnmatched = {unmatched_quantity: '0', unmatched_proceeds_usd: '0'}

function assetOf(fills: FillRecord[], method: CostMethod, asset: string): RealizedAsset | undefined {
  return realizedPnl(fills, {method}).assets.find((a) => a.asset === asset)
}

describe('lots', () => {
  describe('FIFO against average cost', () => {
    // 1 BTC at 20000, 1 BTC at 30000, then 1.5 BTC sold at 40000 (proceeds 60000).
    const fills = () => [
      fill('01-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
      fill('01-02', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '30000', cost: '30000'}),
      fill('01-03', {symbol: 'BTC/USDT', side: 'sell', amount: '1.5', price: '40000', cost: '60000'}),
    ]

    it('FIFO: a partial sell spanning two lots takes the oldest first', () => {
      const result = realizedPnl(fills(), {method: 'fifo'})
      expect(result.method).to.equal('fifo')
      expect(result.currency).to.equal('USD')
      expect(result.assets).to.deep.equal([
        {
          asset: 'BTC',
          quantity_sold: '1.5',
          proceeds_usd: '60000', // 1.5 x 40000
          cost_usd: '35000', // 1 x 20000 + 0.5 x 30000
          fees_usd: '0',
          realized_pnl_usd: '25000', // 60000 - 35000
          ...noUnmatched,
        },
      ])
      expect(result.total_realized_pnl_usd).to.equal('25000')
      expect(result.unpriced).to.deep.equal([])
    })

    it('average: the same sell takes the pool average', () => {
      const result = realizedPnl(fills(), {method: 'average'})
      expect(result.method).to.equal('average')
      expect(result.assets).to.deep.equal([
        {
          asset: 'BTC',
          quantity_sold: '1.5',
          proceeds_usd: '60000',
          cost_usd: '37500', // pool 2 BTC for 50000: 50000 x 1.5/2
          fees_usd: '0',
          realized_pnl_usd: '22500', // 60000 - 37500
          ...noUnmatched,
        },
      ])
      expect(result.total_realized_pnl_usd).to.equal('22500')
    })

    it('open positions: FIFO keeps the newer lot, average keeps the pool share', () => {
      expect([...openPositions(fills(), 'fifo').values()]).to.deep.equal([
        // 0.5 left of the 30000 lot: 15000
        {asset: 'BTC', quantity: '0.5', known_quantity: '0.5', known_cost_usd: '15000', unknown_cost_quantity: '0'},
      ])
      expect([...openPositions(fills(), 'average').values()]).to.deep.equal([
        // 50000 - 37500
        {asset: 'BTC', quantity: '0.5', known_quantity: '0.5', known_cost_usd: '12500', unknown_cost_quantity: '0'},
      ])
    })

    it('average: a pool divided into thirds is not rounded, and an emptied pool hands over exactly its rest', () => {
      // 1 BTC for 100 + 2 BTC for 400: pool 3 BTC for 500. Sell 1 at 300, then 2 at 300 each.
      const thirds = [
        fill('01-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '100', cost: '100'}),
        fill('01-02', {symbol: 'BTC/USDT', side: 'buy', amount: '2', price: '200', cost: '400'}),
        fill('01-03', {symbol: 'BTC/USDT', side: 'sell', amount: '1', price: '300', cost: '300'}),
      ]
      // 500/3 to 80 significant digits (half up): 166.(77 sixes, the last rounded to 7)
      const third = '166.' + '6'.repeat(76) + '7'
      // 500 - 166.66...67
      const twoThirds = '333.' + '3'.repeat(77)
      expect(assetOf(thirds, 'average', 'BTC')).to.include({
        cost_usd: third,
        realized_pnl_usd: '133.' + '3'.repeat(77), // 300 - 166.66...67
      })
      expect(openPositions(thirds, 'average').get('BTC')).to.include({quantity: '2', known_cost_usd: twoThirds})

      thirds.push(fill('01-04', {symbol: 'BTC/USDT', side: 'sell', amount: '2', price: '300', cost: '600'}))
      expect(assetOf(thirds, 'average', 'BTC')).to.include({
        cost_usd: '500', // 166.66...67 + 333.33...33: the two sales together cost exactly the 500 bought
        proceeds_usd: '900', // 300 + 600
        realized_pnl_usd: '400',
      })
      expect(openPositions(thirds, 'average').has('BTC')).to.equal(false)
    })

    it('FIFO: a lot consumed in thirds allocates its whole cost', () => {
      // 3 BTC for 100, sold 1 then 2.
      const thirds = [
        fill('01-01', {symbol: 'BTC/USDT', side: 'buy', amount: '3', price: '33.3', cost: '100'}),
        fill('01-02', {symbol: 'BTC/USDT', side: 'sell', amount: '1', price: '50', cost: '50'}),
      ]
      // 100 x 1/3 to 80 significant digits
      expect(assetOf(thirds, 'fifo', 'BTC')?.cost_usd).to.equal('33.' + '3'.repeat(78))
      thirds.push(fill('01-03', {symbol: 'BTC/USDT', side: 'sell', amount: '2', price: '50', cost: '100'}))
      expect(assetOf(thirds, 'fifo', 'BTC')).to.include({cost_usd: '100', realized_pnl_usd: '50'}) // 150 - 100
    })
  })

  describe('fees', () => {
    it('a buy with the fee in the base: fewer coins, the fee part of the cost in the lot fee', () => {
      const fills = [
        // 2 ETH for 3000 USDT, 0.002 ETH kept as fee: lot 1.998 ETH,
        // lot fee 3000 x 0.002/2 = 3, lot cost 3000 - 3 = 2997
        fill('02-01', {
          symbol: 'ETH/USDT',
          side: 'buy',
          amount: '2',
          price: '1500',
          cost: '3000',
          fee: '0.002',
          fee_currency: 'ETH',
          fee_usd: '3',
        }),
      ]
      expect(openPositions(fills, 'fifo').get('ETH')).to.deep.equal({
        asset: 'ETH',
        quantity: '1.998',
        known_quantity: '1.998',
        known_cost_usd: '3000', // 2997 + 3
        unknown_cost_quantity: '0',
      })
      fills.push(fill('02-02', {symbol: 'ETH/USDT', side: 'sell', amount: '1.998', price: '1600', cost: '3196.8'}))
      expect(assetOf(fills, 'fifo', 'ETH')).to.deep.equal({
        asset: 'ETH',
        quantity_sold: '1.998',
        proceeds_usd: '3196.8', // 1.998 x 1600
        cost_usd: '2997',
        fees_usd: '3', // the lot's fee
        realized_pnl_usd: '196.8', // 3196.8 - 2997 - 3
        ...noUnmatched,
      })
    })

    it('a buy and a sell with the fee in the quote', () => {
      const fills = [
        // lot 1 SOL, cost 100, fee 0.1
        fill('02-01', {
          symbol: 'SOL/USDT',
          side: 'buy',
          amount: '1',
          price: '100',
          cost: '100',
          fee: '0.1',
          fee_currency: 'USDT',
          fee_usd: '0.1',
        }),
      ]
      expect(openPositions(fills, 'average').get('SOL')).to.include({known_cost_usd: '100.1'}) // 100 + 0.1
      fills.push(
        fill('02-02', {
          symbol: 'SOL/USDT',
          side: 'sell',
          amount: '1',
          price: '120',
          cost: '120',
          fee: '0.12',
          fee_currency: 'USDT',
          fee_usd: '0.12',
        }),
      )
      for (const method of ['fifo', 'average'] as const) {
        expect(assetOf(fills, method, 'SOL'), method).to.deep.equal({
          asset: 'SOL',
          quantity_sold: '1',
          proceeds_usd: '120',
          cost_usd: '100',
          fees_usd: '0.22', // sale fee 0.12 + lot fee 0.1
          realized_pnl_usd: '19.78', // 120 - 100 - 0.22
          ...noUnmatched,
        })
      }
    })

    it('a sell with the fee in the base disposes of amount + fee', () => {
      const fills = [
        fill('02-01', {symbol: 'SOL/USDT', side: 'buy', amount: '2', price: '100', cost: '200'}),
        // sells 1 SOL for 150 and pays 0.01 SOL: disposes of 1.01 SOL
        fill('02-02', {
          symbol: 'SOL/USDT',
          side: 'sell',
          amount: '1',
          price: '150',
          cost: '150',
          fee: '0.01',
          fee_currency: 'SOL',
          fee_usd: '1.5',
        }),
      ]
      expect(assetOf(fills, 'fifo', 'SOL')).to.deep.equal({
        asset: 'SOL',
        quantity_sold: '1.01',
        proceeds_usd: '151.5', // 1.01 x 150/1 x 1
        cost_usd: '101', // lot of 2 for 200: 200 x 1.01/2
        fees_usd: '1.5', // 0.01 x 150/1
        realized_pnl_usd: '49', // 151.5 - 101 - 1.5
        ...noUnmatched,
      })
      expect(openPositions(fills, 'fifo').get('SOL')).to.include({quantity: '0.99', known_cost_usd: '99'}) // 200 - 101
    })

    const bnbFills = (buyFeeUsd: string | null) => [
      fill('03-01', {symbol: 'BNB/USDT', side: 'buy', amount: '1', price: '300', cost: '300'}),
      fill('03-02', {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '1',
        price: '20000',
        cost: '20000',
        fee: '0.05',
        fee_currency: 'BNB',
        fee_usd: buyFeeUsd,
      }),
      fill('03-03', {
        symbol: 'BTC/USDT',
        side: 'sell',
        amount: '1',
        price: '21000',
        cost: '21000',
        fee: '0.05',
        fee_currency: 'BNB',
        fee_usd: '21',
      }),
    ]

    it('a fee in a third currency (BNB): the fee in USD on the trade, and BNB disposed of at that value', () => {
      const result = realizedPnl(bnbFills('20'), {method: 'fifo'})
      expect(result.assets).to.deep.equal([
        {
          asset: 'BNB',
          quantity_sold: '0.1', // 0.05 + 0.05
          proceeds_usd: '41', // the fees' USD values: 20 + 21
          cost_usd: '30', // 0.1 of the lot of 1 for 300
          fees_usd: '0',
          realized_pnl_usd: '11', // 41 - 30
          ...noUnmatched,
        },
        {
          asset: 'BTC',
          quantity_sold: '1',
          proceeds_usd: '21000',
          cost_usd: '20000',
          fees_usd: '41', // lot fee 20 + sale fee 21
          realized_pnl_usd: '959', // 21000 - 20000 - 41
          ...noUnmatched,
        },
      ])
      expect(result.total_realized_pnl_usd).to.equal('970') // 11 + 959
      expect(result.unpriced).to.deep.equal([])
      expect(openPositions(bnbFills('20'), 'fifo').get('BNB')).to.include({quantity: '0.9', known_cost_usd: '270'})
    })

    it('a third-currency fee with no USD value: the trade counts without it, the BNB disposal is unpriced', () => {
      const fills = bnbFills(null)
      const result = realizedPnl(fills, {method: 'fifo'})
      expect(result.assets).to.deep.equal([
        {
          asset: 'BNB',
          quantity_sold: '0.1',
          proceeds_usd: '21', // only the priced second fee
          cost_usd: '15', // 0.05 x 300
          fees_usd: '0',
          realized_pnl_usd: '6', // 21 - 15
          ...noUnmatched,
        },
        {
          asset: 'BTC',
          quantity_sold: '1',
          proceeds_usd: '21000',
          cost_usd: '20000',
          fees_usd: '21', // the sale's fee only: the buy's fee is unknown
          realized_pnl_usd: '979', // 21000 - 20000 - 21
          ...noUnmatched,
        },
      ])
      expect(result.unpriced).to.deep.equal([
        {
          asset: 'BNB',
          quantity: '0.05',
          trade_id: fills[1].trade_id,
          symbol: 'BTC/USDT',
          side: 'buy',
          executed_at: fills[1].executed_at,
          reason: 'fee_unpriced',
        },
      ])
      // the unpriced disposal still used up BNB: 1 - 0.05 - 0.05, at 300 each
      expect(openPositions(fills, 'fifo').get('BNB')).to.include({quantity: '0.9', known_cost_usd: '270'})
    })
  })

  describe('what no lot covers', () => {
    it('an oversell: the excess is unmatched, never given a cost of zero, its proceeds apart', () => {
      const fills = [
        fill('04-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
        fill('04-02', {
          symbol: 'BTC/USDT',
          side: 'sell',
          amount: '1.5',
          price: '30000',
          cost: '45000',
          fee: '45',
          fee_currency: 'USDT',
          fee_usd: '45',
        }),
      ]
      for (const method of ['fifo', 'average'] as const) {
        expect(assetOf(fills, method, 'BTC'), method).to.deep.equal({
          asset: 'BTC',
          quantity_sold: '1.5',
          proceeds_usd: '30000', // 45000 x 1/1.5
          cost_usd: '20000',
          fees_usd: '30', // 45 x 1/1.5
          realized_pnl_usd: '9970', // 30000 - 20000 - 30
          unmatched_quantity: '0.5',
          unmatched_proceeds_usd: '15000', // 45000 x 0.5/1.5
        })
        expect(openPositions(fills, method).has('BTC'), method).to.equal(false)
      }
    })

    it('a sell with no lot at all realizes nothing', () => {
      const fills = [fill('04-03', {symbol: 'XRP/USDT', side: 'sell', amount: '100', price: '0.5', cost: '50'})]
      expect(assetOf(fills, 'fifo', 'XRP')).to.deep.equal({
        asset: 'XRP',
        quantity_sold: '100',
        proceeds_usd: '0',
        cost_usd: '0',
        fees_usd: '0',
        realized_pnl_usd: '0',
        unmatched_quantity: '100',
        unmatched_proceeds_usd: '50',
      })
    })
  })

  describe('a crypto quote', () => {
    const fills = () => [
      fill('05-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
      // 10 ETH for 0.7 BTC + 0.0007 BTC fee, BTC at 30000: disposes of 0.7007 BTC
      fill('05-02', {
        symbol: 'ETH/BTC',
        side: 'buy',
        amount: '10',
        price: '0.07',
        cost: '0.7',
        fee: '0.0007',
        fee_currency: 'BTC',
        quote_usd: '30000',
        fee_usd: '21',
      }),
      // 10 ETH for 0.8 BTC less a 0.0008 BTC fee, BTC at 25000: acquires 0.7992 BTC
      fill('05-03', {
        symbol: 'ETH/BTC',
        side: 'sell',
        amount: '10',
        price: '0.08',
        cost: '0.8',
        fee: '0.0008',
        fee_currency: 'BTC',
        quote_usd: '25000',
        fee_usd: '20',
      }),
    ]

    it('a buy of ETH/BTC disposes of BTC at the quote USD price; the sell acquires BTC', () => {
      const result = realizedPnl(fills(), {method: 'fifo'})
      expect(result.assets).to.deep.equal([
        {
          asset: 'BTC',
          quantity_sold: '0.7007', // 0.7 + 0.0007
          proceeds_usd: '21021', // 0.7007 x 30000
          cost_usd: '14014', // 0.7007 x 20000
          fees_usd: '0',
          realized_pnl_usd: '7007', // 21021 - 14014
          ...noUnmatched,
        },
        {
          asset: 'ETH',
          quantity_sold: '10',
          proceeds_usd: '20000', // 0.8 x 25000
          cost_usd: '21000', // 0.7 x 30000
          fees_usd: '41', // sale fee 0.0008 x 25000 = 20 + lot fee 0.0007 x 30000 = 21
          realized_pnl_usd: '-1041', // 20000 - 21000 - 41
          ...noUnmatched,
        },
      ])
      expect(result.total_realized_pnl_usd).to.equal('5966') // 7007 - 1041
    })

    it('open positions hold the rest of the first BTC lot and the BTC the sell acquired', () => {
      expect([...openPositions(fills(), 'fifo').values()]).to.deep.equal([
        {
          asset: 'BTC',
          quantity: '1.0985', // 1 - 0.7007 + 0.7992
          known_quantity: '1.0985',
          known_cost_usd: '25966', // (20000 - 14014) + 0.7992 x 25000
          unknown_cost_quantity: '0',
        },
      ])
    })
  })

  describe('unpriced', () => {
    it('a fill without a USD rate: its disposal is listed and left out; its lot has no known cost', () => {
      const fills = [
        // BTC bought with EUR, no USD rate: EUR disposed of at an unknown value, BTC lot of unknown cost
        fill('06-01', {symbol: 'BTC/EUR', side: 'buy', amount: '1', price: '18000', cost: '18000', quote_usd: null}),
        fill('06-02', {symbol: 'BTC/USDT', side: 'sell', amount: '1', price: '20000', cost: '20000'}),
      ]
      const result = realizedPnl(fills, {method: 'fifo'})
      expect(result.assets).to.deep.equal([
        {
          asset: 'BTC',
          quantity_sold: '1',
          proceeds_usd: '0', // all of it met the unknown-cost lot
          cost_usd: '0',
          fees_usd: '0',
          realized_pnl_usd: '0',
          ...noUnmatched,
        },
        {
          asset: 'EUR',
          quantity_sold: '18000',
          proceeds_usd: '0',
          cost_usd: '0',
          fees_usd: '0',
          realized_pnl_usd: '0',
          ...noUnmatched,
        },
      ])
      expect(result.unpriced).to.deep.equal([
        {
          asset: 'EUR',
          quantity: '18000',
          trade_id: fills[0].trade_id,
          symbol: 'BTC/EUR',
          side: 'buy',
          executed_at: fills[0].executed_at,
          reason: 'no_usd_rate',
        },
        {
          asset: 'BTC',
          quantity: '1',
          trade_id: fills[1].trade_id,
          symbol: 'BTC/USDT',
          side: 'sell',
          executed_at: fills[1].executed_at,
          reason: 'unknown_cost',
        },
      ])
      expect(result.total_realized_pnl_usd).to.equal('0')
    })

    it('an unpriced sell still uses up its lots', () => {
      const fills = [
        fill('06-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
        fill('06-02', {symbol: 'BTC/EUR', side: 'sell', amount: '0.4', price: '19000', cost: '7600', quote_usd: null}),
      ]
      const result = realizedPnl(fills, {method: 'fifo'})
      expect(result.assets.find((a) => a.asset === 'BTC')).to.include({quantity_sold: '0.4', realized_pnl_usd: '0'})
      expect(result.unpriced.map((u) => [u.asset, u.quantity, u.reason])).to.deep.equal([['BTC', '0.4', 'no_usd_rate']])
      // 20000 x 0.6
      expect(openPositions(fills, 'fifo').get('BTC')).to.include({quantity: '0.6', known_cost_usd: '12000'})
      // the EUR acquired has no known cost
      expect(openPositions(fills, 'fifo').get('EUR')).to.deep.equal({
        asset: 'EUR',
        quantity: '7600',
        known_quantity: '0',
        known_cost_usd: '0',
        unknown_cost_quantity: '7600',
      })
    })

    it('a USD-stable quote without a rate is worth 1', () => {
      const fills = [
        fill('06-01', {symbol: 'BTC/USDC', side: 'buy', amount: '1', price: '20000', cost: '20000', quote_usd: null}),
        fill('06-02', {symbol: 'BTC/USDC', side: 'sell', amount: '1', price: '21000', cost: '21000', quote_usd: null}),
      ]
      const result = realizedPnl(fills, {method: 'fifo'})
      expect(result.total_realized_pnl_usd).to.equal('1000') // 21000 - 20000
      expect(result.unpriced).to.deep.equal([])
    })

    describe('a lot of unknown cost consumed', () => {
      const fills = () => [
        fill('07-01', {symbol: 'BTC/EUR', side: 'buy', amount: '1', price: '18000', cost: '18000', quote_usd: null}),
        fill('07-02', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
        fill('07-03', {symbol: 'BTC/USDT', side: 'sell', amount: '1.5', price: '30000', cost: '45000'}),
      ]

      it('FIFO: the unknown lot first, then half the known one', () => {
        const result = realizedPnl(fills(), {method: 'fifo', asset: 'BTC'})
        expect(result.assets).to.deep.equal([
          {
            asset: 'BTC',
            quantity_sold: '1.5',
            proceeds_usd: '15000', // 45000 x 0.5/1.5
            cost_usd: '10000', // 20000 x 0.5
            fees_usd: '0',
            realized_pnl_usd: '5000',
            ...noUnmatched,
          },
        ])
        expect(result.unpriced.map((u) => [u.asset, u.quantity, u.reason, u.side])).to.deep.equal([
          ['BTC', '1', 'unknown_cost', 'sell'],
        ])
        expect(openPositions(fills(), 'fifo').get('BTC')).to.deep.equal({
          asset: 'BTC',
          quantity: '0.5',
          known_quantity: '0.5',
          known_cost_usd: '10000',
          unknown_cost_quantity: '0',
        })
      })

      it('average: known and unknown in proportion', () => {
        const result = realizedPnl(fills(), {method: 'average', asset: 'BTC'})
        expect(result.assets).to.deep.equal([
          {
            asset: 'BTC',
            quantity_sold: '1.5',
            proceeds_usd: '22500', // known part 1.5 x 1/2 = 0.75: 45000 x 0.75/1.5
            cost_usd: '15000', // 20000 x 0.75/1
            fees_usd: '0',
            realized_pnl_usd: '7500',
            ...noUnmatched,
          },
        ])
        expect(result.unpriced.map((u) => [u.asset, u.quantity, u.reason])).to.deep.equal([
          ['BTC', '0.75', 'unknown_cost'], // 1.5 - 0.75
        ])
        expect(openPositions(fills(), 'average').get('BTC')).to.deep.equal({
          asset: 'BTC',
          quantity: '0.5',
          known_quantity: '0.25', // 1 - 0.75
          known_cost_usd: '5000', // 20000 - 15000
          unknown_cost_quantity: '0.25', // 1 - 0.75
        })
      })
    })
  })

  describe('the period and the asset', () => {
    const fills = () => [
      fill('01-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
      fill('01-01', {symbol: 'ETH/USDT', side: 'buy', amount: '10', price: '1000', cost: '10000'}),
      fill('02-01', {symbol: 'BTC/USDT', side: 'sell', amount: '0.5', price: '30000', cost: '15000'}),
      fill('03-01', {symbol: 'BTC/USDT', side: 'sell', amount: '0.5', price: '40000', cost: '20000'}),
      fill('03-01', {symbol: 'ETH/USDT', side: 'sell', amount: '5', price: '2000', cost: '10000'}),
      fill('04-01', {symbol: 'ETH/USDT', side: 'sell', amount: '5', price: '3000', cost: '15000'}),
    ]

    it('since is inclusive, until exclusive; earlier disposals still consume lots', () => {
      const result = realizedPnl(fills(), {method: 'fifo', since: '2024-03-01', until: '2024-04-01T12:00:00Z'})
      expect(
        result.assets.map((a) => [a.asset, a.quantity_sold, a.proceeds_usd, a.cost_usd, a.realized_pnl_usd]),
      ).to.deep.equal([
        ['BTC', '0.5', '20000', '10000', '10000'], // the February sale took the first half: 20000 - 0.5 x 20000
        ['ETH', '5', '10000', '5000', '5000'], // 5 x 2000 - 5 x 1000; April's sale is at until, left out
      ])
      expect(result.total_realized_pnl_usd).to.equal('15000')
    })

    it('an asset appears only with a disposal in the period', () => {
      const result = realizedPnl(fills(), {method: 'fifo', since: '2024-02-01', until: '2024-03-01'})
      expect(result.assets.map((a) => [a.asset, a.realized_pnl_usd])).to.deep.equal([['BTC', '5000']]) // 15000 - 10000
    })

    it('the asset filter is case-insensitive and sums only that asset', () => {
      const result = realizedPnl(fills(), {method: 'average', asset: 'eth'})
      // 10000 + 15000 - 10 x 1000
      expect(result.assets.map((a) => [a.asset, a.realized_pnl_usd])).to.deep.equal([['ETH', '15000']])
      expect(result.total_realized_pnl_usd).to.equal('15000')
    })

    it('fills are taken by executed_at then id, whatever their order in the list', () => {
      const forward = fills()
      const backward = [...forward].reverse()
      expect(realizedPnl(backward, {method: 'fifo'})).to.deep.equal(realizedPnl(forward, {method: 'fifo'}))
      // the buy and the sale at the same instant: the buy (lower id) comes first
      const sameInstant = [
        fill('08-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '100', cost: '100'}),
        fill('08-01', {symbol: 'BTC/USDT', side: 'sell', amount: '1', price: '150', cost: '150'}),
      ].reverse()
      expect(assetOf(sameInstant, 'fifo', 'BTC')).to.include({realized_pnl_usd: '50', unmatched_quantity: '0'})
    })

    it('a since or until that is not a date is a usage error', () => {
      expect(() => realizedPnl(fills(), {method: 'fifo', since: 'yesterday'}))
        .to.throw(TradedeskError, 'since is not a date')
        .with.property('exitCode', 2)
    })
  })

  it('USD stables are cash: never a lot, never in a result', () => {
    const fills = [
      fill('09-01', {symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '20000', cost: '20000'}),
      fill('09-02', {symbol: 'BTC/USDT', side: 'sell', amount: '1', price: '20000', cost: '20000'}),
    ]
    expect(realizedPnl(fills, {method: 'fifo'}).assets.map((a) => a.asset)).to.deep.equal(['BTC'])
    expect([...openPositions(fills, 'fifo').keys()]).to.deep.equal([])
  })
})
