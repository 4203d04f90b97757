/**
 * End to end on the local stack: I/O Events (real @adobe/aio-lib-events client) → registration →
 * event-hub/consumer → entities/<entity> → publisher/publish → a real receiver on 127.0.0.1.
 * Asserts the consumer's activation result (real openwhisk client) and the Debug Tracing entry
 * for success, 400, 5xx with I/O Events retries, unknown codes, loop-breaker skips and
 * duplicate deliveries.
 */
import { randomUUID } from 'node:crypto'
import { eventRegistry } from '../../actions/lib/event-registry'
import { startReceiver } from '../fixtures/apps/events/harness'
import { generateSecret } from '../../actions/lib/webhook-signature'
import { stateClient } from '../helpers/state-client'
import {
  activation,
  activationsMentioning,
  cloudEvent,
  handlerActivationOf,
  publishAndWait,
  refreshRegistrations,
  registrationFor,
  startRoutingStack,
  tracesOf,
  WS,
  type RoutingStack,
} from './routing-harness'

const SAVE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'

/** "<entityType> <entityId>" of each code's sampleEventTemplate (an oracle independent of the transforms). */
const ENTITY_OF_SAMPLE: Record<string, [string, string]> = {
  'be-observer.catalog_product_create': ['product', 'PRODUCT_SKU'],
  'be-observer.catalog_product_update': ['product', 'PRODUCT_SKU'],
  'be-observer.catalog_product_delete': ['product', 'PRODUCT_SKU'],
  'com.adobe.commerce.observer.catalog_product_save_commit_after': ['product', 'MS-Tee-S-Blue'],
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': ['product', 'MS-Tee-S-Blue'],
  'be-observer.customer_create': ['customer', 'CUSTOMER_ID'],
  'be-observer.customer_update': ['customer', 'CUSTOMER_ID'],
  'be-observer.customer_delete': ['customer', 'CUSTOMER_ID'],
  'com.adobe.commerce.observer.customer_save_commit_after': ['customer', '7'],
  'com.adobe.commerce.observer.customer_delete_commit_after': ['customer', '7'],
  'be-observer.customer_group_create': ['customer-group', 'GROUP_ID'],
  'be-observer.customer_group_update': ['customer-group', 'GROUP_ID'],
  'be-observer.customer_group_delete': ['customer-group', 'GROUP_ID'],
  'com.adobe.commerce.observer.customer_group_save_commit_after': ['customer-group', '4'],
  'com.adobe.commerce.observer.customer_group_delete_commit_after': ['customer-group', '4'],
  'be-observer.sales_order_status_update': ['order', 'ORDER_ID'],
  'be-observer.sales_order_shipment_create': ['order', 'ORDER_ID'],
  'be-observer.sales_order_shipment_update': ['order', 'ORDER_ID'],
  'com.adobe.commerce.observer.sales_order_save_commit_after': ['order', '1001'],
  'be-observer.catalog_stock_update': ['stock', 'PRODUCT_SKU'],
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': ['stock', 'MS-Tee-S-Blue'],
}

/** Every log line of an activation carries the event id as correlation id. */
function expectCorrelated(logs: string[], eventId: string): void {
  expect(logs.length).toBeGreaterThan(0)
  expect(logs.filter((l) => !l.includes(`"correlationId":"${eventId}"`))).toEqual([])
}

describe('routing on the local stack (publisher chain working)', () => {
  let rs: RoutingStack
  let receiver: Awaited<ReturnType<typeof startReceiver>>

  beforeAll(async () => {
    receiver = await startReceiver()
    rs = await startRoutingStack(
      {
        LOOP_BREAKER_EVENTS: SAVE,
        LOOP_BREAKER_TTL_SECONDS: '300',
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: generateSecret(),
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
      },
      { timeScale: 1 },
    ) // no retries expected here; keeps the every-minute sweeper quiet
  })
  afterAll(async () => {
    await rs?.close()
    await receiver?.close()
  })

  test('every event code in events.json reaches its handler: consumer 200, Debug Tracing 200, one delivery each', async () => {
    const sent = eventRegistry
      .all()
      .map((d) => ({ def: d, event: cloudEvent(rs, d.provider, d.code, d.sampleEventTemplate) }))
    // A few at a time: each in-flight event needs its own warm containers (3 actions deep).
    for (let i = 0; i < sent.length; i += 4)
      await Promise.all(sent.slice(i, i + 4).map(({ event }) => publishAndWait(rs, event)))

    for (const { def, event } of sent) {
      const [entityType, entityId] = ENTITY_OF_SAMPLE[def.code]
      const traces = await tracesOf(rs, registrationFor(rs, def.code), event.id)
      expect(traces.map((t) => [t.attempt, t.response.status_code, t.outcome])).toEqual([
        [1, 200, 'delivered'],
      ])

      const consumer = await activation(rs, traces[0].response.activation_id!)
      expect([def.code, consumer.response.result]).toEqual([
        def.code,
        {
          statusCode: 200,
          body: {
            type: def.code,
            response: {
              success: true,
              message: expect.stringMatching(new RegExp(`^${def.code} for ${entityType} ${entityId}: `)),
            },
          },
        },
      ])
      expectCorrelated(consumer.logs, event.id)

      const handler = await handlerActivationOf(rs, consumer)
      expect([handler.name, handler.response.result.statusCode]).toEqual([def.entity, 200])
      expectCorrelated(handler.logs, event.id)
    }

    // The publisher delivered each event exactly once to the default subscription's endpoint.
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { id: string })
    for (const { def, event } of sent) {
      const [entityType, entityId] = ENTITY_OF_SAMPLE[def.code]
      expect(bodies.filter((b) => b.id === event.id)).toEqual([
        {
          id: event.id,
          type: def.code,
          timestamp: expect.any(String),
          attempt: 1,
          data: { id: entityId, type: entityType },
        },
      ])
    }
  }, 120_000)

  test('invalid data → consumer 400, Debug Tracing 400 failed, not retried, nothing delivered', async () => {
    const code = 'be-observer.customer_create'
    const event = cloudEvent(rs, 'backoffice', code, { email: 'not-an-email', firstname: 'X' })
    await publishAndWait(rs, event)
    await rs.stack.events.idle()
    const traces = await tracesOf(rs, registrationFor(rs, code), event.id)
    expect(traces.map((t) => [t.attempt, t.response.status_code, t.outcome])).toEqual([[1, 400, 'failed']])
    expect((await activation(rs, traces[0].response.activation_id!)).response.result).toEqual({
      error: {
        statusCode: 400,
        body: { error: `invalid data for ${code}: email must be a valid email` },
      },
    })
    expect(receiver.received.filter((r) => r.body.includes(event.id))).toEqual([])
  })

  test('an event code nobody routes → 200 "ignored", Debug Tracing 200 delivered', async () => {
    const code = 'be-observer.unrouted_thing'
    const org = WS.consumerOrgId
    await rs.events.createEventMetadataForProvider(
      org,
      WS.projectId,
      WS.workspaceId,
      rs.providerIds.backoffice,
      {
        event_code: code,
        label: code,
        description: 'not in events.json',
      },
    )
    const name = `routing-test-unrouted-${randomUUID().slice(0, 8)}`
    await rs.events.createRegistration(org, WS.projectId, WS.workspaceId, {
      name,
      description: 'delivers a code the app does not route',
      client_id: 'local-api-key',
      delivery_type: 'webhook',
      runtime_action: 'event-hub/consumer',
      events_of_interest: [{ provider_id: rs.providerIds.backoffice, event_code: code }],
    })
    await refreshRegistrations(rs)
    const event = cloudEvent(rs, 'backoffice', code, { anything: 1 })
    await publishAndWait(rs, event)
    const traces = await tracesOf(rs, rs.registrations.get(name)!, event.id)
    expect(traces.map((t) => [t.attempt, t.response.status_code, t.outcome])).toEqual([[1, 200, 'delivered']])
    const consumer = await activation(rs, traces[0].response.activation_id!)
    expect(consumer.response.result).toEqual({
      statusCode: 200,
      body: { type: code, response: { success: true, message: `ignored: no handler for ${code}` } },
    })
    expect(
      consumer.logs.filter((l) => l.includes('warn') && l.includes(`ignored: no handler for ${code}`)).length,
    ).toBe(1)
    expectCorrelated(consumer.logs, event.id)
  })

  test('loop breaker: an echo of an identical change is acknowledged as skipped; a real change is not', async () => {
    const sample = eventRegistry.get(SAVE)!.sampleEventTemplate as { value: Record<string, unknown> }
    const value = { ...sample.value, sku: `LOOP-${randomUUID().slice(0, 8)}` }
    const first = cloudEvent(rs, 'commerce', SAVE, { value })
    const echo = cloudEvent(rs, 'commerce', SAVE, { value: { ...value, updated_at: '2026-01-05 10:00:07' } })
    const change = cloudEvent(rs, 'commerce', SAVE, { value: { ...value, price: '31.00' } })
    const results: unknown[] = []
    for (const e of [first, echo, change]) {
      await publishAndWait(rs, e)
      const [trace] = await tracesOf(rs, registrationFor(rs, SAVE), e.id)
      expect([trace.response.status_code, trace.outcome]).toEqual([200, 'delivered'])
      results.push((await activation(rs, trace.response.activation_id!)).response.result.body)
    }
    expect(results).toEqual([
      {
        type: SAVE,
        response: {
          success: true,
          message: expect.stringMatching(
            /^com\.adobe\.commerce\.observer\.catalog_product_save_commit_after for product LOOP-/,
          ),
        },
      },
      {
        type: SAVE,
        response: {
          success: true,
          message: `skipped: echo of the identical change of event ${first.id} (loop breaker)`,
        },
      },
      { type: SAVE, response: { success: true, message: expect.stringMatching(/ for product LOOP-/) } },
    ])
    expect(await activationsMentioning(rs, 'entities/product', echo.id)).toEqual([])

    // The fingerprint lives under a `loop.` key with the configured short TTL (300 s).
    const state = await stateClient(rs.stack)
    const key = `loop.${SAVE}.id.product.${value.sku}`
    const stored = await state.get(key)
    expect(stored?.value).toMatch(new RegExp(`^[0-9a-f]{64} ${change.id}$`))
    const ttlLeft = Date.parse(stored.expiration) - Date.now()
    expect(ttlLeft > 250_000 && ttlLeft <= 300_000).toBe(true)
  })

  test('duplicate delivery (I/O Events redelivers the same event): routed again, delivered externally once', async () => {
    const code = 'be-observer.sales_order_status_update'
    const event = cloudEvent(rs, 'backoffice', code, {
      id: `ORDER-${randomUUID().slice(0, 8)}`,
      status: 'complete',
    })
    await publishAndWait(rs, event)
    const [trace] = await tracesOf(rs, registrationFor(rs, code), event.id)
    const delivered = JSON.parse(trace.request.body) as Record<string, unknown>
    // What I/O Events sends on a redelivery: the same CloudEvent, x-adobe-retry-count set.
    const redelivery = (await rs.ow.actions.invoke({
      name: 'event-hub/consumer',
      params: { ...delivered, __adobe_headers: { ...trace.request.headers, 'x-adobe-retry-count': '1' } },
      blocking: true,
      result: true,
    })) as Record<string, unknown>
    expect(redelivery).toEqual({
      statusCode: 200,
      body: { type: code, response: { success: true, message: expect.stringMatching(/already recorded/) } },
    })
    const handlers = await activationsMentioning(rs, 'entities/order', event.id)
    expect(handlers.map((h) => h.response.result.statusCode)).toEqual([200, 200])
    expect(receiver.received.filter((r) => r.body.includes(event.id)).length).toBe(1)
  })
})

describe('routing on the local stack (handler failing)', () => {
  let rs: RoutingStack

  beforeAll(async () => {
    // The handlers hand the fan-out to an action that is not deployed: every event fails with a 5xx.
    rs = await startRoutingStack({ FANOUT_MODE: 'action', PUBLISHER_ACTION: 'publisher/not-deployed' })
  })
  afterAll(async () => {
    await rs?.close()
  })

  test('handler 5xx → consumer 502, Debug Tracing 502 retry_scheduled, I/O Events retries with x-adobe-retry-count', async () => {
    const code = 'be-observer.catalog_stock_update'
    const event = cloudEvent(rs, 'backoffice', code, eventRegistry.get(code)!.sampleEventTemplate)
    await publishAndWait(rs, event, 3)
    const traces = (await tracesOf(rs, registrationFor(rs, code), event.id)).slice(0, 3)
    expect(
      traces.map((t) => [
        t.attempt,
        t.response.status_code,
        t.outcome,
        t.request.headers['x-adobe-retry-count'],
      ]),
    ).toEqual([
      [1, 502, 'retry_scheduled', undefined],
      [2, 502, 'retry_scheduled', '1'],
      [3, 502, 'retry_scheduled', '2'],
    ])
    for (const t of traces) {
      expect((await activation(rs, t.response.activation_id!)).response.result).toEqual({
        error: {
          statusCode: 502,
          body: { error: 'propagation failed: action publisher/not-deployed is not deployed' },
        },
      })
    }
    const handlers = await activationsMentioning(rs, 'entities/stock', event.id)
    expect(handlers.map((h) => h.response.result)).toEqual(
      Array(handlers.length).fill({
        statusCode: 502,
        body: { success: false, error: 'propagation failed: action publisher/not-deployed is not deployed' },
      }),
    )
    expect(handlers.length).toBeGreaterThanOrEqual(3)
  })
})
