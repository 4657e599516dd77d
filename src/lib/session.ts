import {BrokerService, PAPER, type Broker} from './brokers.js'
import {ensureHome, resolveProfile} from './config.js'
import {type CredentialStatus, credentialStatus, loadCredentials, secretValues} from './credentials.js'
import {PaperExchange} from './exchange/paper.js'
import type {HttpObserver} from './exchange/http-trace.js'
import type {ExchangeGateway, Market} from './exchange/types.js'
import {TradeJournal} from './journal.js'
import {MARKETS_TTL_MS, MarketCache, marketsCacheKey} from './markets.js'
import {Store} from './store.js'

/**
 * What one command run works with: the store, the profile, its brokers and journal, and the
 * exchange gateways it opened. Closing it releases them all.
 */
export class Session {
  readonly brokers: BrokerService
  readonly journal: TradeJournal
  /** secret values loaded in this run, so that any output can be scrubbed of them */
  readonly secrets: string[] = []
  private readonly gateways = new Map<number, ExchangeGateway>()

  private constructor(
    readonly store: Store,
    readonly profile: string,
    readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly http?: HttpObserver,
    /** where a warning for people goes (stderr) */
    private readonly warn?: (message: string) => void,
    /** never through the gateway (--verbose shows the requests this process makes) */
    private readonly inProcess = false,
  ) {
    this.brokers = new BrokerService(store, profile)
    this.journal = new TradeJournal(store, profile)
  }

  /** http: sees every HTTP request the run's exchanges make (--verbose, the log); warn: a warning for people (stderr) */
  static async open(
    options: {
      profile?: string
      env?: NodeJS.ProcessEnv
      http?: HttpObserver
      warn?: (message: string) => void
      /** --verbose: exchange requests are made here, where they can be shown, never through the gateway */
      inProcess?: boolean
    } = {},
  ): Promise<Session> {
    const env = options.env ?? process.env
    const profile = resolveProfile(options.profile, env)
    const home = ensureHome(env)
    const store = await Store.open(env)
    return new Session(store, profile, home, env, options.http, options.warn, options.inProcess ?? false)
  }

  async broker(name?: string): Promise<Broker> {
    return this.brokers.resolve(name)
  }

  /**
   * The gateway of a broker: the paper exchange, or the broker's CCXT exchange: the one the profile's
   * warm gateway holds when it runs (src/lib/gateway), else one loaded here on demand.
   */
  async gateway(broker: Broker): Promise<ExchangeGateway> {
    const open = this.gateways.get(broker.id)
    if (open) return open
    let gateway: ExchangeGateway
    if (broker.exchange === PAPER && broker.prices) {
      // Live prices: the price source's public API, without credentials, so nothing private can be asked.
      const [{CcxtGateway}, {LiveMarket}] = await Promise.all([
        import('./exchange/ccxt-gateway.js'),
        import('./exchange/paper-market.js'),
      ])
      const source = await CcxtGateway.create({...broker, exchange: broker.prices}, {}, this.store)
      gateway = new PaperExchange(this.store, broker.id, new LiveMarket(source))
    } else if (broker.exchange === PAPER) {
      gateway = new PaperExchange(this.store, broker.id)
    } else {
      const credentials = loadCredentials(broker.name, this.home, this.env)
      this.secrets.push(...secretValues(credentials))
      const {RemoteGateway} = await import('./gateway/remote.js')
      const options = {home: this.home, profile: this.profile, env: this.env, warn: this.warn}
      const remote = this.inProcess ? null : await RemoteGateway.open(broker, this.store, options)
      if (remote) gateway = remote
      else {
        const {CcxtGateway} = await import('./exchange/ccxt-gateway.js')
        gateway = await CcxtGateway.create(broker, credentials, this.store, this.http)
      }
    }

    this.gateways.set(broker.id, gateway)
    return gateway
  }

  /** The credentials a broker's exchange requires, and which of them are set (none for paper). */
  async credentialStatus(broker: Pick<Broker, 'name' | 'exchange'>): Promise<CredentialStatus[]> {
    if (broker.exchange === PAPER) return []
    const credentials = loadCredentials(broker.name, this.home, this.env)
    this.secrets.push(...secretValues(credentials))
    const {describeExchange} = await import('./exchange/ccxt-gateway.js')
    return credentialStatus(broker.name, (await describeExchange(broker.exchange)).requiredCredentials, credentials)
  }

  /**
   * The broker's markets, straight from the database cache when it is fresh, so that a command that
   * only lists markets never loads the exchange library; otherwise through the gateway.
   */
  async markets(broker: Broker, options: {refresh?: boolean} = {}): Promise<Market[]> {
    const live = broker.exchange !== PAPER || broker.prices !== null
    if (live && !options.refresh && !this.gateways.has(broker.id)) {
      // A paper broker on live prices: its source exchange's markets, cached as a real broker's.
      const source = broker.prices ? {...broker, exchange: broker.prices} : broker
      const cached = await new MarketCache(this.store).get(marketsCacheKey(source), MARKETS_TTL_MS)
      if (cached) return cached.markets
    }

    return (await this.gateway(broker)).markets(options)
  }

  async close(): Promise<void> {
    for (const g of this.gateways.values()) await g.close()
    await this.store.close()
  }
}
