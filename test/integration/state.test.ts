/**
 * The local State service driven by the real, unmodified @adobe/aio-lib-state v5 client over HTTP.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { AdobeState } from '@adobe/aio-lib-state'
import { startTestStack, type TestStack } from '../helpers/stack'
import { stateClient } from '../helpers/state-client'

const OTHER_NS = '7654321-eventhub-other'
const OTHER_AUTH = '9f1c7d2e-0b6a-4c1e-8d3f-5a7b9c1d2e3f:other-local-key-0123456789abcdef'
const DAY_S = 86_400
const MAX_TTL_S = 365 * DAY_S
const MiB = 1024 * 1024

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `fn` over `items` with at most `width` in flight (bounded load). */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

/** Every page the client's list loop yields. */
async function pages(state: AdobeState, match?: string): Promise<string[][]> {
  const out: string[][] = []
  for await (const { keys } of state.list(match === undefined ? ({} as { match: string }) : { match }))
    out.push(keys)
  return out
}

/** The error a promise rejects with, as {code, name} (the client's typed errors). */
async function failure(promise: Promise<unknown>): Promise<{ name: string; code: string }> {
  try {
    await promise
  } catch (err) {
    const e = err as { name: string; code: string }
    return { name: e.name, code: e.code }
  }
  throw new Error('expected the call to fail')
}

function cleanup(stack: TestStack | undefined): Promise<void> | undefined {
  if (!stack) return undefined
  return stack.close().then(() => fs.rmSync(stack.dataDir, { recursive: true, force: true }))
}

describe('State service with the real aio-lib-state client', () => {
  let stack: TestStack
  let state: AdobeState
  let other: AdobeState

  beforeAll(async () => {
    stack = await startTestStack({ config: { namespaces: new Map([[OTHER_NS, OTHER_AUTH]]) } })
    state = await stateClient(stack)
    other = await stateClient(stack, OTHER_NS)
  })
  afterAll(() => cleanup(stack))
  beforeEach(async () => {
    await state.deleteAll({ match: '*' })
    await other.deleteAll({ match: '*' })
    stack.state.resetCounters()
  })

  it('put returns the key and get returns the value with a default 1-day expiration', async () => {
    const before = Date.now()
    expect(await state.put('greeting.en', 'hello world')).toBe('greeting.en')
    const got = await state.get('greeting.en')
    expect(got).toEqual({ value: 'hello world', expiration: expect.any(String) })
    const expires = Date.parse(got.expiration)
    expect(expires).toBeGreaterThanOrEqual(before + DAY_S * 1000)
    expect(expires).toBeLessThanOrEqual(Date.now() + DAY_S * 1000)
  })

  it.each([
    { label: 'no ttl', ttl: undefined, expectedSeconds: DAY_S },
    { label: 'ttl 0', ttl: 0, expectedSeconds: DAY_S },
    { label: 'ttl 60', ttl: 60, expectedSeconds: 60 },
    { label: 'ttl 365 days', ttl: MAX_TTL_S, expectedSeconds: MAX_TTL_S },
  ])('put with $label expires after $expectedSeconds s', async ({ ttl, expectedSeconds }) => {
    const before = Date.now()
    await state.put('ttl.case', 'v', ttl === undefined ? undefined : { ttl })
    const expires = Date.parse((await state.get('ttl.case')).expiration)
    expect(expires).toBeGreaterThanOrEqual(before + expectedSeconds * 1000)
    expect(expires).toBeLessThanOrEqual(Date.now() + expectedSeconds * 1000)
  })

  it('overwrites a value and keeps unicode intact', async () => {
    await state.put('doc', 'first')
    await state.put('doc', '{"name":"Crème brûlée ☕"}')
    expect((await state.get('doc')).value).toBe('{"name":"Crème brûlée ☕"}')
  })

  it('get of a missing key is undefined', async () => {
    expect(await state.get('missing.key')).toBeUndefined()
  })

  it('delete returns the key, then null once the key is gone', async () => {
    await state.put('to.delete', 'x')
    expect(await state.delete('to.delete')).toBe('to.delete')
    expect(await state.delete('to.delete')).toBeNull()
    expect(await state.get('to.delete')).toBeUndefined()
  })

  it('any is false for an empty namespace and true once a key exists', async () => {
    expect(await state.any()).toBe(false)
    await state.put('k', 'v')
    expect(await state.any()).toBe(true)
  })

  it('stats counts live keys and their bytes (UTF-8)', async () => {
    expect(await state.stats()).toEqual({ keys: 0, bytesKeys: 0, bytesValues: 0 })
    await state.put('a.key', 'é') // 2 bytes
    await state.put('b.longer-key', 'plain')
    expect(await state.stats()).toEqual({ keys: 2, bytesKeys: 5 + 12, bytesValues: 2 + 5 })
  })

  it('deleteAll removes only the matching keys and returns their count', async () => {
    await Promise.all(['dlv.1', 'dlv.2', 'dlv.3', 'sub.1'].map((k) => state.put(k, 'v')))
    expect(await state.deleteAll({ match: 'dlv.*' })).toEqual({ keys: 3 })
    expect(await state.deleteAll({ match: 'dlv.*' })).toEqual({ keys: 0 })
    expect((await pages(state)).flat()).toEqual(['sub.1'])
  })

  it.each([
    ['no match: every key', undefined, ['idem.a', 'idem.b', 'list-a-1', 'list-b-1', 'list-b-11']],
    ['a prefix', 'list-*', ['list-a-1', 'list-b-1', 'list-b-11']],
    ['a wildcard in the middle', 'list-*-1', ['list-a-1', 'list-b-1']],
    ['a suffix', '*1', ['list-a-1', 'list-b-1', 'list-b-11']],
    ['an exact key', 'idem.a', ['idem.a']],
    ['nothing matching', 'zzz*', []],
  ])('list with %s', async (_label, match, expected) => {
    await Promise.all(['idem.a', 'idem.b', 'list-a-1', 'list-b-1', 'list-b-11'].map((k) => state.put(k, 'v')))
    const got = await pages(state, match)
    expect(got).toHaveLength(1)
    expect([...got[0]].sort()).toEqual(expected)
  })

  it('list of an empty namespace yields one empty page', async () => {
    expect(await pages(state)).toEqual([[]])
  })

  /** Puts `keys` over raw HTTP (the unmemoised library costs ms of CPU per call); listings below use the client. */
  async function seed(keys: string[], width = 16): Promise<void> {
    const authorization = `Basic ${Buffer.from(stack.config.auth).toString('base64')}`
    await inParallel(keys, width, async (k) => {
      const res = await fetch(`${stack.baseUrl}/state/containers/${stack.config.namespace}/data/${k}`, {
        method: 'PUT',
        headers: { authorization },
        body: 'v',
      })
      expect(res.status).toBe(200)
    })
  }

  it('list scans 1,000 keys per call: 2,500 keys of which 3 match cost 3 calls, some pages empty', async () => {
    // The needles are written first, so in the scan order (insertion) they all sit in the first window.
    const needles = ['needle.1', 'needle.2', 'needle.3']
    await seed(needles, 1)
    const hay = Array.from({ length: 2497 }, (_, i) => `hay.${i}`)
    await seed(hay)
    stack.state.resetCounters()

    const found = await pages(state, 'needle.*')
    expect(found).toEqual([needles, [], []])
    expect(stack.state.counters(stack.config.namespace).lists).toBe(3)

    // Without a match every scanned key is returned: 1000 + 1000 + 500, each key once.
    const all = await pages(state)
    expect(all.map((p) => p.length)).toEqual([1000, 1000, 500])
    expect(all.flat().sort()).toEqual([...needles, ...hay].sort())
    // A pattern that matches nothing still scans the whole container.
    expect(await pages(state, 'nothing.*')).toEqual([[], [], []])
    expect(stack.state.counters(stack.config.namespace).lists).toBe(9)
  }, 60_000)

  it('list of exactly 1,000 keys is one call (the scan knows it reached the end)', async () => {
    await seed(Array.from({ length: 1000 }, (_, i) => `k.${i}`))
    stack.state.resetCounters()
    expect((await pages(state, 'k.99*')).map((p) => p.length)).toEqual([11])
    expect(stack.state.counters(stack.config.namespace).lists).toBe(1)
  }, 60_000)

  it('a key overwritten during a listing keeps its place and is listed once', async () => {
    await seed(Array.from({ length: 1500 }, (_, i) => `ow.${i}`))
    const seen: string[] = []
    let overwritten = false
    for await (const { keys } of state.list({ match: 'ow.*' })) {
      seen.push(...keys)
      if (!overwritten) {
        await state.put('ow.0', 'new value') // already listed: must not come back
        await state.put('ow.1499', 'new value') // not listed yet: must still come exactly once
        overwritten = true
      }
    }
    expect(seen).toHaveLength(1500)
    expect(new Set(seen).size).toBe(1500)
  }, 60_000)

  it('expired keys are gone from get, list, any and stats, and the purge deletes them', async () => {
    await state.put('short.1', 'v', { ttl: 1 })
    await state.put('short.2', 'v', { ttl: 1 })
    await state.put('long.1', 'v', { ttl: 600 })
    expect((await state.get('short.1')).value).toBe('v')
    await sleep(1200)
    expect(await state.get('short.1')).toBeUndefined()
    expect((await pages(state)).flat()).toEqual(['long.1'])
    expect(await state.stats()).toEqual({ keys: 1, bytesKeys: 6, bytesValues: 1 })
    expect(await state.delete('short.2')).toBeNull()
    expect(await stack.state.purgeExpired()).toBe(1) // short.1; short.2's row went with its delete
    expect(await state.get('long.1')).toEqual({ value: 'v', expiration: expect.any(String) })
  })

  it('a value of exactly 1 MiB is stored; one byte more is 413 (ERROR_PAYLOAD_TOO_LARGE)', async () => {
    const max = 'x'.repeat(MiB)
    await state.put('big.ok', max)
    expect((await state.get('big.ok')).value).toHaveLength(MiB)
    expect(await failure(state.put('big.no', max + 'y'))).toEqual({
      name: 'AdobeStateLibError',
      code: 'ERROR_PAYLOAD_TOO_LARGE',
    })
    expect(await state.get('big.no')).toBeUndefined()
  })

  it('namespaces are isolated: same key, separate values, separate deletes', async () => {
    await state.put('shared.key', 'mine')
    await other.put('shared.key', 'theirs')
    expect((await state.get('shared.key')).value).toBe('mine')
    expect((await other.get('shared.key')).value).toBe('theirs')
    expect(await other.deleteAll({ match: '*' })).toEqual({ keys: 1 })
    expect((await state.get('shared.key')).value).toBe('mine')
    expect(await other.stats()).toEqual({ keys: 0, bytesKeys: 0, bytesValues: 0 })
  })

  it.each([
    ['another namespace’s valid key', () => OTHER_AUTH],
    ['an unknown uuid:key', () => '00000000-0000-0000-0000-000000000000:wrong'],
    ['the right uuid with a wrong key', () => `${stack.config.auth.split(':')[0]}:wrong`],
  ])('401 (ERROR_UNAUTHORIZED) with %s', async (_label, auth) => {
    const intruder = await stateClient(stack, stack.config.namespace, auth())
    await state.put('guarded', 'secret')
    const unauthorized = { name: 'AdobeStateLibError', code: 'ERROR_UNAUTHORIZED' }
    expect(await failure(intruder.get('guarded'))).toEqual(unauthorized)
    expect(await failure(intruder.put('guarded', 'overwritten'))).toEqual(unauthorized)
    expect(await failure(intruder.deleteAll({ match: '*' }))).toEqual(unauthorized)
    expect(await failure(pages(intruder))).toEqual(unauthorized)
    expect((await state.get('guarded')).value).toBe('secret')
  })

  it('counts successful data calls per namespace, not rejected ones', async () => {
    await state.put('c.1', 'v')
    await state.put('c.2', 'v')
    await state.get('c.1')
    await state.get('c.missing')
    await state.delete('c.2')
    await pages(state, 'c.*')
    await state.deleteAll({ match: 'c.*' })
    await failure(state.put('c.big', 'x'.repeat(MiB + 1)))
    await other.put('c.other', 'v')
    expect(stack.state.counters(stack.config.namespace)).toEqual({ gets: 2, puts: 2, deletes: 2, lists: 1 })
    expect(stack.state.counters(OTHER_NS)).toEqual({ gets: 0, puts: 1, deletes: 0, lists: 0 })
    stack.state.resetCounters()
    expect(stack.state.counters(stack.config.namespace)).toEqual({ gets: 0, puts: 0, deletes: 0, lists: 0 })
  })

  it('serves concurrent clients without losing writes', async () => {
    const clients = [state, await stateClient(stack), await stateClient(stack)]
    const keys = Array.from({ length: 300 }, (_, i) => `conc.${i}`)
    await Promise.all(keys.map((k, i) => clients[i % 3].put(k, `value-${i}`)))
    const values = await Promise.all(keys.map((k, i) => clients[(i + 1) % 3].get(k)))
    expect(values.map((v) => v.value)).toEqual(keys.map((_, i) => `value-${i}`))
    expect((await state.stats()).keys).toBe(300)
  })
})

describe('State quota (stateMaxKeys)', () => {
  let stack: TestStack | undefined
  afterEach(() => cleanup(stack))

  it('403 (ERROR_BAD_CREDENTIALS) for a new key past the quota; overwrites, deletes and expiry free room', async () => {
    stack = await startTestStack({
      config: { stateMaxKeys: 5, namespaces: new Map([[OTHER_NS, OTHER_AUTH]]) },
    })
    const state = await stateClient(stack)
    for (let i = 0; i < 5; i++) await state.put(`q.${i}`, 'v', i < 2 ? { ttl: 1 } : undefined)
    const forbidden = { name: 'AdobeStateLibError', code: 'ERROR_BAD_CREDENTIALS' }
    expect(await failure(state.put('q.new', 'v'))).toEqual(forbidden)
    await state.put('q.4', 'overwrite is fine at the quota')
    expect(await stateClient(stack, OTHER_NS).then((o) => o.put('q.new', 'v'))).toBe('q.new')

    await state.delete('q.4')
    await state.put('q.new', 'v')
    expect(await failure(state.put('q.newer', 'v'))).toEqual(forbidden)

    await sleep(1200) // q.0 and q.1 expire and no longer count
    await state.put('q.a', 'v')
    await state.put('q.b', 'v')
    expect(await failure(state.put('q.c', 'v'))).toEqual(forbidden)
    expect(await state.stats()).toMatchObject({ keys: 5 })
  })
})

describe('State background purge', () => {
  let stack: TestStack | undefined
  afterEach(() => cleanup(stack))

  it('deletes expired rows from the database on its own', async () => {
    stack = await startTestStack({ env: { LOCAL_STATE_PURGE_INTERVAL_MS: '100' } })
    const state = await stateClient(stack)
    await state.put('purge.me', 'v', { ttl: 1 })
    await state.put('keep.me', 'v')
    const db = new Database(path.join(stack.dataDir, 'state.sqlite'), { readonly: true })
    try {
      const keys = (): string[] =>
        db
          .prepare<[], { key: string }>('SELECT key FROM kv ORDER BY key')
          .all()
          .map((r) => r.key)
      expect(keys()).toEqual(['keep.me', 'purge.me'])
      const deadline = Date.now() + 5000
      while (keys().length > 1 && Date.now() < deadline) await sleep(100)
      expect(keys()).toEqual(['keep.me'])
    } finally {
      db.close()
    }
  })
})
