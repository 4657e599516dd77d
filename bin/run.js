#!/usr/bin/env node
// The hot read-only commands (history, symbols, broker list, price, balance, portfolio) run without oclif when
// their argv is plain; everything else, and anything unusual, goes through oclif.
import {runFast} from '../dist/fast.js'

if (!(await runFast(process.argv.slice(2)))) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
