#!/usr/bin/env -S node --import tsx
// The same path as bin/run.js, on the TypeScript sources (no build), for development.
import {fileURLToPath} from 'node:url'

import {main} from '../src/main.ts'

process.exitCode = await main(process.argv.slice(2), {
  root: fileURLToPath(new URL('..', import.meta.url)),
  development: true,
})
