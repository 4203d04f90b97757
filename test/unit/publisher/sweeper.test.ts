/**
 * publisher/sweeper through its entry point: due retries, dead letters, claims, parked and
 * orphaned deliveries, and maintenance (auto-disable, TTL refresh).
 */
import type { DeliveryRecord } from '../../../actions/lib/delivery-log/delivery-record'
import { parseDlvKey } from '../../../actions/lib/delivery-log/log-keys'
import { receiverPool } from '../../helpers/webhook-receiver'
import {
  aCanonicalEvent,
  harness,
  inputs,
  SECRET_A,
  publish,
  sweeper,
  subscriptionsApi,
  logsApi,
} from './fixtures'

type H = ReturnType<typeof harness>
const DAY = 86_400_000

const receiver = receiverPool()

async function createSub(h: H, url: string): Promise<string> {
  const res = (await subscriptionsApi(
    { ...inputs(), __ow_method: 'post', __ow_path: '', name: 'S', eventTypes: ['*'], url, secret: SECRET_A },
    h.overrides,
  )) as { body: { subscription: { id: string } } }
  return res.body.subscription.id
}

function records(h: H): { key: string; record: DeliveryRecord }[] {
  return [...h.store.dump()]
    .filter(([k]) => parseDlvKey(k)?.note === false)
    .map(([key, v]) => ({ key, record: JSON.parse(v) as DeliveryRecord }))
}

async function sweep(h: H, params: Record<string, unknown> = {}) {
  const res = await sweeper({ ...inputs(), SWEEP_MAINTENANCE_EVERY_MINUTES: '1440', ...params }, h.overrides)
  expect(res.statusCode).toBe(200)
  return res.body
}

describe('publisher/sweeper', () => {
  test('retries a due delivery: attempt 2, same webhook-id, record moves from retrying to delivered', async () => {
    const h = harness()
    const r = await receiver({ secrets: [SECRET_A], script: (n) => ({ status: n === 0 ? 500 : 200 }) })
    await createSub(h, r.url)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(records(h).map((x) => x.record.status)).toEqual(['retrying'])

    expect(await sweep(h)).toMatchObject({ due: 0, attempted: 0 })
    h.clock.advance(1_000)
    expect(await sweep(h)).toMatchObject({ due: 1, attempted: 1, delivered: 1 })

    expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2])
    expect(r.received[1].headers['webhook-id']).toBe(r.received[0].headers['webhook-id'])
    expect(r.received[1].verifiedWith).toEqual([0])
    const [{ key, record }] = records(h)
    expect(key).toBe(`dlv.${record.id}`)
    expect(record.status).toBe('delivered')
    expect(record.attempts.map((a) => [a.attempt, a.statusCode, a.trigger])).toEqual([
      [1, 500, 'publish'],
      [2, 200, 'sweeper'],
    ])
  })

  test('an exhausted schedule dead-letters the delivery', async () => {
    const h = harness()
    const r = await receiver({ script: () => ({ status: 502 }) })
    await createSub(h, r.url)
    const params = { RETRY_SCHEDULE: '1s,2s' }
    await publish({ ...inputs(params), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(1_000)
    expect(await sweep(h, params)).toMatchObject({ attempted: 1, retrying: 1 })
    h.clock.advance(2_000)
    expect(await sweep(h, params)).toMatchObject({ attempted: 1, dead: 1 })
    h.clock.advance(DAY)
    expect(await sweep(h, params)).toMatchObject({ due: 0 })
    const [{ record }] = records(h)
    expect(record).toMatchObject({
      status: 'dead',
      lastError: 'HTTP 502; retry schedule exhausted',
      retryIndex: 2,
    })
    expect(record.attempts.map((a) => a.attempt)).toEqual([1, 2, 3])
    expect(r.received).toHaveLength(3)
  })

  test('a claimed delivery is not sent again by an overlapping run; a run that dies after claiming is retried after the lease', async () => {
    const h = harness()
    const r = await receiver({ script: (n) => (n === 0 ? { status: 500 } : { status: 200, delayMs: 300 }) })
    await createSub(h, r.url)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(1_000)
    const first = sweep(h)
    await r.waitFor(2)
    expect(await sweep(h)).toMatchObject({ skipped: true, attempted: 0 }) // the first run holds the lease
    expect(await first).toMatchObject({ attempted: 1, delivered: 1 })
    expect(r.received).toHaveLength(2)

    // Now a run that dies between claiming and recording the outcome.
    r.setScript(() => ({ status: 500 }))
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(1_000)
    // The claim is written; the outcome write fails as if the activation had been killed.
    let recordPuts = 0
    const dying = {
      ...h.store,
      put: async (k: string, v: string, ttl?: number) => {
        if (k.startsWith('dlv.') && ++recordPuts > 1) throw new Error('activation killed')
        return h.store.put(k, v, ttl)
      },
    }
    await sweeper({ ...inputs() }, { ...h.overrides, store: dying })
    const claimed = records(h).find((x) => x.record.status === 'retrying')!
    expect(claimed.record.nextAttemptAt).toBe(new Date(h.clock.now() + 2_000 + 60_000).toISOString())
    r.setScript(() => ({ status: 200 }))
    h.clock.advance(30_000)
    expect(await sweep(h)).toMatchObject({ due: 0 })
    h.clock.advance(40_000)
    expect(await sweep(h)).toMatchObject({ due: 1, delivered: 1 })
  })

  test('deliveries of an inactive subscription are parked until it is re-enabled', async () => {
    const h = harness()
    const r = await receiver({ script: (n) => ({ status: n === 0 ? 500 : 200 }) })
    const id = await createSub(h, r.url)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    await subscriptionsApi(
      { ...inputs(), __ow_method: 'patch', __ow_path: `/${id}`, active: false },
      h.overrides,
    )
    h.clock.advance(5_000)
    expect(await sweep(h)).toMatchObject({ due: 1, parked: 1, attempted: 0 })
    await subscriptionsApi(
      { ...inputs(), __ow_method: 'patch', __ow_path: `/${id}`, active: true },
      h.overrides,
    )
    expect(await sweep(h)).toMatchObject({ due: 1, attempted: 1, delivered: 1 })
  })

  test('due deliveries of a deleted subscription are marked failed, not sent', async () => {
    const h = harness()
    const r = await receiver({ script: () => ({ status: 500 }) })
    const id = await createSub(h, r.url)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    await subscriptionsApi({ ...inputs(), __ow_method: 'delete', __ow_path: `/${id}` }, h.overrides)
    h.clock.advance(1_000)
    expect(await sweep(h)).toMatchObject({ due: 1, orphaned: 1, attempted: 0 })
    expect(records(h).map((x) => [x.record.status, x.record.lastError])).toEqual([
      ['failed', 'subscription no longer exists'],
    ])
    expect(r.received).toHaveLength(1)
  })

  test('an admin retry after indexing leaves a change note: the next run re-reads that record and does not re-send it', async () => {
    const h = harness()
    const r = await receiver({ script: (n) => ({ status: n === 0 ? 500 : 200 }) })
    await createSub(h, r.url)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(await sweep(h)).toMatchObject({ due: 0, index: { indexed: 1 } })
    const [{ record }] = records(h)
    const retried = (await logsApi(
      { ...inputs(), __ow_method: 'post', __ow_path: `/${record.id}/retry` },
      h.overrides,
    )) as { statusCode: number; body: DeliveryRecord }
    expect(retried.body.status).toBe('delivered')
    expect(h.store.dump().has(`dlv.${record.id}.chg`)).toBe(true)
    h.clock.advance(5_000)
    expect(await sweep(h)).toMatchObject({ due: 0, attempted: 0, index: { recordsRead: 1, indexed: 1 } })
    expect(h.store.dump().has(`dlv.${record.id}.chg`)).toBe(false)
    expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2])
  })

  test('each run scans the log once and reads only records it has not indexed yet', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, r.url)
    for (let i = 0; i < 3; i++) await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(await sweep(h)).toMatchObject({
      index: { keysScanned: 3, recordsRead: 3, indexed: 3, backlog: 0 },
    })
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    h.store.reset()
    expect(await sweep(h)).toMatchObject({ index: { keysScanned: 4, recordsRead: 1, indexed: 1 } })
    // One scan of dlv.* by the index pass; the other listing is the subscription store's.
    expect(h.store.counts.lists).toBeLessThanOrEqual(2)
  })

  test('maintenance auto-disables a subscription that failed every delivery for 5 days, with the reason', async () => {
    const h = harness()
    const bad = await receiver({ script: () => ({ status: 500, body: 'down' }) })
    const good = await receiver()
    const badId = await createSub(h, bad.url)
    const goodId = await createSub(h, good.url)
    h.clock.advance(60_000)
    await publish({ ...inputs({ RETRY_SCHEDULE: '1s' }), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(4 * DAY)
    expect(await sweep(h, { maintenance: 'true', RETRY_SCHEDULE: '1s' })).toMatchObject({
      dead: 1,
      maintenance: { refreshed: 0, disabled: [] },
    })
    h.clock.advance(DAY)
    await publish({ ...inputs({ RETRY_SCHEDULE: '1s' }), event: aCanonicalEvent() }, h.overrides)
    expect(await sweep(h, { maintenance: 'true', RETRY_SCHEDULE: '1s' })).toMatchObject({
      maintenance: { disabled: [badId] },
    })
    const view = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'get', __ow_path: `/${badId}` },
      h.overrides,
    )) as { body: Record<string, unknown> }
    expect(view.body).toMatchObject({
      active: false,
      disabledReason: expect.stringMatching(
        /^auto-disabled: every delivery failed since .* \(5 days\); last error: HTTP 500/,
      ),
      stats: { delivered: 0, failed: 0, retrying: 1, dead: 1, pending: 0, lastError: 'HTTP 500' },
    })
    const goodView = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'get', __ow_path: `/${goodId}` },
      h.overrides,
    )) as { body: Record<string, unknown> }
    expect(goodView.body).toMatchObject({ active: true, stats: { delivered: 2 } })
  })

  test('one success inside the period keeps the subscription enabled', async () => {
    const h = harness()
    const r = await receiver({ script: (n) => ({ status: n === 1 ? 200 : 500 }) })
    const id = await createSub(h, r.url)
    h.clock.advance(60_000)
    await publish({ ...inputs({ RETRY_SCHEDULE: '1s' }), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(DAY)
    await publish({ ...inputs({ RETRY_SCHEDULE: '1s' }), event: aCanonicalEvent() }, h.overrides)
    h.clock.advance(5 * DAY)
    await publish({ ...inputs({ RETRY_SCHEDULE: '1s' }), event: aCanonicalEvent() }, h.overrides)
    expect(await sweep(h, { maintenance: 'true', RETRY_SCHEDULE: '1s' })).toMatchObject({
      maintenance: { disabled: [] },
    })
    const view = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'get', __ow_path: `/${id}` },
      h.overrides,
    )) as { body: Record<string, unknown> }
    expect(view.body).toMatchObject({ active: true })
  })

  test('maintenance rewrites the subscriptions document older than 30 days so its 365-day TTL never runs out', async () => {
    const h = harness()
    const id = await createSub(h, 'https://hooks.example.com/in')
    const doc = () =>
      JSON.parse(h.store.dump().get('sub.all')!) as { writtenAt: number; subscriptions: { id: string }[] }
    const before = doc().writtenAt
    h.clock.advance(31 * DAY)
    expect(await sweep(h, { maintenance: 'true' })).toMatchObject({
      maintenance: { refreshed: 1, disabled: [] },
    })
    expect([
      before < h.clock.now() - 30 * DAY,
      doc().writtenAt,
      doc().subscriptions.map((s) => s.id),
    ]).toEqual([true, h.clock.now(), [id]])
    h.clock.advance(360 * DAY)
    const view = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'get', __ow_path: `/${id}` },
      h.overrides,
    )) as { statusCode: number }
    expect(view.statusCode).toBe(200)
  })
})
