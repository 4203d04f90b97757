/**
 * The require-time twin of the root webpack-config.js alias that gives `@adobe/aio-lib-state` a
 * memoising `ajv` (actions/lib/state-ajv-memo.js): for code that loads the library unbundled,
 * under ts-node or jest (benches that call it in-process). Only `require('ajv')` issued from a file
 * inside node_modules/@adobe/aio-lib-state is redirected; every other importer gets the real Ajv.
 * Deployed and locally run actions do not need this: their bundles carry the alias.
 */
import Module from 'node:module'
import path from 'node:path'

/** The wrapper module the alias and this hook point to. */
export const STATE_AJV_MEMO_PATH = path.resolve(__dirname, '..', '..', 'actions', 'lib', 'state-ajv-memo.js')

const FROM_STATE_LIB = /[\\/]node_modules[\\/]@adobe[\\/]aio-lib-state[\\/]/

type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string
const loader = Module as unknown as { _resolveFilename: Resolve }
let installed = false

/**
 * Redirects aio-lib-state's `ajv` to the memo for modules loaded after this call (a library copy
 * already in the require cache keeps the Ajv it has). Idempotent.
 */
export function installStateAjvMemo(): void {
  if (installed) return
  installed = true
  const resolve = loader._resolveFilename
  loader._resolveFilename = function (request, parent, ...rest) {
    if (request === 'ajv' && parent?.filename && FROM_STATE_LIB.test(parent.filename))
      return STATE_AJV_MEMO_PATH
    return resolve.call(this, request, parent, ...rest)
  }
}
