'use strict'
/**
 * The inside of one local "container": a worker thread that loads ONE action bundle and runs one
 * activation at a time, mirroring the OpenWhisk Node.js runtime (openwhisk-runtime-nodejs
 * service.js/runner.js): lazy init on the first run, per-activation `__OW_*` env, the same
 * result/error conventions, and the end-of-activation markers on stdout and stderr that let the
 * host attribute captured console output to the right activation.
 *
 * Plain JavaScript on purpose: it runs in a bare worker (no ts-node), whatever started the stack.
 */
const { parentPort, workerData } = require('node:worker_threads')

const MARKER = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX'
let userMain
let initError

function writeMarkers() {
  process.stdout.write(MARKER + '\n')
  process.stderr.write(MARKER + '\n')
}

/** Loads the bundle; the runtime keeps the failure and reports it for this container. */
function init() {
  try {
    const mod = require(workerData.bundlePath)
    userMain = mod && mod.main
    if (typeof userMain !== 'function') throw "Action entrypoint 'main' is not a function."
  } catch (error) {
    console.error('Error during initialization:', error)
    const errStr = error && error.stack ? String(error.stack) : String(error)
    initError = 'Initialization has failed due to: ' + errStr
  }
}

/** Like the `serialize-error` package the Node.js runtime uses for rejected promises. */
function serializeError(value, seen = new WeakSet()) {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value
  if (seen.has(value)) return '[Circular]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((v) => serializeError(v, seen))
  const out = {}
  if (value instanceof Error) {
    for (const k of ['name', 'message', 'stack', 'code']) if (value[k] !== undefined) out[k] = value[k]
  }
  for (const [k, v] of Object.entries(value)) {
    const s = serializeError(v, seen)
    if (s !== undefined) out[k] = s
  }
  return out
}

/** Runs `main`; resolves to `{code, body}` exactly as the runtime's /run endpoint would answer. */
function run(args) {
  return new Promise((resolve) => {
    let result
    try {
      result = userMain(args)
    } catch (error) {
      console.error(error)
      resolve({ code: 500, body: { error: 'An error has occurred: ' + String(error) } })
      return
    }
    Promise.resolve(result).then(
      (value) => {
        if (value === undefined) value = {}
        if (typeof value !== 'object') {
          console.error('Result must be of type object but has type "' + typeof value + '":', value)
          resolve({ code: 502, body: { error: 'The action did not return a dictionary.' } })
        } else resolve({ code: 200, body: value })
      },
      (error) => resolve({ code: 200, body: { error: error ? serializeError(error) : {} } }),
    )
  })
}

parentPort.on('message', async (msg) => {
  if (!msg || msg.type !== 'run') return
  Object.assign(process.env, msg.env)
  let initMs
  if (!userMain && !initError) {
    const t = Date.now()
    init()
    initMs = Date.now() - t
    // Lets the host tell "timed out/crashed during init" from "during run".
    if (!initError) parentPort.postMessage({ type: 'initialized', initMs })
  }
  if (initError) {
    writeMarkers()
    parentPort.postMessage({
      type: 'done',
      init: true,
      code: 502,
      json: JSON.stringify({ error: initError }),
      initMs,
    })
    return
  }
  const { code, body } = await run(msg.params)
  let json
  try {
    json = JSON.stringify(body)
  } catch (error) {
    console.error('The action result is not serializable:', String(error))
    json = undefined
  }
  writeMarkers()
  parentPort.postMessage({ type: 'done', init: false, code, json, initMs })
})
