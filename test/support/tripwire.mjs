// Loaded with NODE_OPTIONS="--import <this file>": prints "LOADED <package>" on stderr for every
// package named in $TRIPWIRE (comma-separated) that the process loads, through import or require. An
// entry starting with "dist/" names tradedesk's own built modules instead (a file, or a folder ending
// in "/").
// Tests and the benchmark use it to prove which libraries a command never loads.
import {createRequire, register} from 'node:module'

const watched = (process.env.TRIPWIRE ?? '').split(',').filter(Boolean)

// ES modules: seen as they are resolved (on the loader's thread, which reports straight to stderr).
register(
  'data:text/javascript,' +
    encodeURIComponent(`
const watched = ${JSON.stringify(watched)}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  for (const p of watched) {
    const own = p.startsWith('dist/')
    if (result.url.includes(own ? '/' + p : '/node_modules/' + p + '/')) process.stderr.write('LOADED ' + p + '\\n')
  }
  return result
}`),
)

// CommonJS modules (knex, sqlite3, oclif are CommonJS): whatever is in the require cache at exit.
process.on('exit', () => {
  const files = Object.keys(createRequire(import.meta.url).cache)
  for (const p of watched)
    if (files.some((f) => f.includes(`/node_modules/${p}/`))) process.stderr.write(`LOADED ${p}\n`)
})
