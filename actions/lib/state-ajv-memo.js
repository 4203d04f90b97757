/**
 * A drop-in for the `ajv` module as `@adobe/aio-lib-state` v5 uses it, memoising compiled schemas.
 *
 * Why: the library's `validate()` (lib/AdobeState.js) runs `new Ajv({ allErrors: true })` and
 * `ajv.compile(schema)` on EVERY call (init, get, put, delete, deleteAll, list); compiling costs
 * ~9 ms of CPU per call, more than the HTTP round trip. Its schemas are constant object literals
 * re-created per call, so compiled validators are cached by (options, schema) JSON here and each
 * schema is compiled once per warm container.
 *
 * How it is applied, without touching node_modules (so it survives `npm ci`): only requests for
 * `ajv` issued from inside node_modules/@adobe/aio-lib-state resolve to this file, through a
 * scoped resolve alias in the root webpack-config.js (so `aio app build`/`deploy` and the local
 * stack's bundles get it), and through local/state/ajv-memo-hook.ts for code run unbundled under
 * ts-node (benches). Every other `ajv` user gets the real module.
 *
 * Validation is unchanged: the validator is the real Ajv's compiled function with the same
 * options, and the library reads `validate.errors` synchronously right after calling it, so
 * sharing one validator between calls cannot mix up their errors.
 *
 * Plain CommonJS JavaScript so it loads the same way in a bundle, under ts-node and under jest.
 */
'use strict'

const realAjv = require('ajv')
const RealAjv = realAjv.default || realAjv

/** Distinct (options, schema) pairs kept; the library has six constant schemas, so this never fills. */
const MAX_CACHED = 64

/** One real Ajv instance per options JSON; compiled validators per (options, schema) JSON. */
const instances = new Map()
const validators = new Map()
const stats = { compiles: 0, hits: 0 }

/** Stands in for the Ajv class: `new Ajv(opts).compile(schema)` returns a cached validator. */
class MemoAjv {
  constructor(opts) {
    this.opts = opts
    this.optsKey = JSON.stringify(opts === undefined ? {} : opts)
  }

  compile(schema) {
    const key = `${this.optsKey}\u0000${JSON.stringify(schema)}`
    const cached = validators.get(key)
    if (cached) {
      stats.hits += 1
      return cached
    }
    let ajv = instances.get(this.optsKey)
    if (!ajv) instances.set(this.optsKey, (ajv = new RealAjv(this.opts)))
    stats.compiles += 1
    const validate = ajv.compile(schema)
    if (validators.size < MAX_CACHED) validators.set(key, validate)
    return validate
  }
}

/** Compiles done and cache hits since load (tests prove the memo works through these). */
function memoStats() {
  return { ...stats }
}

module.exports = MemoAjv
module.exports.default = MemoAjv
module.exports.Ajv = MemoAjv
module.exports.memoStats = memoStats
