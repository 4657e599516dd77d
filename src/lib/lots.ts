import {Decimal, ZERO, str} from './decimal.js'
import {usageError} from './errors.js'
import type {Side} from './exchange/types.js'
import type {FillRecord} from './fills.js'
import {isUsdStable} from './usd.js'

/**
 * The lots engine: realized P&L and open lots from the journal's fills, in USD, by FIFO or by
 * weighted average cost. Pure functions, no I/O.
 *
 * Every fill of BASE/QUOTE acquires one asset and disposes of the other (a crypto-to-crypto trade is
 * a disposal, as tax rules treat it); a fee in a third currency disposes of that currency too. USD
 * stables are cash: they have no lots and never appear in a result. A fill whose quote has no USD
 * price (quote_usd null) is unpriced, except that a USD-stable quote is worth 1 by definition.
 *
 * Precision: FIFO multiplies and adds only, except where a ratio is unavoidable (a lot partly
 * consumed keeps cost x remaining/quantity; a fee in the base is valued at fee x cost/amount; a
 * disposal partly matched splits its proceeds by quantity). Those divisions are exact whenever the
 * ratio is a finite decimal, as exchange quantities and prices make it; otherwise they carry the
 * project's 80 significant digits. The average method divides by the pool's quantity at every
 * disposal, also at 80 digits. No output is rounded: a figure may carry up to 80 significant digits.
 * A lot or pool emptied hands over exactly what it has left, so a lot's cost is allocated in full.
 */

export type CostMethod = 'fifo' | 'average'

export interface RealizedAsset {
  asset: string
  /** every quantity disposed of in the period: matched, unmatched and unpriced */
  quantity_sold: string
  /** proceeds of the quantity matched against lots of known cost */
  proceeds_usd: string
  /** cost of the lots matched (without their fees, which are in fees_usd) */
  cost_usd: string
  /** the sales' fee share of the matched quantity plus the matched lots' fees */
  fees_usd: string
  /** proceeds_usd - cost_usd - fees_usd */
  realized_pnl_usd: string
  /** quantity disposed of with no lot left to match: never given a cost of zero */
  unmatched_quantity: string
  /** the gross proceeds of that quantity, left out of proceeds_usd and realized_pnl_usd */
  unmatched_proceeds_usd: string
}

export interface UnpricedDisposal {
  asset: string
  quantity: string
  trade_id: string
  symbol: string
  side: Side
  executed_at: string
  /** no_usd_rate: the fill had no USD price; unknown_cost: matched against lots of unknown cost;
   * fee_unpriced: a fee in a third currency with no USD value */
  reason: 'no_usd_rate' | 'unknown_cost' | 'fee_unpriced'
}

export interface RealizedPnl {
  method: CostMethod
  currency: 'USD'
  /** sorted by asset; an asset appears only when it had a disposal in the period */
  assets: RealizedAsset[]
  total_realized_pnl_usd: string
  /** in the order the disposals happened */
  unpriced: UnpricedDisposal[]
}

export interface OpenPosition {
  asset: string
  /** all lots */
  quantity: string
  known_quantity: string
  /** cost plus lot fees of the lots of known cost */
  known_cost_usd: string
  unknown_cost_quantity: string
}

export interface RealizedOptions {
  method: CostMethod
  /** ISO 8601: disposals from this instant on are reported (inclusive) */
  since?: string
  /** ISO 8601: disposals before this instant are reported (exclusive); later fills are ignored */
  until?: string
  /** report this asset only (case-insensitive) */
  asset?: string
}

/**
 * Realized P&L per asset of the disposals in [since, until). Lots are built from every fill before
 * `until`, so a disposal in the period is matched against everything acquired before it.
 */
export function realizedPnl(fills: FillRecord[], options: RealizedOptions): RealizedPnl {
  const since = options.since === undefined ? -Infinity : optionInstant(options.since, 'since')
  const until = options.until === undefined ? Infinity : optionInstant(options.until, 'until')
  const only = options.asset?.toUpperCase()
  const tallies = new Map<string, Tally>()
  const unpriced: UnpricedDisposal[] = []

  replay(fills, options.method, until, (fill, at, disposal, match) => {
    if (at < since || (only !== undefined && disposal.asset.toUpperCase() !== only)) return
    const tally = tallies.get(disposal.asset) ?? newTally()
    tallies.set(disposal.asset, tally)
    tally.quantitySold = tally.quantitySold.plus(disposal.quantity)
    const report = (quantity: Decimal, reason: UnpricedDisposal['reason']) =>
      unpriced.push({
        asset: disposal.asset,
        quantity: str(quantity),
        trade_id: fill.trade_id,
        symbol: fill.symbol,
        side: fill.side,
        executed_at: fill.executed_at,
        reason,
      })

    if (disposal.proceeds === null) {
      report(disposal.quantity, disposal.unpricedReason)
      return
    }

    const share = (value: Decimal, part: Decimal) => proRata(value, part, disposal.quantity)
    tally.proceeds = tally.proceeds.plus(share(disposal.proceeds, match.knownQuantity))
    tally.cost = tally.cost.plus(match.knownCost)
    tally.fees = tally.fees.plus(share(disposal.fee, match.knownQuantity)).plus(match.knownFee)
    tally.unmatchedQuantity = tally.unmatchedQuantity.plus(match.unmatchedQuantity)
    tally.unmatchedProceeds = tally.unmatchedProceeds.plus(share(disposal.proceeds, match.unmatchedQuantity))
    if (match.unknownQuantity.gt(0)) report(match.unknownQuantity, 'unknown_cost')
  })

  const assets = [...tallies.entries()].sort(byAsset).map(([asset, t]): RealizedAsset => {
    const realized = t.proceeds.minus(t.cost).minus(t.fees)
    return {
      asset,
      quantity_sold: str(t.quantitySold),
      proceeds_usd: str(t.proceeds),
      cost_usd: str(t.cost),
      fees_usd: str(t.fees),
      realized_pnl_usd: str(realized),
      unmatched_quantity: str(t.unmatchedQuantity),
      unmatched_proceeds_usd: str(t.unmatchedProceeds),
    }
  })
  const total = assets.reduce((sum, a) => sum.plus(a.realized_pnl_usd), ZERO)
  return {method: options.method, currency: 'USD', assets, total_realized_pnl_usd: str(total), unpriced}
}

/** The lots left after every fill, per asset (sorted by asset; assets holding nothing are left out). */
export function openPositions(fills: FillRecord[], method: CostMethod): Map<string, OpenPosition> {
  const book = replay(fills, method, Infinity, () => undefined)
  return new Map(book.positions().map((p) => [p.asset, p]))
}

interface Tally {
  quantitySold: Decimal
  proceeds: Decimal
  cost: Decimal
  fees: Decimal
  unmatchedQuantity: Decimal
  unmatchedProceeds: Decimal
}

const newTally = (): Tally => ({
  quantitySold: ZERO,
  proceeds: ZERO,
  cost: ZERO,
  fees: ZERO,
  unmatchedQuantity: ZERO,
  unmatchedProceeds: ZERO,
})

/** An asset received: cost null when unknown (its fee is then unknown too and kept as zero). */
interface Acquisition {
  asset: string
  quantity: Decimal
  cost: Decimal | null
  fee: Decimal
}

/** An asset given up: proceeds null when unknown, and then why. */
interface Disposal {
  asset: string
  quantity: Decimal
  proceeds: Decimal | null
  /** the sale's fee in USD (zero when unknown) */
  fee: Decimal
  unpricedReason: 'no_usd_rate' | 'fee_unpriced'
}

/** How a disposal met the lots: known-cost part, unknown-cost part, and what no lot covered. */
interface Match {
  knownQuantity: Decimal
  knownCost: Decimal
  knownFee: Decimal
  unknownQuantity: Decimal
  unmatchedQuantity: Decimal
}

interface LotBook {
  acquire(acquisition: Acquisition): void
  dispose(asset: string, quantity: Decimal): Match
  positions(): OpenPosition[]
}

type DisposalListener = (fill: FillRecord, at: number, disposal: Disposal, match: Match) => void

/** Runs the fills before `until` in order (executed_at, then id) through a book of the method. */
function replay(fills: FillRecord[], method: CostMethod, until: number, onDisposal: DisposalListener): LotBook {
  const book = method === 'fifo' ? new FifoBook() : new AverageBook()
  const ordered = fills
    .map((fill) => ({fill, at: fillInstant(fill)}))
    .filter(({at}) => at < until)
    .sort((a, b) => a.at - b.at || a.fill.id - b.fill.id)
  for (const {fill, at} of ordered) {
    const {acquisitions, disposals} = legsOf(fill)
    for (const d of disposals) onDisposal(fill, at, d, book.dispose(d.asset, d.quantity))
    for (const a of acquisitions) book.acquire(a)
  }

  return book
}

/** What a fill acquires and disposes of, in USD, by where its fee was taken (see the module's doc). */
function legsOf(fill: FillRecord): {acquisitions: Acquisition[]; disposals: Disposal[]} {
  const [base, quote] = symbolAssets(fill)
  const amount = new Decimal(fill.amount)
  const cost = new Decimal(fill.cost)
  if (amount.isZero()) return {acquisitions: [], disposals: []}
  const fee = fill.fee === null ? ZERO : new Decimal(fill.fee)
  const feeCurrency = fee.isZero() ? null : fill.fee_currency
  const rate = fill.quote_usd !== null ? new Decimal(fill.quote_usd) : isUsdStable(quote) ? new Decimal(1) : null
  const usd = (quoteValue: Decimal) => (rate === null ? null : quoteValue.mul(rate))
  const acquisitions: Acquisition[] = []
  const disposals: Disposal[] = []
  const acquire = (asset: string, quantity: Decimal, costUsd: Decimal | null, feeUsd: Decimal) => {
    if (!isUsdStable(asset) && quantity.gt(0))
      acquisitions.push({asset, quantity, cost: costUsd, fee: costUsd === null ? ZERO : feeUsd})
  }

  const dispose = (
    asset: string,
    quantity: Decimal,
    proceeds: Decimal | null,
    feeUsd: Decimal | null,
    unpricedReason: Disposal['unpricedReason'] = 'no_usd_rate',
  ) => {
    if (!isUsdStable(asset) && quantity.gt(0))
      disposals.push({asset, quantity, proceeds, fee: feeUsd ?? ZERO, unpricedReason})
  }

  if (feeCurrency === base) {
    const feeInQuote = fee.mul(cost).div(amount)
    if (fill.side === 'buy') {
      acquire(base, amount.minus(fee), usd(cost.minus(feeInQuote)), usd(feeInQuote) ?? ZERO)
      dispose(quote, cost, usd(cost), ZERO)
    } else {
      dispose(base, amount.plus(fee), usd(cost.plus(feeInQuote)), usd(feeInQuote))
      acquire(quote, cost, usd(cost), ZERO)
    }
  } else if (feeCurrency === quote) {
    if (fill.side === 'buy') {
      acquire(base, amount, usd(cost), usd(fee) ?? ZERO)
      dispose(quote, cost.plus(fee), usd(cost.plus(fee)), ZERO)
    } else {
      dispose(base, amount, usd(cost), usd(fee))
      acquire(quote, cost.minus(fee), usd(cost.minus(fee)), ZERO)
    }
  } else {
    // No fee, or a fee in a third currency (BNB): the trade's fee is the fee's USD value, and the
    // third currency is itself disposed of at that value. A fee in a USD stable is worth itself.
    const feeUsd = fee.isZero()
      ? ZERO
      : fill.fee_usd !== null
        ? new Decimal(fill.fee_usd)
        : feeCurrency !== null && isUsdStable(feeCurrency)
          ? fee
          : null
    if (fill.side === 'buy') {
      acquire(base, amount, usd(cost), feeUsd ?? ZERO)
      dispose(quote, cost, usd(cost), ZERO)
    } else {
      dispose(base, amount, usd(cost), feeUsd)
      acquire(quote, cost, usd(cost), ZERO)
    }

    if (feeCurrency !== null) dispose(feeCurrency, fee, feeUsd, ZERO, 'fee_unpriced')
  }

  return {acquisitions, disposals}
}

/** The base and quote of `BASE/QUOTE` (a settle suffix `:USDT` is not part of the quote). */
function symbolAssets(fill: FillRecord): [string, string] {
  const parts = /^([^/:]+)\/([^/:]+)(?::|$)/.exec(fill.symbol)
  if (!parts) throw new Error(`fill ${fill.trade_id}: symbol ${fill.symbol} is not BASE/QUOTE`)
  return [parts[1], parts[2]]
}

function fillInstant(fill: FillRecord): number {
  const at = Date.parse(fill.executed_at)
  if (Number.isNaN(at)) throw new Error(`fill ${fill.trade_id}: executed_at ${fill.executed_at} is not a date`)
  return at
}

function optionInstant(text: string, name: string): number {
  const at = Date.parse(text)
  if (Number.isNaN(at)) throw usageError(`${name} is not a date: ${text}`)
  return at
}

const byAsset = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0)

/** `part` of a whole, taken pro rata: the whole itself when the part is all of it. */
const proRata = (value: Decimal, part: Decimal, whole: Decimal) => (part.eq(whole) ? value : value.mul(part).div(whole))

interface Lot {
  quantity: Decimal
  cost: Decimal | null
  fee: Decimal
}

/** First in, first out: each asset's lots in the order acquired. */
class FifoBook implements LotBook {
  private readonly lots = new Map<string, Lot[]>()

  acquire({asset, quantity, cost, fee}: Acquisition): void {
    const queue = this.lots.get(asset) ?? []
    queue.push({quantity, cost, fee})
    this.lots.set(asset, queue)
  }

  dispose(asset: string, quantity: Decimal): Match {
    const queue = this.lots.get(asset) ?? []
    const match: Match = {
      knownQuantity: ZERO,
      knownCost: ZERO,
      knownFee: ZERO,
      unknownQuantity: ZERO,
      unmatchedQuantity: ZERO,
    }
    let left = quantity
    while (left.gt(0) && queue.length > 0) {
      const lot = queue[0]
      const take = Decimal.min(left, lot.quantity)
      const fee = proRata(lot.fee, take, lot.quantity)
      if (lot.cost === null) {
        match.unknownQuantity = match.unknownQuantity.plus(take)
      } else {
        const cost = proRata(lot.cost, take, lot.quantity)
        match.knownQuantity = match.knownQuantity.plus(take)
        match.knownCost = match.knownCost.plus(cost)
        match.knownFee = match.knownFee.plus(fee)
        lot.cost = lot.cost.minus(cost)
      }

      lot.fee = lot.fee.minus(fee)
      lot.quantity = lot.quantity.minus(take)
      if (lot.quantity.isZero()) queue.shift()
      left = left.minus(take)
    }

    match.unmatchedQuantity = left
    return match
  }

  positions(): OpenPosition[] {
    return [...this.lots.entries()]
      .sort(byAsset)
      .filter(([, queue]) => queue.length > 0)
      .map(([asset, queue]) => {
        const known = queue.filter((lot) => lot.cost !== null)
        const unknown = queue.filter((lot) => lot.cost === null)
        const sum = (lots: Lot[], f: (lot: Lot) => Decimal) => lots.reduce((s, lot) => s.plus(f(lot)), ZERO)
        const knownQuantity = sum(known, (lot) => lot.quantity)
        const unknownQuantity = sum(unknown, (lot) => lot.quantity)
        return {
          asset,
          quantity: str(knownQuantity.plus(unknownQuantity)),
          known_quantity: str(knownQuantity),
          known_cost_usd: str(sum(known, (lot) => (lot.cost ?? ZERO).plus(lot.fee))),
          unknown_cost_quantity: str(unknownQuantity),
        }
      })
  }
}

interface Pool {
  knownQuantity: Decimal
  cost: Decimal
  fee: Decimal
  unknownQuantity: Decimal
}

/**
 * Weighted average cost: one pool per asset. A disposal takes from the known and the unknown
 * quantities in proportion, and from the known cost and fee pro rata; the pool loses exactly what
 * was taken, so what remains stays consistent.
 */
class AverageBook implements LotBook {
  private readonly pools = new Map<string, Pool>()

  acquire({asset, quantity, cost, fee}: Acquisition): void {
    const pool = this.pools.get(asset) ?? {knownQuantity: ZERO, cost: ZERO, fee: ZERO, unknownQuantity: ZERO}
    if (cost === null) {
      pool.unknownQuantity = pool.unknownQuantity.plus(quantity)
    } else {
      pool.knownQuantity = pool.knownQuantity.plus(quantity)
      pool.cost = pool.cost.plus(cost)
      pool.fee = pool.fee.plus(fee)
    }

    this.pools.set(asset, pool)
  }

  dispose(asset: string, quantity: Decimal): Match {
    const pool = this.pools.get(asset) ?? {knownQuantity: ZERO, cost: ZERO, fee: ZERO, unknownQuantity: ZERO}
    const held = pool.knownQuantity.plus(pool.unknownQuantity)
    const matched = Decimal.min(quantity, held)
    const knownQuantity = held.isZero() ? ZERO : proRata(pool.knownQuantity, matched, held)
    const unknownQuantity = matched.minus(knownQuantity)
    const knownCost = pool.knownQuantity.isZero() ? ZERO : proRata(pool.cost, knownQuantity, pool.knownQuantity)
    const knownFee = pool.knownQuantity.isZero() ? ZERO : proRata(pool.fee, knownQuantity, pool.knownQuantity)
    pool.knownQuantity = pool.knownQuantity.minus(knownQuantity)
    pool.unknownQuantity = pool.unknownQuantity.minus(unknownQuantity)
    pool.cost = pool.cost.minus(knownCost)
    pool.fee = pool.fee.minus(knownFee)
    return {knownQuantity, knownCost, knownFee, unknownQuantity, unmatchedQuantity: quantity.minus(matched)}
  }

  positions(): OpenPosition[] {
    return [...this.pools.entries()]
      .sort(byAsset)
      .filter(([, pool]) => pool.knownQuantity.plus(pool.unknownQuantity).gt(0))
      .map(([asset, pool]) => ({
        asset,
        quantity: str(pool.knownQuantity.plus(pool.unknownQuantity)),
        known_quantity: str(pool.knownQuantity),
        known_cost_usd: str(pool.cost.plus(pool.fee)),
        unknown_cost_quantity: str(pool.unknownQuantity),
      }))
  }
}
