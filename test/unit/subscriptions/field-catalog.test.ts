import { createEventRegistry } from '../../../actions/lib/event-registry'
import { createFieldCatalog, fieldCatalog } from '../../../actions/lib/subscriptions/field-catalog'
import { ValidationError } from '../../../actions/lib/errors'
import { entityDefinitions } from '../../../actions/entities/catalog'

const STATUS = 'be-observer.sales_order_status_update'
const ORDER_SAVE = 'com.adobe.commerce.observer.sales_order_save_commit_after'
const SHIPMENT = 'be-observer.sales_order_shipment_create'
const STOCK = 'be-observer.catalog_stock_update'

describe('field catalogue', () => {
  const catalog = fieldCatalog()

  test.each([
    // transform fields (operation, status, notifyCustomer) + schema/sample keys (id)
    [STATUS, ['id', 'notifyCustomer', 'operation', 'status']],
    // Commerce: the transform's camelCase fields and the entity value's own snake_case keys
    [
      ORDER_SAVE,
      [
        'created_at',
        'currency',
        'customerEmail',
        'customer_email',
        'entity_id',
        'grandTotal',
        'grand_total',
        'id',
        'idType',
        'incrementId',
        'increment_id',
        'operation',
        'order_currency_code',
        'real_order_id',
        'state',
        'status',
        'updatedAt',
        'updated_at',
      ],
    ],
    // nested objects give dotted paths; arrays stop at their key
    [
      SHIPMENT,
      [
        'comment',
        'comment.comment',
        'comment.visibleOnFront',
        'commentVisibleOnFront',
        'items',
        'operation',
        'orderId',
        'tracks',
      ],
    ],
    [STOCK, ['items', 'operation']],
    ['not.a.code', []],
  ])('%s', (code, expected) => {
    expect(catalog.pathsOf(code)).toEqual(expected)
  })

  test('a * subscription may use the union of every code', () => {
    const all = catalog.knownPaths(['*'])
    for (const p of ['status', 'increment_id', 'sku', 'comment.comment', 'email']) expect(all).toContain(p)
    expect(catalog.knownPaths([STATUS, STOCK])).toEqual([
      'id',
      'items',
      'notifyCustomer',
      'operation',
      'status',
    ])
  })

  test('an unknown path is a 400 naming it and listing the valid ones', () => {
    expect(() => catalog.checkPaths('fields', ['status', 'stauts', 'foo.bar'], [STATUS])).toThrow(
      new ValidationError(
        `fields: unknown field path(s) "stauts", "foo.bar"; valid for ${STATUS}: id, notifyCustomer, operation, status`,
      ),
    )
    expect(() => catalog.checkPaths('filter', ['status'], [STATUS])).not.toThrow()
    expect(() => catalog.checkPaths('fields', [], [STATUS])).not.toThrow()
  })

  test('the sample event of a code is the catalogue sample through its transform, with the entity value as data', () => {
    expect(catalog.sampleEvent(STATUS, { id: 'test-1', receivedAt: '2026-01-01T00:00:00.000Z' })).toEqual({
      id: 'test-1',
      type: STATUS,
      entity: 'order',
      entityId: 'ORDER_ID',
      entityType: 'order',
      fields: { operation: 'status_update', status: 'complete', notifyCustomer: false },
      data: { id: 'ORDER_ID', status: 'complete', notifyCustomer: false },
      receivedAt: '2026-01-01T00:00:00.000Z',
    })
    expect(catalog.sampleEvent(ORDER_SAVE, { id: 'x', receivedAt: 'y' })?.data).toMatchObject({
      entity_id: '1001',
      increment_id: '000000101',
    })
  })

  test('a code whose sample does not validate still gets its schema and sample keys (no transform keys)', () => {
    const registry = createEventRegistry({
      order: { backoffice: { [STATUS]: { sampleEventTemplate: { id: 'A' } } } }, // status missing
    })
    const c = createFieldCatalog(registry, { order: entityDefinitions.order })
    expect(c.sampleEvent(STATUS, { id: 'x', receivedAt: 'y' })).toBeUndefined()
    expect(c.pathsOf(STATUS)).toEqual(['id', 'notifyCustomer', 'status'])
  })
})
