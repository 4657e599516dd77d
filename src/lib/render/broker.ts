import type {Broker} from '../brokers.js'
import {type CredentialStatus, describeMissing} from '../credentials.js'

/** A broker as the SPEC shows it: never a secret, never an option value that could hold one. */
export function brokerView(b: Broker): {name: string; exchange: string; sandbox: boolean; default: boolean} {
  return {name: b.name, exchange: b.exchange, sandbox: b.sandbox, default: b.isDefault}
}

/** What the exchange requires and what is still to set, in words. */
export function renderCredentials(broker: string, exchange: string, statuses: CredentialStatus[]): string {
  if (statuses.some((s) => !s.present)) return `Credentials: ${describeMissing(broker, exchange, statuses)}.`
  return `Credentials: ${exchange} requires ${statuses.map((s) => s.key).join(', ')}; all are set.`
}
