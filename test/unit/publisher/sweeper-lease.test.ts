/**
 * Sweeper runs never overlap on the same work, however slow State is: the lease has an expiry and
 * a fencing token checked before each send and each record write; a run that lost it stops.
 * State here is the counting memory store behind real latency (every call waits), and the clock
 * sleeps for real, so runs really interleave.
 */
import type { KvStore } from '../../../actions/lib/kv-store'
import { receiverPool } from '../../helpers/webhook-receiver'
import { aCanonicalEvent, harness, inputs, publish, sweeper, subscriptionsApi, SECRET_A } from './fixtures'

type H = ReturnType<typeof harness>
const receiver = receiverPool()
/** Where the State log store keeps the sweeper's lease. */
const LEASE_KEY = 'idx.lease'

/** The harness's clock, but sleeping for real (the lease's settle wait must let racing puts land). */
function realSleeps(h: H): H {
  const clock = { ...h.clock, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) }
  return { ...h, clock, overrides: { ...h.overrides, clock } }
}

/** The harness's store behind `latency()` ms per call (a slow State). */
function slowStore(store: KvStore, latency: () => number): KvStore {
  const slow =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      await new Promise((r) => setTimeout(r, latency()))
      const out = await f(...a)
      await new Promise((r) => setTimeout(r, latency()))
      return out
    }
  return {
    get: slow(store.get),
    put: slow(store.put),
    delete: slow(store.delete),
    keys: slow(store.keys),
  }
}

async function createSub(h: H, url: string): Promise<void> {
  await subscriptionsApi(
    { ...inputs(), __ow_method: 'post', __ow_path: '', name: 'S', eventTypes: ['*'], url, secret: SECRET_A },
    h.overrides,
  )
}

const sendKeys = (r: { received: { headers: Record<string, unknown>; json: { attempt: number } }[] }) =>
  r.received.map((q) => `${String(q.headers['webhook-id'])}#${q.json.attempt}`)

describe('publisher/sweeper lease and fencing', () => {
  test('four overlapping runs on a slow State send each due attempt once', async () => {
    const h = realSleeps(harness())
    const r = await receiver({ script: (n) => (n < 12 ? { status: 500 } : { status: 200, delayMs: 30 }) })
    await createSub(h, r.url)
    for (let i = 0; i < 12; i++) await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(r.received).toHaveLength(12)
    h.clock.advance(1_000)

    const store = slowStore(h.store, () => 20)
    const runs = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        await new Promise((res) => setTimeout(res, n))
        return sweeper({ ...inputs(), SWEEP_MAINTENANCE_EVERY_MINUTES: '1440' }, { ...h.overrides, store })
      }),
    )
    const bodies = runs.map((x) => x.body)
    expect(bodies.filter((b) => b.skipped)).toHaveLength(3)
    expect(bodies.find((b) => !b.skipped)).toMatchObject({ attempted: 12, delivered: 12 })
    const keys = sendKeys(r)
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).toHaveLength(24)
  })

  test('a run whose lease was taken over stops before its next send and writes nothing more', async () => {
    const h = realSleeps(harness())
    const r = await receiver({ script: (n) => (n < 6 ? { status: 500 } : { status: 200, delayMs: 200 }) })
    await createSub(h, r.url)
    for (let i = 0; i < 6; i++) await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(1_000)

    // One delivery at a time; once the first retry reaches the receiver, another run takes the lease.
    const run = sweeper({ ...inputs(), DELIVERY_CONCURRENCY: '1' }, h.overrides)
    await r.waitFor(7)
    const held = JSON.parse(h.store.dump().get(LEASE_KEY)!) as { token: number; until: number }
    await h.store.put(LEASE_KEY, JSON.stringify({ owner: 'run-b', token: held.token + 1, until: held.until }))
    const body = (await run).body
    expect(body).toMatchObject({ leaseLost: true, attempted: 0, deferred: 6 })
    // The send in flight when the lease was taken finished; no further send, no outcome written.
    expect(r.received).toHaveLength(7)
    const statuses = [...h.store.dump()]
      .filter(([k]) => k.startsWith('dlv.'))
      .map(([, v]) => (JSON.parse(v) as { status: string }).status)
    expect(statuses.filter((s) => s === 'delivered')).toHaveLength(0)
  })
})
