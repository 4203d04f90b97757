/**
 * The admin web actions through their web URLs with the IMS bearer token and org header
 * (require-adobe-auth), and the default subscription from inputs on its own stack.
 */
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

    ps.stack.state.resetCounters()
    const all = await ps.admin('logs', 'get')
    expect(all.json.total).toBe(3)
    expect(ps.stack.state.counters(ps.stack.config.namespace).gets).toBe(0) // listing reads keys only
    const failed = await ps.admin('logs', 'get', `?status=failed&type=be-observer.catalog_product_update`)
    expect(failed.json.items).toEqual([
      expect.objectContaining({
        id: `${e2.id}.${badSub.id}`,
        status: 'failed',
        subscriptionId: badSub.id,
        eventId: e2.id,
      }),
    ])
    const bySub = await ps.admin(
      'logs',
      'get',
      `?subscription=${okSub.id}&from=${encodeURIComponent(e1.receivedAt)}`,
    )
    expect(bySub.json.items.map((i: { eventId: string }) => i.eventId).sort()).toEqual([e1.id, e2.id].sort())

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
    expect(exported.json).toMatchObject({ total: 3, count: 3 })
    expect(exported.json.items.map((x: { id: string }) => x.id).sort()).toEqual(
      [`${e1.id}.${okSub.id}`, `${e2.id}.${okSub.id}`, `${e2.id}.${badSub.id}`].sort(),
    )
    expect(JSON.stringify(exported.json)).not.toMatch(/whsec_|v1,[A-Za-z0-9+/=]{20}/)
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
  test('delivers with no stored subscription and reads no stored value, even from a cold container', async () => {
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
      expect(ps.stack.state.counters(ps.stack.config.namespace)).toEqual({
        gets: 0,
        puts: 3,
        deletes: 0,
        lists: 6,
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
