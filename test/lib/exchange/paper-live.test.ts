/**
 * The paper exchange on live prices (PaperExchange over LiveMarket), as the services see it: the real
 * ccxt.binance class against the loopback fake Binance, no credentials, the account in a real journal.
 */
import {expect} from 'chai'

import {Decimal} from '../../../src/lib/decimal.js'
import {newClientOrderId} from '../../../src/lib/exchange/dialects.js'
import {PaperExchange} from '../../../src/lib/exchange/paper.js'
import type {OrderRequest} from '../../../src/lib/exchange/types.js'
import type {Session} from '../../../src/lib/session.js'
import {type FakeBinance, startFakeBinance} from '../../support/fake-binance.js'
import {freshSession} from '../../support/session.js'

describe('PaperExchange on live prices (fake Binance)', () => {
  let fake: FakeBinance
  let session: Session
  let paper: PaperExchange

  beforeEach(async () => {
    fake = await startFakeBinance()
    session = await freshSession()
    const broker = await session.brokers.add({
      name: 'live',
      exchange: 'paper',
      prices: 'binance',
      apiUrl: fake.url,
      options: {enableRateLimit: 'false'},
    })
    const gateway = await session.gateway(broker)
    if (!(gateway instanceof PaperExchange)) expect.fail('a paper broker on live prices has no PaperExchange gateway')
    paper = gateway
  })
  afterEach(async () => {
    await session.close()
    await fake.close()
  })

  const order = (over: Partial<OrderRequest>) =>
    paper.createOrder({
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      amount: '0.05',
      price: null,
      referencePrice: null,
      spend: null,
      clientOrderId: newClientOrderId('hex32'),
      ...over,
    })
  const usdt = async () => (await paper.fetchBalance()).find((b) => b.asset === 'USDT')

  it('says where its prices come from', () => {
    expect(paper.prices).to.equal('live: binance')
    expect(paper.name).to.equal('Paper (simulated on Binance live prices)')
  })

  it('a crossing limit buy takes the book no further than its limit, at the volume-weighted average', async () => {
    fake.setBook('BTCUSDT', {
      bids: [['27990.00', '1']],
      asks: [
        ['28000.00', '0.02'],
        ['28000.10', '0.02'],
        ['28000.20', '0.02'],
        ['28005.00', '5'],
      ],
    })
    const filled = await order({price: '28000.2'})
    const value = new Decimal('0.02')
      .mul('28000')
      .plus(new Decimal('0.02').mul('28000.1'))
      .plus(new Decimal('0.01').mul('28000.2'))
    expect(filled).to.include({status: 'closed', filled: '0.05', cost: value.toFixed()})
    expect(filled.average).to.equal(value.div('0.05').toFixed())
    expect(filled.fee).to.equal(value.mul('0.001').toFixed())
    expect(filled.note).to.include('over 3 levels').and.include('best ask 28000')
    expect(filled.trades?.map((t) => t.takerOrMaker)).to.deep.equal(['taker'])
  })

  it('a crossing limit buy the book within its limit cannot fill whole rests; the next read that sees the ask within its limit fills it there', async () => {
    fake.setBook('BTCUSDT', {
      bids: [['27990.00', '1']],
      asks: [
        ['28000.00', '0.02'],
        ['28005.00', '5'],
      ],
    })
    const resting = await order({price: '28001'})
    expect(resting).to.include({status: 'open', filled: '0'})
    // Paper orders fill whole, and the live book never sees them: the ask at 28000 crosses the resting
    // order at the next read, which fills it at its limit, as a maker.
    const value = new Decimal('0.05').mul('28001')
    expect(await usdt()).to.include({
      used: '0',
      free: new Decimal(10000).minus(value).minus(value.mul('0.001')).toFixed(),
    })
    const settled = await paper.fetchOrder({
      id: resting.id,
      clientOrderId: resting.clientOrderId ?? '',
      symbol: 'BTC/USDT',
    })
    expect(settled).to.include({status: 'closed', average: '28001', cost: value.toFixed()})
    expect(settled?.trades?.map((t) => t.takerOrMaker)).to.deep.equal(['maker'])
  })

  it('a market sell walks the bids, best first', async () => {
    const broker = await session.brokers.add({
      name: 'seller',
      exchange: 'paper',
      prices: 'binance',
      apiUrl: fake.url,
      options: {enableRateLimit: 'false'},
      balances: {BTC: '1'},
    })
    const seller = await session.gateway(broker)
    fake.setBook('BTCUSDT', {
      bids: [
        ['27990.00', '0.1'],
        ['27980.00', '0.3'],
      ],
      asks: [['28000.00', '1']],
    })
    const sold = await seller.createOrder({
      symbol: 'BTC/USDT',
      side: 'sell',
      type: 'market',
      amount: '0.25',
      price: null,
      referencePrice: null,
      spend: null,
      clientOrderId: newClientOrderId('hex32'),
    })
    const value = new Decimal('0.1').mul('27990').plus(new Decimal('0.15').mul('27980'))
    expect(sold).to.include({status: 'closed', cost: value.toFixed(), fee: value.mul('0.001').toFixed()})
    expect(sold.note).to.include('best bid 27990')
    const balances = await seller.fetchBalance()
    expect(balances.find((b) => b.asset === 'BTC')?.free).to.equal('0.75')
    expect(balances.find((b) => b.asset === 'USDT')?.free).to.equal(value.minus(value.mul('0.001')).toFixed())
  })

  it('fetchTickers with no symbols asks for every ticker in one request, not by name', async () => {
    const before = fake.requests.length
    const tickers = await paper.fetchTickers()
    expect(tickers.size).to.be.greaterThan(1000)
    const asked = fake.requests.slice(before).filter((r) => r.path === '/api/v3/ticker/24hr')
    expect(asked).to.have.length(1)
    expect(asked[0].query).to.not.have.any.keys('symbols', 'symbol')
  })
})
