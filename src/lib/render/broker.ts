import {type Broker, PAPER, pricesOf} from '../brokers.js'
import {type CredentialStatus, describeMissing} from '../credentials.js'
import {type LimitsView, limitsView} from '../limits.js'
import type {Ui} from '../ui.js'

/**
 * A broker as the SPEC shows it: never a secret, never an option value that could hold one; `prices`
 * says which market a paper broker trades on (null for the others).
 */
export function brokerView(b: Broker): {
  name: string
  exchange: string
  sandbox: boolean
  default: boolean
  prices: string | null
} {
  return {name: b.name, exchange: b.exchange, sandbox: b.sandbox, default: b.isDefault, prices: pricesOf(b)}
}

/** What the exchange requires and what is still to set, in words. */
export function renderCredentials(broker: string, exchange: string, statuses: CredentialStatus[]): string {
  if (statuses.some((s) => !s.present)) return `Credentials: ${describeMissing(broker, exchange, statuses)}.`
  return `Credentials: ${exchange} requires ${statuses.map((s) => s.key).join(', ')}; all are set.`
}

export type BrokerView = ReturnType<typeof brokerView>

/** A broker as `broker list` shows it: with its guardrails (nulls where unset). */
export function brokerListView(b: Broker): BrokerView & {limits: LimitsView} {
  return {...brokerView(b), limits: limitsView(b.limits)}
}

export function renderBrokers(d: {brokers: ReturnType<typeof brokerListView>[]}, ui: Ui): string {
  return ui.table(
    ['Name', 'Exchange', 'Sandbox', 'Default', 'Prices', 'Limits'],
    d.brokers.map((b) => [
      b.name,
      b.exchange,
      b.sandbox ? 'yes' : '',
      b.default ? ui.green('*') : '',
      b.prices ?? '',
      describeLimits(b.limits).join('; '),
    ]),
  )
}

/** The limits in words, one phrase per limit set: "order <= 500 USD", "day <= 2000 USD (buys)"... */
function describeLimits(l: LimitsView): string[] {
  return [
    l.max_order_usd !== null && `order <= ${l.max_order_usd} USD`,
    l.daily_usd !== null && `buys/day <= ${l.daily_usd} USD`,
    l.symbols !== null && `only ${l.symbols.join(', ')}`,
    l.max_deviation_pct !== null && `price within ${l.max_deviation_pct}% of last`,
  ].filter((p): p is string => typeof p === 'string')
}

export function renderLimits(d: {broker: string; limits: LimitsView}, ui: Ui): string {
  const l = d.limits
  const none = 'none'
  return [
    `Limits of broker ${d.broker}:`,
    ui.pairs([
      ['max order', l.max_order_usd === null ? none : `${l.max_order_usd} USD`],
      ['daily buys', l.daily_usd === null ? none : `${l.daily_usd} USD per UTC day`],
      ['symbols', l.symbols === null ? 'any' : l.symbols.join(', ')],
      ['max deviation', l.max_deviation_pct === null ? none : `${l.max_deviation_pct}% from the last price`],
    ]),
  ].join('\n')
}

export function renderAdded(d: BrokerView & {credentials: CredentialStatus[]}): string {
  const added = `Added broker ${d.name} (${d.exchange}${d.sandbox ? ', sandbox' : ''})${d.default ? ', now the default' : ''}.`
  return d.exchange === PAPER
    ? `${added} Prices: ${d.prices ?? ''}; no keys needed.`
    : `${added}\n${renderCredentials(d.name, d.exchange, d.credentials)}`
}

export function renderUpdated(d: BrokerView): string {
  return `Broker ${d.name} (${d.exchange}${d.sandbox ? ', sandbox' : ''}) updated.`
}

export function renderDefault(d: BrokerView): string {
  return `${d.name} is now the default broker.`
}

export function renderRemoved(d: {removed: BrokerView}): string {
  return `Removed broker ${d.removed.name}. Its trades stay in the journal.`
}

export function renderBrokerTest(d: {broker: string; exchange: string; assets: number}, ui: Ui): string {
  return `${ui.green('ok')}: ${d.broker} (${d.exchange}) answered a balance request (${String(d.assets)} assets).`
}
