#!/usr/bin/env node
// The hot read-only commands (history, symbols, broker list, price, balance, portfolio) run without oclif when
// their argv is plain; everything else, and anything unusual, goes through oclif. Both read the same argv:
// `help COMMAND` and global flags before the command are put in the one order they parse.
import {normalizeArgv} from '../dist/lib/cli/argv.js'
import {runFast} from '../dist/fast.js'

const argv = normalizeArgv(process.argv.slice(2))
if (!(await runFast(argv))) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url, args: argv})
}
