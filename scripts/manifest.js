// Writes oclif.manifest.json from the built commands, so that help and start-up never import
// every command file. Same result as `oclif manifest`, without its heavy dev dependency.
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Config} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const config = await Config.load({root, ignoreManifest: true})
const plugin = config.plugins.get(config.pjson.name)
const manifest = plugin.manifest
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(manifest, null, 2))
console.log(`wrote oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`)
