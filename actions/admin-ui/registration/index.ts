/**
 * admin-ui-sdk/registration (web, require-adobe-auth): the Commerce Admin UI SDK calls this action
 * of every App Builder app that declares the `commerce/backend-ui/1` extension and adds the menu
 * it answers to the Commerce Admin (the package and action names are the ones the SDK looks for).
 */
import { defineAction } from '../../lib/action-entry'
import { logLevelField } from '../../lib/config'
import { REGISTRATION } from './menu'

/** Every input the action reads (only LOG_LEVEL, the layer's); the manifest test compares it. */
export const REGISTRATION_INPUT_KEYS: ReadonlySet<string> = new Set([logLevelField.key])

/** Runtime entry point. */
export const main = defineAction({
  name: 'admin-ui-sdk/registration',
  config: {},
  deps: {},
  handler: async () => ({ statusCode: 200, body: REGISTRATION }),
})
