/**
 * Each entity's schemas and transforms, through its pipeline (the handler's core): the sample of
 * every code in events.json becomes the expected CanonicalEvent; each invalid case breaks one
 * field of a valid sample and gets a 400 naming that field.
 */
import { eventRegistry } from '../../../actions/lib/event-registry'
import { entityDefinitions } from '../../../actions/entities/catalog'
import { createEntityPipeline, type PipelineDeps } from '../../../actions/lib/entity-pipeline'
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'
import type { Logger } from '../../../actions/lib/logger'
import { handlerParams, REMOVE, sampleData, withField } from '../../fixtures/entity-events'

const pipelines = Object.fromEntries(
  Object.values(entityDefinitions).map((d) => [d.entity, createEntityPipeline(d)]),
)
const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

/** Runs `code`'s handler pipeline with a propagator that records what it is given and succeeds. */
async function run(code: string, params = handlerParams(code)) {
  const propagated: CanonicalEvent[] = []
  const deps: PipelineDeps = {
    propagator: {
      propagate: async (e) => (propagated.push(e), { statusCode: 200, message: 'queued for 1 subscription' }),
    },
    clock: { now: () => Date.parse('2026-02-01T00:00:00Z') },
    logger: silent,
  }
  const entity = eventRegistry.get(code)!.entity
  const response = await pipelines[entity].handle(params, deps)
  return { response, propagated }
}

/** Expected entity part of the canonical event of each code's sampleEventTemplate. */
const expected: Record<string, { entityId: string; entityType: string; fields: Record<string, unknown> }> = {
  'be-observer.catalog_product_create': {
    entityId: 'PRODUCT_SKU',
    entityType: 'product',
    fields: {
      operation: 'create',
      sku: 'PRODUCT_SKU',
      name: 'Product SKU',
      price: 1,
      description: 'Product SKU description',
    },
  },
  'be-observer.catalog_product_update': {
    entityId: 'PRODUCT_SKU',
    entityType: 'product',
    fields: {
      operation: 'update',
      sku: 'PRODUCT_SKU',
      name: 'Product SKU updated',
      price: 2,
      description: 'Product SKU description updated',
    },
  },
  'be-observer.catalog_product_delete': {
    entityId: 'PRODUCT_SKU',
    entityType: 'product',
    fields: { operation: 'delete', sku: 'PRODUCT_SKU' },
  },
  'com.adobe.commerce.observer.catalog_product_save_commit_after': {
    entityId: 'MS-Tee-S-Blue',
    entityType: 'product',
    fields: {
      operation: 'save',
      sku: 'MS-Tee-S-Blue',
      commerceId: '42',
      name: 'Summer Tee',
      price: 29,
      enabled: true,
      typeId: 'simple',
      updatedAt: '2026-01-05 10:00:00',
    },
  },
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': {
    entityId: 'MS-Tee-S-Blue',
    entityType: 'product',
    fields: { operation: 'delete', sku: 'MS-Tee-S-Blue', commerceId: '42' },
  },
  'be-observer.customer_create': {
    entityId: 'CUSTOMER_ID',
    entityType: 'customer',
    fields: {
      operation: 'create',
      email: 'customer@example.com',
      firstname: 'Customer',
      lastname: 'Name',
      groupId: '1',
    },
  },
  'be-observer.customer_update': {
    entityId: 'CUSTOMER_ID',
    entityType: 'customer',
    fields: {
      operation: 'update',
      email: 'customer@example.com',
      firstname: 'Customer',
      lastname: 'Renamed',
      groupId: '1',
    },
  },
  'be-observer.customer_delete': {
    entityId: 'CUSTOMER_ID',
    entityType: 'customer',
    fields: { operation: 'delete' },
  },
  'com.adobe.commerce.observer.customer_save_commit_after': {
    entityId: '7',
    entityType: 'customer',
    fields: {
      operation: 'save',
      email: 'jane.doe@example.com',
      firstname: 'Jane',
      lastname: 'Doe',
      groupId: '1',
      websiteId: '1',
      updatedAt: '2026-01-05 10:00:00',
    },
  },
  'com.adobe.commerce.observer.customer_delete_commit_after': {
    entityId: '7',
    entityType: 'customer',
    fields: { operation: 'delete', email: 'jane.doe@example.com' },
  },
  'be-observer.customer_group_create': {
    entityId: 'GROUP_ID',
    entityType: 'customer-group',
    fields: { operation: 'create', name: 'Wholesale', taxClassId: '3' },
  },
  'be-observer.customer_group_update': {
    entityId: 'GROUP_ID',
    entityType: 'customer-group',
    fields: { operation: 'update', name: 'Wholesale Plus', taxClassId: '3' },
  },
  'be-observer.customer_group_delete': {
    entityId: 'GROUP_ID',
    entityType: 'customer-group',
    fields: { operation: 'delete' },
  },
  'com.adobe.commerce.observer.customer_group_save_commit_after': {
    entityId: '4',
    entityType: 'customer-group',
    fields: { operation: 'save', name: 'Wholesale', taxClassId: '3' },
  },
  'com.adobe.commerce.observer.customer_group_delete_commit_after': {
    entityId: '4',
    entityType: 'customer-group',
    fields: { operation: 'delete', name: 'Wholesale' },
  },
  'be-observer.sales_order_status_update': {
    entityId: 'ORDER_ID',
    entityType: 'order',
    fields: { operation: 'status_update', status: 'complete', notifyCustomer: false },
  },
  'be-observer.sales_order_shipment_create': {
    entityId: 'ORDER_ID',
    entityType: 'order',
    fields: {
      operation: 'shipment_create',
      items: [{ orderItemId: 'ORDER_ITEM_ID', qty: 1 }],
      tracks: [{ trackNumber: '1Z999AA10123456784', title: 'UPS', carrierCode: 'ups' }],
      comment: 'Shipped from the warehouse',
      commentVisibleOnFront: true,
    },
  },
  'be-observer.sales_order_shipment_update': {
    entityId: 'ORDER_ID',
    entityType: 'order',
    fields: {
      operation: 'shipment_update',
      shipmentId: 'SHIPMENT_ID',
      items: [{ orderItemId: 'ORDER_ITEM_ID', qty: 1 }],
      tracks: [{ trackNumber: '1Z999AA10123456784', title: 'UPS', carrierCode: 'ups' }],
      comment: 'Tracking number corrected',
      commentVisibleOnFront: true,
    },
  },
  'com.adobe.commerce.observer.sales_order_save_commit_after': {
    entityId: '1001',
    entityType: 'order',
    fields: {
      operation: 'save',
      idType: 'entity_id',
      incrementId: '000000101',
      status: 'processing',
      state: 'processing',
      customerEmail: 'jane.doe@example.com',
      grandTotal: 58,
      currency: 'USD',
      updatedAt: '2026-01-05 10:05:00',
    },
  },
  'be-observer.catalog_stock_update': {
    entityId: 'PRODUCT_SKU',
    entityType: 'stock',
    fields: {
      operation: 'update',
      items: [{ sku: 'PRODUCT_SKU', source: 'default', quantity: 10, inStock: true }],
    },
  },
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': {
    entityId: 'MS-Tee-S-Blue',
    entityType: 'stock',
    fields: {
      operation: 'save',
      idType: 'sku',
      sku: 'MS-Tee-S-Blue',
      productId: '42',
      source: 'default',
      quantity: 100,
      inStock: true,
    },
  },
}

describe('every code of events.json: sample → canonical event', () => {
  test('the table covers exactly the codes of events.json', () => {
    expect(Object.keys(expected).sort()).toEqual(
      eventRegistry
        .all()
        .map((d) => d.code)
        .sort(),
    )
  })

  test.each(eventRegistry.all().map((d) => [d.code, d.entity] as const))('%s (%s)', async (code, entity) => {
    const { response, propagated } = await run(code)
    const e = expected[code]
    // The whole entity as sent: Commerce's `value`, the back-office value (a batch as `{items}`).
    const sample = sampleData(code) as Record<string, unknown>
    const data = code.startsWith('com.adobe.commerce.')
      ? sample.value
      : Array.isArray(sample)
        ? { items: sample }
        : sample
    expect(propagated).toEqual([
      { id: 'evt-0001', type: code, entity, receivedAt: '2026-01-05T10:00:00.000Z', ...e, data },
    ])
    expect(response).toEqual({
      statusCode: 200,
      body: {
        success: true,
        message: `${code} for ${e.entityType} ${e.entityId}: queued for 1 subscription`,
      },
    })
  })
})

/** [code, field path, new value (or REMOVE), the issue the 400 must name] */
const invalid: [string, string, unknown, string][] = [
  ['be-observer.catalog_product_create', 'sku', REMOVE, 'sku is required'],
  ['be-observer.catalog_product_create', 'sku', '', 'sku is not allowed to be empty'],
  ['be-observer.catalog_product_create', 'price', 'cheap', 'price must be a number'],
  ['be-observer.catalog_product_update', 'price', -1, 'price must be greater than or equal to 0'],
  ['be-observer.catalog_product_update', 'name', 42, 'name must be a string'],
  [
    'be-observer.catalog_product_delete',
    'sku',
    'x'.repeat(65),
    'sku length must be less than or equal to 64 characters long',
  ],
  [
    'com.adobe.commerce.observer.catalog_product_save_commit_after',
    'value.sku',
    REMOVE,
    'value.sku is required',
  ],
  [
    'com.adobe.commerce.observer.catalog_product_save_commit_after',
    'value.price',
    '12,50',
    'value.price must be a decimal number',
  ],
  ['com.adobe.commerce.observer.catalog_product_save_commit_after', 'value', REMOVE, 'value is required'],
  [
    'com.adobe.commerce.observer.catalog_product_delete_commit_after',
    'value.entity_id',
    -3,
    'value.entity_id must be greater than or equal to 0',
  ],
  [
    'be-observer.customer_create',
    '',
    { firstname: 'No', lastname: 'Identity' },
    'data must contain at least one of [id, email]',
  ],
  ['be-observer.customer_create', 'email', 'not-an-email', 'email must be a valid email'],
  ['be-observer.customer_update', 'group_id', true, 'group_id must be one of [string, number]'],
  ['be-observer.customer_delete', 'id', { nested: 1 }, 'id must be one of [string, number]'],
  [
    'com.adobe.commerce.observer.customer_save_commit_after',
    'value',
    { email: 'jane.doe@example.com' },
    'value must contain at least one of [entity_id, id]',
  ],
  [
    'com.adobe.commerce.observer.customer_delete_commit_after',
    'value.email',
    'jane',
    'value.email must be a valid email',
  ],
  [
    'be-observer.customer_group_create',
    '',
    { tax_class_id: 3 },
    'data must contain at least one of [id, name]',
  ],
  ['be-observer.customer_group_update', 'name', ['x'], 'name must be a string'],
  ['be-observer.customer_group_delete', 'id', '', 'id is not allowed to be empty'],
  [
    'com.adobe.commerce.observer.customer_group_save_commit_after',
    'value',
    { customer_group_code: 'Wholesale' },
    'value must contain at least one of [customer_group_id, id]',
  ],
  [
    'com.adobe.commerce.observer.customer_group_delete_commit_after',
    'value.customer_group_code',
    'x'.repeat(33),
    'value.customer_group_code length must be less than or equal to 32 characters long',
  ],
  ['be-observer.sales_order_status_update', 'status', REMOVE, 'status is required'],
  [
    'be-observer.sales_order_status_update',
    'notifyCustomer',
    'yes please',
    'notifyCustomer must be a boolean',
  ],
  ['be-observer.sales_order_shipment_create', 'orderId', REMOVE, 'orderId is required'],
  ['be-observer.sales_order_shipment_create', 'items.0.qty', 0, 'items[0].qty must be a positive number'],
  [
    'be-observer.sales_order_shipment_create',
    'tracks.0.trackNumber',
    REMOVE,
    'tracks[0].trackNumber is required',
  ],
  ['be-observer.sales_order_shipment_update', 'id', REMOVE, 'id is required'],
  [
    'be-observer.sales_order_shipment_update',
    'comment.visibleOnFront',
    'no',
    'comment.visibleOnFront must be a boolean',
  ],
  [
    'com.adobe.commerce.observer.sales_order_save_commit_after',
    'value',
    { status: 'processing', grand_total: '58.00' },
    'value must contain at least one of [entity_id, id, increment_id, real_order_id]',
  ],
  [
    'com.adobe.commerce.observer.sales_order_save_commit_after',
    'value.grand_total',
    'lots',
    'value.grand_total must be a decimal number',
  ],
  ['be-observer.catalog_stock_update', '0.sku', REMOVE, '[0].sku is required'],
  ['be-observer.catalog_stock_update', '0.quantity', '10 units', '[0].quantity must be a number'],
  ['be-observer.catalog_stock_update', '0.outOfStock', 'maybe', '[0].outOfStock must be a boolean'],
  [
    'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
    'value',
    { qty: '5', is_in_stock: true },
    'value must contain at least one of [sku, product_id]',
  ],
  [
    'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
    'value.is_in_stock',
    'yes',
    'value.is_in_stock must be a flag (0, 1, true or false)',
  ],
]

describe('each broken field → 400 naming it, nothing propagated', () => {
  test.each(invalid)('%s with %s = %p', async (code, path, value, issue) => {
    const { response, propagated } = await run(
      code,
      handlerParams(code, { data: withField(sampleData(code), path, value) }),
    )
    expect(response).toEqual({
      statusCode: 400,
      body: { success: false, error: `invalid data for ${code}: ${issue}` },
    })
    expect(propagated).toEqual([])
  })

  test('every code has at least one invalid case', () => {
    const covered = new Set(invalid.map(([code]) => code))
    expect(
      eventRegistry
        .all()
        .map((d) => d.code)
        .filter((c) => !covered.has(c)),
    ).toEqual([])
  })
})

describe('shapes beyond the samples', () => {
  test('stock batch: entity id lists each sku once, in order; empty batch is rejected', async () => {
    const code = 'be-observer.catalog_stock_update'
    const data = [
      { sku: 'B', source: 's1', quantity: 1 },
      { sku: 'A', quantity: 0, outOfStock: true },
      { sku: 'B', source: 's2', quantity: 5 },
    ]
    const ok = await run(code, handlerParams(code, { data }))
    expect(ok.propagated.map((e) => [e.entityId, e.fields])).toEqual([
      [
        'B,A',
        {
          operation: 'update',
          items: [
            { sku: 'B', source: 's1', quantity: 1 },
            { sku: 'A', quantity: 0, inStock: false },
            { sku: 'B', source: 's2', quantity: 5 },
          ],
        },
      ],
    ])
    const empty = await run(code, handlerParams(code, { data: [] }))
    expect(empty.response).toEqual({
      statusCode: 400,
      body: { success: false, error: `invalid data for ${code}: data must contain at least 1 items` },
    })
  })

  test('unknown keys are accepted (forward compatible): kept in data, not in the normalised fields', async () => {
    const code = 'be-observer.catalog_product_delete'
    const { propagated } = await run(
      code,
      handlerParams(code, { data: { sku: 'S1', futureField: { x: 1 } } }),
    )
    expect(propagated.map((e) => [e.fields, e.data])).toEqual([
      [
        { operation: 'delete', sku: 'S1' },
        { sku: 'S1', futureField: { x: 1 } },
      ],
    ])
  })

  test('numeric ids become strings', async () => {
    const code = 'be-observer.customer_delete'
    const { propagated } = await run(code, handlerParams(code, { data: { id: 12345 } }))
    expect(propagated.map((e) => e.entityId)).toEqual(['12345'])
  })

  test('Commerce product status 2 (disabled) → enabled: false', async () => {
    const code = 'com.adobe.commerce.observer.catalog_product_save_commit_after'
    const { propagated } = await run(
      code,
      handlerParams(code, { data: withField(sampleData(code), 'value.status', '2') }),
    )
    expect(propagated.map((e) => e.fields.enabled)).toEqual([false])
  })
})
