/**
 * The State backend of the delivery log against a brute-force model: thousands of records over
 * several segments and both chains, status changes, expiry, cursor paging and due retries.
 */
import { createMemoryStore } from '../../../actions/lib/kv-store'
import type { DeliveryRecord } from '../../../actions/lib/delivery-log/delivery-record'
import { deliveryIdOf, type DeliveryStatus } from '../../../actions/lib/delivery-log/log-keys'
import type { LogEntry, LogFilter } from '../../../actions/lib/delivery-log/log-store'
import { createStateLogStore } from '../../../actions/lib/delivery-log/state-log-store'
import { SEGMENT_MAX } from '../../../actions/lib/delivery-log/state-log-index'

const T0 = Date.parse('2026-11-01T00:00:00Z')
const DAY = 86_400_000
const SUBS = ['sub-a', 'sub-b', 'sub-c']
const TYPES = ['be-observer.catalog_product_create', 'be-observer.customer_create']

/** A record valid by default; `n` spreads status, subscription, type and time deterministically. */
function aRecord(n: number, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  const status: DeliveryStatus = n % 10 === 0 ? 'failed' : n % 17 === 0 ? 'retrying' : 'delivered'
  const createdAt = new Date(T0 + n * 1_000).toISOString()
  const sub = SUBS[n % 3]
  const eventId = `evt-${n}`
  return {
    id: deliveryIdOf(eventId, sub),
    eventId,
    eventType: TYPES[n % 2],
    entity: 'product',
    entityId: `SKU-${n % 50}`,
    entityType: 'product',
    subscriptionId: sub,
    url: 'https://hooks.example.com/in',
    status,
    attempts: [
      {
        attempt: 1,
        at: createdAt,
        statusCode: status === 'delivered' ? 200 : 500,
        durationMs: 3,
        trigger: 'publish',
      },
    ],
    payload: {
      id: eventId,
      type: TYPES[n % 2],
      timestamp: createdAt,
      attempt: 1,
      data: { id: `SKU-${n % 50}`, type: 'product' },
    },
    createdAt,
    updatedAt: createdAt,
    ...(status === 'retrying' ? { nextAttemptAt: new Date(T0 + n * 1_000 + 60_000).toISOString() } : {}),
    retryIndex: status === 'retrying' ? 1 : 0,
    ...overrides,
  }
}

function setup(count: number) {
  let now = T0 + count * 1_000 + 5_000
  const clock = { now: () => now }
  const kv = createMemoryStore(clock)
  const logs = createStateLogStore({ store: kv, now: clock.now, retentionSeconds: 30 * 86_400 })
  const records = Array.from({ length: count }, (_, n) => aRecord(n + 1))
  return { kv, logs, records, clock, advance: (ms: number) => (now += ms) }
}

function expected(records: DeliveryRecord[], f: LogFilter): string[] {
  return records
    .filter(
      (r) =>
        (!f.status || f.status.includes(r.status)) &&
        (!f.eventType || r.eventType === f.eventType) &&
        (!f.subscriptionId || r.subscriptionId === f.subscriptionId) &&
        (!f.entityId || r.entityId === f.entityId) &&
        (f.from === undefined || Date.parse(r.createdAt) >= f.from) &&
        (f.to === undefined || Date.parse(r.createdAt) <= f.to),
    )
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1))
    .map((r) => r.id)
}

async function all(logs: ReturnType<typeof setup>['logs'], f: LogFilter, limit: number): Promise<LogEntry[]> {
  const out: LogEntry[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 1000; pages++) {
    const page = await logs.query(f, limit, cursor)
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  throw new Error('paging did not end')
}

describe('State delivery-log store', () => {
  test('queries match a brute-force filter across segments and chains, newest first, with cursor paging', async () => {
    const s = setup(2.5 * SEGMENT_MAX)
    for (const r of s.records) await s.logs.write(r, 'publish')
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now() })).toMatchObject({
      ran: true,
      keysScanned: s.records.length,
      recordsRead: s.records.length,
      indexed: s.records.length,
      backlog: 0,
    })
    const filters: LogFilter[] = [
      {},
      { status: ['failed'] },
      { status: ['failed', 'delivered'], eventType: TYPES[1] },
      { subscriptionId: 'sub-b', from: T0 + 500_000, to: T0 + 1_800_000 },
      { entityId: 'SKU-7' },
      { status: ['dead'] },
    ]
    for (const f of filters) {
      const ids = (await all(s.logs, f, 100)).map((e) => e.id)
      expect({ f, ids }).toEqual({ f, ids: expected(s.records, f) })
    }
    expect((await s.logs.query({ status: ['failed'] }, 10)).total).toBe(
      expected(s.records, { status: ['failed'] }).length,
    )
    expect((await s.logs.query({ status: ['failed'] }, 10)).items[0]).toEqual({
      id: s.records[2499].id,
      createdAt: T0 + 2500_000,
      updatedAt: T0 + 2500_000,
      status: 'failed',
      eventType: TYPES[0],
      subscriptionId: 'sub-b',
      entityId: 'SKU-0',
      attempts: 1,
      lastHttpStatus: 500,
    })
  })

  test('a status change moves the entry between chains; due retries come from the index; expired records drop out', async () => {
    const s = setup(300)
    for (const r of s.records) await s.logs.write(r, 'publish')
    await s.logs.refreshIndex({ nowMs: s.clock.now() })
    const retrying = s.records.filter((r) => r.status === 'retrying')
    expect((await s.logs.due(s.clock.now(), 1000)).map((d) => d.id)).toEqual(
      retrying.filter((r) => Date.parse(r.nextAttemptAt!) <= s.clock.now()).map((r) => r.id),
    )
    // The sweeper delivers one (its own write, applied without a scan), an admin retries another (change note).
    const [a, b] = retrying
    const delivered = {
      ...a,
      status: 'delivered' as const,
      nextAttemptAt: undefined,
      updatedAt: new Date(s.clock.now()).toISOString(),
    }
    await s.logs.write(delivered, 'sweeper')
    await s.logs.refreshIndex({ nowMs: s.clock.now(), updated: [delivered], scan: false })
    await s.logs.write({ ...b, status: 'dead', nextAttemptAt: undefined }, 'admin')
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now() })).toMatchObject({ recordsRead: 1, indexed: 1 })
    const now = [
      ...s.records.filter((r) => r !== a && r !== b),
      { ...delivered },
      { ...b, status: 'dead' as const },
    ]
    for (const f of [
      { status: ['retrying'] },
      { status: ['delivered'] },
      { status: ['dead'] },
    ] as LogFilter[])
      expect((await all(s.logs, f, 50)).map((e) => e.id)).toEqual(expected(now, f))
    expect((await s.logs.due(s.clock.now(), 1000)).map((d) => d.id)).not.toContain(a.id)
    expect((await s.logs.due(s.clock.now(), 1000)).map((d) => d.id)).not.toContain(b.id)
    expect(await s.logs.subscriptionStats(a.subscriptionId)).toMatchObject({
      counts: expect.objectContaining({
        retrying: expected(now, { status: ['retrying'], subscriptionId: a.subscriptionId }).length,
      }),
    })
    // 31 days later every record has expired: the next pass drops the segments.
    s.advance(31 * DAY)
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now() })).toMatchObject({
      keysScanned: 0,
      dropped: 300,
    })
    expect(await s.logs.query({}, 10)).toMatchObject({ items: [] })
    expect([...s.kv.dump().keys()].filter((k) => k.startsWith('idx.p.'))).toEqual([])
  })

  test('a pass reads at most maxReads records; the backlog is indexed by the next passes', async () => {
    const s = setup(250)
    for (const r of s.records) await s.logs.write(r, 'publish')
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now(), maxReads: 100 })).toMatchObject({
      indexed: 100,
      backlog: 150,
    })
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now(), maxReads: 100 })).toMatchObject({
      indexed: 100,
      backlog: 50,
    })
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now(), maxReads: 100 })).toMatchObject({
      indexed: 50,
      backlog: 0,
    })
    expect(await s.logs.refreshIndex({ nowMs: s.clock.now(), maxReads: 100 })).toMatchObject({
      recordsRead: 0,
    })
    expect((await all(s.logs, {}, 100)).map((e) => e.id)).toEqual(expected(s.records, {}))
  })

  test('a cold container (no cache) sees the same index as the writer', async () => {
    const s = setup(1200)
    for (const r of s.records) await s.logs.write(r, 'publish')
    await s.logs.refreshIndex({ nowMs: s.clock.now() })
    const cold = createStateLogStore({ store: s.kv, now: s.clock.now, retentionSeconds: 30 * 86_400 })
    expect((await all(cold, { status: ['failed'] }, 37)).map((e) => e.id)).toEqual(
      expected(s.records, { status: ['failed'] }),
    )
    expect(await cold.refreshIndex({ nowMs: s.clock.now() })).toMatchObject({ recordsRead: 0, indexed: 0 })
  })
})
