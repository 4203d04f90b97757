/**
 * The admin web actions through their web URLs with the IMS bearer token and org header
 * (require-adobe-auth), and the default subscription from inputs on its own stack.
 */
import { seedDeliveryLog, SEED_TYPES } from '../helpers/delivery-log-seed'
import { receiverPool } from '../helpers/webhook-receiver'
import { anEvent, startPublisherStack, type PublisherStack } from './publisher-harness'

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const receiver = receiverPool()

describe('admin web actions', () => {
  let ps: PublisherStack
  beforeAll(async () => {
    ps = await startPublisherStack({}, { timeScale: 0.0001 })
  })
  afterEach(async () => {
    await ps?.clear()
  })
  afterAll(async () => {
    await ps?.close()
  })

  test.each([
    ['no token', { authorization: '' }],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['no org', { 'x-gw-ims-org-id': '' }],
  ])('%s → 401 from the gateway (require-adobe-auth)', async (_n, headers) => {
    const res = await ps.admin('subscriptions', 'get', '', undefined, headers)
    expect(res.status).toBe(401)
  })

  test('an input cannot be overridden from the request (final: true)', async () => {
    const res = await ps.admin('subscriptions', 'post', '', {
      name: 'x',
      eventTypes: ['*'],
      url: 'http://10.0.0.1/x',
      WEBHOOK_URL_ALLOWLIST: 'http://10.0.0.1',
    })
    expect(res.status).toBe(400)
    expect(await ps.admin('subscriptions', 'get').then((r) => r.json.items)).toEqual([])
  })

  test('subscription lifecycle: create (secret once), read without secrets, update, rotate, delete', async () => {
    const r = await receiver()
    const created = await ps.admin('subscriptions', 'post', '', {
      name: 'Virto',
      eventTypes: ['be-observer.catalog_product_create', 'be-observer.catalog_product_update'],
      url: r.url,
      fields: ['name', 'price'],
      auth: { type: 'basic', username: 'virto', password: 'pw-1234' },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const { subscription, secret } = created.json
    expect(secret).toMatch(/^whsec_/)
    const got = await ps.admin('subscriptions', 'get', `/${subscription.id}`)
    expect(got.json).toEqual({
      ...subscription,
      stats: { delivered: 0, failed: 0, retrying: 0, dead: 0, pending: 0 },
    })
    expect(JSON.stringify(got.json)).not.toMatch(/whsec_|pw-1234/)

    const patched = await ps.admin('subscriptions', 'patch', `/${subscription.id}`, {
      name: 'Virto 2',
      fields: ['sku'],
    })
    expect(patched.json).toMatchObject({ name: 'Virto 2', fields: ['sku'] })
    await ps.publish(anEvent())
    await ps.sweep() // subscription counters come from the delivery-log index the sweeper keeps
    expect(r.received[0].json.data).toEqual({
      id: expect.any(String),
      type: 'product',
      sku: expect.any(String),
    })
    expect(r.received[0].headers.authorization).toBe(
      `Basic ${Buffer.from('virto:pw-1234').toString('base64')}`,
    )

    const rotated = await ps.admin('subscriptions', 'post', `/${subscription.id}/rotate-secret`)
    expect(rotated.json).toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
      subscription: { rotating: true },
    })
    expect(rotated.json.secret).not.toBe(secret)

    const list = await ps.admin('subscriptions', 'get', '?stats=true')
    expect(list.json.items).toEqual([
      expect.objectContaining({ id: subscription.id, stats: expect.objectContaining({ delivered: 1 }) }),
    ])
    expect((await ps.admin('subscriptions', 'delete', `/${subscription.id}`)).status).toBe(204)
    expect((await ps.admin('subscriptions', 'get', `/${subscription.id}`)).status).toBe(404)
  })

  test('delivery logs: list with filters, get with attempts, retry a delivered event, export to JSON', async () => {
    const ok = await receiver()
    const bad = await receiver({ script: () => ({ status: 422, body: 'unprocessable' }) })
    const okSub = await ps.subscribe({ url: ok.url })
    const badSub = await ps.subscribe({ url: bad.url, eventTypes: ['be-observer.catalog_product_update'] })
    const e1 = anEvent({ type: 'be-observer.catalog_product_create' })
    const e2 = anEvent({ type: 'be-observer.catalog_product_update' })
    await ps.publish(e1)
    await ps.publish(e2)
    expect((await ps.admin('logs', 'get')).json).toMatchObject({ items: [], total: 0 }) // not indexed yet
    await ps.sweep() // the sweeper indexes the new records (it does so every minute)

    ps.stack.state.resetCounters()
    const all = await ps.admin('logs', 'get')
    expect(all.json).toMatchObject({ total: 3, freshness: expect.stringMatching(/may not be listed yet/) })
    const c = ps.stack.state.counters(ps.stack.config.namespace)
    expect(c).toMatchObject({ lists: 0, puts: 0, deletes: 0 }) // a page is a few point reads of the index
    expect(c.gets).toBeLessThanOrEqual(5)
    const failed = await ps.admin('logs', 'get', `?status=failed&type=be-observer.catalog_product_update`)
    expect(failed.json.items).toEqual([
      expect.objectContaining({
        id: `${e2.id}.${badSub.id}`,
        status: 'failed',
        subscriptionId: badSub.id,
        entityId: e2.entityId,
      }),
    ])
    const bySub = await ps.admin(
      'logs',
      'get',
      `?subscription=${okSub.id}&from=${encodeURIComponent(e1.receivedAt)}`,
    )
    expect(bySub.json.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [`${e1.id}.${okSub.id}`, `${e2.id}.${okSub.id}`].sort(),
    )

    const one = await ps.admin('logs', 'get', `/${e2.id}.${badSub.id}`)
    expect(one.json).toMatchObject({
      status: 'failed',
      attempts: [{ attempt: 1, statusCode: 422, responseSnippet: 'unprocessable', error: 'HTTP 422' }],
    })

    const retried = await ps.admin('logs', 'post', `/${e1.id}.${okSub.id}/retry`)
    expect(retried.status).toBe(200)
    expect(retried.json).toMatchObject({
      status: 'delivered',
      attempts: [{ attempt: 1 }, { attempt: 2, trigger: 'manual' }],
    })
    expect(ok.received.filter((q) => q.json.id === e1.id).map((q) => q.json.attempt)).toEqual([1, 2])

    const exported = await ps.admin('logs', 'get', '/export')
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(
      /^attachment; filename="delivery-logs-.+\.json"$/,
    )
    expect(exported.json).toMatchObject({ count: 3 })
    expect(exported.json).not.toHaveProperty('nextCursor')
    expect(exported.json.items.map((x: { id: string }) => x.id).sort()).toEqual(
      [`${e1.id}.${okSub.id}`, `${e2.id}.${okSub.id}`, `${e2.id}.${badSub.id}`].sort(),
    )
    expect(JSON.stringify(exported.json)).not.toMatch(/whsec_|v1,[A-Za-z0-9+/=]{20}/)
  })

  test('at 100K records a filtered page is ≤ 5 State calls (no listing), and so is the next page', async () => {
    const subs = [(await ps.subscribe({ url: 'https://hooks.example.com/a' })).id]
    subs.push((await ps.subscribe({ url: 'https://hooks.example.com/b' })).id)
    await seedDeliveryLog({
      dataDir: ps.stack.dataDir,
      namespace: ps.stack.config.namespace,
      count: 100_000,
      subscriptionIds: subs,
    })
    const ns = ps.stack.config.namespace
    const page = async (query: string) => {
      ps.stack.state.resetCounters()
      const res = await ps.admin('logs', 'get', query)
      expect(res.status).toBe(200)
      return { json: res.json, calls: ps.stack.state.counters(ns) }
    }
    for (const query of [
      '?status=failed&limit=50',
      `?type=${SEED_TYPES[2]}&limit=50`,
      `?subscription=${subs[1]}&status=dead,failed&limit=100`,
      '?limit=100',
    ]) {
      const first = await page(query)
      expect([query, first.json.items.length, first.calls.lists, first.calls.puts]).toEqual([
        query,
        query.includes('limit=100') ? 100 : 50,
        0,
        0,
      ])
      expect([query, first.calls.gets <= 5]).toEqual([query, true])
      const next = await page(`${query}&cursor=${first.json.nextCursor}`)
      expect([query, next.json.items.length > 0, next.calls.lists, next.calls.gets <= 5]).toEqual([
        query,
        true,
        0,
        true,
      ])
      expect(first.json.items.at(-1).createdAt >= next.json.items[0].createdAt).toBe(true)
    }
    const failed = await page('?status=failed&limit=50')
    expect(failed.json.items.every((i: { status: string }) => i.status === 'failed')).toBe(true)
    // Export: one page of full records, read in parallel; the index part is the same few reads.
    ps.stack.state.resetCounters()
    const exported = await ps.admin('logs', 'get', '/export?status=dead&limit=20')
    expect(exported.json).toMatchObject({ count: 20, nextCursor: expect.any(String) })
    expect(ps.stack.state.counters(ns)).toMatchObject({ lists: 0 })
    expect(ps.stack.state.counters(ns).gets).toBeLessThanOrEqual(5 + 20)
  })

  test('bad requests are 4xx naming the problem', async () => {
    expect(await ps.admin('logs', 'get', '?status=lost')).toMatchObject({
      status: 400,
      json: { error: 'invalid log query: status must be one of pending, delivered, retrying, failed, dead' },
    })
    expect(await ps.admin('logs', 'get', '/not-a-delivery')).toMatchObject({ status: 404 })
    expect(await ps.admin('subscriptions', 'put', '/abc')).toMatchObject({ status: 405 })
    expect(
      await ps.admin('subscriptions', 'post', '', {
        name: 'x',
        eventTypes: ['nope'],
        url: 'https://hooks.example.com',
      }),
    ).toMatchObject({
      status: 400,
      json: { error: 'eventTypes: unknown event code(s): nope' },
    })
  })
})

describe('the default subscription (WEBHOOK_URL / WEBHOOK_SECRET / WEBHOOK_EVENTS)', () => {
  test('delivers with no stored subscription: no listing, the overlay document read per event when uncached', async () => {
    const r = await receiver({ secrets: [SECRET] })
    const ps = await startPublisherStack(
      {
        WEBHOOK_URL: r.url,
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_EVENTS: 'be-observer.catalog_product_create,be-observer.catalog_product_update',
      },
      { timeScale: 0.0001 },
    )
    try {
      ps.stack.state.resetCounters()
      for (let i = 0; i < 3; i++)
        expect((await ps.publish(anEvent())).body.deliveries).toEqual([
          expect.objectContaining({ subscriptionId: 'default', status: 'delivered' }),
        ])
      // gets: the delivery log's dedupe point read and the subscriptions document (its overlay; this
      // stack reads it for every event, SUBSCRIPTION_CACHE_SECONDS=0) per event; no listing.
      expect(ps.stack.state.counters(ps.stack.config.namespace)).toEqual({
        gets: 6,
        puts: 3,
        deletes: 0,
        lists: 0,
      })
      expect(r.received.map((q) => q.verifiedWith)).toEqual([[0], [0], [0]])
      const list = await ps.admin('subscriptions', 'get')
      expect(list.json.items).toEqual([
        expect.objectContaining({ id: 'default', source: 'inputs', url: r.url }),
      ])
    } finally {
      await ps.close()
    }
  })
})
