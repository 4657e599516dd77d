import {str} from '../decimal.js'
import {usageError} from '../errors.js'
import type {Tx} from '../store.js'

/**
 * A paper account's own tables (balances, orders, fills), opened and closed with its broker: the
 * one module that writes them outside the paper exchange itself. It imports nothing of the
 * exchange, so the broker service can use it without the market data.
 */

/** What a paper broker starts with when no --balance is given. */
export const PAPER_DEFAULT_BALANCES: Record<string, string> = {USDT: '10000'}

/** Gives a new paper account its starting balances (the defaults when none are given). */
export async function openPaperAccount(tx: Tx, brokerId: number, balances: Record<string, string> = {}): Promise<void> {
  const start = Object.keys(balances).length > 0 ? balances : PAPER_DEFAULT_BALANCES
  for (const [asset, amount] of Object.entries(start)) {
    await tx('paper_balances').insert({broker_id: brokerId, asset, free: str(amount), used: '0'})
  }
}

/** Deletes a paper account's simulated state; the journal of its trades stays. */
export async function closePaperAccount(tx: Tx, brokerId: number): Promise<void> {
  await tx('paper_balances').where({broker_id: brokerId}).delete()
  await tx('paper_orders').where({broker_id: brokerId}).delete()
  await tx('paper_fills').where({broker_id: brokerId}).delete()
  await tx('paper_prices').where({broker_id: brokerId}).delete()
}

/** --balance ASSET=AMOUNT flags as starting balances; an asset given twice is refused. */
export function parseBalanceFlag(values: string[]): Record<string, string> {
  const balances: Record<string, string> = {}
  for (const v of values) {
    const m = /^([A-Za-z0-9]{1,20})=(\d+(?:\.\d+)?)$/.exec(v.trim())
    if (!m) throw usageError(`--balance takes ASSET=AMOUNT, e.g. USDT=10000 (got "${v}")`)
    const asset = m[1].toUpperCase()
    if (asset in balances)
      throw usageError(`--balance ${asset} is given twice (${balances[asset]} and ${str(m[2])}): give each asset once`)
    balances[asset] = str(m[2])
  }

  return balances
}
