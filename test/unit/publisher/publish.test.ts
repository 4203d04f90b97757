/**
 * publisher/publish through its entry point, with a memory store, a fake clock and real HTTP
 * receivers on 127.0.0.1 (signatures checked with the `standardwebhooks` package).
 */
import type { DeliveryRecord } from '../../../actions/lib/delivery-log/delivery-record'
import { parseDlvKey } from '../../../actions/lib/delivery-log/log-keys'
import { closedPort, receiverPool } from '../../helpers/webhook-receiver'
import { aCanonicalEvent, harness, inputs, SECRET_A, SECRET_B, publish, subscriptionsApi } from './fixtures'

type H = ReturnType<typeof harness>

const receiver = receiverPool()

async function createSub(
  h: H,
  body: Record<string, unknown>,
  params: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const res = (await subscriptionsApi(
    {
      ...inputs(params),
      __ow_method: 'post',
      __ow_path: '',
      name: 'Test',
      eventTypes: ['*'],
      secret: SECRET_A,
      ...body,
    },
    h.overrides,
  )) as { statusCode: number; body: { subscription: { id: string }; secret: string } }
  expect(res.statusCode).toBe(201)
  return { id: res.body.subscription.id, secret: res.body.secret }
}

function records(h: H): { key: string; record: DeliveryRecord }[] {
  return [...h.store.dump()]
    .filter(([k]) => parseDlvKey(k)?.note === false)
    .map(([key, v]) => ({ key, record: JSON.parse(v) as DeliveryRecord }))
}

describe('publisher/publish', () => {
  test('delivers a signed contract body to a stored subscription: 1 state write, 1 dedupe point read, no listing', async () => {
    const h = harness()
    const r = await receiver({ secrets: [SECRET_A] })
    const sub = await createSub(h, {
      url: r.url,
      fields: ['price', 'description'],
      auth: { type: 'bearer', token: 'tok-123456' },
    })
    const event = aCanonicalEvent()
    h.store.reset()

    const res = await publish({ ...inputs(), event }, h.overrides)

    expect(res).toEqual({
      statusCode: 200,
      body: {
        success: true,
        message: `event ${event.id}: 1 delivered`,
        eventId: event.id,
        eventType: event.type,
        matched: 1,
        duplicates: [],
        deliveries: [
          {
            subscriptionId: sub.id,
            deliveryId: `${event.id}.${sub.id}`,
            status: 'delivered',
            attempts: 1,
            recorded: true,
          },
        ],
      },
    })
    expect(h.store.counts).toEqual({ gets: 1, puts: 1, deletes: 0, lists: 0 })
    const [req] = r.received
    expect(req.verifiedWith).toEqual([0])
    expect(req.headers['webhook-id']).toBe(`${event.id}.${sub.id}`)
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers['user-agent']).toMatch(/^commerce-event-hub/)
    expect(req.headers.authorization).toBe('Bearer tok-123456')
    expect(req.json).toEqual({
      id: event.id,
      type: event.type,
      timestamp: event.receivedAt,
      attempt: 1,
      data: { id: event.entityId, type: 'product', price: 29, description: 'Blue' },
    })
    const [{ key, record }] = records(h)
    expect(key).toBe(`dlv.${event.id}.${sub.id}`)
    expect(record).toEqual({
      id: `${event.id}.${sub.id}`,
      eventId: event.id,
      eventType: event.type,
      entity: 'product',
      entityId: event.entityId,
      entityType: 'product',
      subscriptionId: sub.id,
      url: r.url,
      status: 'delivered',
      attempts: [
        {
          attempt: 1,
          at: expect.any(String),
          statusCode: 200,
          durationMs: expect.any(Number),
          responseSnippet: 'ok',
          trigger: 'publish',
        },
      ],
      payload: req.json,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      retryIndex: 0,
    })
  })

  test('the default subscription from inputs: one read of the subscriptions document (its overlay) cold', async () => {
    const h = harness()
    const r = await receiver({ secrets: [SECRET_A] })
    const params = inputs({
      WEBHOOK_URL: r.url,
      WEBHOOK_SECRET: SECRET_A,
      WEBHOOK_EVENTS: 'be-observer.catalog_product_create',
    })
    const res = await publish({ ...params, event: aCanonicalEvent() }, h.overrides)
    expect(res.statusCode).toBe(200)
    expect(h.store.counts).toEqual({ gets: 2, puts: 1, deletes: 0, lists: 0 })
    expect(r.received[0].verifiedWith).toEqual([0])
    // An event type the default subscription does not want is acknowledged, not delivered.
    const other = await publish(
      { ...params, event: aCanonicalEvent({ type: 'be-observer.customer_create' }) },
      h.overrides,
    )
    expect(other).toEqual({
      statusCode: 200,
      body: expect.objectContaining({
        success: true,
        message: 'no active subscription for be-observer.customer_create',
        matched: 0,
      }),
    })
    expect(r.received).toHaveLength(1)
  })

  test('a cold container reads the subscriptions document once, then trusts it for SUBSCRIPTION_CACHE_SECONDS', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, { url: r.url })
    const cold = { ...h.overrides, cache: new Map() }
    h.store.reset()
    await publish({ ...inputs(), event: aCanonicalEvent() }, cold)
    expect(h.store.counts.gets).toBe(2) // the subscription value + the dedupe point read
    h.store.reset()
    await publish({ ...inputs(), event: aCanonicalEvent() }, cold)
    expect(h.store.counts.gets).toBe(1) // the dedupe point read only
  })

  test('500 then 200: the short first retry runs inside the activation, same webhook-id, attempt 2', async () => {
    const h = harness()
    const r = await receiver({
      secrets: [SECRET_A],
      script: (n) => (n === 0 ? { status: 500, body: 'boom' } : { status: 200 }),
    })
    const sub = await createSub(h, { url: r.url })
    const res = await publish(
      { ...inputs({ INLINE_RETRY_MAX_DELAY: '5s' }), event: aCanonicalEvent() },
      h.overrides,
    )
    expect(res.body).toMatchObject({
      deliveries: [{ subscriptionId: sub.id, status: 'delivered', attempts: 2 }],
    })
    expect(h.clock.slept).toEqual([1_000])
    expect(r.received.map((q) => [q.json.attempt, q.headers['webhook-id'], q.verifiedWith])).toEqual([
      [1, r.received[0].headers['webhook-id'], [0]],
      [2, r.received[0].headers['webhook-id'], [0]],
    ])
    const [{ record }] = records(h)
    expect(record.attempts.map((a) => [a.attempt, a.statusCode, a.error, a.responseSnippet])).toEqual([
      [1, 500, 'HTTP 500', 'boom'],
      [2, 200, undefined, undefined],
    ])
  })

  test.each([
    [
      '429 with Retry-After',
      { status: 429, headers: { 'retry-after': '120' } },
      'retrying',
      'HTTP 429',
      120_000,
    ],
    ['503', { status: 503 }, 'retrying', 'HTTP 503', 1_000],
    ['400', { status: 400, body: 'bad payload' }, 'failed', 'HTTP 400', undefined],
    [
      '302',
      { status: 302, headers: { location: 'https://elsewhere.example.com' } },
      'failed',
      'HTTP 302',
      undefined,
    ],
  ])('%s → %s', async (_name, reply, status, error, dueIn) => {
    const h = harness()
    const r = await receiver({ script: () => reply })
    await createSub(h, { url: r.url })
    const t0 = h.clock.now()
    const res = await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(res.statusCode).toBe(200)
    const [{ key, record }] = records(h)
    expect(record.status).toBe(status)
    expect(record.lastError).toBe(error)
    expect(record.nextAttemptAt).toBe(dueIn === undefined ? undefined : new Date(t0 + dueIn).toISOString())
    expect(key).toBe(`dlv.${record.id}`)
    expect(r.received).toHaveLength(1)
  })

  test('connection refused and timeouts are retried later', async () => {
    const h = harness()
    const slow = await receiver({ script: () => ({ status: 200, delayMs: 1_500 }) })
    const refused = await createSub(h, { url: `http://127.0.0.1:${await closedPort()}/hook` })
    const timeout = await createSub(h, { url: slow.url })
    const res = await publish(
      { ...inputs({ DELIVERY_TIMEOUT: '300ms' }), event: aCanonicalEvent() },
      h.overrides,
    )
    const bySub = Object.fromEntries(
      (
        res.body as { deliveries: { subscriptionId: string; status: string; lastError: string }[] }
      ).deliveries.map((d) => [d.subscriptionId, d]),
    )
    expect(bySub[refused.id]).toMatchObject({
      status: 'retrying',
      lastError: 'connection refused (ECONNREFUSED)',
    })
    expect(bySub[timeout.id]).toMatchObject({ status: 'retrying', lastError: 'timed out after 300 ms' })
  })

  test('410 fails the delivery and deactivates the subscription with the reason', async () => {
    const h = harness()
    const r = await receiver({ script: () => ({ status: 410 }) })
    const sub = await createSub(h, { url: r.url })
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    const view = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'get', __ow_path: `/${sub.id}` },
      h.overrides,
    )) as { body: Record<string, unknown> }
    expect(view.body).toMatchObject({
      active: false,
      disabledReason: 'HTTP 410 Gone: the endpoint asked to stop deliveries',
    })
    // Deactivated: the next event is not delivered.
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(r.received).toHaveLength(1)
  })

  test('a duplicate event creates no second delivery', async () => {
    const h = harness()
    const r = await receiver()
    const sub = await createSub(h, { url: r.url })
    const event = aCanonicalEvent()
    await publish({ ...inputs(), event }, h.overrides)
    const again = await publish({ ...inputs(), event }, h.overrides)
    expect(again).toEqual({
      statusCode: 200,
      body: expect.objectContaining({
        deliveries: [],
        duplicates: [sub.id],
        message: `event ${event.id}: 1 already recorded`,
      }),
    })
    expect(r.received).toHaveLength(1)
    expect(records(h)).toHaveLength(1)
  })

  test('during secret rotation both signatures are sent; each verifies alone', async () => {
    const h = harness()
    const r = await receiver({ secrets: [SECRET_A, SECRET_B] })
    const sub = await createSub(h, { url: r.url })
    const rotated = (await subscriptionsApi(
      { ...inputs(), __ow_method: 'post', __ow_path: `/${sub.id}/rotate-secret`, secret: SECRET_B },
      h.overrides,
    )) as {
      statusCode: number
    }
    expect(rotated.statusCode).toBe(200)
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    expect(r.received[0].verifiedWith).toEqual([0, 1])
    expect(String(r.received[0].headers['webhook-signature']).split(' ')).toHaveLength(2)
    // After the overlap only the new secret signs.
    h.clock.advance(25 * 3_600_000)
    await publish(
      { ...inputs(), event: aCanonicalEvent({ receivedAt: new Date(h.clock.now()).toISOString() }) },
      { ...h.overrides, clock: h.clock },
    )
    expect(String(r.received[1].headers['webhook-signature']).split(' ')).toHaveLength(1)
  })

  test('secrets, auth headers and signatures never reach stored records', async () => {
    const h = harness()
    // An endpoint that echoes our request headers back in its error body.
    const r = await receiver({ script: (_n, q) => ({ status: 400, body: JSON.stringify(q.headers) }) })
    await createSub(h, {
      url: `${r.url}?token=query-secret`,
      auth: { type: 'header', name: 'x-api-key', value: 'custom-secret-value' },
    })
    await publish({ ...inputs(), event: aCanonicalEvent() }, h.overrides)
    const stored = [...h.store.dump()]
      .filter(([k]) => k.startsWith('dlv.'))
      .map(([, v]) => v)
      .join('\n')
    expect(stored).toContain('webhook-signature')
    for (const secret of [SECRET_A, SECRET_A.slice(6), 'custom-secret-value', 'query-secret'])
      expect(stored).not.toContain(secret)
    expect(stored).not.toMatch(/v1,[A-Za-z0-9+/=]{20,}/)
    expect(h.logger.lines.join('\n')).not.toContain('custom-secret-value')
  })

  test('a payload over 64 KB is stored truncated with a marker; the full body is kept apart (2 writes)', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, { url: r.url, fields: ['description'] })
    h.store.reset()
    await publish(
      { ...inputs(), event: aCanonicalEvent({ fields: { description: 'd'.repeat(100_000) } }) },
      h.overrides,
    )
    expect(h.store.counts.puts).toBe(2)
    expect(r.received[0].json.data.description).toHaveLength(100_000)
    const [{ key, record }] = records(h)
    expect(Buffer.byteLength(h.store.dump().get(key)!)).toBeLessThanOrEqual(64 * 1024)
    expect(record.payloadTruncated).toBe(true)
    expect(record.payload).toEqual(expect.stringMatching(/…\[truncated\]$/))
    expect(JSON.parse(h.store.dump().get(record.payloadRef!)!)).toEqual(r.received[0].json)
  })

  test('when the time budget does not allow an attempt, the delivery is recorded pending for the sweeper', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, { url: r.url })
    const res = await publish(
      { ...inputs({ PUBLISH_TIME_BUDGET: '1s', DELIVERY_TIMEOUT: '2s' }), event: aCanonicalEvent() },
      h.overrides,
    )
    expect(res.body).toMatchObject({
      success: true,
      deliveries: [{ status: 'pending', attempts: 0, recorded: true }],
    })
    expect(r.received).toHaveLength(0)
    expect(records(h)[0].record.status).toBe('pending')
  })

  test('a scheduled delivery whose record cannot be written makes publish answer 503 (I/O Events retries the event)', async () => {
    const h = harness()
    const r = await receiver({ script: () => ({ status: 500 }) })
    await createSub(h, { url: r.url })
    const failing = {
      ...h.store,
      put: async () => {
        throw new Error('State quota exceeded (403)')
      },
    }
    const res = await publish({ ...inputs(), event: aCanonicalEvent() }, { ...h.overrides, store: failing })
    expect(res).toEqual({
      statusCode: 503,
      body: expect.objectContaining({
        success: false,
        error: '1 delivery record(s) could not be written; retry the event',
        deliveries: [expect.objectContaining({ status: 'retrying', recorded: false })],
      }),
    })
  })

  test('a delivered event whose log cannot be written (State full) is still a success: logs never fail events', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, { url: r.url })
    const full = {
      ...h.store,
      put: async () => {
        throw new Error('State quota exceeded (403)')
      },
    }
    const event = aCanonicalEvent()
    const res = await publish({ ...inputs(), event }, { ...h.overrides, store: full })
    expect(res).toEqual({
      statusCode: 200,
      body: expect.objectContaining({
        success: true,
        message: `event ${event.id}: 1 delivered, 1 delivered without a log record (State write failed)`,
        deliveries: [expect.objectContaining({ status: 'delivered', recorded: false })],
      }),
    })
    expect(h.logger.lines.some((l) => l.startsWith('error delivery record not written'))).toBe(true)
  })

  test('State unreachable before anything was sent → 503 saying so (nothing delivered)', async () => {
    const h = harness()
    const r = await receiver()
    await createSub(h, { url: r.url })
    const down = {
      ...h.store,
      get: async () => {
        throw new Error('connect ECONNREFUSED')
      },
    }
    expect(await publish({ ...inputs(), event: aCanonicalEvent() }, { ...h.overrides, store: down })).toEqual(
      {
        statusCode: 503,
        body: { success: false, error: 'State is unavailable; retry later' },
      },
    )
    expect(r.received).toHaveLength(0)
  })

  test.each([
    [{}, 'invalid publish params: event is required'],
    [{ event: { ...aCanonicalEvent(), entityId: undefined } }, 'invalid event: entityId is required'],
    [
      { event: { ...aCanonicalEvent(), receivedAt: 'yesterday' } },
      'invalid event: receivedAt must be an ISO 8601 date',
    ],
    [{ event: 'nope' }, 'invalid event: value must be of type object'],
  ])('bad params %# → 400 naming the problem', async (params, error) => {
    const h = harness()
    expect(await publish({ ...inputs(), ...params }, h.overrides)).toEqual({
      statusCode: 400,
      body: { success: false, error },
    })
  })

  test.each([
    [{ WEBHOOK_URL: 'http://hooks.example.com/x', WEBHOOK_SECRET: SECRET_A }],
    [{ WEBHOOK_URL: 'https://hooks.example.com/x' }],
    [{ RETRY_SCHEDULE: '5s,soon' }],
    [{ LOG_RETENTION_DAYS: '400' }],
    [
      {
        WEBHOOK_URL: 'https://hooks.example.com/x',
        WEBHOOK_SECRET: SECRET_A,
        WEBHOOK_EVENTS: 'be-observer.nope',
      },
    ],
  ])('misconfigured inputs %j → 500 without details', async (bad) => {
    const h = harness()
    expect(await publish({ ...inputs(bad), event: aCanonicalEvent() }, h.overrides)).toEqual({
      statusCode: 500,
      body: { success: false, error: 'Internal server error' },
    })
  })
})
