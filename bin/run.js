#!/usr/bin/env node
// The commands marked fast run without oclif when their argv is plain; everything else, and anything
// unusual, goes through oclif (src/main.ts).
import {fileURLToPath} from 'node:url'

import {main} from '../dist/main.js'

process.exitCode = await main(process.argv.slice(2), {root: fileURLToPath(new URL('..', import.meta.url))})
