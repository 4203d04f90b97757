/**
 * admin/logs through its entry point: list and filters from the sweeper's index, get with
 * attempts (a point read), retry of any delivery (delivered ones too), export to JSON.
 */
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver'
import {
  aCanonicalEvent,
  harness,
  inputs,
  SECRET_A,
  logsApi,
  subscriptionsApi,
  publish,
  sweeper,
} from './fixtures'

type H = ReturnType<typeof harness>
type Res = {
  statusCode?: number
  headers?: Record<string, string>
  body?: any
  error?: { statusCode: number; body: { error: string } }
}

const receivers: Receiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

function logs(h: H, method: string, path: string, query: Record<string, unknown> = {}): Promise<Res> {
  return logsApi({ ...inputs(), __ow_method: method, __ow_path: path, ...query }, h.overrides)
}

/** Runs the sweeper, which brings the index up to date. */
async function index(h: H): Promise<void> {
  const res = (await sweeper({ ...inputs(), SWEEP_MAINTENANCE_EVERY_MINUTES: '1440' }, h.overrides)) as Res
  expect(res.statusCode).toBe(200)
}

/** Two subscriptions (one always failing) and three events of two types, one minute apart. */
async function seeded() {
  const h = harness()
  const ok = await startReceiver({ secrets: [SECRET_A] })
  const bad = await startReceiver({ script: () => ({ status: 400, body: 'rejected' }) })
  receivers.push(ok, bad)
  const create = async (url: string) =>
    (
      (await subscriptionsApi(
        {
          ...inputs(),
          __ow_method: 'post',
          __ow_path: '',
          name: 'S',
          eventTypes: ['*'],
          url,
          secret: SECRET_A,
        },
        h.overrides,
      )) as Res
    ).body.subscription.id as string
  const okId = await create(ok.url)
  const badId = await create(bad.url)
  const events = [
    aCanonicalEvent({ type: 'be-observer.catalog_product_create' }),
    aCanonicalEvent({ type: 'be-observer.catalog_product_update' }),
    aCanonicalEvent({ type: 'be-observer.catalog_product_create' }),
  ]
  const times: number[] = []
  for (const event of events) {
    h.clock.advance(60_000)
    times.push(h.clock.now())
    await publish({ ...inputs(), event }, h.overrides)
  }
  await index(h)
  return { h, ok, bad, okId, badId, events, times }
}

describe('admin/logs', () => {
  test('lists newest first with filters by status, type, subscription and time — from the index, a few point reads a page', async () => {
    const { h, okId, badId, events, times } = await seeded()
    h.store.reset()
    const all = await logs(h, 'get', '')
    expect(all.statusCode).toBe(200)
    expect(all.body).toMatchObject({
      total: 6,
      indexedAt: new Date(h.clock.now()).toISOString(),
      freshness: expect.stringMatching(/may not be listed yet/),
    })
    const first = all.body.items[0]
    expect(first).toEqual({
      id: `${events[2].id}.${first.subscriptionId}`,
      eventType: 'be-observer.catalog_product_create',
      subscriptionId: first.subscriptionId,
      entityId: events[2].entityId,
      status: first.subscriptionId === okId ? 'delivered' : 'failed',
      attempts: 1,
      lastHttpStatus: first.subscriptionId === okId ? 200 : 400,
      createdAt: new Date(times[2]).toISOString(),
      updatedAt: new Date(times[2]).toISOString(),
    })
    expect(h.store.counts).toMatchObject({ lists: 0, puts: 0 })
    expect(h.store.counts.gets).toBeLessThanOrEqual(5)
    const ids = async (q: Record<string, unknown>) =>
      ((await logs(h, 'get', '', q)).body.items as { id: string }[]).map((i) => i.id).sort()
    expect(await ids({ status: 'failed' })).toEqual(events.map((e) => `${e.id}.${badId}`).sort())
    expect(await ids({ status: 'failed,delivered', type: 'be-observer.catalog_product_update' })).toEqual(
      [`${events[1].id}.${badId}`, `${events[1].id}.${okId}`].sort(),
    )
    expect(
      await ids({ subscription: okId, from: new Date(times[1]).toISOString(), to: String(times[2]) }),
    ).toEqual([`${events[1].id}.${okId}`, `${events[2].id}.${okId}`].sort())
    expect(await ids({ entityId: events[0].entityId })).toEqual(
      [`${events[0].id}.${badId}`, `${events[0].id}.${okId}`].sort(),
    )
    expect(h.store.counts.lists).toBe(0)
    // One event's deliveries: a point read per subscription (fresh, no index needed).
    expect(await ids({ eventId: events[1].id })).toEqual(
      [`${events[1].id}.${badId}`, `${events[1].id}.${okId}`].sort(),
    )
    const page = await logs(h, 'get', '', { limit: '4' })
    expect(page.body).toMatchObject({ total: 6, nextCursor: expect.any(String) })
    const rest = await logs(h, 'get', '', { limit: '4', cursor: page.body.nextCursor })
    expect(rest.body.items).toHaveLength(2)
    expect(rest.body).not.toHaveProperty('nextCursor')
    expect([...page.body.items, ...rest.body.items].map((i: { id: string }) => i.id)).toEqual(
      all.body.items.map((i: { id: string }) => i.id),
    )
  })

  test('a delivery written after the last index pass is not listed yet, but GET by id reads it directly', async () => {
    const { h, okId } = await seeded()
    const event = aCanonicalEvent()
    await publish({ ...inputs(), event }, h.overrides)
    const id = `${event.id}.${okId}`
    expect((await logs(h, 'get', '')).body.total).toBe(6)
    expect((await logs(h, 'get', `/${id}`)).body).toMatchObject({ id, status: 'delivered' })
    await index(h)
    expect((await logs(h, 'get', '')).body.total).toBe(8)
  })

  test('before the first index pass the listing is empty and says why', async () => {
    const h = harness()
    expect((await logs(h, 'get', '')).body).toEqual({
      items: [],
      total: 0,
      freshness: expect.stringMatching(/^the index has not been built yet/),
    })
  })

  test('get one shows every attempt with status, duration, error and response snippet', async () => {
    const { h, badId, events } = await seeded()
    const one = await logs(h, 'get', `/${events[0].id}.${badId}`)
    expect(one.body).toMatchObject({
      status: 'failed',
      lastError: 'HTTP 400',
      attempts: [
        {
          attempt: 1,
          statusCode: 400,
          error: 'HTTP 400',
          responseSnippet: 'rejected',
          trigger: 'publish',
          durationMs: expect.any(Number),
        },
      ],
    })
  })

  test('retry re-sends any delivery, a delivered one as a new message: next attempt number, webhook-id <id>.r<n>, fresh signature', async () => {
    const { h, ok, okId, events } = await seeded()
    const id = `${events[0].id}.${okId}`
    const retried = await logs(h, 'post', `/${id}/retry`)
    expect(retried.statusCode).toBe(200)
    expect(retried.body).toMatchObject({
      id,
      webhookId: `${id}.r1`,
      redeliveries: 1,
      status: 'delivered',
      attempts: [
        { attempt: 1, trigger: 'publish' },
        { attempt: 2, trigger: 'manual', statusCode: 200, webhookId: `${id}.r1` },
      ],
    })
    expect(retried.body.attempts[0].webhookId).toBeUndefined()
    const sent = ok.received.filter((q) => String(q.headers['webhook-id']).startsWith(id))
    expect(sent.map((q) => [q.headers['webhook-id'], q.json.attempt, q.verifiedWith])).toEqual([
      [id, 1, [0]],
      [`${id}.r1`, 2, [0]],
    ])
    expect(sent[1].json.data).toEqual(sent[0].json.data)
    await index(h)
    expect((await logs(h, 'get', '', { status: 'delivered' })).body.total).toBe(3) // still one record per delivery
  })

  test('a failed delivery retried by a person that fails again restarts the automatic schedule', async () => {
    const { h, bad, badId, events } = await seeded()
    bad.setScript(() => ({ status: 503 }))
    const retried = await logs(h, 'post', `/${events[0].id}.${badId}/retry`)
    expect(retried.body).toMatchObject({
      status: 'retrying',
      retryIndex: 1,
      nextAttemptAt: new Date(h.clock.now() + 1_000).toISOString(),
    })
  })

  test('retry refuses an inactive subscription (409) and an unknown delivery (404)', async () => {
    const { h, okId, events } = await seeded()
    await subscriptionsApi(
      { ...inputs(), __ow_method: 'patch', __ow_path: `/${okId}`, active: false },
      h.overrides,
    )
    expect(await logs(h, 'post', `/${events[0].id}.${okId}/retry`)).toEqual({
      error: { statusCode: 409, body: { error: `subscription ${okId} is inactive: re-enable it first` } },
    })
    expect(await logs(h, 'post', '/nope.abc/retry')).toEqual({
      error: { statusCode: 404, body: { error: 'delivery nope.abc not found' } },
    })
  })

  test('export returns full records as a JSON download, paged', async () => {
    const { h, badId } = await seeded()
    const exp = await logs(h, 'get', '/export', { subscription: badId, limit: '2' })
    expect(exp.statusCode).toBe(200)
    expect(exp.headers!['content-disposition']).toMatch(/^attachment; filename="delivery-logs-.*\.json"$/)
    expect(exp.body).toMatchObject({
      count: 2,
      nextCursor: expect.any(String),
      exportedAt: new Date(h.clock.now()).toISOString(),
      indexedAt: new Date(h.clock.now()).toISOString(),
    })
    expect(
      exp.body.items.map((r: { status: string; attempts: unknown[] }) => [r.status, r.attempts.length]),
    ).toEqual([
      ['failed', 1],
      ['failed', 1],
    ])
    const rest = await logs(h, 'get', '/export', {
      subscription: badId,
      limit: '2',
      cursor: exp.body.nextCursor,
    })
    expect(rest.body).toMatchObject({ count: 1 })
    expect(rest.body).not.toHaveProperty('nextCursor')
  })

  test.each([
    [
      { status: 'lost' },
      'invalid log query: status must be one of pending, delivered, retrying, failed, dead',
    ],
    [{ from: 'last tuesday' }, 'invalid log query: from must be an ISO 8601 date'],
    [{ limit: '500' }, 'invalid log query: limit must be less than or equal to 100'],
    [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor: not a cursor returned by this listing'],
    [{ subscription: 'UPPER!' }, 'invalid log query: subscription must be a valid subscription id'],
    [{ sort: 'x' }, 'invalid log query: sort is not allowed'],
  ])('bad query %j → 400', async (query, error) => {
    const h = harness()
    expect(await logs(h, 'get', '', query)).toEqual({ error: { statusCode: 400, body: { error } } })
  })
})

describe('admin/logs bulk retry', () => {
  test('stops starting attempts before the time budget; the cursor continues where it stopped', async () => {
    const { h, badId, events } = await seeded()
    // Each attempt takes 2 s on the fake clock; with a 5 s budget, the 2 s timeout and the 2 s
    // write reserve, one attempt fits per call (one at a time).
    const sent: string[] = []
    const overrides = {
      ...h.overrides,
      send: async (req: { url: string; headers: Record<string, string> }) => {
        sent.push(req.headers['webhook-id'])
        h.clock.advance(2_000)
        return { statusCode: 200, durationMs: 2_000 }
      },
    }
    const call = (cursor?: string) =>
      logsApi(
        {
          ...inputs({ PUBLISH_TIME_BUDGET: '5', DELIVERY_CONCURRENCY: '1' }),
          __ow_method: 'post',
          __ow_path: '/retry',
          subscription: badId,
          status: 'failed',
          limit: 10,
          ...(cursor ? { cursor } : {}),
        },
        overrides,
      ) as Promise<Res>
    const pages: any[] = []
    let cursor: string | undefined
    do {
      const res = await call(cursor)
      expect(res.statusCode).toBe(200)
      pages.push(res.body)
      cursor = res.body.nextCursor
    } while (cursor && pages.length < 10)
    const ids = events.map((e) => `${e.id}.${badId}`).reverse() // newest first, as listed
    expect(pages).toEqual([
      {
        retried: 1,
        skipped: 0,
        failed: 0,
        items: [{ id: ids[0], outcome: 'retried', status: 'delivered' }],
        nextCursor: expect.any(String),
      },
      {
        retried: 1,
        skipped: 0,
        failed: 0,
        items: [{ id: ids[1], outcome: 'retried', status: 'delivered' }],
        nextCursor: expect.any(String),
      },
      { retried: 1, skipped: 0, failed: 0, items: [{ id: ids[2], outcome: 'retried', status: 'delivered' }] },
    ])
    // failed deliveries keep their webhook-id
    expect(sent).toEqual(ids)
  })

  test('needs a filter: an empty body cannot re-send the whole log', async () => {
    const h = harness()
    expect(await logs(h, 'post', '/retry')).toEqual({
      error: {
        statusCode: 400,
        body: {
          error:
            'a filter is required (status, type, subscription, entityId, eventId, from or to), e.g. status=failed,dead',
        },
      },
    })
  })
})
