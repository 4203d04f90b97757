/**
 * Subscription options on the local stack, through the admin API, with real receivers verifying
 * signatures with the third-party `standardwebhooks` package: a per-subscription retry schedule
 * (inline and in the sweeper), the three payload formats, checked field paths, content filters
 * (a dropped event costs no State write), redelivery ids, test sends and bulk retry with a cursor.
 */
import { closedPort, receiverPool, verifyWithLibrary, type Received } from '../helpers/webhook-receiver'
import { anEvent, eventually, startPublisherStack, type PublisherStack } from './publisher-harness'

const receiver = receiverPool()
const STATUS = 'be-observer.sales_order_status_update'
const PRODUCT = 'be-observer.catalog_product_create'

/** An order status update as the order handler makes it (`fields` normalized, `data` as sent). */
function anOrderStatus(status: string) {
  const e = anEvent({ type: STATUS, entity: 'order', entityType: 'order' })
  return { ...e, entityId: `100${e.entityId}`, fields: { operation: 'status_update', status } }
}

const gaps = (received: Received[]) => received.slice(1).map((r, i) => r.at - received[i].at)

describe('subscription options on the local stack', () => {
  let ps: PublisherStack
  beforeAll(async () => {
    // Inline retries up to 3 s run inside publish, so a short schedule is observed in one call; the
    // alarm is slowed down so only the test's own sweeps run (State counters stay exact).
    ps = await startPublisherStack({ INLINE_RETRY_MAX_DELAY: '3' }, { timeScale: 0.0001 })
  })
  afterAll(async () => {
    await ps?.close()
  })
  afterEach(async () => {
    await ps.clear()
  })

  test('a per-subscription schedule ["1s","2s"] is what the receiver sees between attempts (inline)', async () => {
    const r = await receiver({ script: (n) => ({ status: n < 2 ? 503 : 200 }) })
    const sub = await ps.subscribe({ url: r.url, retry: { schedule: ['1s', '2s'], jitter: 0 } })
    const got = await ps.admin('subscriptions', 'get', `/${sub.id}`)
    expect(got.json.retry).toEqual({ schedule: ['1s', '2s'], jitter: 0 })
    const res = await ps.publish(anEvent())
    expect(res.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3 })
    const [first, second] = gaps(r.received)
    // The app-wide schedule of this stack is 1s,1s: a second gap of ≥ 2 s is the subscription's.
    // Upper bounds leave room for a loaded machine (each attempt's own latency adds to its gap).
    expect(first).toBeGreaterThanOrEqual(1_000)
    expect(first).toBeLessThan(2_000)
    expect(second).toBeGreaterThanOrEqual(2_000)
    expect(second).toBeLessThan(4_000)
    expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2, 3])
  })

  test('the sweeper follows the schedule the record carries: ["4s"] is one retry 4 s later, then dead', async () => {
    const r = await receiver({ script: () => ({ status: 503 }) })
    const sub = await ps.subscribe({ url: r.url, retry: { schedule: ['4s'], jitter: 0 } })
    const event = anEvent()
    const first = (await ps.publish(event)).body.deliveries[0]
    expect(first).toMatchObject({ status: 'retrying', attempts: 1 })
    const id = `${event.id}.${sub.id}`
    expect((await ps.admin('logs', 'get', `/${id}`)).json.retry).toEqual({ delaysMs: [4_000], jitter: 0 })
    await eventually(async () => ((await ps.sweep()).body.attempted === 1 ? true : undefined), 20_000)
    expect(gaps(r.received)[0]).toBeGreaterThanOrEqual(4_000)
    const after = await ps.admin('logs', 'get', `/${id}`)
    // The app-wide schedule (1s,1s) would have left it retrying; the subscription's has one retry.
    expect(after.json).toMatchObject({ status: 'dead', lastError: 'HTTP 503; retry schedule exhausted' })
  })

  test('each format is delivered as documented, signed the same way', async () => {
    const formats = ['ids', 'virto', 'cloudevents'] as const
    // One after the other: the subscriptions document is read-modify-write (last writer wins).
    const subs = []
    for (const format of formats) {
      const r = await receiver()
      const s = await ps.subscribe({ url: r.url, eventTypes: [PRODUCT], format, fields: ['name', 'price'] })
      subs.push({ format, r, ...s })
    }
    const event = anEvent()
    expect((await ps.publish(event)).body.deliveries.map((d: { status: string }) => d.status)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ])
    const data = { id: event.entityId, type: 'product', name: 'Summer Tee', price: 29 }
    const expected = {
      ids: { id: event.id, type: PRODUCT, timestamp: event.receivedAt, attempt: 1, data },
      virto: {
        EventId: PRODUCT,
        Attempt: 1,
        EventBody: JSON.stringify([
          { objectId: event.entityId, objectType: 'product', name: 'Summer Tee', price: 29 },
        ]),
      },
      cloudevents: {
        specversion: '1.0',
        id: '',
        source: '/commerce-event-hub/product',
        type: PRODUCT,
        subject: event.entityId,
        time: event.receivedAt,
        datacontenttype: 'application/json',
        eventid: event.id,
        attempt: 1,
        data,
      },
    }
    for (const s of subs) {
      const [req] = await s.r.waitFor(1)
      const webhookId = `${event.id}.${s.id}`
      expect(req.headers['webhook-id']).toBe(webhookId)
      expect(req.headers['content-type']).toBe(
        s.format === 'cloudevents' ? 'application/cloudevents+json' : 'application/json',
      )
      expect(req.json).toEqual(
        s.format === 'cloudevents' ? { ...expected.cloudevents, id: webhookId } : expected[s.format],
      )
      expect(verifyWithLibrary([s.secret], req.body, req.headers)).toEqual([0])
    }
  })

  test('a typo in a field or filter path is refused with the valid paths; so is a schedule longer than the retention', async () => {
    const r = await receiver()
    const create = await ps.admin('subscriptions', 'post', '', {
      name: 'orders',
      url: r.url,
      eventTypes: [STATUS],
      fields: ['status', 'stauts'],
    })
    expect(create).toMatchObject({
      status: 400,
      json: {
        error: `fields: unknown field path(s) "stauts"; valid for ${STATUS}: id, notifyCustomer, operation, status`,
      },
    })
    const sub = await ps.subscribe({ url: r.url, eventTypes: [STATUS], fields: ['status'] })
    const patch = await ps.admin('subscriptions', 'patch', `/${sub.id}`, { filter: { stat: 'complete' } })
    expect(patch.status).toBe(400)
    expect(patch.json.error).toMatch(
      /^filter: unknown field path\(s\) "stat"; valid for .*: id, notifyCustomer/,
    )
    const long = await ps.admin('subscriptions', 'patch', `/${sub.id}`, {
      retry: { schedule: ['7d', '7d', '7d', '7d', '7d'] },
    })
    expect(long.status).toBe(400)
    expect(long.json.error).toMatch(/longer than the log retention \(30d, LOG_RETENTION_DAYS\)/)
    const unchanged = await ps.admin('subscriptions', 'get', `/${sub.id}`)
    expect(unchanged.json).toMatchObject({ fields: ['status'], retry: { default: true } })
    expect(unchanged.json.filter).toBeUndefined()
  })

  test('a filter that passes delivers; one that drops records nothing and writes nothing to State', async () => {
    const r = await receiver()
    const sub = await ps.subscribe({
      url: r.url,
      eventTypes: [STATUS],
      fields: ['status'],
      filter: { status: ['complete', 'closed'] },
    })
    expect((await ps.admin('subscriptions', 'get', `/${sub.id}`)).json.filter).toEqual({
      status: ['complete', 'closed'],
    })
    const passes = anOrderStatus('complete')
    expect((await ps.publish(passes)).body.deliveries).toMatchObject([{ status: 'delivered' }])
    const ns = ps.stack.config.namespace
    ps.stack.state.resetCounters()
    const dropped = anOrderStatus('processing')
    const res = await ps.publish(dropped)
    expect(res).toEqual({
      statusCode: 200,
      body: {
        success: true,
        message: `event ${dropped.id}: 1 filtered out`,
        eventId: dropped.id,
        eventType: STATUS,
        matched: 0,
        filtered: [sub.id],
        deliveries: [],
        duplicates: [],
      },
    })
    // One read: the subscriptions document (SUBSCRIPTION_CACHE_SECONDS=0 here). No dedupe read, no write.
    expect(ps.stack.state.counters(ns)).toEqual({ gets: 1, puts: 0, deletes: 0, lists: 0 })
    expect(r.received.map((q) => q.json.data)).toEqual([
      { id: passes.entityId, type: 'order', status: 'complete' },
    ])
    expect((await ps.records()).map((x) => x.record.eventId)).toEqual([passes.id])
  })

  test('re-sending a delivered event is a new message a deduping receiver processes; an undelivered one keeps its id', async () => {
    const seen = new Set<string>()
    const processed: string[] = []
    let failNext = false
    const r = await receiver({
      script: (_n, req) => {
        const id = String(req.headers['webhook-id'])
        if (failNext) {
          failNext = false
          return { status: 500 }
        }
        if (seen.has(id)) return { status: 200, body: 'duplicate ignored' }
        seen.add(id)
        processed.push(id)
        return { status: 200, body: 'processed' }
      },
    })
    const sub = await ps.subscribe({ url: r.url, retry: { schedule: [] } })
    const event = anEvent()
    await ps.publish(event)
    const id = `${event.id}.${sub.id}`
    const resend = await ps.admin('logs', 'post', `/${id}/retry`)
    expect(resend.json).toMatchObject({ id, webhookId: `${id}.r1`, redeliveries: 1, status: 'delivered' })
    expect(processed).toEqual([id, `${id}.r1`])
    // Now the re-send of the re-send fails: with an empty schedule it is dead at once...
    failNext = true
    const failed = await ps.admin('logs', 'post', `/${id}/retry`)
    expect(failed.json).toMatchObject({ webhookId: `${id}.r2`, status: 'dead' })
    // ...and retrying it (undelivered) keeps `.r2`: the receiver never accepted that message.
    const again = await ps.admin('logs', 'post', `/${id}/retry`)
    expect(again.json).toMatchObject({ webhookId: `${id}.r2`, redeliveries: 2, status: 'delivered' })
    expect(r.received.map((q) => [q.headers['webhook-id'], q.json.attempt])).toEqual([
      [id, 1],
      [`${id}.r1`, 2],
      [`${id}.r2`, 3],
      [`${id}.r2`, 4],
    ])
    expect(processed).toEqual([id, `${id}.r1`, `${id}.r2`])
    expect(again.json.attempts.map((a: { webhookId?: string }) => a.webhookId)).toEqual([
      undefined,
      `${id}.r1`,
      `${id}.r2`,
      `${id}.r2`,
    ])
  })

  test('test send: a signed catalogue sample against a 200, a 500 and a refused connection; logged, never retried', async () => {
    const ok = await receiver({ script: () => ({ status: 200, body: 'hello from the receiver' }) })
    const bad = await receiver({ script: () => ({ status: 500, body: 'boom' }) })
    const okSub = await ps.subscribe({
      url: ok.url,
      eventTypes: [STATUS],
      fields: ['status'],
      format: 'virto',
    })
    const res = await ps.admin('subscriptions', 'post', `/${okSub.id}/test`, {})
    expect(res.status).toBe(200)
    expect(res.json).toEqual({
      status: 200,
      durationMs: expect.any(Number),
      bodyExcerpt: 'hello from the receiver',
      deliveryId: expect.stringMatching(new RegExp(`^test-[0-9a-f-]+\\.${okSub.id}$`)),
      ok: true,
      eventType: STATUS,
    })
    const [req] = ok.received
    expect(req.headers['webhook-id']).toBe(res.json.deliveryId)
    expect(verifyWithLibrary([okSub.secret], req.body, req.headers)).toEqual([0])
    expect(req.json).toEqual({
      EventId: STATUS,
      Attempt: 1,
      EventBody: JSON.stringify([{ objectId: 'ORDER_ID', objectType: 'order', status: 'complete' }]),
    })
    const logged = await ps.admin('logs', 'get', `/${res.json.deliveryId}`)
    expect(logged.json).toMatchObject({
      test: true,
      status: 'delivered',
      attempts: [{ trigger: 'test', statusCode: 200 }],
    })

    const badSub = await ps.subscribe({ url: bad.url })
    const five = await ps.admin('subscriptions', 'post', `/${badSub.id}/test`, { eventType: PRODUCT })
    expect(five.json).toEqual({
      status: 500,
      durationMs: expect.any(Number),
      bodyExcerpt: 'boom',
      deliveryId: expect.stringMatching(/^test-/),
      ok: false,
      error: 'HTTP 500',
      eventType: PRODUCT,
    })
    const record = (await ps.admin('logs', 'get', `/${five.json.deliveryId}`)).json
    expect(record).toMatchObject({
      test: true,
      status: 'failed',
      lastError: 'HTTP 500 (test send: not retried)',
    })
    expect(record.nextAttemptAt).toBeUndefined()
    expect((await ps.admin('logs', 'post', `/${five.json.deliveryId}/retry`)).status).toBe(409)
    await ps.sweep()
    expect(bad.received).toHaveLength(1)

    const refusedSub = await ps.subscribe({ url: `http://127.0.0.1:${await closedPort()}/hook` })
    const refused = await ps.admin('subscriptions', 'post', `/${refusedSub.id}/test`)
    expect(refused.status).toBe(200)
    expect(refused.json).toMatchObject({
      status: null,
      ok: false,
      bodyExcerpt: '',
      error: expect.stringMatching(/refused/i),
    })

    const wrongType = await ps.admin('subscriptions', 'post', `/${okSub.id}/test`, { eventType: PRODUCT })
    expect(wrongType.status).toBe(400)
    expect(wrongType.json.error).toBe(
      `eventType: the subscription does not receive ${PRODUCT}; one of ${STATUS}`,
    )
  })

  test('bulk retry by filter: a bounded page per call, a cursor to continue, counts', async () => {
    let up = false
    const r = await receiver({ script: () => ({ status: up ? 200 : 500 }) })
    const sub = await ps.subscribe({ url: r.url, retry: { schedule: [] } })
    const other = await ps.subscribe({ url: r.url, retry: { schedule: [] } })
    const events = Array.from({ length: 5 }, () => anEvent())
    for (const e of events) await ps.publish(e)
    await ps.sweep() // indexes the records (the listing and bulk retry read the index)
    const dead = await ps.admin('logs', 'get', `?status=dead&subscription=${sub.id}`)
    expect(dead.json.total).toBe(5)
    expect((await ps.admin('logs', 'post', '/retry', {})).status).toBe(400)
    up = true
    const before = r.received.length
    const pages = []
    let cursor: string | undefined
    do {
      const res = await ps.admin('logs', 'post', '/retry', {
        status: 'dead',
        subscription: sub.id,
        limit: 2,
        cursor,
      })
      expect(res.status).toBe(200)
      pages.push(res.json)
      cursor = res.json.nextCursor
    } while (cursor)
    expect(pages.map((p) => [p.retried, p.skipped, p.failed, p.items.length])).toEqual([
      [2, 0, 0, 2],
      [2, 0, 0, 2],
      [1, 0, 0, 1],
    ])
    const retriedIds = pages.flatMap((p) => p.items.map((i: { id: string }) => i.id)).sort()
    expect(retriedIds).toEqual(events.map((e) => `${e.id}.${sub.id}`).sort())
    expect(r.received.length - before).toBe(5)
    // The other subscription's dead deliveries were not selected by the filter.
    const others = (await ps.records()).filter((x) => x.record.subscriptionId === other.id)
    expect(others.every((x) => x.record.attempts.every((a) => a.trigger !== 'manual'))).toBe(true)
  })
})
