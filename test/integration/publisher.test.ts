/**
 * publisher/publish on the local stack, invoked with the real `openwhisk` client, delivering to
 * real receivers on 127.0.0.1 that verify signatures with the `standardwebhooks` package.
 */
import { seedDeliveryLog } from '../helpers/delivery-log-seed'
import { closedPort, receiverPool, verifyWithLibrary, type Receiver } from '../helpers/webhook-receiver'
import { anEvent, startPublisherStack, type PublisherStack } from './publisher-harness'

let ps: PublisherStack
const receiver = receiverPool()

beforeAll(async () => {
  // A tiny time scale keeps the every-minute sweeper alarm out of these tests: they invoke it themselves.
  ps = await startPublisherStack({}, { timeScale: 0.0001 })
})
afterEach(async () => {
  await ps?.clear()
})
afterAll(async () => {
  await ps?.close()
})

describe('publisher/publish on the local stack', () => {
  test('delivers the contract body, signed (verified by standardwebhooks), with the subscription auth header', async () => {
    const r = await receiver({ secrets: [] })
    const sub = await ps.subscribe({
      url: r.url,
      fields: ['price'],
      auth: { type: 'header', name: 'x-api-key', value: 'k-123' },
    })
    const event = anEvent()
    const res = await ps.publish(event)
    expect(res).toEqual({
      statusCode: 200,
      body: expect.objectContaining({
        success: true,
        deliveries: [
          {
            subscriptionId: sub.id,
            deliveryId: `${event.id}.${sub.id}`,
            status: 'delivered',
            attempts: 1,
            recorded: true,
          },
        ],
      }),
    })
    const [req] = r.received
    expect(verifyWithLibrary([sub.secret], req.body, req.headers)).toEqual([0])
    expect(req.headers).toMatchObject({
      'webhook-id': `${event.id}.${sub.id}`,
      'content-type': 'application/json',
      'x-api-key': 'k-123',
      'user-agent': expect.stringMatching(/^commerce-event-hub/),
      connection: 'keep-alive',
    })
    expect(req.json).toEqual({
      id: event.id,
      type: event.type,
      timestamp: event.receivedAt,
      attempt: 1,
      data: { id: event.entityId, type: 'product', price: 29 },
    })
  })

  test('fans out to 3 subscriptions in parallel: a slow one does not delay the others, a failing one is scheduled', async () => {
    const fast = await receiver()
    const slow = await receiver({ script: () => ({ status: 200, delayMs: 1_200 }) })
    const failing = await receiver({ script: () => ({ status: 500, body: 'down' }) })
    const ids = {
      fast: (await ps.subscribe({ url: fast.url })).id,
      slow: (await ps.subscribe({ url: slow.url })).id,
      failing: (await ps.subscribe({ url: failing.url })).id,
    }
    const started = Date.now()
    const res = await ps.publish(anEvent())
    const took = Date.now() - started
    expect(res.statusCode).toBe(200)
    const status = Object.fromEntries(
      res.body.deliveries.map((d: { subscriptionId: string; status: string }) => [
        d.subscriptionId,
        d.status,
      ]),
    )
    expect(status).toEqual({ [ids.fast]: 'delivered', [ids.slow]: 'delivered', [ids.failing]: 'retrying' })
    // All three requests left at once: the fast and failing endpoints were hit long before the slow one answered.
    expect(fast.received[0].at - started).toBeLessThan(1_000)
    expect(Math.abs(slow.received[0].at - fast.received[0].at)).toBeLessThan(300)
    expect(took).toBeLessThan(1_200 + 1_500)
  })

  test('500 then 200: a short retry inside the activation, attempt numbers 1 and 2, same webhook-id', async () => {
    const r = await receiver({ script: (n) => (n === 0 ? { status: 500 } : { status: 200 }) })
    const sub = await ps.subscribe({ url: r.url })
    const res = await ps.publish(anEvent(), { INLINE_RETRY_MAX_DELAY: '5s' })
    expect(res.body.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })])
    expect(r.received.map((q) => [q.json.attempt, q.headers['webhook-id']])).toEqual([
      [1, res.body.deliveries[0].deliveryId],
      [2, res.body.deliveries[0].deliveryId],
    ])
    expect(r.received[1].at - r.received[0].at).toBeGreaterThanOrEqual(900)
    expect(verify(r, sub.secret)).toEqual([[0], [0]])
  })

  test('429 with Retry-After: not retried before the endpoint asked, then delivered by the sweeper', async () => {
    const r = await receiver({
      // 5 s: long enough that the first sweep (a scan, on a loaded machine) runs before it is due.
      script: (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '5' } } : { status: 200 }),
    })
    await ps.subscribe({ url: r.url })
    const before = Date.now()
    const res = await ps.publish(anEvent())
    const [d] = res.body.deliveries
    expect(d).toMatchObject({ status: 'retrying', lastError: 'HTTP 429' })
    expect(Date.parse(d.nextAttemptAt) - before).toBeGreaterThanOrEqual(5_000)
    expect((await ps.sweep()).body).toMatchObject({ due: 0, attempted: 0 })
    await new Promise((resolve) => setTimeout(resolve, Date.parse(d.nextAttemptAt) - Date.now() + 50))
    expect((await ps.sweep()).body).toMatchObject({ due: 1, attempted: 1, delivered: 1 })
    expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2])
  })

  test.each([
    [
      'timeout → retrying',
      async () => (await receiver({ script: () => ({ status: 200, delayMs: 2_000 }) })).url,
      { DELIVERY_TIMEOUT: '300ms' },
      'retrying',
      'timed out after 300 ms',
    ],
    [
      'connection refused → retrying',
      async () => `http://127.0.0.1:${await closedPort()}/hook`,
      {},
      'retrying',
      'connection refused (ECONNREFUSED)',
    ],
    [
      'connection dropped → retrying',
      async () => (await receiver({ script: () => ({ destroy: true }) })).url,
      {},
      'retrying',
      expect.stringMatching(/^(connection reset|network error)/),
    ],
    [
      '400 → failed',
      async () => (await receiver({ script: () => ({ status: 400, body: 'nope' }) })).url,
      {},
      'failed',
      'HTTP 400',
    ],
    [
      '3xx → failed',
      async () =>
        (await receiver({ script: () => ({ status: 307, headers: { location: 'http://127.0.0.1:1/' } }) }))
          .url,
      {},
      'failed',
      'HTTP 307',
    ],
  ])('%s', async (_name, url, params, status, lastError) => {
    await ps.subscribe({ url: await url() })
    const res = await ps.publish(anEvent(), params)
    expect(res.statusCode).toBe(200)
    expect(res.body.deliveries).toEqual([expect.objectContaining({ status, lastError, recorded: true })])
    const [{ key, record }] = await ps.records()
    expect([key, record.status]).toEqual([`dlv.${record.id}`, status])
    expect(record.attempts).toEqual([expect.objectContaining({ attempt: 1, error: lastError })])
  })

  test('410 fails the delivery and deactivates the subscription with the reason', async () => {
    const r = await receiver({ script: () => ({ status: 410 }) })
    const sub = await ps.subscribe({ url: r.url })
    expect((await ps.publish(anEvent())).body.deliveries[0]).toMatchObject({ status: 'failed' })
    await ps.sweep() // counters come from the delivery-log index, which the sweeper updates
    const view = await ps.admin('subscriptions', 'get', `/${sub.id}`)
    expect(view.json).toMatchObject({
      active: false,
      disabledReason: 'HTTP 410 Gone: the endpoint asked to stop deliveries',
      stats: { failed: 1 },
    })
    expect((await ps.publish(anEvent())).body).toMatchObject({ matched: 0 })
    expect(r.received).toHaveLength(1)
  })

  test('the same event published twice (I/O Events redelivery) creates one delivery', async () => {
    const r = await receiver()
    const sub = await ps.subscribe({ url: r.url })
    const event = anEvent()
    await ps.publish(event)
    const again = await ps.publish(event)
    expect(again).toEqual({
      statusCode: 200,
      body: expect.objectContaining({ deliveries: [], duplicates: [sub.id] }),
    })
    expect(r.received).toHaveLength(1)
    expect(await ps.records()).toHaveLength(1)
  })

  test('secret rotation: both signatures during the overlap, each verifiable alone with standardwebhooks', async () => {
    const r = await receiver()
    const sub = await ps.subscribe({ url: r.url })
    const rotated = await ps.admin('subscriptions', 'post', `/${sub.id}/rotate-secret`)
    expect(rotated.status).toBe(200)
    expect(rotated.json.secret).not.toBe(sub.secret)
    await ps.publish(anEvent())
    expect(verifyWithBoth(r, sub.secret, rotated.json.secret)).toEqual([[0, 1]])
  })

  test('URL policy: refused at creation with 400, nothing stored', async () => {
    for (const [url, reason] of [
      ['http://hooks.example.com/in', 'url: url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)'],
      ['http://127.0.0.2:8080/in', 'url: url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)'],
      [
        'https://10.0.0.1/in',
        'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
      ],
      [
        'https://169.254.169.254/latest/meta-data',
        'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
      ],
      [
        'https://[::1]/in',
        'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
      ],
      [
        'https://localhost/in',
        'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
      ],
      [
        'https://u:p@hooks.example.com/in',
        'url: url must not contain credentials: use the auth header setting',
      ],
    ]) {
      const res = await ps.admin('subscriptions', 'post', '', { name: 'x', eventTypes: ['*'], url })
      expect([url, res.status, res.json]).toEqual([url, 400, { error: reason }])
    }
    expect((await ps.admin('subscriptions', 'get')).json).toEqual({ items: [] })
  })

  // The delivery log's share of a happy-path event is 1 get (the dedupe point read) + 1 put and
  // no listing, whatever the size of the log. This stack reads the subscriptions document for every
  // event (SUBSCRIPTION_CACHE_SECONDS=0): 1 more get. With the default cache it is 0 (state-budget.test.ts).
  test.each([
    ['an empty log', 0],
    ['100K delivery records', 100_000],
  ])(
    'state budget with %s: 1 get + 1 put per event for the log, 1 get for the subscriptions, no listing',
    async (_name, seeded) => {
      const r = await receiver()
      const sub = await ps.subscribe({ url: r.url })
      if (seeded)
        await seedDeliveryLog({
          dataDir: ps.stack.dataDir,
          namespace: ps.stack.config.namespace,
          count: seeded,
          subscriptionIds: [sub.id],
        })
      await ps.publish(anEvent()) // warms the container (a cold one reads the subscription once)
      const ns = ps.stack.config.namespace
      ps.stack.state.resetCounters()
      const N = 5
      for (let i = 0; i < N; i++)
        expect((await ps.publish(anEvent())).body.deliveries[0].status).toBe('delivered')
      const c = ps.stack.state.counters(ns)
      expect(c).toEqual({ gets: 2 * N, puts: N, deletes: 0, lists: 0 })
      expect(r.received).toHaveLength(N + 1)
    },
  )
})

function verify(r: Receiver, secret: string): number[][] {
  return r.received.map((q) => verifyWithLibrary([secret], q.body, q.headers))
}

function verifyWithBoth(r: Receiver, a: string, b: string): number[][] {
  return r.received.map((q) => verifyWithLibrary([a, b], q.body, q.headers))
}
