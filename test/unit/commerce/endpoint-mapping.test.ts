/**
 * The Commerce call every back-office code makes (the table of the Commerce sync issue), read
 * through the entities' declarations with each code's sample from events.json, run by the real
 * Commerce step against a recording fake client.
 */
import { entityDefinitions } from '../../../actions/entities/catalog'
import { eventRegistry } from '../../../actions/lib/event-registry'
import { createCommerceEffects } from '../../../actions/lib/commerce/effect-runner'
import type { CommerceClient } from '../../../actions/lib/commerce/commerce-client'
import type { EchoGuard } from '../../../actions/lib/commerce/echo-guard'
import { createLogger } from '../../../actions/lib/logger'

const TABLE: [string, string, string, unknown][] = [
  [
    'be-observer.catalog_product_create',
    'POST',
    'V1/products',
    {
      product: {
        sku: 'PRODUCT_SKU',
        name: 'Product SKU',
        price: 1,
        attribute_set_id: 4,
        type_id: 'simple',
        custom_attributes: [{ attribute_code: 'description', value: 'Product SKU description' }],
      },
    },
  ],
  [
    'be-observer.catalog_product_update',
    'PUT',
    'V1/products/PRODUCT_SKU',
    {
      product: {
        sku: 'PRODUCT_SKU',
        name: 'Product SKU updated',
        price: 2,
        attribute_set_id: 4,
        type_id: 'simple',
        custom_attributes: [{ attribute_code: 'description', value: 'Product SKU description updated' }],
      },
    },
  ],
  ['be-observer.catalog_product_delete', 'DELETE', 'V1/products/PRODUCT_SKU', undefined],
  [
    'be-observer.customer_create',
    'POST',
    'V1/customers',
    { customer: { email: 'customer@example.com', firstname: 'Customer', lastname: 'Name', group_id: 1 } },
  ],
  [
    'be-observer.customer_update',
    'PUT',
    'V1/customers/CUSTOMER_ID',
    {
      customer: {
        id: 'CUSTOMER_ID',
        email: 'customer@example.com',
        firstname: 'Customer',
        lastname: 'Renamed',
        group_id: 1,
      },
    },
  ],
  ['be-observer.customer_delete', 'DELETE', 'V1/customers/CUSTOMER_ID', undefined],
  [
    'be-observer.customer_group_create',
    'POST',
    'V1/customerGroups',
    { group: { code: 'Wholesale', tax_class_id: 3 } },
  ],
  [
    'be-observer.customer_group_update',
    'PUT',
    'V1/customerGroups/GROUP_ID',
    { group: { id: 'GROUP_ID', code: 'Wholesale Plus', tax_class_id: 3 } },
  ],
  ['be-observer.customer_group_delete', 'DELETE', 'V1/customerGroups/GROUP_ID', undefined],
  [
    'be-observer.sales_order_status_update',
    'POST',
    'V1/orders/ORDER_ID/comments',
    {
      statusHistory: {
        comment: 'Status set to complete by the back-office',
        is_customer_notified: 0,
        is_visible_on_front: 0,
        parent_id: 'ORDER_ID',
        status: 'complete',
      },
    },
  ],
  [
    'be-observer.sales_order_shipment_create',
    'POST',
    'V1/order/ORDER_ID/ship',
    {
      items: [{ order_item_id: 'ORDER_ITEM_ID', qty: 1 }],
      notify: false,
      tracks: [{ track_number: '1Z999AA10123456784', title: 'UPS', carrier_code: 'ups' }],
      comment: { comment: 'Shipped from the warehouse', is_visible_on_front: 1 },
    },
  ],
  [
    'be-observer.sales_order_shipment_update',
    'POST',
    'V1/shipment',
    {
      entity: {
        entity_id: 'SHIPMENT_ID',
        order_id: 'ORDER_ID',
        items: [{ order_item_id: 'ORDER_ITEM_ID', qty: 1 }],
        tracks: [
          { track_number: '1Z999AA10123456784', title: 'UPS', carrier_code: 'ups', order_id: 'ORDER_ID' },
        ],
        comments: [{ comment: 'Tracking number corrected', is_visible_on_front: 1 }],
      },
    },
  ],
  [
    'be-observer.catalog_stock_update',
    'POST',
    'V1/inventory/source-items',
    { sourceItems: [{ sku: 'PRODUCT_SKU', source_code: 'default', quantity: 10, status: 1 }] },
  ],
]

const quiet = createLogger('test', 'error')
const noEcho: EchoGuard = { mark: async () => undefined, echoOf: async () => undefined }

function recorder(status = 200) {
  const calls: [string, string, unknown][] = []
  const client: CommerceClient = {
    request: async (method, path, body) => {
      calls.push([method, path, body])
      return { status, body: {}, attempts: 1 }
    },
  }
  return { calls, client }
}

test('the table covers every back-office code of events.json', () => {
  const backoffice = eventRegistry
    .all()
    .filter((d) => d.provider === 'backoffice')
    .map((d) => d.code)
  expect(TABLE.map(([code]) => code).sort()).toEqual([...backoffice].sort())
})

test.each(TABLE)('%s → %s %s', async (code, method, path, body) => {
  const def = eventRegistry.get(code)!
  const effect = entityDefinitions[def.entity].commerce?.[code]
  expect(effect?.call).toBeDefined()
  const { calls, client } = recorder()
  const effects = createCommerceEffects({ client, echo: noEcho, logger: quiet })
  const out = await effects.apply(effect!, {
    id: 'e1',
    type: code,
    entity: def.entity,
    value: def.sampleEventTemplate,
  })
  expect(out).toEqual({ kind: 'applied', message: `Commerce ${method} ${path} 200` })
  expect(calls).toEqual([[method, path, body]])
})

test.each([
  [400, 400],
  [404, 404],
  [401, 401],
  [429, 503],
  [500, 502],
  [503, 502],
  [504, 504],
  [502, 502],
])('Commerce %i → handler %i', async (status, expected) => {
  const { client } = recorder(status)
  const effects = createCommerceEffects({ client, echo: noEcho, logger: quiet })
  const effect = entityDefinitions.product.commerce!['be-observer.catalog_product_update']
  const out = await effects.apply(effect, { id: 'e1', type: 'x', entity: 'product', value: { sku: 'S' } })
  expect(out).toEqual({
    kind: 'failed',
    statusCode: expected,
    message: `Commerce PUT V1/products/S failed (${status}): no message`,
  })
})

test('a delete of something already gone is applied', async () => {
  const { client } = recorder(404)
  const effects = createCommerceEffects({ client, echo: noEcho, logger: quiet })
  const out = await effects.apply(entityDefinitions.customer.commerce!['be-observer.customer_delete'], {
    id: 'e1',
    type: 'be-observer.customer_delete',
    entity: 'customer',
    value: { id: '5' },
  })
  expect(out).toEqual({
    kind: 'applied',
    message: 'Commerce DELETE V1/customers/5: already applied (not found)',
  })
})

test('a create of an existing customer is found by email and updated', async () => {
  const calls: [string, string, unknown][] = []
  const answers = [
    {
      status: 400,
      body: {},
      message: 'A customer with the same email address already exists in an associated website.',
      attempts: 1,
    },
    { status: 200, body: { items: [{ id: 42 }], total_count: 1 }, attempts: 1 },
    { status: 200, body: { id: 42 }, attempts: 1 },
  ]
  const client: CommerceClient = {
    request: async (method, path, body) => {
      calls.push([method, path, body])
      return answers.shift()!
    },
  }
  const effects = createCommerceEffects({ client, echo: noEcho, logger: quiet })
  const value = { id: 'BO-1', email: 'a+b@example.com', firstname: 'A', lastname: 'B' }
  const out = await effects.apply(entityDefinitions.customer.commerce!['be-observer.customer_create'], {
    id: 'e1',
    type: 'be-observer.customer_create',
    entity: 'customer',
    value,
  })
  expect(out).toEqual({
    kind: 'applied',
    message: 'Commerce PUT V1/customers/42 (already existed: updated)',
    assignedId: '42',
  })
  expect(calls).toEqual([
    ['POST', 'V1/customers', { customer: { email: 'a+b@example.com', firstname: 'A', lastname: 'B' } }],
    [
      'GET',
      'V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria[filter_groups][0][filters][0][value]=a%2Bb%40example.com&searchCriteria[filter_groups][0][filters][0][condition_type]=eq',
      undefined,
    ],
    [
      'PUT',
      'V1/customers/42',
      { customer: { id: 42, email: 'a+b@example.com', firstname: 'A', lastname: 'B' } },
    ],
  ])
})
