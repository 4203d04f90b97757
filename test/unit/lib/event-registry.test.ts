import { createEventRegistry, eventRegistry } from '../../../actions/lib/event-registry'

describe('event registry', () => {
  it('exposes every entity and code of events.json', () => {
    expect(eventRegistry.entities()).toEqual(['product', 'customer', 'customer-group', 'order', 'stock'])
    expect(eventRegistry.byProvider('backoffice').map((d) => d.code)).toEqual([
      'be-observer.catalog_product_create',
      'be-observer.catalog_product_update',
      'be-observer.catalog_product_delete',
      'be-observer.customer_create',
      'be-observer.customer_update',
      'be-observer.customer_delete',
      'be-observer.customer_group_create',
      'be-observer.customer_group_update',
      'be-observer.customer_group_delete',
      'be-observer.sales_order_status_update',
      'be-observer.sales_order_shipment_create',
      'be-observer.sales_order_shipment_update',
      'be-observer.catalog_stock_update',
    ])
    expect(eventRegistry.get('com.adobe.commerce.observer.catalog_product_save_commit_after')).toMatchObject({
      entity: 'product',
      provider: 'commerce',
    })
    expect(eventRegistry.get('be-observer.nope')).toBeUndefined()
  })

  it.each([
    [
      'an unknown provider key',
      { product: { erp: {} } },
      'events.json: product.erp: "product.erp" is not allowed',
    ],
    [
      'a code without a template',
      { product: { backoffice: { 'be-observer.x': {} } } },
      'events.json: product.backoffice.be-observer.x.sampleEventTemplate: "product.backoffice.be-observer.x.sampleEventTemplate" is required',
    ],
    ['an empty catalogue', {}, 'events.json: : "value" must have at least 1 key'],
  ])('rejects %s, naming the path', (_name, raw, message) => {
    expect(() => createEventRegistry(raw)).toThrow(message)
  })

  it('rejects a code listed under two entities', () => {
    const t = { sampleEventTemplate: {} }
    expect(() =>
      createEventRegistry({
        a: { backoffice: { 'be-observer.x': t } },
        b: { backoffice: { 'be-observer.x': t } },
      }),
    ).toThrow('events.json: event code be-observer.x is listed under both a and b')
  })
})
