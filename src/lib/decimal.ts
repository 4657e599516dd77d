import {Decimal as DecimalJs} from 'decimal.js'

/**
 * One Decimal constructor for all money: 80 significant digits and no exponent notation in output,
 * so a value read, computed, stored and printed is the same exact string everywhere.
 */
export const Decimal = DecimalJs.clone({
  precision: 80,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -100,
  toExpPos: 100,
})
export type Decimal = InstanceType<typeof Decimal>

export const ZERO = new Decimal(0)

const PLAIN_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/

/**
 * Parses a user-supplied decimal strictly: ASCII digits with an optional fraction, nothing else
 * (no sign, exponent, hex, unicode digits, Infinity or NaN). Returns null when it is not one.
 */
export function parsePlainDecimal(text: string): Decimal | null {
  const trimmed = text.trim()
  if (!PLAIN_DECIMAL.test(trimmed) || trimmed.replace(/\D/g, '').length > 40) return null
  return new Decimal(trimmed)
}

/** Canonical string of a decimal: no exponent, no trailing zeros ("0.00125", "27910.38", "0"). */
export function str(value: Decimal | string | number): string {
  const d = value instanceof Decimal ? value : new Decimal(value)
  return d.isZero() ? '0' : d.toFixed()
}

/** Canonical string of a value that may be absent (exchanges leave many fields null). */
export function optStr(value: Decimal | string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  const d = value instanceof Decimal ? value : new Decimal(value)
  return d.isFinite() ? str(d) : null
}

/** Converts what exchanges send (numbers, strings, null) into a Decimal, or null. */
export function dec(value: Decimal | string | number | null | undefined): Decimal | null {
  if (value === null || value === undefined || value === '') return null
  try {
    const d = value instanceof Decimal ? value : new Decimal(typeof value === 'number' ? String(value) : value)
    return d.isFinite() ? d : null
  } catch {
    return null
  }
}

/** Truncates toward zero to a multiple of step (an exchange's amount precision in TICK_SIZE mode). */
export function truncateToStep(value: Decimal, step: Decimal | null): Decimal {
  if (!step || step.isZero()) return value
  return value.div(step).floor().mul(step)
}

/**
 * Rounds to a multiple of tick (an exchange's price precision in TICK_SIZE mode): half up, or
 * `down` / `up` where the direction matters (a limit price is never rounded against the trader).
 */
export function roundToTick(
  value: Decimal,
  tick: Decimal | null,
  direction: 'half-up' | 'down' | 'up' = 'half-up',
): Decimal {
  if (!tick || tick.isZero()) return value
  const mode =
    direction === 'down' ? Decimal.ROUND_FLOOR : direction === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP
  return value.div(tick).toDecimalPlaces(0, mode).mul(tick)
}

/** A limit price on the tick, never worse for the trader: a buy rounds down, a sell rounds up. */
export function limitPriceOnTick(price: Decimal, tick: Decimal | null, side: string): Decimal {
  return roundToTick(price, tick, side === 'sell' ? 'up' : 'down')
}

/** True when value is an exact multiple of step. */
export function isOnStep(value: Decimal, step: Decimal | null): boolean {
  return !step || step.isZero() || value.mod(step).isZero()
}
