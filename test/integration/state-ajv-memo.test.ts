/**
 * aio-lib-state's Ajv memo (actions/lib/state-ajv-memo.js, applied by the root webpack-config.js
 * alias): a bundle built exactly as the app's actions are gets a client that compiles each schema
 * once, still rejects bad input with the library's own errors, and works against the State API.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { AdobeState } from '@adobe/aio-lib-state'
import { findWebpackConfig, mergedConfig } from '../../local/runtime/webpack-recipe'
import type { ActionSpec } from '../../local/runtime/manifest-schema'
import { startTestStack, tempDataDir, type TestStack } from '../helpers/stack'
import { loadStateLib } from '../helpers/state-client'

const ROOT = path.resolve(__dirname, '../..')
const PROBE = path.join(ROOT, 'test/fixtures/state-ajv-probe/index.js')
const MEMO_PATH = path.join(ROOT, 'actions/lib/state-ajv-memo.js')

type StateLib = typeof import('@adobe/aio-lib-state')
interface Probe {
  stateLib: StateLib
  memoStats(): { compiles: number; hits: number }
}

/** Bundles the probe with the root webpack config through the same recipe as the app's actions. */
async function buildProbe(outDir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require('webpack') as typeof import('webpack')
  const action = { name: 'probe', functionPath: PROBE } as ActionSpec
  const config = mergedConfig(webpack, findWebpackConfig(PROBE, ROOT), [action], outDir)
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
    webpack(config).run((err, s) => (err || !s ? reject(err ?? new Error('no stats')) : resolve(s))),
  )
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'))
  return path.join(outDir, 'probe', 'index.js')
}

/** How a call failed, as the library reports it. */
async function failure(
  call: () => Promise<unknown>,
): Promise<{ name: string; code: string; message: string }> {
  try {
    await call()
  } catch (err) {
    const e = err as { name: string; code: string; message: string }
    return { name: e.name, code: e.code, message: e.message }
  }
  throw new Error('expected the call to fail')
}

let stack: TestStack
let probe: Probe
let memoised: AdobeState
let plain: AdobeState

beforeAll(async () => {
  stack = await startTestStack()
  const bundle = await buildProbe(tempDataDir('ajv-probe-'))
  // The bundled library reads AIO_STATE_ENDPOINT once, when it loads.
  const previous = process.env.AIO_STATE_ENDPOINT
  process.env.AIO_STATE_ENDPOINT = `${stack.baseUrl}/state`
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      probe = require(bundle) as Probe
    })
  } finally {
    if (previous === undefined) delete process.env.AIO_STATE_ENDPOINT
    else process.env.AIO_STATE_ENDPOINT = previous
  }
  const ow = { namespace: stack.config.namespace, auth: stack.config.auth }
  memoised = await probe.stateLib.init({ ow })
  plain = await loadStateLib(stack.baseUrl).init({ ow })
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

it('the bundled library uses the memo, not a fresh Ajv per call', async () => {
  await memoised.put('warm.up', 'v')
  await memoised.get('warm.up')
  const before = probe.memoStats()
  for (let i = 0; i < 20; i++) {
    await memoised.put(`memo.${i}`, `value ${i}`)
    expect(await memoised.get(`memo.${i}`)).toEqual({ value: `value ${i}`, expiration: expect.any(String) })
  }
  // 40 validations, not one compile: put and get schemas were compiled by the warm-up.
  expect(probe.memoStats()).toEqual({ compiles: before.compiles, hits: before.hits + 40 })
  // init + put + get: one compile per schema in the whole test file so far.
  expect(before.compiles).toBe(3)
})

it.each([
  ['a key with a slash', 'a/b'],
  ['a key of 1,025 characters', 'k'.repeat(1025)],
  ['an empty key', ''],
])('%s is rejected with the library’s own error, as without the memo', async (_label, key) => {
  const calls: [string, (s: AdobeState) => Promise<unknown>][] = [
    ['put', (s) => s.put(key, 'v')],
    ['get', (s) => s.get(key)],
    ['delete', (s) => s.delete(key)],
  ]
  for (const [op, call] of calls) {
    const mine = await failure(() => call(memoised))
    expect({ op, ...mine }).toEqual({ op, ...(await failure(() => call(plain))) })
    expect({ op, name: mine.name, code: mine.code }).toEqual({
      op,
      name: 'AdobeStateLibError',
      code: 'ERROR_BAD_ARGUMENT',
    })
  }
  // Twice in a row: a cached validator must not carry the previous call's result.
  expect(await failure(() => memoised.put(key, 'v'))).toEqual(await failure(() => plain.put(key, 'v')))
  await memoised.put('fine.after.bad', 'ok')
  expect((await memoised.get('fine.after.bad'))?.value).toBe('ok')
})

it('a bad list pattern and bad init options are rejected as without the memo', async () => {
  const list = (s: AdobeState) => async () => {
    for await (const _ of s.list({ match: 'no/slash*' })) break
  }
  expect(await failure(list(memoised))).toEqual(await failure(list(plain)))
  const badInit = (lib: StateLib) => () => lib.init({ ow: { namespace: stack.config.namespace } } as never)
  expect(await failure(badInit(probe.stateLib))).toEqual(await failure(badInit(loadStateLib(stack.baseUrl))))
})

it('every app action bundle that contains the State client contains the memo', () => {
  const dist = path.join(ROOT, 'dist', 'actions')
  const bundles = fs
    .readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('index.js'))
    .map((f) => fs.readFileSync(path.join(dist, f), 'utf8'))
  const withState = bundles.filter((src) => src.includes('AIO_STATE_ENDPOINT'))
  expect(withState.length).toBeGreaterThan(0)
  expect(withState.filter((src) => !src.includes('MemoAjv'))).toEqual([])
  expect(fs.existsSync(MEMO_PATH)).toBe(true)
})
