import {expect} from 'chai'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  SYMBOLS_KEYS,
  dbState,
  defined,
  expectHuman,
  expectHumanError,
  expectJsonError,
  market,
  tickers,
  tradableSymbols,
  untradableSymbols,
} from '../support/e2e.js'
import type {ErrorJson, SymbolsJson} from '../support/json.js'

/** Tradable snapshot symbols quoted in one of quotes (all when null), matching search. */
function expected(quotes: string[] | null, search?: string): string[] {
  return tradableSymbols()
    .filter((s) => !quotes || quotes.includes(s.split('/')[1]))
    .filter((s) => !search || s.toUpperCase().includes(search.toUpperCase()))
}

function expectPage(json: SymbolsJson, page: number, pageSize: number): void {
  expect(json).to.have.all.keys(SYMBOLS_KEYS)
  expect(json.broker).to.equal('paper')
  expect(json.symbols).to.be.an('array')
  for (const s of json.symbols) expect(s).to.be.a('string')
  expect(json.total).to.be.a('number')
  expect(json.page).to.equal(page)
  expect(json.page_size).to.equal(pageSize)
  expect(json.has_next).to.be.a('boolean')
  expect(json.has_next).to.equal(page * pageSize < json.total)
  expect(json.symbols.length).to.equal(Math.max(0, Math.min(pageSize, json.total - (page - 1) * pageSize)))
}

describe('symbols (paper)', () => {
  const cli = new Cli(tempHome())
  const usdt = expected(['USDT'])

  it('default: USDT markets, page 1 of 100, has_next, total = every tradable USDT market', async () => {
    const json = await cli.ok<SymbolsJson>(['symbols'])
    expectPage(json, 1, 100)
    expect(json.total).to.equal(usdt.length)
    expect(json.has_next).to.equal(true)
    for (const s of json.symbols) expect(s.endsWith('/USDT'), s).to.equal(true)
    expect(usdt).to.include.members(json.symbols)
  })

  it('paging through every page gives each USDT market exactly once; --usdt is the default', async () => {
    const [p1, p2, p3, explicit, beyond] = await Promise.all([
      cli.ok<SymbolsJson>(['symbols', '--page-size', '150']),
      cli.ok<SymbolsJson>(['symbols', '--page-size', '150', '--page', '2']),
      cli.ok<SymbolsJson>(['symbols', '--page-size', '150', '--page', '3']),
      cli.ok<SymbolsJson>(['symbols', '--usdt', '--page-size', '5000']),
      cli.ok<SymbolsJson>(['symbols', '--page', '99']),
    ])
    expectPage(p1, 1, 150)
    expectPage(p2, 2, 150)
    expectPage(p3, 3, 150)
    expect([p1.has_next, p2.has_next, p3.has_next]).to.deep.equal([true, true, false])
    const all = [...p1.symbols, ...p2.symbols, ...p3.symbols]
    expect(new Set(all).size, 'no duplicates across pages').to.equal(all.length)
    expect(all).to.have.members(usdt)
    expect(explicit.symbols).to.have.members(usdt)
    expectPage(beyond, 99, 100)
    expect(beyond.symbols).to.deep.equal([])
  })

  it('--usdc, --quote X repeated (case-insensitive), and both together', async () => {
    const [usdc, quotes, both] = await Promise.all([
      cli.ok<SymbolsJson>(['symbols', '--usdc']),
      cli.ok<SymbolsJson>(['symbols', '--quote', 'btc', '--quote', 'ETH', '--page-size', '5000']),
      cli.ok<SymbolsJson>(['symbols', '--usdc', '--quote', 'BTC', '--page-size', '5000']),
    ])
    expect(usdc.symbols).to.have.members(expected(['USDC']))
    expect(usdc.total).to.equal(expected(['USDC']).length)
    expect(quotes.symbols).to.have.members(expected(['BTC', 'ETH']))
    expect(quotes.total).to.equal(expected(['BTC', 'ETH']).length)
    expect(both.symbols).to.have.members(expected(['USDC', 'BTC']))
  })

  it('--all: every tradable market, no inactive one', async () => {
    const json = await cli.ok<SymbolsJson>(['symbols', '--all', '--page-size', '5000'])
    expect(json.total).to.equal(expected(null).length)
    expect(json.symbols).to.have.members(expected(null))
    expect(json.symbols, 'a BREAK market is not tradable').to.not.include(market('BCC/USDT').symbol)
  })

  it('--search is a case-insensitive substring, with or without --all', async () => {
    const [usdtBtc, allBtc, arb] = await Promise.all([
      cli.ok<SymbolsJson>(['symbols', '--search', 'bTc']),
      cli.ok<SymbolsJson>(['symbols', '--all', '--search', 'btc', '--page-size', '5000']),
      cli.ok<SymbolsJson>(['symbols', '--search', 'arb']),
    ])
    expect(usdtBtc.symbols).to.have.members(expected(['USDT'], 'BTC'))
    expect(allBtc.symbols).to.have.members(expected(null, 'BTC'))
    expect(allBtc.total).to.equal(expected(null, 'BTC').length)
    expect(arb.symbols, 'ARB/USDT has no price in the snapshot: it cannot be traded').to.not.include('ARB/USDT')
    expect(arb.inactive, 'and is counted as left out').to.be.greaterThan(0)
    expect(arb.total + arb.inactive).to.equal(arb.symbols.length + arb.inactive)
  })

  it('markets that cannot be traded are left out with a count, never listed silently', async () => {
    const json = await cli.ok<SymbolsJson>(['symbols', '--all', '--page-size', '5000'])
    expect(json.inactive).to.equal(untradableSymbols().length)
    expect(json.total + json.inactive).to.equal(tradableSymbols().length + untradableSymbols().length)
    expect(expectHuman(await cli.run(['symbols', '--search', 'arb']), 'symbols --search arb')).to.match(
      /\d+ more match but cannot be traded now/,
    )
  })

  it('a market with no price in the snapshot is not listed, and price and trade refuse it clearly', async () => {
    expect(tickers().has('ARBUSDT'), 'ARBUSDT has no ticker in the snapshot').to.equal(false)
    const state = await dbState(cli.home)
    const [price, priceJson, trade] = await Promise.all([
      cli.run(['price', 'ARB/USDT']),
      cli.json<ErrorJson>(['price', 'ARB/USDT']),
      cli.run(['trade', 'buy', 'ARB/USDT', '--quantity', '100', '--yes']),
    ])
    expect(price.code, 'price of an unpriced market fails').to.not.equal(0)
    expect(price.code, 'not an internal error').to.not.equal(1)
    expect(price.stderr).to.match(/ARB\/USDT/)
    expect(price.stderr).to.match(/price/i)
    expectJsonError(priceJson, defined(price.code, 'the exit code of price'), 'price ARB/USDT --json')
    expect(expectHumanError(trade, 3, 'trade ARB/USDT')).to.match(/ARB\/USDT/)
    expect(await dbState(cli.home)).to.deep.equal(state)
  })

  it('human output: symbols in columns and a footer with the count and the next page', async () => {
    const out = expectHuman(await cli.run(['symbols']), 'symbols')
    expect(out).to.include('BTC/USDT')
    expect(out).to.include(String(usdt.length))
    expect(out).to.match(/--page 2/)
    expect(out.split('\n').every((l) => l.length <= 80)).to.equal(true)
    expect(expectHuman(await cli.run(['symbols', '--search', 'zzzzzz']), 'no match')).to.match(/no symbols/i)
  })

  it('bad paging and conflicting flags exit 2', async () => {
    const cases = [
      ['--page', '0'],
      ['--page-size', '0'],
      ['--page', 'x'],
      ['--all', '--usdc'],
    ]
    const results = await Promise.all(cases.map((c) => cli.json<ErrorJson>(['symbols', ...c])))
    results.forEach((r, i) => expectJsonError(r, 2, `symbols ${cases[i].join(' ')}`))
  })
})
