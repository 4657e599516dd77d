import {envPrefix} from './credentials.js'
import {TradedeskError, ExitCode, usageError} from './errors.js'
import {closePaperAccount, openPaperAccount} from './exchange/paper-accounts.js'
import {type BrokerLimits, NO_LIMITS, limitColumns, limitsOfRow} from './limits.js'
import {SNAPSHOT_PRICES_DATE} from './exchange/snapshot.js'
import type {Store} from './store.js'

export interface Broker {
  id: number
  name: string
  exchange: string
  sandbox: boolean
  apiUrl: string | null
  options: Record<string, string>
  isDefault: boolean
  /** its guardrails (`broker limits`) */
  limits: BrokerLimits
  /**
   * A paper broker's price source: the CCXT exchange whose public markets, prices and order books it
   * trades on; null on the offline snapshot (and for every broker that is not paper).
   */
  prices: string | null
}

/** What `broker limits` changes: `clear` removes every limit first; a limit not given is left as it is. */
export interface LimitChanges extends Partial<BrokerLimits> {
  clear?: boolean
}

export interface NewBroker {
  name: string
  exchange: string
  sandbox?: boolean
  apiUrl?: string | null
  options?: Record<string, string>
  makeDefault?: boolean
  balances?: Record<string, string>
  /** paper only: the CCXT exchange whose public market data it trades on */
  prices?: string | null
}

export const PAPER = 'paper'

/** Which prices a broker trades on, for people: a paper broker's snapshot or live exchange; null for others. */
export function pricesOf(broker: Pick<Broker, 'exchange' | 'prices'>): string | null {
  if (broker.exchange !== PAPER) return null
  return broker.prices ? `live: ${broker.prices}` : `snapshot ${SNAPSHOT_PRICES_DATE}`
}
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/

/** The brokers (exchange accounts) of one profile. No method reads or writes another profile's. */
export class BrokerService {
  constructor(
    private readonly store: Store,
    readonly profile: string,
  ) {}

  async list(): Promise<Broker[]> {
    await this.ensureBuiltIn()
    const rows = await this.store.query('SELECT * FROM brokers WHERE profile = ? ORDER BY name', [this.profile])
    // By name code unit by code unit, as SQLite sorts: PostgreSQL's order follows the database's
    // collation (en_US puts "main" before "Paper" and ignores "-" and "_").
    return rows.map(toBroker).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** The broker a command works on: the named one, else the default. */
  async resolve(name?: string): Promise<Broker> {
    const brokers = await this.list()
    if (name) {
      const broker = brokers.find((b) => b.name === name)
      if (!broker) throw unknownBroker(name, brokers)
      return broker
    }

    const fallback = brokers.find((b) => b.isDefault)
    if (!fallback)
      throw usageError('no default broker: choose one with `tradedesk broker default NAME`', 'NO_DEFAULT_BROKER')
    return fallback
  }

  async add(input: NewBroker): Promise<Broker> {
    if (!NAME.test(input.name)) {
      throw usageError(
        `invalid broker name "${input.name}": 1-32 letters, digits, "_" or "-", starting with a letter or digit`,
      )
    }

    const isPaper = input.exchange === PAPER
    if (isPaper && input.sandbox) throw usageError('--sandbox does not apply to the paper exchange')
    if (isPaper && !input.prices && (input.apiUrl || Object.keys(input.options ?? {}).length > 0))
      throw usageError(
        '--api-url and --option apply to a paper broker only with --prices EXCHANGE (the exchange whose prices it uses)',
      )
    if (!isPaper && input.prices) throw usageError('--prices only applies to paper brokers (--exchange paper)')
    if (!isPaper && input.balances && Object.keys(input.balances).length > 0) {
      throw usageError('--balance only applies to paper brokers (--exchange paper)')
    }

    await this.ensureBuiltIn()
    return this.store.write(async (tx) => {
      const names: string[] = (await tx('brokers').where({profile: this.profile}).select('name')).map(
        (r: {name: string}) => r.name,
      )
      if (names.includes(input.name)) throw usageError(`a broker named "${input.name}" already exists`, 'BROKER_EXISTS')
      // Credentials are found by the upper-cased name: "main" and "MAIN" (or "x-y" and "x_y") would
      // share TRADEDESK_MAIN_API_KEY, and one exchange's key would be sent to the other.
      const clash = names.find((n) => envPrefix(n) === envPrefix(input.name))
      if (clash) {
        throw usageError(
          `broker name "${input.name}" clashes with broker "${clash}": both would read their credentials from ${envPrefix(input.name)}*; choose another name`,
          'BROKER_NAME_CLASH',
        )
      }
      if (input.makeDefault) await tx('brokers').where({profile: this.profile}).update({is_default: false})
      const [{id}] = await tx('brokers')
        .insert({
          profile: this.profile,
          name: input.name,
          exchange: input.exchange,
          sandbox: Boolean(input.sandbox),
          api_url: input.apiUrl ?? null,
          options: input.options && Object.keys(input.options).length > 0 ? JSON.stringify(input.options) : null,
          is_default: Boolean(input.makeDefault),
          prices: input.prices ?? null,
          created_at: new Date().toISOString(),
        })
        .returning<InsertedId[]>('id')
      if (isPaper) await openPaperAccount(tx, id, input.balances)
      return toBroker((await tx('brokers').where({id}).first()) as Record<string, unknown>)
    })
  }

  /**
   * Removes a broker. One with orders whose outcome is not final (open, unknown, pending) is refused,
   * naming them, unless forced: then those rows are closed as `expired` with the reason, so that no
   * row waits forever for a broker that no longer exists.
   */
  async remove(name: string, options: {force?: boolean} = {}): Promise<Broker> {
    const broker = await this.resolve(name)
    if (broker.isDefault) {
      throw usageError(
        `"${name}" is the default broker; make another the default first (tradedesk broker default NAME)`,
        'BROKER_IS_DEFAULT',
      )
    }

    await this.store.write(async (tx) => {
      const unsettled = tx('trades')
        .where({profile: this.profile, broker: broker.name})
        .whereIn('status', ['open', 'unknown', 'pending'])
      const rows = (await unsettled.clone().select('id', 'status').orderBy('id')) as {id: number; status: string}[]
      if (rows.length > 0 && !options.force) {
        const list = rows.map((r) => `${String(r.id)} (${r.status})`).join(', ')
        throw usageError(
          `broker ${name} has orders whose outcome is not final: trades ${list}. Settle them first (tradedesk order sync, order cancel), or remove it with --force`,
          'BROKER_HAS_ORDERS',
        )
      }

      if (rows.length > 0) {
        const now = new Date().toISOString()
        await unsettled.clone().update({
          status: 'expired',
          error_message: `broker ${name} was removed with --force while this order was not final; its outcome on the exchange was not followed`,
          updated_at: now,
        })
      }

      await tx('brokers').where({id: broker.id, profile: this.profile}).delete()
      // A paper account's simulated state goes with it; the journal of its trades stays.
      await closePaperAccount(tx, broker.id)
    })
    return broker
  }

  /** Edits a broker's connection settings; options given are set (an empty value removes one). */
  async set(
    name: string,
    changes: {sandbox?: boolean; apiUrl?: string | null; options?: Record<string, string>},
  ): Promise<Broker> {
    const broker = await this.resolve(name)
    const given =
      changes.sandbox !== undefined || changes.apiUrl !== undefined || Object.keys(changes.options ?? {}).length > 0
    if (!given) throw usageError('nothing to change: give --sandbox/--no-sandbox, --api-url or --option key=value')
    if (broker.exchange === PAPER && !broker.prices)
      throw usageError('--sandbox, --api-url and --option do not apply to the paper exchange on its snapshot')
    if (broker.exchange === PAPER && changes.sandbox) throw usageError('--sandbox does not apply to the paper exchange')
    const options = new Map(Object.entries(broker.options))
    for (const [key, value] of Object.entries(changes.options ?? {})) {
      if (value === '') options.delete(key)
      else options.set(key, value)
    }

    await this.store.write(async (tx) => {
      await tx('brokers')
        .where({id: broker.id, profile: this.profile})
        .update({
          sandbox: changes.sandbox ?? broker.sandbox,
          api_url: changes.apiUrl === undefined ? broker.apiUrl : changes.apiUrl,
          options: options.size > 0 ? JSON.stringify(Object.fromEntries(options)) : null,
        })
    })
    return this.resolve(name)
  }

  /** Sets the limits given (after removing them all, with `clear`), leaving the others as they are. */
  async setLimits(name: string, changes: LimitChanges): Promise<Broker> {
    const broker = await this.resolve(name)
    const {clear, ...given} = changes
    const columns = limitColumns({...(clear ? NO_LIMITS : {}), ...given})
    // Only the columns given are written, in one statement: two runs setting different limits at
    // once both keep theirs.
    if (Object.keys(columns).length > 0) {
      await this.store.write(async (tx) => {
        await tx('brokers').where({id: broker.id, profile: this.profile}).update(columns)
      })
    }

    return this.resolve(name)
  }

  async setDefault(name: string): Promise<Broker> {
    const broker = await this.resolve(name)
    await this.store.write(async (tx) => {
      await tx('brokers').where({profile: this.profile}).update({is_default: false})
      await tx('brokers').where({id: broker.id}).update({is_default: true})
    })
    return {...broker, isDefault: true}
  }

  /** A profile seen for the first time gets the built-in paper broker, as its default. */
  private async ensureBuiltIn(): Promise<void> {
    const any = await this.store.query('SELECT id FROM brokers WHERE profile = ? LIMIT 1', [this.profile])
    if (any.length > 0) return
    try {
      await this.createBuiltIn()
    } catch (error) {
      // Another process created it first (PostgreSQL runs both transactions at once).
      if (!/unique|duplicate/i.test(String((error as {message?: unknown}).message))) throw error
    }
  }

  private async createBuiltIn(): Promise<void> {
    await this.store.write(async (tx) => {
      if (await tx('brokers').where({profile: this.profile}).first('id')) return
      const [{id}] = await tx('brokers')
        .insert({
          profile: this.profile,
          name: PAPER,
          exchange: PAPER,
          sandbox: false,
          is_default: true,
          created_at: new Date().toISOString(),
        })
        .returning<InsertedId[]>('id')
      await openPaperAccount(tx, id)
    })
  }
}

/** What `.returning('id')` gives for each inserted row, on SQLite and PostgreSQL alike. */
interface InsertedId {
  id: number
}

function toBroker(row: Record<string, unknown>): Broker {
  return {
    id: Number(row.id),
    name: String(row.name),
    exchange: String(row.exchange),
    sandbox: Boolean(row.sandbox),
    apiUrl: (row.api_url as string | null) ?? null,
    // A TEXT column: the JSON of the options, or null when there are none.
    options:
      typeof row.options === 'string' && row.options !== '' ? (JSON.parse(row.options) as Broker['options']) : {},
    isDefault: Boolean(row.is_default),
    limits: limitsOfRow(row),
    prices: typeof row.prices === 'string' && row.prices !== '' ? row.prices : null,
  }
}

function unknownBroker(name: string, brokers: Broker[]): TradedeskError {
  const known = brokers.map((b) => b.name).join(', ') || 'none'
  return new TradedeskError('UNKNOWN_BROKER', `unknown broker "${name}" (brokers: ${known})`, ExitCode.USAGE)
}
