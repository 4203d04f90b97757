/**
 * The ingestion webhook end to end on the local stack: the app's manifest (`web: raw`,
 * `final: true`, hmac configured through env → `$VAR`s), plain HTTP to the web action, the real
 * `@adobe/aio-lib-events` client to onboard the provider and read a journal registration where
 * published CloudEvents arrive, the real `@adobe/aio-lib-state` client to see `idem.` keys.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { Webhook } from 'standardwebhooks'
import { eventIdFor } from '../../actions/ingestion/webhook/cloud-event'
import { idempotencyKey } from '../../actions/lib/idempotency-store'
import {
  BACKOFFICE_CODES,
  PREVIOUS_SECRET,
  SECRET,
  eventBody,
  idemKeys,
  journalEvents,
  journalFor,
  onboardBackoffice,
  post,
  postSigned,
  signed,
  startIngestionStack,
  waitFor,
  type IngestionStack,
} from './ingestion-harness'

const UNCONSUMED = 'be-observer.customer_delete'
const ok = (type = 'be-observer.catalog_product_create', message = 'Event published successfully') => ({
  status: 200,
  body: { type, response: { success: true, message } },
})
const err = (status: number, error: unknown) => ({ status, body: { error } })

let app: IngestionStack
let providerId: string
let journal: string
const published = async () => (await journalEvents(app.events, journal)).map((e) => e.id)

beforeAll(async () => {
  app = await startIngestionStack()
  providerId = await onboardBackoffice(app.events)
  journal = await journalFor(
    app.events,
    providerId,
    BACKOFFICE_CODES.filter((c) => c !== UNCONSUMED),
  )
})
afterAll(async () => {
  await app?.close()
})

describe('publishing', () => {
  it('publishes a signed event: the CloudEvent arrives at the registration', async () => {
    const body = eventBody('pub-1')
    expect(await postSigned(app.url, body)).toEqual(ok())
    const arrived = await waitFor(async () =>
      (await journalEvents(app.events, journal)).find((e) => e.id === eventIdFor('pub-1')),
    )
    expect(arrived).toEqual({
      specversion: '1.0',
      id: eventIdFor('pub-1'),
      source: `urn:uuid:${providerId}`,
      type: 'be-observer.catalog_product_create',
      datacontenttype: 'application/json',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: body.data.value,
      // added by I/O Events on delivery, as the real service does
      event_id: eventIdFor('pub-1'),
      recipient_client_id: 'ingestion-test-client',
    })
    expect(await idemKeys(app.stack)).toContain(idempotencyKey('pub-1'))
  })

  it('publishes an array value (stock update)', async () => {
    const value = [{ sku: 'S-1', source: 'default', quantity: 5, outOfStock: false }]
    expect(
      await postSigned(app.url, {
        data: { uid: 'stock-1', event: 'be-observer.catalog_stock_update', value },
      }),
    ).toEqual(ok('be-observer.catalog_stock_update'))
  })

  it('acknowledges a re-sent uid with "Duplicate ignored" and does not publish it again', async () => {
    const body = eventBody('dup-1')
    expect(await postSigned(app.url, body)).toEqual(ok())
    expect(await postSigned(app.url, { data: { ...body.data, value: { sku: 'changed' } } })).toEqual(
      ok('be-observer.catalog_product_create', 'Duplicate ignored'),
    )
    expect((await published()).filter((id) => id === eventIdFor('dup-1'))).toHaveLength(1)
  })

  it('reports 204 from ingress (no registration) as 200 saying nothing consumes the event', async () => {
    expect(
      await postSigned(app.url, { data: { uid: 'nobody-1', event: UNCONSUMED, value: { id: 'C-1' } } }),
    ).toEqual(
      ok(
        UNCONSUMED,
        `Event published successfully, but no I/O Events registration consumes ${UNCONSUMED} yet (ingress answered 204): it was not delivered anywhere`,
      ),
    )
  })

  it('answers a batch per item: valid items published, invalid reported, a re-send publishes nothing twice', async () => {
    const body = {
      data: [
        eventBody('batch-1').data,
        eventBody('batch-2', { value: { name: 'no sku' } }).data,
        eventBody('batch-3').data,
      ],
    }
    const first = await postSigned(app.url, body)
    const entry = (index: number, uid: string, message = 'Event published successfully') => ({
      index,
      uid,
      statusCode: 200,
      type: 'be-observer.catalog_product_create',
      response: { success: true, message },
    })
    const invalid = {
      index: 1,
      uid: 'batch-2',
      statusCode: 400,
      type: 'be-observer.catalog_product_create',
      error: 'data[1].value.sku: is required',
    }
    expect(first).toEqual({
      status: 400,
      body: {
        error: '1 of 3 events failed: fix the invalid items',
        items: [entry(0, 'batch-1'), invalid, entry(2, 'batch-3')],
      },
    })
    const again = await postSigned(app.url, body)
    expect(again).toEqual({
      status: 400,
      body: {
        error: '1 of 3 events failed: fix the invalid items',
        items: [entry(0, 'batch-1', 'Duplicate ignored'), invalid, entry(2, 'batch-3', 'Duplicate ignored')],
      },
    })
    const ids = await published()
    expect(
      [eventIdFor('batch-1'), eventIdFor('batch-2'), eventIdFor('batch-3')].map(
        (id) => ids.filter((x) => x === id).length,
      ),
    ).toEqual([1, 0, 1])
  })

  it('npm run send signs a sample event that is published', async () => {
    const root = path.resolve(__dirname, '../..')
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        'scripts/send.ts',
        'be-observer.customer_create',
        '--uid',
        'send-1',
        '--url',
        app.url,
      ],
      { cwd: root, env: { PATH: process.env.PATH, INGESTION_SECRET: SECRET }, timeout: 60_000 },
    )
    expect(stdout).toContain('200 OK')
    expect(stdout).toContain('"message": "Event published successfully"')
    await waitFor(
      async () => (await published()).includes(eventIdFor('send-1')),
      10_000,
      'the sent event in the journal',
    )
  })

  it('accepts a batch of 100', async () => {
    const data = Array.from({ length: 100 }, (_, i) => eventBody(`hundred-${i}`).data)
    const res = (await postSigned(app.url, { data })) as {
      status: number
      body: { type: string; response: unknown[] }
    }
    expect(res.status).toBe(200)
    expect(res.body.type).toBe('batch')
    expect(res.body.response).toHaveLength(100)
  })
})

describe('hmac authentication', () => {
  const raw = JSON.stringify(eventBody('auth-ok'))
  const now = () => Math.floor(Date.now() / 1000)

  it('accepts a signature made by the third-party standardwebhooks package', async () => {
    const body = JSON.stringify(eventBody('third-party-1'))
    const id = 'msg_third_party'
    const ts = new Date()
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRET).sign(id, ts, body),
    }
    expect(await post(app.url, body, headers)).toEqual(ok())
  })

  it('accepts the previous secret during rotation (INGESTION_SECRETS_PREVIOUS)', async () => {
    expect(await postSigned(app.url, eventBody('rotated-1'), { secrets: [PREVIOUS_SECRET] })).toEqual(ok())
  })

  it.each<[string, () => Record<string, string>, string]>([
    [
      'a wrong secret',
      () => signed(raw, { secrets: ['whsec_' + Buffer.alloc(32, 1).toString('base64')] }),
      'Invalid webhook signature: webhook-signature does not match',
    ],
    [
      'a stale timestamp',
      () => signed(raw, { ts: now() - 6 * 60 }),
      'Invalid webhook signature: webhook-timestamp is too old',
    ],
    [
      'a future timestamp',
      () => signed(raw, { ts: now() + 6 * 60 }),
      'Invalid webhook signature: webhook-timestamp is in the future',
    ],
    [
      'no headers',
      () => ({}),
      'Invalid webhook signature: missing header(s): webhook-id, webhook-timestamp, webhook-signature',
    ],
    [
      'no webhook-id',
      () => {
        const h = signed(raw)
        delete h['webhook-id']
        return h
      },
      'Invalid webhook signature: missing header(s): webhook-id',
    ],
    [
      'no webhook-timestamp',
      () => {
        const h = signed(raw)
        delete h['webhook-timestamp']
        return h
      },
      'Invalid webhook signature: missing header(s): webhook-timestamp',
    ],
    [
      'no webhook-signature',
      () => {
        const h = signed(raw)
        delete h['webhook-signature']
        return h
      },
      'Invalid webhook signature: missing header(s): webhook-signature',
    ],
    [
      'a signature of another body',
      () => signed(raw.replace('SKU', 'XKU')),
      'Invalid webhook signature: webhook-signature does not match',
    ],
  ])('rejects %s with 401 and publishes nothing', async (_name, headers, message) => {
    expect(await post(app.url, raw, headers())).toEqual(err(401, message))
    expect(await published()).not.toContain(eventIdFor('auth-ok'))
  })

  it.each<[string, string, () => string]>([
    ['the query string', 'INGESTION_SECRET=whsec_attacker', () => raw],
    [
      'the body',
      '',
      () => JSON.stringify({ ...eventBody('override-1'), INGESTION_SECRET: 'whsec_attacker' }),
    ],
    ['the query string (INGESTION_AUTH=none)', 'INGESTION_AUTH=none', () => raw],
  ])('rejects an attempt to override an input via %s with 400 (final)', async (_name, query, body) => {
    const attacker = 'whsec_' + Buffer.alloc(32, 99).toString('base64')
    const res = await postSigned(app.url, body(), { secrets: [attacker] }, query)
    expect(res).toEqual(
      err(
        400,
        expect.stringMatching(
          /^Request parameters may not override action inputs \(final\): INGESTION_(SECRET|AUTH)$/,
        ),
      ),
    )
  })
})

describe('validation', () => {
  const accepted = BACKOFFICE_CODES.join(', ')
  it.each<[string, string | object, string]>([
    ['JSON that does not parse', '{"data": {', 'Request body is not valid JSON'],
    ['an empty body', '', 'Request body is empty: expected JSON {"data": {"uid", "event", "value"}}'],
    ['no data', { event: 'x' }, 'Invalid request: data: is required; event: is not allowed'],
    [
      'a top-level array',
      [eventBody().data],
      'Invalid request: (root): must be an object {"data": …}, not an array',
    ],
    [
      'an unknown event code',
      eventBody('v-1', { event: 'be-observer.unknown' }),
      `Invalid event: data.event: unknown event code "be-observer.unknown"; accepted codes: ${accepted}`,
    ],
    [
      'no uid',
      { data: { event: 'be-observer.catalog_product_create', value: { sku: 'A' } } },
      'Invalid event: data.uid: is required',
    ],
    [
      'a uid over 128 characters',
      eventBody('u'.repeat(129)),
      'Invalid event: data.uid: length must be less than or equal to 128 characters long',
    ],
    ['no value', eventBody('v-2', { value: undefined }), 'Invalid event: data.value: is required'],
    [
      'a value failing its schema',
      eventBody('v-3', { value: { sku: 7, price: 'free' } }),
      'Invalid event: data.value.sku: must be a string; data.value.price: must be a number',
    ],
    [
      'a __proto__ key',
      '{"data":{"uid":"p","event":"be-observer.catalog_product_create","value":{"sku":"A","__proto__":{"x":1}}}}',
      'Request body contains forbidden keys: data.value.__proto__',
    ],
    [
      'a constructor key',
      eventBody('v-4', { value: { sku: 'A', constructor: { prototype: {} } } }),
      'Request body contains forbidden keys: data.value.constructor',
    ],
    [
      'a batch of 101',
      { data: Array.from({ length: 101 }, (_, i) => eventBody(`b${i}`).data) },
      'Invalid request: data: a batch holds at most 100 events',
    ],
    ['an empty batch', { data: [] }, 'Invalid request: data: a batch must hold at least 1 event'],
  ])('rejects %s with 400 naming the problem', async (_name, body, message) => {
    expect(await postSigned(app.url, body)).toEqual(err(400, message))
  })

  it('never echoes the payload in a validation error', async () => {
    const marker = 'PAYLOAD-MARKER-0123456789'
    const res = await postSigned(
      app.url,
      eventBody('echo-1', {
        event: 'be-observer.customer_group_create',
        value: { id: { x: marker }, name: marker, tax_class_id: marker },
      }),
    )
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).not.toContain(marker)
  })

  it('rejects a body over the 1 MB platform limit with 413', async () => {
    const big = JSON.stringify(
      eventBody('big-1', { value: { sku: 'A', description: 'x'.repeat(1024 * 1024) } }),
    )
    const res = await post(app.url, big, signed(big))
    expect(res.status).toBe(413)
    expect(await published()).not.toContain(eventIdFor('big-1'))
  })

  it('rejects a GET with 405', async () => {
    const res = await fetch(app.url)
    expect({ status: res.status, body: await res.json() }).toEqual(
      err(405, 'Method GET not allowed: POST events as JSON'),
    )
  })
})

describe('fuzz (bounded)', () => {
  /** A small deterministic PRNG so a failure is reproducible from the seed. */
  function rng(seed: number) {
    let s = seed >>> 0
    return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
  }
  const SEED = 20260105
  const rand = rng(SEED)
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]
  const values: unknown[] = [
    null,
    true,
    0,
    -1,
    Infinity, // JSON has no literal for it: serialised as null
    'x',
    '',
    '\u0000',
    '💥',
    [],
    {},
    [[[]]],
    { sku: null },
    'a'.repeat(300),
  ]
  const keys = [
    'data',
    'uid',
    'event',
    'value',
    'sku',
    '__proto__',
    'constructor',
    '',
    'ü',
    'INGESTION',
    'items',
  ]

  function randomJson(depth = 0): unknown {
    const r = rand()
    if (depth > 3 || r < 0.4) return pick(values)
    if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(depth + 1))
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 4) }, () => [pick(keys), randomJson(depth + 1)]),
    )
  }
  function mutate(text: string): string {
    const chars = [...text]
    for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
      const at = Math.floor(rand() * chars.length)
      const op = rand()
      if (op < 0.33) chars.splice(at, 1)
      else if (op < 0.66) chars.splice(at, 0, pick(['{', '}', '"', ',', ':', '[', '\\', '0', 'é']))
      else chars[at] = pick(['"', 'x', '1', ' ', '\n'])
    }
    return chars.join('')
  }

  it(`random and mutated signed bodies never produce a 5xx (seed ${SEED}, 150 requests)`, async () => {
    const base = JSON.stringify({
      data: [
        eventBody('fz-1').data,
        {
          uid: 'fz-2',
          event: 'be-observer.sales_order_shipment_create',
          value: { orderId: 'O', items: [{ orderItemId: 'I', qty: 1 }] },
        },
      ],
    })
    const statuses: number[] = []
    const deadline = Date.now() + 40_000
    for (let i = 0; i < 150 && Date.now() < deadline; i++) {
      const kind = rand()
      const body =
        kind < 0.4
          ? mutate(base)
          : kind < 0.8
            ? JSON.stringify({ data: randomJson() })
            : JSON.stringify(randomJson())
      const unsigned = rand() < 0.1
      const res = unsigned ? await post(app.url, body) : await postSigned(app.url, body)
      statuses.push(res.status)
      if (res.status >= 500)
        throw new Error(
          `5xx ${res.status} for body ${JSON.stringify(body).slice(0, 300)}: ${JSON.stringify(res.body)}`,
        )
    }
    expect(statuses.length).toBeGreaterThanOrEqual(50)
    expect(statuses.every((s) => [200, 400, 401, 413].includes(s))).toBe(true)
    expect((await fetch(`${app.stack.baseUrl}/health`)).status).toBe(200)
  })
})
