import {expect} from 'chai'

import {ccxtExchangeIds} from '../../../src/lib/exchange/ccxt-gateway.js'
import {DIALECTS, FALLBACK, dialectOf, newClientOrderId} from '../../../src/lib/exchange/dialects.js'

/**
 * Client order id rules, from each exchange's API documentation:
 * - Binance newClientOrderId: ^[.A-Z:/a-z0-9_-]{1,36}$ (the -1100 error quotes it);
 * - OKX clOrdId: 1-32 letters and digits;
 * - Bybit orderLinkId: at most 36 letters, digits, "-" and "_";
 * - KuCoin clientOid: at most 40 characters;
 * - Kraken cl_ord_id: a UUID (36 with dashes, or 32 hex), or free text of at most 18 characters;
 * - Coinbase Advanced client_order_id: a UUID.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const RULES: Record<string, (id: string) => boolean> = {
  binance: (id) => /^[.A-Z:/a-z0-9_-]{1,36}$/.test(id),
  okx: (id) => /^[A-Za-z0-9]{1,32}$/.test(id),
  bybit: (id) => /^[A-Za-z0-9_-]{1,36}$/.test(id),
  kucoin: (id) => id.length >= 1 && id.length <= 40,
  kraken: (id) => UUID.test(id) || /^[0-9a-f]{32}$/i.test(id) || (id.length >= 1 && id.length <= 18),
  coinbase: (id) => UUID.test(id),
}

describe('exchange dialects', () => {
  it('every id generated for an exchange is valid under its own rule, and the fallback under every rule but a dashed UUID', () => {
    for (let i = 0; i < 500; i++) {
      for (const [exchange, valid] of Object.entries(RULES)) {
        const id = newClientOrderId(dialectOf(exchange).clientId)
        expect(valid(id), `${exchange}: ${id}`).to.equal(true)
      }

      const fallback = newClientOrderId(FALLBACK.clientId)
      for (const [exchange, valid] of Object.entries(RULES)) {
        if (exchange !== 'coinbase')
          expect(valid(fallback), `fallback id ${fallback} under ${exchange}'s rule`).to.equal(true)
      }
    }
  })

  it('ids are version-4 UUIDs, 122 random bits: never the same twice', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const hex = newClientOrderId('hex32')
      expect(hex).to.match(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/)
      seen.add(hex)
      const uuid = newClientOrderId('uuid')
      expect(uuid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }

    expect(seen.size).to.equal(10_000)
  })

  it('the table: binance and okx look orders up by client id, kraken filters open and closed orders, coinbase scans and sizes market buys by cost', () => {
    expect(dialectOf('binance')).to.include({
      lookup: 'by-client-id',
      marketBuy: 'base',
      fees: 'trades',
      clientIdParam: 'clientOrderId',
    })
    expect(dialectOf('okx')).to.include({lookup: 'by-client-id', marketBuy: 'base', fees: 'order'})
    expect(dialectOf('kraken')).to.include({lookup: 'scan-filtered', marketBuy: 'base', fees: 'order'})
    expect(dialectOf('coinbase')).to.include({
      clientId: 'uuid',
      clientIdParam: 'client_order_id',
      lookup: 'scan',
      marketBuy: 'spend',
    })
  })

  it('the trade history: binance by symbol and fromId, kraken by offset (filtered here), okx by billId, coinbase by cursor', () => {
    expect(dialectOf('binance').trades).to.deep.include({
      needsSymbol: true,
      filtersBySymbol: true,
      paging: {style: 'from-id', pageSize: 1000, param: 'fromId'},
    })
    expect(dialectOf('kraken').trades).to.deep.include({
      needsSymbol: false,
      filtersBySymbol: false,
      paging: {style: 'offset', pageSize: 50, param: 'ofs'},
      startSecondsParam: 'start',
    })
    expect(dialectOf('okx').trades).to.deep.include({
      needsSymbol: false,
      paging: {style: 'older-than-key', pageSize: 100, param: 'after', key: 'billId'},
    })
    expect(dialectOf('coinbase').trades).to.deep.include({
      needsSymbol: false,
      paging: {style: 'cursor', pageSize: 100, param: 'cursor', key: 'cursor'},
      quoteSizedFill: {flag: 'size_in_quote', value: 'size', price: 'price'},
    })
  })

  it('an exchange without a row gets the safest behaviour: strictest id, lookup through open and closed orders, sizing as ccxt asks', () => {
    for (const id of ['bitstamp', 'gate', 'binanceus', 'krakenfutures']) expect(dialectOf(id)).to.equal(FALLBACK)
    expect(FALLBACK).to.include({clientId: 'hex32', lookup: 'scan', marketBuy: 'as-ccxt-asks', fees: 'trades'})
    // ccxt's own fetchMyTrades from a time, walked forward; a symbol is not demanded unless a row says so
    expect(FALLBACK.trades).to.deep.include({needsSymbol: false, paging: {style: 'since', pageSize: null}})
  })

  it('every exchange in the table is a ccxt exchange id', () => {
    const ids = ccxtExchangeIds()
    for (const exchange of Object.keys(DIALECTS)) expect(ids, exchange).to.include(exchange)
  })
})
