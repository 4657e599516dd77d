import type {Command} from '@oclif/core'

import {COMMANDS} from './commands/index.js'
import {oclifCommand} from './lib/base-command.js'

/**
 * oclif's commands (package.json: oclif.commands, the explicit strategy), each derived from its
 * declaration. oclif's ids use ":" between words; the topic separator shows them with a space.
 */
export const OCLIF_COMMANDS: Record<string, typeof Command> = Object.fromEntries(
  await Promise.all(
    Object.entries(COMMANDS).map(async ([id, load]): Promise<[string, typeof Command]> => [
      id.replaceAll(' ', ':'),
      oclifCommand((await load()).default),
    ]),
  ),
)
