// Loaded with `node --import`: reports on stderr every module of ccxt a process loads, so the
// benchmark can tell which commands import the exchange library at all.
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  if (result.url.includes('/node_modules/ccxt/')) process.stderr.write('CCXT-LOADED ' + result.url + '\\n')
  return result
}`),
)
