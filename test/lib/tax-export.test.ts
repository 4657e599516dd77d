import {readFileSync} from 'node:fs'

import {expect} from 'chai'

import type {FillRecord} from '../../src/lib/fills.js'
import {renderTaxExport, TAX_FORMATS, type TaxFormat} from '../../src/lib/render/tax-export.js'

/** The files as `journal export` writes them: the renderer's text and the line break the output adds. */
const golden = (name: string) =>
  readFileSync(new URL(`../support/data/golden/export-${name}.csv`, import.meta.url), 'utf8')

const EXCHANGES: Record<string, string> = {main: 'binance', 'kraken-eu': 'kraken'}
const exchangeOf = (broker: string) => EXCHANGES[broker] ?? `unknown:${broker}`

function fill(f: Partial<FillRecord> & Pick<FillRecord, 'id' | 'symbol' | 'side' | 'amount' | 'price' | 'cost'>) {
  return {
    broker: 'main',
    trade_id: `t-${String(1000 + f.id)}`,
    order_id: `o-${String(500 + f.id)}`,
    trade_row: 10 + f.id,
    fee: null,
    fee_currency: null,
    quote_usd: '1',
    fee_usd: '0',
    executed_at: '2024-01-01T00:00:00Z',
    source: 'tradedesk',
    ...f,
  } satisfies FillRecord
}

/** Given out of order: #3 and #2 share a second (the row id decides), the rest are shuffled. */
const FILLS: FillRecord[] = [
  // a large amount, fee in the quote
  fill({
    id: 8,
    symbol: 'SHIB/USDT',
    side: 'sell',
    amount: '123456789012.123456789',
    price: '0.00000812',
    cost: '1002469.12677844246912668',
    fee: '1002.46912677844246912668',
    fee_currency: 'USDT',
    fee_usd: '1002.46912677844246912668',
    executed_at: '2024-06-30T23:59:59Z',
  }),
  // a fee in a third currency
  fill({
    id: 3,
    symbol: 'ETH/USDT',
    side: 'buy',
    amount: '2',
    price: '1800',
    cost: '3600',
    fee: '0.0075',
    fee_currency: 'BNB',
    fee_usd: '2.25',
    executed_at: '2024-03-22T09:00:00Z',
  }),
  // a fee in the base; the amount as an exchange writes it, with trailing zeros; a fraction of a second
  fill({
    id: 1,
    symbol: 'BTC/USDT',
    side: 'buy',
    amount: '0.50000000',
    price: '27910.38',
    cost: '13955.19',
    fee: '0.0005',
    fee_currency: 'BTC',
    fee_usd: '13.95519',
    executed_at: '2024-03-21T14:05:09.987Z',
  }),
  // a sell, fee in the quote
  fill({
    id: 2,
    symbol: 'BTC/USDT',
    side: 'sell',
    amount: '0.25',
    price: '28000.5',
    cost: '7000.125',
    fee: '7.000125',
    fee_currency: 'USDT',
    fee_usd: '7.000125',
    executed_at: '2024-03-22T09:00:00Z',
  }),
  // unpriced: the EUR's USD price unknown; imported, no order id
  fill({
    id: 6,
    broker: 'kraken-eu',
    trade_id: 'TQ5ZLW-ABCDE-FGHIJ',
    order_id: null,
    symbol: 'DOGE/EUR',
    side: 'buy',
    amount: '1000',
    price: '0.065',
    cost: '65',
    fee: '0.169',
    fee_currency: 'EUR',
    quote_usd: null,
    fee_usd: null,
    executed_at: '2024-04-03T08:30:00Z',
    source: 'import',
  }),
  // no fee
  fill({
    id: 4,
    symbol: 'SOL/USDC',
    side: 'sell',
    amount: '10',
    price: '20.5',
    cost: '205',
    executed_at: '2024-04-01T00:00:00Z',
  }),
  // a tiny amount
  fill({
    id: 7,
    symbol: 'BTC/USDT',
    side: 'buy',
    amount: '0.00000001',
    price: '30000',
    cost: '0.0003',
    fee: '0.0000003',
    fee_currency: 'USDT',
    fee_usd: '0.0000003',
    executed_at: '2024-05-01T12:00:00Z',
  }),
  // a crypto quote, fee in it
  fill({
    id: 5,
    symbol: 'ETH/BTC',
    side: 'buy',
    amount: '1.5',
    price: '0.0645',
    cost: '0.09675',
    fee: '0.0000967',
    fee_currency: 'BTC',
    quote_usd: '27000.12',
    fee_usd: '2.610911604',
    executed_at: '2024-04-02T23:59:59.5Z',
  }),
]

/** Strict RFC 4180 (LF records): a quote only opens a cell, every record ends with a line break. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '"') {
      if (cell !== '') throw new Error(`a quote inside an unquoted cell at ${String(i)}`)
      for (i++; ;) {
        if (i >= text.length) throw new Error('an unterminated quoted cell')
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"'
          i += 2
        } else if (text[i] === '"') {
          i++
          break
        } else cell += text[i++]
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n')
        throw new Error(`text after a closing quote at ${String(i)}`)
    } else if (c === ',' || c === '\n') {
      row.push(cell)
      cell = ''
      if (c === '\n') {
        rows.push(row)
        row = []
      }
      i++
    } else {
      cell += c
      i++
    }
  }
  if (cell !== '' || row.length > 0) throw new Error('the last record has no line break')
  return rows
}

/** The rows of what the renderer wrote, as `journal export` ends it (with a line break), keyed by its header. */
function records(text: string): {header: string[]; rows: Record<string, string>[]} {
  const [header, ...rows] = parseCsv(`${text}\n`)
  return {
    header,
    rows: rows.map((r, n) => {
      expect(r, `row ${String(n + 1)}`).to.have.length(header.length)
      return Object.fromEntries(header.map((h, j) => [h, r[j]]))
    }),
  }
}

const render = (format: TaxFormat, fills = FILLS) => renderTaxExport(format, fills, exchangeOf)
const EXACT = /^\d+(\.\d*[1-9])?$/

describe('tax exports', () => {
  for (const format of TAX_FORMATS) {
    it(`${format}: the golden file, LF line ends, no line break of its own at the end`, () => {
      const out = render(format)
      expect(`${out}\n`).to.equal(golden(format))
      expect(out).to.not.include('\r')
      expect(out.endsWith('\n')).to.equal(false)
    })
  }

  it('leaves the caller’s array as it was', () => {
    const ids = FILLS.map((f) => f.id)
    render('csv')
    expect(FILLS.map((f) => f.id)).to.deep.equal(ids)
  })

  it("koinly: Koinly's universal header byte for byte, gross amounts, the fee in its own columns", () => {
    const out = render('koinly')
    expect(out.split('\n')[0]).to.equal(
      'Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash',
    )
    const {rows} = records(out)
    const row = (...v: string[]) => ({
      Date: v[0],
      'Sent Amount': v[1],
      'Sent Currency': v[2],
      'Received Amount': v[3],
      'Received Currency': v[4],
      'Fee Amount': v[5],
      'Fee Currency': v[6],
      'Net Worth Amount': v[7],
      'Net Worth Currency': v[8],
      Label: '',
      Description: v[9],
      TxHash: v[10],
    })
    expect(rows).to.deep.equal([
      row(
        '2024-03-21 14:05:09 UTC',
        '13955.19',
        'USDT',
        '0.5',
        'BTC',
        '0.0005',
        'BTC',
        '13955.19',
        'USD',
        'tradedesk main BTC/USDT buy order o-501',
        't-1001',
      ),
      row(
        '2024-03-22 09:00:00 UTC',
        '0.25',
        'BTC',
        '7000.125',
        'USDT',
        '7.000125',
        'USDT',
        '7000.125',
        'USD',
        'tradedesk main BTC/USDT sell order o-502',
        't-1002',
      ),
      row(
        '2024-03-22 09:00:00 UTC',
        '3600',
        'USDT',
        '2',
        'ETH',
        '0.0075',
        'BNB',
        '3600',
        'USD',
        'tradedesk main ETH/USDT buy order o-503',
        't-1003',
      ),
      row(
        '2024-04-01 00:00:00 UTC',
        '10',
        'SOL',
        '205',
        'USDC',
        '',
        '',
        '205',
        'USD',
        'tradedesk main SOL/USDC sell order o-504',
        't-1004',
      ),
      row(
        '2024-04-02 23:59:59 UTC',
        '0.09675',
        'BTC',
        '1.5',
        'ETH',
        '0.0000967',
        'BTC',
        '2612.26161',
        'USD',
        'tradedesk main ETH/BTC buy order o-505',
        't-1005',
      ),
      row(
        '2024-04-03 08:30:00 UTC',
        '65',
        'EUR',
        '1000',
        'DOGE',
        '0.169',
        'EUR',
        '',
        '',
        'tradedesk kraken-eu DOGE/EUR buy',
        'TQ5ZLW-ABCDE-FGHIJ',
      ),
      row(
        '2024-05-01 12:00:00 UTC',
        '0.0003',
        'USDT',
        '0.00000001',
        'BTC',
        '0.0000003',
        'USDT',
        '0.0003',
        'USD',
        'tradedesk main BTC/USDT buy order o-507',
        't-1007',
      ),
      row(
        '2024-06-30 23:59:59 UTC',
        '123456789012.123456789',
        'SHIB',
        '1002469.12677844246912668',
        'USDT',
        '1002.46912677844246912668',
        'USDT',
        '1002469.12677844246912668',
        'USD',
        'tradedesk main SHIB/USDT sell order o-508',
        't-1008',
      ),
    ])
  })

  it('cointracking: its header and every cell quoted; fees netted into the side they were paid in; a BNB fee as Other Fee', () => {
    const out = render('cointracking')
    const lines = out.split('\n')
    expect(lines[0]).to.equal(
      '"Type","Buy Amount","Buy Currency","Sell Amount","Sell Currency","Fee","Fee Currency","Exchange","Trade-Group","Comment","Date"',
    )
    for (const line of lines) expect(line).to.match(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/)

    const cells = (r: Record<string, string>) => Object.values(r)
    expect(records(out).rows.map(cells)).to.deep.equal([
      [
        'Trade',
        '0.4995',
        'BTC',
        '13955.19',
        'USDT',
        '0.0005',
        'BTC',
        'binance',
        'main',
        't-1001',
        '21.03.2024 14:05:09',
      ],
      [
        'Trade',
        '6993.124875',
        'USDT',
        '0.25',
        'BTC',
        '7.000125',
        'USDT',
        'binance',
        'main',
        't-1002',
        '22.03.2024 09:00:00',
      ],
      ['Trade', '2', 'ETH', '3600', 'USDT', '', '', 'binance', 'main', 't-1003', '22.03.2024 09:00:00'],
      ['Other Fee', '', '', '0.0075', 'BNB', '', '', 'binance', 'main', 't-1003', '22.03.2024 09:00:00'],
      ['Trade', '205', 'USDC', '10', 'SOL', '', '', 'binance', 'main', 't-1004', '01.04.2024 00:00:00'],
      [
        'Trade',
        '1.5',
        'ETH',
        '0.0968467',
        'BTC',
        '0.0000967',
        'BTC',
        'binance',
        'main',
        't-1005',
        '02.04.2024 23:59:59',
      ],
      [
        'Trade',
        '1000',
        'DOGE',
        '65.169',
        'EUR',
        '0.169',
        'EUR',
        'kraken',
        'kraken-eu',
        'TQ5ZLW-ABCDE-FGHIJ',
        '03.04.2024 08:30:00',
      ],
      [
        'Trade',
        '0.00000001',
        'BTC',
        '0.0003003',
        'USDT',
        '0.0000003',
        'USDT',
        'binance',
        'main',
        't-1007',
        '01.05.2024 12:00:00',
      ],
      [
        'Trade',
        '1001466.65765166402665755332',
        'USDT',
        '123456789012.123456789',
        'SHIB',
        '1002.46912677844246912668',
        'USDT',
        'binance',
        'main',
        't-1008',
        '30.06.2024 23:59:59',
      ],
    ])
  })

  it('csv: one column per fill field, exact numbers, the USD value only where the fill is priced', () => {
    const out = render('csv')
    expect(out.split('\n')[0]).to.equal(
      'broker,exchange,trade_id,order_id,journal_id,symbol,side,amount,price,cost,fee,fee_currency,quote_usd,fee_usd,value_usd,executed_at,source',
    )
    const {rows} = records(out)
    expect(rows.map((r) => r.trade_id)).to.deep.equal([
      't-1001',
      't-1002',
      't-1003',
      't-1004',
      't-1005',
      'TQ5ZLW-ABCDE-FGHIJ',
      't-1007',
      't-1008',
    ])
    const byId = new Map(FILLS.map((f) => [f.trade_id, f]))
    for (const r of rows) {
      const f = byId.get(r.trade_id)
      if (!f) throw new Error(`no fill ${r.trade_id}`)
      expect(r, r.trade_id).to.include({
        broker: f.broker,
        exchange: exchangeOf(f.broker),
        order_id: f.order_id ?? '',
        journal_id: String(f.trade_row),
        symbol: f.symbol,
        side: f.side,
        price: f.price,
        cost: f.cost,
        fee: f.fee ?? '',
        fee_currency: f.fee_currency ?? '',
        quote_usd: f.quote_usd ?? '',
        fee_usd: f.fee_usd ?? '',
        executed_at: f.executed_at,
        source: f.source,
      })
      for (const k of ['amount', 'price', 'cost', 'fee', 'quote_usd', 'fee_usd', 'value_usd'])
        if (r[k] !== '') expect(r[k], `${r.trade_id} ${k}`).to.match(EXACT)
    }

    const value = Object.fromEntries(rows.map((r) => [r.trade_id, [r.amount, r.value_usd]]))
    expect(value['t-1001']).to.deep.equal(['0.5', '13955.19'])
    expect(value['t-1005']).to.deep.equal(['1.5', '2612.26161'])
    expect(value['t-1007']).to.deep.equal(['0.00000001', '0.0003'])
    expect(value['TQ5ZLW-ABCDE-FGHIJ']).to.deep.equal(['1000', ''])
  })

  it('neutralises a cell a spreadsheet would run as a formula, and still quotes what needs it', () => {
    const hostile = fill({
      id: 9,
      broker: '=cmd',
      trade_id: '=HYPERLINK("http://x", "a, b")',
      symbol: 'BTC/USDT',
      side: 'buy',
      amount: '1',
      price: '2',
      cost: '2',
    })
    const exchange = () => '@SUM(A1)'
    const koinly = records(renderTaxExport('koinly', [hostile], exchange)).rows[0]
    expect(koinly.TxHash).to.equal(`'=HYPERLINK("http://x", "a, b")`)
    expect(koinly.Description).to.equal('tradedesk =cmd BTC/USDT buy order o-509')

    const ct = records(renderTaxExport('cointracking', [hostile], exchange)).rows[0]
    expect([ct.Exchange, ct['Trade-Group'], ct.Comment]).to.deep.equal([
      "'@SUM(A1)",
      "'=cmd",
      `'=HYPERLINK("http://x", "a, b")`,
    ])

    const csv = renderTaxExport('csv', [hostile], exchange)
    expect(csv.split('\n')[1]).to.match(/^'=cmd,'@SUM\(A1\),"'=HYPERLINK\(""http:\/\/x"", ""a, b""\)",/)
    expect(records(csv).rows[0].broker).to.equal("'=cmd")
  })

  it('an empty list: the header alone', () => {
    for (const format of TAX_FORMATS)
      expect(renderTaxExport(format, [], exchangeOf), format).to.equal(golden(format).split('\n')[0])
  })

  it('refuses a fee in no stated currency rather than drop it from a tax file', () => {
    const odd = fill({id: 9, symbol: 'BTC/USDT', side: 'buy', amount: '1', price: '2', cost: '2', fee: '0.1'})
    for (const format of ['koinly', 'cointracking'] as const)
      expect(() => renderTaxExport(format, [odd], exchangeOf), format).to.throw(/t-1009.*no stated currency/)
  })
})
