#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build), for development.
import {execute} from '@oclif/core'

import {normalizeArgv} from '../src/lib/cli/argv.ts'

await execute({development: true, dir: import.meta.url, args: normalizeArgv(process.argv.slice(2))})
