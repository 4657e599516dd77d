import type {Hook} from '@oclif/core'

import {Invocation} from '../lib/cli/invocation.js'
import {currentRun} from '../lib/cli/io.js'
import {usageError} from '../lib/errors.js'

/**
 * An unknown command is a usage error: exit 2 (oclif's own answer is exit 1), with the SPEC's JSON
 * envelope under --json, and the nearest command when the name looks like a typo.
 */
const hook: Hook.CommandNotFound = async function (opts) {
  const typed = opts.id.replaceAll(':', ' ')
  const commands = this.config.commandIDs.map((id) => id.replaceAll(':', ' '))
  const nearest = commands
    .map((c) => ({c, d: distance(c, typed)}))
    .filter(({c, d}) => d <= Math.max(1, Math.floor(c.length / 3)))
    .sort((a, b) => a.d - b.d)[0]?.c
  const hint = nearest ? `did you mean \`tradedesk ${nearest}\`? ` : ''
  const run = currentRun()
  const invocation = new Invocation(run.io, (opts.argv ?? []).includes('--json'))
  invocation.fail(usageError(`unknown command "${typed}": ${hint}see \`tradedesk --help\``, 'UNKNOWN_COMMAND'))
  run.exitCode = await invocation.close()
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }

  return previous[b.length]
}

export default hook
