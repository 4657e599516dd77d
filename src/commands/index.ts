import type {AnyCommand} from '../lib/cli/spec.js'

type Load = () => Promise<{default: AnyCommand}>

/**
 * Every command, by id, and where its declaration lives. Importing this list loads no command: the
 * fast path (src/fast.ts) loads the one it runs, and oclif's command classes (src/oclif.ts) are
 * derived from all of them.
 */
export const COMMANDS: Record<string, Load> = {
  balance: () => import('./balance.js'),
  portfolio: () => import('./portfolio.js'),
  symbols: () => import('./symbols.js'),
  price: () => import('./price.js'),
  'exchange-info': () => import('./exchange-info.js'),
  validate: () => import('./validate.js'),
  trade: () => import('./trade.js'),
  history: () => import('./history/index.js'),
  'history show': () => import('./history/show.js'),
  'journal import': () => import('./journal/import.js'),
  'journal export': () => import('./journal/export.js'),
  pnl: () => import('./pnl.js'),
  stats: () => import('./stats.js'),
  'order list': () => import('./order/list.js'),
  'order cancel': () => import('./order/cancel.js'),
  'order sync': () => import('./order/sync.js'),
  'order watch': () => import('./order/watch.js'),
  'broker list': () => import('./broker/list.js'),
  'broker add': () => import('./broker/add.js'),
  'broker set': () => import('./broker/set.js'),
  'broker default': () => import('./broker/default.js'),
  'broker remove': () => import('./broker/remove.js'),
  'broker test': () => import('./broker/test.js'),
  'broker limits': () => import('./broker/limits.js'),
  'paper set-price': () => import('./paper/set-price.js'),
  'gateway start': () => import('./gateway/start.js'),
  'gateway stop': () => import('./gateway/stop.js'),
  'gateway status': () => import('./gateway/status.js'),
}

/** The command an argv names (two words before one: `history show` before `history`), and the rest. */
export function commandOf(argv: string[]): {id: string; load: Load; rest: string[]} | undefined {
  for (const words of [2, 1]) {
    const id = argv.slice(0, words).join(' ')
    if (argv.length >= words && Object.hasOwn(COMMANDS, id)) return {id, load: COMMANDS[id], rest: argv.slice(words)}
  }

  return undefined
}
