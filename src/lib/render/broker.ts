import type {Broker} from '../brokers.js'

/** A broker as the SPEC shows it: never a secret, never an option value that could hold one. */
export function brokerView(b: Broker): {name: string; exchange: string; sandbox: boolean; default: boolean} {
  return {name: b.name, exchange: b.exchange, sandbox: b.sandbox, default: b.isDefault}
}
