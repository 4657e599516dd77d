import {expect} from 'chai'

import {nearestRank} from '../../src/lib/stats.js'
import {redactedPath, redactUrls} from '../../src/lib/exchange/http-trace.js'

describe('stats: the nearest-rank percentile', () => {
  it('is the value at rank ceil(p/100 x n) of the sorted values, never an interpolation', () => {
    const twenty = Array.from({length: 20}, (_, i) => (i + 1) * 10)
    expect(nearestRank(twenty, 95)).to.equal(190) // rank 19
    expect(nearestRank([15, 20, 35, 40, 50], 95)).to.equal(50) // rank ceil(4.75) = 5
    expect(nearestRank([15, 20, 35, 40, 50], 40)).to.equal(20) // rank 2
    expect(nearestRank([7], 95)).to.equal(7)
    expect(nearestRank([], 95)).to.equal(null)
  })
})

describe('http-trace: what --verbose and the log show of a request', () => {
  it('keeps the path and the query, and drops every credential-bearing parameter', () => {
    expect(
      redactedPath('http://127.0.0.1:9/api/v3/account?timestamp=1700000000000&recvWindow=10000&signature=ab12'),
    ).to.equal('/api/v3/account?timestamp=1700000000000&recvWindow=10000')
    expect(
      redactedPath('https://x.test/v1/orders?apiKey=K&sign=S&api_key=K&passphrase=P&token=T&symbol=BTCUSDT'),
    ).to.equal('/v1/orders?symbol=BTCUSDT')
    expect(redactedPath('https://x.test/api/v3/ticker/24hr')).to.equal('/api/v3/ticker/24hr')
  })

  it('redacts the URLs an error message quotes', () => {
    expect(
      redactUrls(
        'binance GET http://127.0.0.1:9/api/v3/account?timestamp=1&signature=ab12 request timed out (1000 ms)',
      ),
    ).to.equal('binance GET http://127.0.0.1:9/api/v3/account?timestamp=1 request timed out (1000 ms)')
  })
})
