/**
 * Real-shaped Commerce payloads (test/fixtures/commerce-payloads.ts) through each entity's pipeline:
 * accepted, identity normalised, the whole entity kept in `data` (without `_metadata`), extra fields
 * included. Back-office creates without the id Commerce assigns. Clear 400s for what is unusable.
 */
import { eventRegistry } from '../../../actions/lib/event-registry'
import { entityDefinitions } from '../../../actions/entities/catalog'
import { createEntityPipeline, type PipelineDeps } from '../../../actions/lib/entity-pipeline'
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'
import { COMMERCE_PAYLOADS } from '../../fixtures/commerce-payloads'

const pipelines = Object.fromEntries(
  Object.values(entityDefinitions).map((d) => [d.entity, createEntityPipeline(d)]),
)
const noop = () => undefined

async function run(code: string, data: unknown) {
  const propagated: CanonicalEvent[] = []
  const deps: PipelineDeps = {
    propagator: { propagate: async (e) => (propagated.push(e), { statusCode: 200, message: 'queued' }) },
    clock: { now: () => Date.parse('2026-02-01T00:00:00Z') },
    logger: { debug: noop, info: noop, warn: noop, error: noop },
  }
  const response = await pipelines[eventRegistry.get(code)!.handlerEntity].handle(
    { type: code, id: 'evt-1', data },
    deps,
  )
  return { response, propagated }
}

describe('real-shaped Commerce payloads', () => {
  test('cover every Commerce code of events.json', () => {
    const covered = new Set(COMMERCE_PAYLOADS.map((c) => c.code))
    expect(
      eventRegistry
        .byProvider('commerce')
        .map((d) => d.code)
        .filter((c) => !covered.has(c)),
    ).toEqual([])
  })

  test.each(COMMERCE_PAYLOADS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { response, propagated } = await run(c.code, c.data)
    expect(response).toEqual({
      statusCode: 200,
      body: { success: true, message: `${c.code} for ${c.entityType} ${c.entityId}: queued` },
    })
    expect(propagated).toHaveLength(1)
    const [event] = propagated
    expect([event.entityType, event.entityId]).toEqual([c.entityType, c.entityId])
    expect(event.fields).toEqual(expect.objectContaining(c.fields ?? {}))
    // No silent loss: every field Commerce sent, unknown and null ones included; no _metadata.
    expect(event.data).toEqual(c.data.value)
  })
})

describe('back-office creates without the id Commerce assigns', () => {
  test.each([
    [
      'be-observer.customer_create',
      { email: 'new@example.org', firstname: 'New' },
      'customer',
      'new@example.org',
    ],
    ['be-observer.customer_group_create', { name: 'Partners', taxClassId: 3 }, 'customer-group', 'Partners'],
  ])('%s is accepted, known by its natural key until Commerce answers', async (code, data, type, id) => {
    const { response, propagated } = await run(code, data)
    expect(response.statusCode).toBe(200)
    expect(propagated.map((e) => [e.entityType, e.entityId, e.data])).toEqual([[type, id, data]])
  })

  test('with Commerce sync, the id Commerce assigned names the created entity', async () => {
    const code = 'be-observer.customer_create'
    const definition = entityDefinitions.customer
    const propagated: CanonicalEvent[] = []
    const response = await createEntityPipeline(definition).handle(
      { type: code, id: 'evt-2', data: { email: 'new@example.org' } },
      {
        propagator: { propagate: async (e) => (propagated.push(e), { statusCode: 200, message: 'queued' }) },
        clock: { now: () => 0 },
        logger: { debug: noop, info: noop, warn: noop, error: noop },
        commerce: {
          apply: async () => ({
            kind: 'applied',
            message: 'Commerce POST V1/customers 200',
            assignedId: '4711',
          }),
        },
      },
    )
    expect(response).toEqual({
      statusCode: 200,
      body: {
        success: true,
        message: `${code} for customer 4711: Commerce POST V1/customers 200; queued`,
      },
    })
    expect(propagated.map((e) => e.entityId)).toEqual(['4711'])
  })
})

describe('what is really unusable: 400 naming the path, never the value', () => {
  const cases: [string, unknown, string][] = [
    [
      'com.adobe.commerce.observer.customer_save_commit_after',
      { value: { email: 'secret-person@example.org' }, _metadata: {} },
      'value must contain at least one of [entity_id, id]',
    ],
    [
      'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
      { value: { qty: '3', is_in_stock: 'perhaps' } },
      'value.is_in_stock must be a flag (0, 1, true or false); value must contain at least one of [sku, product_id]',
    ],
    [
      'com.adobe.commerce.observer.catalog_product_save_commit_after',
      { value: { entity_id: '1', sku: null } },
      'value.sku must be a string',
    ],
    [
      'com.adobe.commerce.observer.sales_order_save_commit_after',
      { value: { entity_id: null, increment_id: '' } },
      'value.entity_id must be one of [string, number]; value.increment_id is not allowed to be empty',
    ],
    [
      'com.adobe.commerce.observer.customer_group_save_commit_after',
      { value: { customer_group_id: '9' }, _metadata: { storeId: { nested: 'x' } } },
      '_metadata.storeId must be one of [string, number]',
    ],
  ]
  test.each(cases)('%s %j', async (code, data, issues) => {
    const { response, propagated } = await run(code, data)
    expect(response).toEqual({
      statusCode: 400,
      body: { success: false, error: `invalid data for ${code}: ${issues}` },
    })
    expect(JSON.stringify(response)).not.toContain('secret-person')
    expect(propagated).toEqual([])
  })
})
