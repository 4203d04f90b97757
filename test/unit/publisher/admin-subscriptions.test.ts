/**
 * admin/subscriptions through its entry point (routing by __ow_method/__ow_path).
 */
import { isValidSecret } from '../../../actions/lib/webhook-signature'
import { startReceiver } from '../../helpers/webhook-receiver'
import { harness, inputs, SECRET_A, SECRET_B, TEST_ORG, subscriptionsApi as api } from './fixtures'

type Res = {
  statusCode?: number
  headers?: Record<string, string>
  body?: any
  error?: { statusCode: number; body: { error: string } }
}

function call(
  h: ReturnType<typeof harness>,
  method: string,
  path: string,
  body: Record<string, unknown> = {},
  params: Record<string, unknown> = {},
): Promise<Res> {
  return api(
    {
      ...inputs(params),
      __ow_method: method,
      __ow_path: path,
      __ow_headers: { authorization: 'Bearer x', 'x-gw-ims-org-id': TEST_ORG },
      ...body,
    },
    h.overrides,
  )
}

const valid = {
  name: 'Kustomer',
  eventTypes: ['be-observer.catalog_product_create'],
  url: 'https://hooks.example.com/in',
}

describe('admin/subscriptions', () => {
  test('create returns the secret once; reads never show secrets or auth values', async () => {
    const h = harness()
    const created = await call(h, 'post', '', {
      ...valid,
      fields: ['price'],
      auth: { type: 'basic', username: 'u', password: 'p4ssw0rd' },
    })
    expect(created.statusCode).toBe(201)
    expect(created.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' })
    const { subscription, secret } = created.body
    expect(isValidSecret(secret)).toBe(true)
    expect(subscription).toEqual({
      id: expect.stringMatching(/^[a-z0-9-]+$/),
      name: 'Kustomer',
      eventTypes: ['be-observer.catalog_product_create'],
      url: 'https://hooks.example.com/in',
      active: true,
      fields: ['price'],
      auth: { type: 'basic' },
      format: 'ids',
      retry: { schedule: ['1s', '1m', '1h'], jitter: 0, default: true },
      createdAt: new Date(h.clock.now()).toISOString(),
      updatedAt: new Date(h.clock.now()).toISOString(),
      source: 'state',
      rotating: false,
    })
    const got = await call(h, 'get', `/${subscription.id}`)
    expect(got.body).toEqual({
      ...subscription,
      stats: { delivered: 0, failed: 0, retrying: 0, dead: 0, pending: 0 },
    })
    const list = await call(h, 'get', '/')
    expect(list.body).toEqual({ items: [subscription] })
    expect(JSON.stringify([got, list])).not.toMatch(/whsec_|p4ssw0rd/)
  })

  test('update, deactivate with a reason, re-enable clears it, delete', async () => {
    const h = harness()
    const { body } = await call(h, 'post', '', valid)
    const id = body.subscription.id
    h.clock.advance(1_000)
    const off = await call(h, 'patch', `/${id}`, { active: false, eventTypes: '*' })
    expect(off.body).toMatchObject({
      active: false,
      eventTypes: ['*'],
      disabledReason: 'deactivated by an administrator',
      updatedAt: new Date(h.clock.now()).toISOString(),
    })
    const on = await call(h, 'patch', `/${id}`, { active: true })
    expect(on.body.active).toBe(true)
    expect(on.body).not.toHaveProperty('disabledReason')
    expect(await call(h, 'delete', `/${id}`)).toEqual({
      statusCode: 204,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    })
    expect(await call(h, 'get', `/${id}`)).toEqual({
      error: { statusCode: 404, body: { error: `subscription ${id} not found` } },
    })
    expect(JSON.parse(h.store.dump().get('sub.all')!)).toMatchObject({ subscriptions: [] })
  })

  test('rotate-secret returns the new secret once and keeps the old one signing for the overlap', async () => {
    const h = harness()
    const { body } = await call(h, 'post', '', { ...valid, secret: SECRET_A })
    const rotated = await call(
      h,
      'post',
      `/${body.subscription.id}/rotate-secret`,
      {},
      { SECRET_ROTATION_OVERLAP: '2h' },
    )
    expect(rotated.statusCode).toBe(200)
    expect(isValidSecret(rotated.body.secret)).toBe(true)
    expect(rotated.body.secret).not.toBe(SECRET_A)
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(h.clock.now() + 7_200_000).toISOString())
    expect(rotated.body.subscription.rotating).toBe(true)
    expect(
      await call(h, 'post', `/${body.subscription.id}/rotate-secret`, { secret: rotated.body.secret }),
    ).toEqual({
      error: { statusCode: 400, body: { error: 'secret: must differ from the current secret' } },
    })
  })

  test.each([
    ['missing name', { ...valid, name: undefined }, 'invalid subscription: name is required'],
    [
      'http url',
      { ...valid, url: 'http://hooks.example.com/in' },
      'url: url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)',
    ],
    [
      'private url',
      { ...valid, url: 'https://10.0.0.8/in' },
      'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
    ],
    [
      'metadata url',
      { ...valid, url: 'https://169.254.169.254/latest' },
      'url: url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
    ],
    [
      'unknown event',
      { ...valid, eventTypes: ['nope.event'] },
      'eventTypes: unknown event code(s): nope.event',
    ],
    [
      '11 fields',
      { ...valid, fields: Array.from({ length: 11 }, (_, i) => `f${i}`) },
      'invalid subscription: fields must contain less than or equal to 10 items',
    ],
    [
      'bad secret',
      { ...valid, secret: 'hunter2-not-a-secret' },
      'invalid subscription: secret must be whsec_ followed by base64 of 24 to 64 bytes',
    ],
    [
      'reserved auth header',
      { ...valid, auth: { type: 'header', name: 'webhook-signature', value: 'x' } },
      'invalid subscription: auth.name contains an invalid value',
    ],
    [
      'bad auth type',
      { ...valid, auth: { type: 'digest', value: 'x' } },
      'invalid subscription: auth type must be basic, bearer or header',
    ],
    [
      'header injection',
      { ...valid, auth: { type: 'bearer', token: 'a\r\nx-evil: 1' } },
      'invalid subscription: auth.token must be a valid printable ASCII without line breaks',
    ],
  ])('create with %s → 400 naming the problem, never the value', async (_n, body, error) => {
    const h = harness()
    expect(await call(h, 'post', '', body as Record<string, unknown>)).toEqual({
      error: { statusCode: 400, body: { error } },
    })
  })

  test('routing: unknown path 404, wrong method 405, before State is touched', async () => {
    const h = harness()
    expect(await call(h, 'get', '/a/b/c')).toEqual({
      error: { statusCode: 404, body: { error: 'no such resource: /a/b/c' } },
    })
    expect(await call(h, 'put', '/abc')).toEqual({
      error: { statusCode: 405, body: { error: 'method PUT not allowed here; use GET, PATCH, DELETE' } },
    })
    expect(h.store.counts).toEqual({ gets: 0, puts: 0, deletes: 0, lists: 0 })
  })

  test('the default subscription is listed from inputs; only name, fields and active can change', async () => {
    const h = harness()
    const params = {
      WEBHOOK_URL: 'https://kustomer.example.com/hook',
      WEBHOOK_SECRET: `${SECRET_B} ${SECRET_A}`,
    }
    const list = await call(h, 'get', '', {}, params)
    expect(list.body.items).toEqual([
      {
        id: 'default',
        name: 'Default webhook (WEBHOOK_URL)',
        eventTypes: ['*'],
        url: 'https://kustomer.example.com/hook',
        active: true,
        fields: [],
        format: 'ids',
        retry: { schedule: ['1s', '1m', '1h'], jitter: 0, default: true },
        createdAt: '1970-01-01T00:00:00.000Z',
        updatedAt: '1970-01-01T00:00:00.000Z',
        source: 'inputs',
        rotating: true,
      },
    ])
    expect(await call(h, 'patch', '/default', { url: 'https://x.example.com' }, params)).toEqual({
      error: {
        statusCode: 400,
        body: {
          error: 'url: the default subscription takes them from the WEBHOOK_URL, WEBHOOK_EVENTS inputs',
        },
      },
    })
    const off = await call(h, 'patch', '/default', { active: false, fields: ['sku'] }, params)
    expect(off.body).toMatchObject({
      id: 'default',
      active: false,
      fields: ['sku'],
      disabledReason: 'deactivated by an administrator',
    })
    expect((await call(h, 'get', '/default', {}, params)).body).toMatchObject({
      active: false,
      fields: ['sku'],
    })
    expect([...h.store.dump().values()].join()).not.toContain('whsec_')
    expect(await call(h, 'delete', '/default', {}, params)).toEqual({
      error: {
        statusCode: 400,
        body: {
          error: 'the default subscription is defined by the WEBHOOK_URL input: unset it to remove it',
        },
      },
    })
  })
})

describe('admin/subscriptions: retry, format and filter options', () => {
  const STATUS = 'be-observer.sales_order_status_update'
  const orders = { ...valid, eventTypes: [STATUS] }

  test('create, show, patch and reset the options', async () => {
    const h = harness()
    const created = await call(h, 'post', '', {
      ...orders,
      fields: ['status'],
      format: 'cloudevents',
      retry: { schedule: ['10s', 120], jitter: 0.2 },
      filter: { status: ['complete', 'closed'], notifyCustomer: { exists: true } },
    })
    expect(created.statusCode).toBe(201)
    expect(created.body.subscription).toMatchObject({
      format: 'cloudevents',
      retry: { schedule: ['10s', '2m'], jitter: 0.2 },
      filter: { status: ['complete', 'closed'], notifyCustomer: { exists: true } },
    })
    const id = created.body.subscription.id
    const patched = await call(h, 'patch', `/${id}`, { format: 'virto', retry: null, filter: null })
    expect(patched.body).toMatchObject({
      format: 'virto',
      retry: { schedule: ['1s', '1m', '1h'], jitter: 0, default: true },
    })
    expect(patched.body.filter).toBeUndefined()
    expect((await call(h, 'get', `/${id}`)).body).toMatchObject({ format: 'virto', retry: { default: true } })
  })

  test.each([
    [{ format: 'xml' }, 'invalid subscription: format must be one of [ids, virto, cloudevents]'],
    [
      { retry: { schedule: ['100ms'] } },
      'invalid subscription: retry.schedule[0] each delay must be from 1s to 7d',
    ],
    [
      { retry: { schedule: ['7d', '7d', '7d', '7d', '7d'], jitter: 0 } },
      'retry.schedule: the retries span up to 35d (jitter included), longer than the log retention (30d, LOG_RETENTION_DAYS)',
    ],
    [
      { fields: ['notify'] },
      `fields: unknown field path(s) "notify"; valid for ${STATUS}: id, notifyCustomer, operation, status`,
    ],
    [
      { filter: { Status: 'complete' } },
      `filter: unknown field path(s) "Status"; valid for ${STATUS}: id, notifyCustomer, operation, status`,
    ],
  ])('create with %j → 400', async (extra, error) => {
    const h = harness()
    const res = await call(h, 'post', '', { ...orders, ...extra })
    expect(res.error?.statusCode).toBe(400)
    expect(res.error?.body.error).toBe(error)
    expect((await call(h, 'get', '')).body.items).toEqual([])
  })

  test('changing the event codes re-checks the selected fields against the new codes', async () => {
    const h = harness()
    const id = (await call(h, 'post', '', { ...orders, fields: ['notifyCustomer'] })).body.subscription.id
    const res = await call(h, 'patch', `/${id}`, { eventTypes: ['be-observer.catalog_product_create'] })
    expect(res.error).toEqual({
      statusCode: 400,
      body: {
        error:
          'fields: unknown field path(s) "notifyCustomer"; valid for be-observer.catalog_product_create: description, name, operation, price, sku',
      },
    })
    expect((await call(h, 'patch', `/${id}`, { name: 'renamed' })).statusCode).toBe(200)
  })
})

describe('admin/subscriptions: test send', () => {
  test('the URL policy applies: a URL the current allowlist refuses is not contacted', async () => {
    const h = harness()
    const r = await startReceiver()
    try {
      const id = (await call(h, 'post', '', { ...valid, url: r.url })).body.subscription.id
      // The same subscription, tested by an activation whose inputs no longer allow loopback.
      const res = await call(h, 'post', `/${id}/test`, {}, { WEBHOOK_URL_ALLOWLIST: '' })
      expect(res).toEqual({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        body: {
          status: null,
          durationMs: 0,
          bodyExcerpt: '',
          deliveryId: expect.stringMatching(/^test-/),
          ok: false,
          error: expect.stringMatching(/^not sent: /),
          eventType: 'be-observer.catalog_product_create',
        },
      })
      expect(r.received).toEqual([])
      const unknown = await call(h, 'post', '/nope/test')
      expect(unknown.error).toEqual({ statusCode: 404, body: { error: 'subscription nope not found' } })
    } finally {
      await r.close()
    }
  })
})
