/**
 * The subscriptions document: one point read per warm container per cache period, no listing,
 * changes visible at once in the container that made them and within the cache TTL elsewhere.
 */
import {
  createSubscriptionStore,
  MAX_SUBSCRIPTIONS,
  SUBSCRIPTIONS_KEY,
  type SubscriptionCache,
} from '../../../actions/lib/subscriptions/subscription-store'
import type { Subscription } from '../../../actions/lib/subscriptions/subscription'
import { countingStore, fakeClock } from './fixtures'

const SECRET = `whsec_${Buffer.alloc(24, 1).toString('base64')}`

function aSubscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    name: id,
    eventTypes: ['*'],
    url: `https://hooks.example.com/${id}`,
    active: true,
    secret: SECRET,
    fields: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    source: 'state',
    ...overrides,
  }
}

function setup() {
  const clock = fakeClock()
  const kv = countingStore(clock)
  const open = (cache: SubscriptionCache = new Map(), cacheTtlMs = 10_000) =>
    createSubscriptionStore({ store: kv, now: clock.now, cache, cacheTtlMs })
  return { clock, kv, open }
}

describe('subscription store (one document)', () => {
  test('list is one point read, then none while the cache is fresh, and never a listing', async () => {
    const { kv, open } = setup()
    await open().save(aSubscription('a'))
    const publisher = open()
    kv.reset()
    expect((await publisher.list()).map((s) => s.id)).toEqual(['a'])
    expect((await publisher.list()).map((s) => s.id)).toEqual(['a'])
    expect(kv.counts).toEqual({ gets: 1, puts: 0, deletes: 0, lists: 0 })
  })

  test('another container sees a change once its cache TTL has passed; the writer sees it at once', async () => {
    const { clock, open } = setup()
    const admin = open()
    const publisher = open()
    await admin.save(aSubscription('a'))
    expect((await publisher.list()).map((s) => s.id)).toEqual(['a'])
    await admin.save(aSubscription('b'))
    expect([
      (await admin.list()).map((s) => s.id),
      (await publisher.list()).map((s) => s.id),
      (await publisher.list({ fresh: true })).map((s) => s.id),
    ]).toEqual([['a', 'b'], ['a'], ['a', 'b']])
    clock.advance(10_000)
    expect((await open().list()).map((s) => s.id)).toEqual(['a', 'b'])
  })

  test('save replaces by id, remove deletes, and a missing id is false', async () => {
    const { kv, open } = setup()
    const store = open()
    await store.save(aSubscription('a'))
    await store.save(aSubscription('a', { name: 'renamed' }))
    expect((await store.get('a'))?.name).toBe('renamed')
    expect([await store.remove('a'), await store.remove('a'), await store.get('a')]).toEqual([
      true,
      false,
      undefined,
    ])
    expect([...kv.dump().keys()]).toEqual([SUBSCRIPTIONS_KEY])
  })

  test(`refuses more than ${MAX_SUBSCRIPTIONS} subscriptions with a 400 (the document must stay under 1 MB)`, async () => {
    const { kv, open } = setup()
    const doc = {
      writtenAt: 1,
      subscriptions: Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => aSubscription(`s-${i}`)),
    }
    await kv.put(SUBSCRIPTIONS_KEY, JSON.stringify(doc))
    expect(JSON.stringify(doc).length).toBeLessThan(1_000_000)
    await expect(open().save(aSubscription('one-more'))).rejects.toMatchObject({ statusCode: 400 })
    await open().save(aSubscription('s-0', { name: 'an update is fine' }))
  })

  test('refresh rewrites only a document older than the threshold', async () => {
    const { clock, kv, open } = setup()
    await open().save(aSubscription('a'))
    kv.reset()
    expect(await open().refresh(clock.now(), 1_000)).toBe(0)
    clock.advance(1_000)
    expect(await open().refresh(clock.now(), 1_000)).toBe(1)
    expect(kv.counts.puts).toBe(1)
  })
})
