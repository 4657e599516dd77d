/** The JSON answers of issue 16 (`price SYMBOL...`, `gateway status`), as the SPEC and README state them. */
import type {PriceJson} from './json.js'

export interface PricesJson {
  broker: string
  prices: PriceJson[]
}

export interface GatewayBrokerJson {
  name: string
  exchange: string
  requests: number
}

export interface GatewayStatusJson {
  running: boolean
  pid?: number
  uptime_s?: number
  profile?: string
  version?: string
  socket?: string
  idle_minutes?: number
  brokers?: GatewayBrokerJson[]
  requests_served?: number
}
