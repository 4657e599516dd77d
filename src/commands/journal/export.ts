import {PAPER} from '../../lib/brokers.js'
import {defineCommand, result} from '../../lib/cli/spec.js'
import {parsePeriod, periodFlags} from '../../lib/history.js'
import {fillView, renderTaxExport, TAX_FORMATS, type TaxFormat} from '../../lib/render/tax-export.js'

export default defineCommand({
  summary: 'Every fill of the profile as CSV for tax software: Koinly, CoinTracking, or plain.',
  description:
    "Writes the fills (tradedesk's orders and imported trades) oldest first, with exact decimals and UTC dates, in the header and formats the tax tool documents. Every broker of the profile except paper ones (simulated trades are not taxable) unless --broker names one.",
  examples: [
    'journal export --format koinly > koinly.csv',
    'journal export --format cointracking --since 2026-01-01 --until 2026-12-31 > cointracking.csv',
    'journal export --format csv --broker binance',
  ],
  flags: {
    format: {
      type: 'string',
      description: 'The CSV layout.',
      options: TAX_FORMATS,
      required: true,
    },
    ...periodFlags('Fills'),
  },
  args: {},
  fast: true,
  async run({flags, session: open}) {
    const {since, until} = parsePeriod(flags)
    const session = await open()
    const brokers = flags.broker
      ? [await session.broker(flags.broker)]
      : (await session.brokers.list()).filter((b) => b.exchange !== PAPER)
    const exchanges = new Map(brokers.map((b) => [b.name, b.exchange]))
    const fills = await session.journal.fills.list({brokers: [...exchanges.keys()], since, until})
    const format = flags.format as TaxFormat
    const exchangeOf = (broker: string) => exchanges.get(broker) ?? broker
    const csv = renderTaxExport(format, fills, exchangeOf)
    return result({format, fills: fills.map((f) => fillView(f, exchangeOf(f.broker)))}, () => csv)
  },
})
