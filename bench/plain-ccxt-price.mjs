// The script a user would write for `tradedesk price BTC/USDT --json`: import ccxt, point binance
// at the same (loopback) URL, fetch the ticker. Spot-only markets so that it runs against the fake.
import ccxt from 'ccxt'

const exchange = new ccxt.binance({
  options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false, fetchMargins: false},
})
for (const key of Object.keys(exchange.urls.api))
  exchange.urls.api[key] = exchange.urls.api[key].replace(/^https?:\/\/[^/]+/, process.env.FAKE_URL)
const ticker = await exchange.fetchTicker('BTC/USDT')
console.log(JSON.stringify({symbol: ticker.symbol, last: ticker.last, bid: ticker.bid, ask: ticker.ask}))
