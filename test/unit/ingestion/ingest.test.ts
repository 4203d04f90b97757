/**
 * The ingestion core through its public entry point `ingest()` + `toIngestionResponse()`, with
 * the real event registry and value schemas, an in-memory State, a fake clock and a recording
 * fake I/O Events publisher (the HTTP client is covered in libs.test.ts and the integration tests).
 */
import { eventRegistry } from '../../../actions/lib/event-registry'
import { valueSchemaFor } from '../../../actions/entities/value-schemas'
import { createMemoryStore } from '../../../actions/lib/kv-store'
import { createIdempotencyStore, idempotencyKey } from '../../../actions/lib/idempotency-store'
import { UpstreamError, toErrorResponse } from '../../../actions/lib/errors'
import {
  clearProviderCache,
  createProviderResolver,
  providerLabel,
} from '../../../actions/lib/provider-resolver'
import type { CloudEvent, PublishOutcome } from '../../../actions/lib/io-events-ingress-client'
import type { Logger } from '../../../actions/lib/logger'
import { ingest, type IngestDeps } from '../../../actions/ingestion/webhook/ingest'
import { toIngestionResponse } from '../../../actions/ingestion/webhook/respond'
import { eventIdFor } from '../../../actions/ingestion/webhook/cloud-event'

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0)
const PROVIDER_ID = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb'

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

const product = (uid: string, extra: Record<string, unknown> = {}) => ({
  uid,
  event: 'be-observer.catalog_product_create',
  value: { sku: `SKU-${uid}`, name: 'Tee', price: 10 },
  ...extra,
})

interface Harness {
  deps: IngestDeps
  published: CloudEvent[]
  store: ReturnType<typeof createMemoryStore>
  clock: { t: number; now(): number }
  /** Make the next publishes of these uids fail with the given error. */
  failFor: Map<string, Error>
  outcome: PublishOutcome
}

function harness(opts: { providers?: { id: string; label: string }[] } = {}): Harness {
  clearProviderCache()
  const clock = {
    t: NOW,
    now() {
      return this.t
    },
  }
  const store = createMemoryStore(clock)
  const h: Harness = {
    published: [],
    store,
    clock,
    failFor: new Map(),
    outcome: 'delivered',
    deps: undefined as unknown as IngestDeps,
  }
  const providers = opts.providers ?? [
    { id: 'other', label: providerLabel('commerce') },
    { id: PROVIDER_ID, label: providerLabel('backoffice') },
  ]
  h.deps = {
    registry: eventRegistry,
    valueSchemaFor,
    idempotency: createIdempotencyStore(store),
    publisher: {
      publish: async (ev) => {
        const uid = [...h.failFor.keys()].find((u) => eventIdFor(u) === ev.id)
        if (uid) throw h.failFor.get(uid)!
        h.published.push(ev)
        return h.outcome
      },
    },
    providers: createProviderResolver('consumer-1', async () => providers),
    clock,
    logger: silent,
  }
  return h
}

const run = async (h: Harness, body: unknown) => {
  try {
    return toIngestionResponse(await ingest(body, h.deps))
  } catch (err) {
    return toErrorResponse(err)
  }
}

describe('ingest: a single event', () => {
  it('publishes a CloudEvent with a uid-derived id and answers the starter-kit success shape', async () => {
    const h = harness()
    const res = await run(h, { data: product('u1') })
    expect(res).toEqual({
      statusCode: 200,
      body: {
        type: 'be-observer.catalog_product_create',
        response: { success: true, message: 'Event published successfully' },
      },
    })
    expect(h.published).toEqual([
      {
        specversion: '1.0',
        id: eventIdFor('u1'),
        source: `urn:uuid:${PROVIDER_ID}`,
        type: 'be-observer.catalog_product_create',
        datacontenttype: 'application/json',
        time: new Date(NOW).toISOString(),
        data: { sku: 'SKU-u1', name: 'Tee', price: 10 },
      },
    ])
    expect(h.store.dump()).toEqual(
      new Map([
        [
          idempotencyKey('u1'),
          JSON.stringify({ id: eventIdFor('u1'), type: 'be-observer.catalog_product_create', at: NOW }),
        ],
      ]),
    )
  })

  it('accepts an array value (stock)', async () => {
    const h = harness()
    const value = [{ sku: 'A', source: 'default', quantity: 3, outOfStock: false }]
    const res = await run(h, { data: { uid: 's1', event: 'be-observer.catalog_stock_update', value } })
    expect(res).toEqual({
      statusCode: 200,
      body: {
        type: 'be-observer.catalog_stock_update',
        response: { success: true, message: 'Event published successfully' },
      },
    })
    expect(h.published.map((e) => e.data)).toEqual([value])
  })

  it('reports 204 from ingress (no registration) as 200 with a message saying so', async () => {
    const h = harness()
    h.outcome = 'no-registration'
    const res = await run(h, { data: product('u1') })
    expect(res).toEqual({
      statusCode: 200,
      body: {
        type: 'be-observer.catalog_product_create',
        response: {
          success: true,
          message: expect.stringContaining(
            'no I/O Events registration consumes be-observer.catalog_product_create',
          ),
        },
      },
    })
  })

  it('ignores a uid published within 24 h, and publishes it again after the TTL', async () => {
    const h = harness()
    await run(h, { data: product('u1') })
    h.clock.t += 23 * 3600 * 1000
    expect(await run(h, { data: product('u1') })).toEqual({
      statusCode: 200,
      body: {
        type: 'be-observer.catalog_product_create',
        response: { success: true, message: 'Duplicate ignored' },
      },
    })
    expect(h.published).toHaveLength(1)
    h.clock.t += 2 * 3600 * 1000
    await run(h, { data: product('u1') })
    expect(h.published.map((e) => e.id)).toEqual([eventIdFor('u1'), eventIdFor('u1')])
  })

  it('keeps distinct uids distinct even when they differ only in characters State keys cannot hold', async () => {
    const h = harness()
    await run(h, { data: product('a/b') })
    await run(h, { data: product('a_b') })
    expect(h.published.map((e) => e.id)).toEqual([eventIdFor('a/b'), eventIdFor('a_b')])
    expect([...h.store.dump().keys()].every((k) => /^idem\.[a-zA-Z0-9-_.]+$/.test(k))).toBe(true)
  })

  it.each<[string, unknown, string]>([
    ['no data', {}, 'Invalid request: data: is required'],
    ['extra top-level field', { data: product('u1'), extra: 1 }, 'Invalid request: extra: is not allowed'],
    [
      'data a string',
      { data: 'x' },
      'Invalid request: data: must be an event object or an array of 1 to 100 events',
    ],
    [
      'a top-level array',
      [product('u1')],
      'Invalid request: (root): must be an object {"data": …}, not an array',
    ],
    ['an empty batch', { data: [] }, 'Invalid request: data: a batch must hold at least 1 event'],
    ['missing uid', { data: { ...product('u1'), uid: undefined } }, 'Invalid event: data.uid: is required'],
    ['empty uid', { data: product('') }, 'Invalid event: data.uid: is not allowed to be empty'],
    [
      'uid over 128 chars',
      { data: product('x'.repeat(129)) },
      'Invalid event: data.uid: length must be less than or equal to 128 characters long',
    ],
    ['numeric uid', { data: product('u1', { uid: 42 }) }, 'Invalid event: data.uid: must be a string'],
    [
      'missing event',
      { data: { ...product('u1'), event: undefined } },
      'Invalid event: data.event: is required',
    ],
    [
      'missing value',
      { data: { ...product('u1'), value: undefined } },
      'Invalid event: data.value: is required',
    ],
    [
      'unknown field in the item',
      { data: product('u1', { extra: true }) },
      'Invalid event: data.extra: is not allowed',
    ],
    [
      'missing sku',
      { data: product('u1', { value: { name: 'x' } }) },
      'Invalid event: data.value.sku: is required',
    ],
    [
      'wrong type',
      { data: product('u1', { value: { sku: 'A', price: 'ten' } }) },
      'Invalid event: data.value.price: must be a number',
    ],
  ])('rejects %s with 400 naming the path', async (_name, body, error) => {
    const h = harness()
    expect(await run(h, body)).toEqual({ error: { statusCode: 400, body: { error } } })
    expect(h.published).toEqual([])
  })

  it('rejects an unknown event code, naming it and listing the accepted codes', async () => {
    const h = harness()
    const res = await run(h, { data: product('u1', { event: 'be-observer.nope' }) })
    const accepted = eventRegistry.byProvider('backoffice').map((d) => d.code)
    expect(res).toEqual({
      error: {
        statusCode: 400,
        body: {
          error: `Invalid event: data.event: unknown event code "be-observer.nope"; accepted codes: ${accepted.join(', ')}`,
        },
      },
    })
  })

  it('does not accept Commerce event codes (they belong to the commerce provider)', async () => {
    const h = harness()
    const res = await run(h, {
      data: product('u1', { event: 'com.adobe.commerce.observer.catalog_product_save_commit_after' }),
    })
    expect(res).toEqual({
      error: {
        statusCode: 400,
        body: {
          error: expect.stringContaining(
            'unknown event code "com.adobe.commerce.observer.catalog_product_save_commit_after"',
          ),
        },
      },
    })
  })

  it('never echoes a value in validation messages, even for pattern rules', async () => {
    const h = harness()
    const secretish = 'SUPER-SECRET-VALUE-123'
    const res = await run(h, {
      data: {
        uid: 'u1',
        event: 'be-observer.customer_group_create',
        value: { id: { nested: secretish }, name: secretish, tax_class_id: `x${secretish}` },
      },
    })
    expect(JSON.stringify(res)).not.toContain(secretish)
    expect(res).toEqual({
      error: { statusCode: 400, body: { error: expect.stringMatching(/^Invalid event: data\.value\./) } },
    })
  })

  it('answers 503 (retryable) when ingress fails, and remembers nothing so a retry publishes', async () => {
    const h = harness()
    h.failFor.set(
      'u1',
      Object.assign(
        new UpstreamError('Publishing to Adobe I/O Events failed (ingress answered 500); retry later', 503),
        { expose: true },
      ),
    )
    expect(await run(h, { data: product('u1') })).toEqual({
      error: {
        statusCode: 503,
        headers: { 'retry-after': '5' },
        body: { error: 'Publishing to Adobe I/O Events failed (ingress answered 500); retry later' },
      },
    })
    expect(h.store.dump().size).toBe(0)
    h.failFor.clear()
    expect(await run(h, { data: product('u1') })).toMatchObject({ statusCode: 200 })
    expect(h.published).toHaveLength(1)
  })

  it('treats an unexpected publisher error as a retryable 503 without leaking it', async () => {
    const h = harness()
    h.failFor.set('u1', new Error('socket hang up at 10.0.0.1'))
    expect(await run(h, { data: product('u1') })).toEqual({
      error: {
        statusCode: 503,
        headers: { 'retry-after': '5' },
        body: { error: 'Publishing to Adobe I/O Events failed; retry later' },
      },
    })
  })

  it('answers an exposed 500 telling to onboard when the backoffice provider does not exist', async () => {
    const h = harness({ providers: [{ id: 'x', label: providerLabel('commerce') }] })
    expect(await run(h, { data: product('u1') })).toEqual({
      error: {
        statusCode: 500,
        body: {
          error: `The I/O Events provider "${providerLabel('backoffice')}" (backoffice) does not exist in this organization: run npm run onboard`,
        },
      },
    })
    expect(h.published).toEqual([])
  })

  it('publishes even when the idempotency store is unavailable (best effort)', async () => {
    const h = harness()
    h.deps.idempotency = {
      get: async () => Promise.reject(new Error('state down')),
      remember: async () => Promise.reject(new Error('state down')),
    }
    expect(await run(h, { data: product('u1') })).toMatchObject({ statusCode: 200 })
    expect(h.published).toHaveLength(1)
  })
})

describe('ingest: a batch', () => {
  it('publishes every item and answers one entry per item', async () => {
    const h = harness()
    const res = await run(h, { data: [product('b1'), product('b2')] })
    const ok = (index: number, uid: string) => ({
      index,
      uid,
      statusCode: 200,
      type: 'be-observer.catalog_product_create',
      response: { success: true, message: 'Event published successfully' },
    })
    expect(res).toEqual({ statusCode: 200, body: { type: 'batch', response: [ok(0, 'b1'), ok(1, 'b2')] } })
    expect(h.published.map((e) => e.id).sort()).toEqual([eventIdFor('b1'), eventIdFor('b2')].sort())
  })

  it('reports partial failure: valid items are published, invalid ones are 400 entries, overall 400', async () => {
    const h = harness()
    const res = await run(h, {
      data: [product('b1'), product('b2', { value: {} }), product('b3', { event: 'nope' })],
    })
    expect(res).toEqual({
      error: {
        statusCode: 400,
        body: {
          error: '2 of 3 events failed: fix the invalid items',
          items: [
            {
              index: 0,
              uid: 'b1',
              statusCode: 200,
              type: 'be-observer.catalog_product_create',
              response: { success: true, message: 'Event published successfully' },
            },
            {
              index: 1,
              uid: 'b2',
              statusCode: 400,
              type: 'be-observer.catalog_product_create',
              error: 'data[1].value.sku: is required',
            },
            {
              index: 2,
              uid: 'b3',
              statusCode: 400,
              error: expect.stringMatching(/^data\[2\]\.event: unknown event code "nope"/),
            },
          ],
        },
      },
    })
    expect(h.published.map((e) => e.id)).toEqual([eventIdFor('b1')])
  })

  it('answers 503 when an item fails to publish; the retry re-publishes only that item', async () => {
    const h = harness()
    h.failFor.set(
      'b2',
      Object.assign(
        new UpstreamError('Publishing to Adobe I/O Events failed (ingress answered 500); retry later', 503),
        { expose: true },
      ),
    )
    const body = { data: [product('b1'), product('b2'), product('b3')] }
    const first = await run(h, body)
    expect(first).toMatchObject({
      error: {
        statusCode: 503,
        body: {
          error: '1 of 3 events failed: re-send the batch; published items will be ignored as duplicates',
        },
      },
    })
    expect(
      (first as unknown as { error: { body: { items: { statusCode: number }[] } } }).error.body.items.map(
        (i) => i.statusCode,
      ),
    ).toEqual([200, 503, 200])
    h.failFor.clear()
    const second = await run(h, body)
    expect(
      (second as { body: { response: { response: { message: string } }[] } }).body.response.map(
        (i) => i.response.message,
      ),
    ).toEqual(['Duplicate ignored', 'Event published successfully', 'Duplicate ignored'])
    expect(h.published.map((e) => e.id).sort()).toEqual(
      [eventIdFor('b1'), eventIdFor('b2'), eventIdFor('b3')].sort(),
    )
  })

  it('publishes a uid repeated within one batch once', async () => {
    const h = harness()
    const res = await run(h, { data: [product('d1'), product('d1')] })
    expect(
      (res as { body: { response: { response: { message: string } }[] } }).body.response.map(
        (i) => i.response.message,
      ),
    ).toEqual(['Event published successfully', 'Duplicate ignored'])
    expect(h.published).toHaveLength(1)
  })

  it('accepts 100 items and rejects 101 as a whole', async () => {
    const h = harness()
    const items = (n: number) => Array.from({ length: n }, (_, i) => product(`n${i}`))
    expect(await run(h, { data: items(101) })).toEqual({
      error: { statusCode: 400, body: { error: 'Invalid request: data: a batch holds at most 100 events' } },
    })
    expect(h.published).toEqual([])
    expect(await run(h, { data: items(100) })).toMatchObject({ statusCode: 200 })
    expect(h.published).toHaveLength(100)
  })

  it('fails the whole batch (nothing published) when the provider is missing', async () => {
    const h = harness({ providers: [] })
    expect(await run(h, { data: [product('p1'), product('p2')] })).toMatchObject({
      error: { statusCode: 500 },
    })
    expect(h.published).toEqual([])
    expect(h.store.dump().size).toBe(0)
  })
})

describe("ingest: the time budget (never meets the platform's 60 s web-action wait)", () => {
  const OUT_OF_TIME =
    'Not published: the request ran out of time before this event could be published; re-send it (nothing was published for it)'

  /** A publisher whose every publish takes `ms` of the fake clock, one at a time. */
  function slowHarness(ms: number): Harness {
    const h = harness()
    const publish = h.deps.publisher.publish
    h.deps = {
      ...h.deps,
      concurrency: 1,
      publisher: {
        publish: async (ev) => {
          h.clock.t += ms
          return publish(ev)
        },
      },
    }
    return h
  }

  it('answers 503 with Retry-After and publishes nothing when no publish can finish in time', async () => {
    const h = slowHarness(1000)
    h.deps.budget = { until: NOW + 9_999, publishMs: 10_000 }
    expect(await run(h, { data: product('u1') })).toEqual({
      error: { statusCode: 503, headers: { 'retry-after': '5' }, body: { error: OUT_OF_TIME } },
    })
    expect(h.published).toEqual([])
    expect(h.store.dump().size).toBe(0)
  })

  it.each([
    ['every publish fits', 30_000, [200, 200, 200]],
    ['the third publish would outlive the budget', 17_000, [200, 200, 503]],
    ['only the first fits', 13_000, [200, 503, 503]],
  ])('in a batch: %s', async (_name, budgetMs, statuses) => {
    // Each publish takes 4 s and may take up to 10 s: one starts only with 10 s left.
    const h = slowHarness(4_000)
    h.deps.budget = { until: NOW + budgetMs, publishMs: 10_000 }
    const body = { data: [product('b1'), product('b2'), product('b3')] }
    const res = (await run(h, body)) as Record<string, any>
    const items = res.error ? res.error.body.items : res.body.response
    expect(items.map((i: { statusCode: number }) => i.statusCode)).toEqual(statuses)
    const published = statuses.filter((s) => s === 200).length
    expect(h.published.map((e) => e.id)).toEqual(['b1', 'b2', 'b3'].slice(0, published).map(eventIdFor))
    if (published < 3) {
      expect(res.error.statusCode).toBe(503)
      expect(res.error.headers).toEqual({ 'retry-after': '5' })
      expect(items.slice(published).map((i: { error: string }) => i.error)).toEqual(
        statuses.slice(published).map(() => OUT_OF_TIME),
      )
    }
    // The re-send with a fresh budget publishes only what was missing.
    h.deps.budget = { until: h.clock.t + 60_000, publishMs: 10_000 }
    const again = (await run(h, body)) as { body: { response: { response: { message: string } }[] } }
    expect(again.body.response.map((i) => i.response.message)).toEqual(
      statuses.map((s) => (s === 200 ? 'Duplicate ignored' : 'Event published successfully')),
    )
    expect(h.published).toHaveLength(3)
  })
})
