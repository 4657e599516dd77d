/**
 * The argv cases that must answer alike whichever way a command runs: through the fast path or
 * oclif (fast-path.test.ts), with the gateway or in process (gateway.test.ts). Each is repeatable:
 * running it twice in the home paritySetup made gives the same answer.
 */

export interface ParityCase {
  args: string[]
  env?: Record<string, string>
}

/** The home every case runs in: trades on paper, a loopback Binance broker `bn`, a second paper broker, another profile. */
export function paritySetup(fakeUrl: string): string[][] {
  return [
    ['trade', 'buy', 'BTC/USDT', '--quantity', '0.001', '--yes', '--note', 'first'],
    ['trade', 'sell', 'BTC/USDT', '--quantity', '0.0005', '--yes'],
    ['trade', 'buy', 'ETH/USDT', '--type', 'limit', '--price', '1000', '--quantity', '0.01', '--yes'],
    ['broker', 'add', 'bn', '--exchange', 'binance', '--api-url', fakeUrl],
    ['broker', 'add', 'p2', '--exchange', 'paper'],
    ['trade', 'buy', 'ETH/USDT', '--quantity', '0.02', '--yes', '--profile', 'other'],
  ]
}

export const PARITY_CASES: ParityCase[] = [
  {args: ['history']},
  {args: ['history', '--json']},
  {args: ['history', '--limit', '2', '--json']},
  {args: ['history', '--limit=1']},
  {args: ['history', '--symbol', 'BTC/USDT', '--side', 'sell', '--json']},
  {args: ['history', '--status', 'open', '--csv']},
  {args: ['history', '--since', '2020-01-01', '--until', '2999-12-31', '--json']},
  {args: ['history', '--json'], env: {TRADEDESK_PROFILE: 'other'}},
  {args: ['history', '--profile', 'other', '--csv']},
  // parsed alike, refused by the command itself: the same message and exit code either way
  {args: ['history', '--limit', '0', '--json']},
  {args: ['history', '--since', 'yesterday']},
  // not for the fast path: oclif answers, and the answer is the same
  {args: ['history', '--status', 'lost', '--json']},
  {args: ['history', '--csv', '--json']},
  {args: ['history', '--limit', 'ten']},
  {args: ['history', '--limit', '1', '--limit', '2']},
  {args: ['history', '--bogus']},
  {args: ['history', 'extra']},
  {args: ['symbols', '--search', 'btc']},
  {args: ['symbols', '--search', 'btc', '--json']},
  {args: ['symbols', '--usdc', '--page', '2', '--page-size', '5', '--json']},
  {args: ['symbols', '--quote', 'btc', '--quote', 'ETH', '--page-size', '7']},
  {args: ['symbols', '--all', '--search', 'doge', '--json']},
  {args: ['symbols', '--search', 'btc', '--broker', 'bn', '--json']},
  {args: ['symbols', '--search', 'eth', '--json'], env: {TRADEDESK_BROKER: 'bn'}},
  {args: ['symbols', '--page', '0', '--json']},
  {args: ['symbols', '--broker', 'nosuch', '--json']},
  {args: ['symbols', '--all', '--usdc']},
  {args: ['broker', 'list']},
  {args: ['broker', 'list', '--json']},
  {args: ['broker', 'list', '--json', '--profile', 'other']},
  {args: ['broker', 'list', 'extra']},
  {args: ['price', 'BTC/USDT']},
  {args: ['price', 'eth/usdt', '--json']},
  {args: ['price', 'BTCUSDT', '--broker', 'bn', '--json']},
  {args: ['price', 'NOPE/USDT', '--json']},
  {args: ['price', 'NOPE/USDT']},
  {args: ['price', '--json']},
  {args: ['price', 'BTC/USDT', '-h']},
  {args: ['price', 'BTC/USDT', 'eth/usdt', 'ETHBTC']},
  {args: ['price', 'BTC/USDT', 'ETH/USDT', '--json']},
  {args: ['price', 'BTCUSDT', 'ETH-USDT', '--broker', 'bn', '--json']},
  {args: ['price', 'BTC/USDT', 'NOPE/USDT', '--json']},
  {args: ['price', 'BTC/USDT', '--bogus', '--json']},
  {args: ['balance']},
  {args: ['balance', '--json']},
  {args: ['balance', '--all', '--json']},
  {args: ['balance', '--broker', 'p2']},
  {args: ['balance', '--broker', 'bn', '--json']},
  {args: ['balance', '--all', 'extra']},
  {args: ['portfolio']},
  {args: ['portfolio', '--json']},
  {args: ['portfolio', '--json', '--profile', 'other']},
  {args: ['portfolio', '--broker', 'bn', '--json']},
  {args: ['portfolio', '--all']},
  {args: ['history', 'show', '1']},
  {args: ['history', 'show', '2', '--json']},
  {args: ['history', 'show', 'x', '--json']},
  {args: ['order', 'list', '--json']},
  {args: ['order', 'list']},
  {args: ['order', 'cancel', '999', '--json']},
  {args: ['order', 'cancel']},
  {args: ['validate', 'buy', 'BTC/USDT', '--usd', '50']},
  {args: ['validate', 'sell', 'BTC/USDT', '--percent', '100', '--json']},
  {args: ['validate', 'buy', 'BTC/USDT', '--usd', '5000000', '--json']},
  {args: ['validate', 'buy', 'BTC/USDT', '--usd', '5', '--quantity', '1']},
  {args: ['validate', 'hold', 'BTC/USDT', '--usd', '5']},
  {args: ['validate', 'buy', 'BTC/USDT', '--type', 'limit', '--quantity', '0.01', '--json']},
  {args: ['broker', 'add', 'x', '--exchange', 'nosuch', '--json']},
  {args: ['broker', 'add', 'y']},
  {args: ['broker', 'add', '--exchange', 'paper', '--json']},
  {args: ['broker', 'default', 'nosuch', '--json']},
  {args: ['broker', 'remove', 'nosuch']},
  {args: ['broker', 'test', 'p2', '--json']},
  {args: ['broker', 'set', 'p2', '--sandbox', '--json']},
  {args: ['broker', 'set', 'bn', '--no-sandbox', '--json']},
  {args: ['exchange-info', 'paper', '--json']},
  {args: ['exchange-info', 'kraken']},
  {args: ['exchange-info', 'nosuch', '--json']},
  {args: ['stats']},
  {args: ['stats', '--json']},
  {args: ['stats', '--broker', 'p2', '--since', '2020-01-01', '--until', '2020-01-31', '--json']},
  {args: ['stats', '--since', 'yesterday', '--json']},
  {args: ['--verbose', 'history', '--json']},
  // names that are not commands, including ones every JavaScript object has
  {args: ['constructor']},
  {args: ['broker', 'toString']},
  {args: []},
]

export function parityLabel(c: ParityCase): string {
  const env = c.env
    ? `${Object.entries(c.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')} `
    : ''
  return `${env}tradedesk ${c.args.join(' ')}`
}
