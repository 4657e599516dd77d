/**
 * The bad-input matrix for trade AND validate: every case gets the SPEC's exit code (2 usage,
 * 3 invalid), a clear message (stderr, the --json envelope, or validate's errors), and sends and
 * records nothing: no journal row, no paper order, balances unchanged.
 */
import {expect} from 'chai'

import {tempHome} from '../support/cli.js'
import {
  Cli,
  VALIDATION_CODES,
  dbState,
  expectHumanError,
  expectJsonError,
  expectNoStackTrace,
  expectValidationJson,
} from '../support/e2e.js'
import type {BalanceJson, ErrorJson, HistoryJson, ValidationJson} from '../support/json.js'

interface Case {
  name: string
  /** arguments after the command name */
  args: string[]
  /** exit code of trade and validate */
  code: 2 | 3
  /**
   * trade's exit code when it may differ: a missing piece of the order is, for trade, also a missing
   * flag with no terminal to ask for it (SPEC: exit 2), while validate reports the failed rule (exit 3)
   */
  tradeCodes?: number[]
  /** what the message must mention */
  mention: RegExp
  /** the validation code validate must report (exit 3 cases) */
  validationCode?: string
  /** add --yes to trade (default true) */
  yes?: boolean
  /** validate does not apply (trade-only case) */
  tradeOnly?: boolean
}

const order = (...size: string[]) => ['buy', 'BTC/USDT', ...size]
const tradeArgs = (c: Case) => ['trade', ...c.args, ...(c.yes === false ? [] : ['--yes'])]

const cases: Case[] = [
  ...['-1', 'NaN', '1e309', 'abc', '0x10', 'Infinity', '', '٣', '１２', '1'.repeat(41)].map((q): Case => ({
    name: `--quantity "${q}"`,
    args: order('--quantity', q),
    code: 2,
    mention: /quantity/i,
  })),
  {
    name: '--quantity of 40 digits',
    args: order('--quantity', '9'.repeat(40)),
    code: 3,
    mention: /AMOUNT_TOO_LARGE|quantity/i,
    validationCode: 'AMOUNT_TOO_LARGE',
  },
  ...['NaN', 'Infinity', '1e309', '0x10', '', '٣', '-0'].map((p): Case => ({
    name: `limit --price "${p}"`,
    args: order('--quantity', '0.001', '--type', 'limit', '--price', p),
    code: 2,
    mention: /price/i,
  })),
  {
    name: 'limit --price 0',
    args: order('--quantity', '0.001', '--type', 'limit', '--price', '0'),
    code: 3,
    mention: /PRICE_OUT_OF_RANGE|price/i,
    validationCode: 'PRICE_OUT_OF_RANGE',
  },
  {
    name: '--quantity 0',
    args: order('--quantity', '0'),
    code: 3,
    mention: /AMOUNT_TOO_SMALL|quantity/i,
    validationCode: 'AMOUNT_TOO_SMALL',
  },
  {name: '--usd 1e309', args: order('--usd', '1e309'), code: 2, mention: /usd/i},
  {name: '--percent 150', args: order('--percent', '150'), code: 2, mention: /percent/i},
  {
    name: 'limit --price -5',
    args: order('--quantity', '0.001', '--type', 'limit', '--price', '-5'),
    code: 2,
    mention: /price/i,
  },
  {
    name: 'unknown symbol',
    args: ['buy', 'FOO/USDT', '--quantity', '1'],
    code: 3,
    mention: /FOO\/USDT/,
    validationCode: 'UNKNOWN_SYMBOL',
  },
  {name: 'unknown broker', args: order('--quantity', '0.001', '--broker', 'ghost'), code: 2, mention: /ghost/},
  {
    name: 'limit without --price',
    args: order('--quantity', '0.001', '--type', 'limit'),
    code: 3,
    mention: /price/i,
    validationCode: 'PRICE_REQUIRED',
  },
  {
    name: '--price with a market order',
    args: order('--quantity', '0.001', '--price', '20000'),
    code: 2,
    mention: /price/i,
  },
  {name: '--quantity and --usd', args: order('--quantity', '0.001', '--usd', '10'), code: 2, mention: /quantity|usd/i},
  {name: 'no size', args: order(), code: 2, mention: /quantity|usd|percent/i},
  {name: 'side hold', args: ['hold', 'BTC/USDT', '--quantity', '0.001'], code: 2, mention: /hold|side|buy/i},
  {
    name: 'no terminal, no --yes',
    args: order('--quantity', '0.001'),
    code: 2,
    mention: /--yes/,
    yes: false,
    tradeOnly: true,
  },
]

describe('bad input: trade and validate (paper)', () => {
  const cli = new Cli(tempHome())
  let startHistory: HistoryJson
  let startBalance: BalanceJson

  before(async () => {
    startHistory = await cli.ok<HistoryJson>(['history'])
    startBalance = await cli.ok<BalanceJson>(['balance', '--all'])
    expect(startHistory.trades).to.deep.equal([])
  })

  for (const c of cases) {
    it(`${c.name}: exit ${String(c.code)}, a clear message, nothing sent or recorded`, async () => {
      const before = await dbState(cli.home)
      const [tradeJson, validateJson] = await Promise.all([
        cli.json<ErrorJson>(tradeArgs(c)),
        // exit 3: validate's own JSON (narrowed by expectValidationJson below); otherwise the error envelope
        c.tradeOnly ? Promise.resolve(null) : cli.json<ValidationJson | ErrorJson>(['validate', ...c.args]),
      ])

      const tradeCode = tradeJson.code !== null && c.tradeCodes?.includes(tradeJson.code) ? tradeJson.code : c.code
      const err = expectJsonError(tradeJson, tradeCode, `trade ${c.name} --json`)
      expect(err.message, `trade ${c.name} --json message`).to.match(c.mention)
      if (c.validationCode && tradeCode === 3) expect(err.message).to.include(c.validationCode)

      if (validateJson) {
        if (c.code === 3) {
          // validate reports the failing rules in its own JSON, and exits 3
          expect(validateJson.code, `validate ${c.name} exit code`).to.equal(3)
          expectValidationJson(validateJson.json)
          expect(validateJson.json.valid).to.equal(false)
          const codes = validateJson.json.errors.map((e) => e.code)
          expect(codes).to.include(c.validationCode)
          for (const code of codes) expect(VALIDATION_CODES).to.include(code)
          expect(validateJson.json.errors.map((e) => e.message).join(' ')).to.match(c.mention)
        } else {
          const verr = expectJsonError(validateJson, c.code, `validate ${c.name} --json`)
          expect(verr.message, `validate ${c.name} --json message`).to.match(c.mention)
        }

        expectNoStackTrace(validateJson.stdout + validateJson.stderr, `validate ${c.name}`)
      }

      expect(await dbState(cli.home), `${c.name}: nothing recorded, balances unchanged`).to.deep.equal(before)
    })
  }

  it('trade without --json: the same exit codes, the message on stderr, nothing on stdout', async () => {
    const before = await dbState(cli.home)
    const picks = cases.filter((c) =>
      [
        '--quantity "-1"',
        '--quantity "1e309"',
        '--quantity 0',
        'unknown symbol',
        'unknown broker',
        'limit without --price',
        '--quantity and --usd',
        'no terminal, no --yes',
      ].includes(c.name),
    )
    expect(picks).to.have.length(8)
    const results = await Promise.all(picks.map((c) => cli.run(tradeArgs(c))))
    results.forEach((r, i) => {
      const c = picks[i]
      const code = r.code !== null && c.tradeCodes?.includes(r.code) ? r.code : c.code
      expect(expectHumanError(r, code, `trade ${c.name}`), `trade ${c.name} stderr`).to.match(c.mention)
      expect(r.stdout, `trade ${c.name}: nothing on stdout`).to.equal('')
    })
    expect(await dbState(cli.home)).to.deep.equal(before)
  })

  it('after the whole matrix: no journal row and the same balances (history --json, balance --json)', async () => {
    const [history, balance] = await Promise.all([
      cli.ok<HistoryJson>(['history']),
      cli.ok<BalanceJson>(['balance', '--all']),
    ])
    expect(history).to.deep.equal(startHistory)
    expect(history.trades).to.deep.equal([])
    expect(balance).to.deep.equal(startBalance)
  })
})
