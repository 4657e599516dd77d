import {CAPABILITY_GROUPS, type ExchangeInfo} from '../capabilities.js'
import type {Ui} from '../ui.js'

export function renderExchangeInfo(i: ExchangeInfo, ui: Ui): string {
  const mark = (v: boolean) => (v ? ui.green('yes') : ui.dim('no'))
  const sections = CAPABILITY_GROUPS.map(
    ([title, keys]) =>
      `${ui.bold(title)}\n${ui.pairs(keys.map((k) => [`  ${k.replaceAll('_', ' ')}`, mark(i[k] as boolean)]))}`,
  )
  const head = ui.pairs([
    ['exchange', `${i.name} (${i.exchange})`],
    ['rate limit', i.rate_limit === null ? null : `${String(i.rate_limit)} ms between requests`],
  ])
  const raw = i.raw_has
    ? `\n${ui.bold('Raw has')}\n${ui.pairs(Object.entries(i.raw_has).map(([k, v]) => [`  ${k}`, String(v)]))}`
    : ''
  return `${head}\n\n${sections.join('\n\n')}${raw}`
}

export function renderExchangeList(d: {exchanges: string[]}): string {
  return d.exchanges.join('\n')
}
