import {expect} from 'chai'

import {tempHome} from '../support/cli.js'
import {Cli, TRADE_KEYS, expectHuman, expectJsonError, expectTradeRecord, parseCsv} from '../support/e2e.js'
import type {ErrorJson, HistoryJson, TradeJson} from '../support/json.js'

const ids = (trades: TradeJson[]) => trades.map((t) => t.id)

/** The calendar day (UTC) of an ISO instant, shifted by days. */
function day(iso: string, shift = 0): string {
  return new Date(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') + shift * 86_400_000).toISOString().slice(0, 10)
}

describe('history (paper)', () => {
  const cli = new Cli(tempHome())
  // t1 buy BTC (filled), t2 sell BTC (filled), t3 buy ETH limit (open), t4 buy ETH (filled): oldest first
  const t: TradeJson[] = []

  before(async () => {
    await cli.ok(['broker', 'add', 'h', '--exchange', 'paper', '--default'])
    t.push(await cli.trade(['buy', 'BTC/USDT', '--quantity', '0.001', '--note', 'dip, "first" buy']))
    t.push(await cli.trade(['sell', 'BTC/USDT', '--quantity', '0.0005']))
    t.push(await cli.trade(['buy', 'ETH/USDT', '--type', 'limit', '--price', '1000', '--quantity', '0.01']))
    t.push(await cli.trade(['buy', 'ETH/USDT', '--quantity', '0.01']))
    for (let i = 1; i < t.length; i++)
      expect(t[i].created_at > t[i - 1].created_at, 'distinct creation times').to.equal(true)
  })

  it('--json: {"trades": [...]} newest first, each a full trade record equal to what trade returned', async () => {
    const json = await cli.ok<HistoryJson>(['history'])
    expect(json).to.have.all.keys('trades')
    expect(ids(json.trades)).to.deep.equal(ids([...t].reverse()))
    for (const r of json.trades) {
      expectTradeRecord(r)
      expect(r).to.deep.equal(t.find((x) => x.id === r.id))
    }
  })

  it('--symbol (case-insensitive), --side, --status filter', async () => {
    const [bySymbol, lower, bySide, byStatus, combined] = await Promise.all([
      cli.history(['--symbol', 'BTC/USDT']),
      cli.history(['--symbol', 'eth/usdt']),
      cli.history(['--side', 'sell']),
      cli.history(['--status', 'open']),
      cli.history(['--symbol', 'ETH/USDT', '--status', 'filled']),
    ])
    expect(ids(bySymbol)).to.deep.equal([t[1].id, t[0].id])
    expect(ids(lower)).to.deep.equal([t[3].id, t[2].id])
    expect(ids(bySide)).to.deep.equal([t[1].id])
    expect(ids(byStatus)).to.deep.equal([t[2].id])
    expect(ids(combined)).to.deep.equal([t[3].id])
  })

  it('--since (inclusive) and --until (exclusive) ISO instants', async () => {
    const [since, until, between] = await Promise.all([
      cli.history(['--since', t[2].created_at]),
      cli.history(['--until', t[2].created_at]),
      cli.history(['--since', t[1].created_at, '--until', t[3].created_at]),
    ])
    expect(ids(since)).to.deep.equal([t[3].id, t[2].id])
    expect(ids(until)).to.deep.equal([t[1].id, t[0].id])
    expect(ids(between)).to.deep.equal([t[2].id, t[1].id])
  })

  it('--since / --until dates: --until DAY covers that whole day', async () => {
    const [untilToday, sinceTomorrow, untilYesterday, sinceFirstDay] = await Promise.all([
      cli.history(['--until', day(t[3].created_at)]),
      cli.history(['--since', day(t[3].created_at, 1)]),
      cli.history(['--until', day(t[0].created_at, -1)]),
      cli.history(['--since', day(t[0].created_at)]),
    ])
    expect(ids(untilToday)).to.have.members(ids(t))
    expect(sinceTomorrow).to.deep.equal([])
    expect(untilYesterday).to.deep.equal([])
    expect(ids(sinceFirstDay)).to.have.members(ids(t))
  })

  it('--limit N keeps the N newest', async () => {
    expect(ids(await cli.history(['--limit', '2']))).to.deep.equal([t[3].id, t[2].id])
  })

  it('bad filters exit 2 with a message', async () => {
    const cases = [
      ['--since', 'yesterday'],
      ['--until', '31/01/2026'],
      ['--limit', '0'],
      ['--status', 'done'],
      ['--side', 'hold'],
    ]
    const results = await Promise.all(cases.map((c) => cli.json<ErrorJson>(['history', ...c])))
    results.forEach((r, i) => expectJsonError(r, 2, `history ${cases[i].join(' ')}`))
  })

  it('an impossible date (2026-02-30) is refused with exit 2, not read as another day', async () => {
    expectJsonError(await cli.json<ErrorJson>(['history', '--since', '2026-02-30']), 2, 'history --since 2026-02-30')
  })

  it('history show ID: one trade record, JSON and text', async () => {
    const [json, human] = await Promise.all([
      cli.ok<TradeJson>(['history', 'show', String(t[0].id)]),
      cli.run(['history', 'show', String(t[0].id)]),
    ])
    expectTradeRecord(json)
    expect(json).to.deep.equal(t[0])
    const out = expectHuman(human, 'history show')
    expect(out).to.include(t[0].client_order_id)
    expect(out).to.include('BTC/USDT')
    expect(out).to.include(t[0].filled_price)
  })

  it('history show with an unknown or malformed id fails with exit 2 and a message', async () => {
    const [unknown, malformed, human] = await Promise.all([
      cli.json<ErrorJson>(['history', 'show', '424242']),
      cli.json<ErrorJson>(['history', 'show', 'x1']),
      cli.run(['history', 'show', '424242']),
    ])
    expect(expectJsonError(unknown, 2, 'history show 424242').message).to.include('424242')
    expectJsonError(malformed, 2, 'history show x1')
    expect(human.code).to.equal(2)
    expect(human.stderr).to.include('424242')
  })

  it('--csv: a header with the trade record fields and one parseable row per trade', async () => {
    const r = await cli.run(['history', '--csv'])
    expect(r.code).to.equal(0)
    const rows = parseCsv(r.stdout)
    expect(rows[0]).to.deep.equal(TRADE_KEYS)
    expect(rows).to.have.length(t.length + 1)
    const expected = [...t].reverse()
    rows.slice(1).forEach((row, i) => {
      expect(row).to.have.length(TRADE_KEYS.length)
      const rec = Object.fromEntries(TRADE_KEYS.map((k, j) => [k, row[j]]))
      for (const k of TRADE_KEYS) {
        const v = expected[i][k as keyof TradeJson]
        expect(rec[k], `row ${String(i + 1)} ${k}`).to.equal(v === null ? '' : String(v))
      }
    })
    expect(rows[t.length][TRADE_KEYS.indexOf('notes')], 'a note with a comma and quotes survives').to.equal(
      'dip, "first" buy',
    )
  })

  it('--csv honours the filters', async () => {
    const r = await cli.run(['history', '--csv', '--side', 'sell'])
    const rows = parseCsv(r.stdout)
    expect(rows).to.have.length(2)
    expect(rows[1][0]).to.equal(String(t[1].id))
  })

  it('human: a table, newest first, no color when piped', async () => {
    const out = expectHuman(await cli.run(['history']), 'history')
    const lines = out.trim().split('\n')
    expect(lines[0]).to.match(/^ID\s/)
    const rowIds = lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[0]))
    expect(rowIds).to.deep.equal(ids([...t].reverse()))
  })

  it('an empty journal: {"trades": []} and a text saying so', async () => {
    const other = new Cli(tempHome())
    const [json, human] = await Promise.all([other.ok<HistoryJson>(['history']), other.run(['history'])])
    expect(json).to.deep.equal({trades: []})
    expect(expectHuman(human, 'empty history')).to.match(/no trades/i)
  })
})
