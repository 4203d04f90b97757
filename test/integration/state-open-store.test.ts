/**
 * `openStateStore()` (actions/lib/kv-store.ts) keeps one real aio-lib-state client per warm
 * container: every call of an activation, and every later activation, shares it; a failed init is
 * not kept; new credentials in the env get their own client.
 */
import fs from 'node:fs'
import { openStateStore } from '../../actions/lib/kv-store'
import { clientEnv, startTestStack, type TestStack } from '../helpers/stack'
import { stateCounters } from '../helpers/state-counters'

const OTHER_NS = '7654321-eventhub-other'
const OTHER_AUTH = '9f1c7d2e-0b6a-4c1e-8d3f-5a7b9c1d2e3f:other-local-key-0123456789abcdef'
const saved = { ...process.env }
let stack: TestStack

beforeAll(async () => {
  stack = await startTestStack({ config: { namespaces: new Map([[OTHER_NS, OTHER_AUTH]]) } })
})
afterAll(async () => {
  process.env = saved
  await stack.close()
  fs.rmSync(stack.dataDir, { recursive: true, force: true })
})
beforeEach(() => {
  for (const k of Object.keys(process.env))
    if (k.startsWith('__OW_') || k.startsWith('AIO_')) delete process.env[k]
})

it('a failed init is forgotten; then one client is shared by every caller', async () => {
  // No namespace in the env: the library's init rejects (ERROR_BAD_ARGUMENT) and nothing is cached.
  process.env.AIO_STATE_ENDPOINT = `${stack.baseUrl}/state`
  await expect(openStateStore()).rejects.toMatchObject({ code: 'ERROR_BAD_ARGUMENT' })

  Object.assign(process.env, clientEnv(stack))
  const first = openStateStore()
  const concurrent = openStateStore()
  expect(concurrent).toBe(first)
  const store = await first
  expect(await openStateStore()).toBe(store)

  await store.put('shared.client', 'v')
  expect(await (await openStateStore()).get('shared.client')).toBe('v')
  expect(await stateCounters(stack.baseUrl, stack.config.namespace)).toMatchObject({ puts: 1, gets: 1 })
})

it('other credentials in the env get their own client, for their namespace', async () => {
  Object.assign(process.env, clientEnv(stack))
  const mine = await openStateStore()
  Object.assign(process.env, clientEnv(stack, OTHER_NS))
  const theirs = await openStateStore()
  expect(theirs).not.toBe(mine)
  await theirs.put('ns.check', 'other')
  expect(await mine.get('ns.check')).toBeUndefined()
  expect(await theirs.get('ns.check')).toBe('other')
})
