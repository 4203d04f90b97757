/**
 * Commerce sync through the real stack: back-office CloudEvents published with @adobe/aio-lib-events
 * → I/O Events → event-hub/consumer → entities/<entity> → the local Commerce REST API (OAuth 1.0a
 * integration or IMS bearer) → read back through Commerce's REST API. Every code of the table, in
 * both auth modes.
 */
import { startRoutingStack, type RoutingStack } from './routing-harness'
import { answer, commerce, commerceHook, sendBackoffice } from './commerce-harness'

jest.setTimeout(600_000)

describe.each(['integration', 'ims'])('back-office → Commerce (%s auth)', (auth) => {
  let rs: RoutingStack
  beforeAll(async () => {
    rs = await startRoutingStack({ LOCAL_COMMERCE: auth })
  }, 120_000)
  afterAll(async () => {
    await rs?.close()
  })

  /** Sends and expects the consumer to answer 200 on the first attempt. */
  async function applied(code: string, value: unknown): Promise<string> {
    const { traces } = await sendBackoffice(rs, code, value, 1, true)
    // Delivered, normally on the first attempt; earlier attempts may only be transient failures
    // (an overloaded test machine can time an activation out, and I/O Events then retries).
    const last = traces[traces.length - 1]
    expect([code, last.response.status_code, last.outcome]).toEqual([code, 200, 'delivered'])
    expect(traces.slice(0, -1).filter((t) => t.response.status_code < 429)).toEqual([])
    return answer(last).body.response.message as string
  }

  test('products: create, update, stock, delete', async () => {
    const sku = `TEE-${auth}`
    await applied('be-observer.catalog_product_create', {
      sku,
      name: 'Tee',
      price: 10,
      description: 'Cotton',
    })
    const created = await commerce(rs, 'GET', `V1/products/${sku}`)
    expect([created.status, created.body.name, created.body.price, created.body.custom_attributes]).toEqual([
      200,
      'Tee',
      10,
      [{ attribute_code: 'description', value: 'Cotton' }],
    ])

    await applied('be-observer.catalog_product_update', { sku, name: 'Tee v2', price: 12.5 })
    const updated = await commerce(rs, 'GET', `V1/products/${sku}`)
    expect([updated.body.name, updated.body.price, updated.body.id]).toEqual([
      'Tee v2',
      12.5,
      created.body.id,
    ])

    await applied('be-observer.catalog_stock_update', [
      { sku, source: 'default', quantity: 7, outOfStock: false },
    ])
    const stock = await commerce(
      rs,
      'GET',
      `V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=${sku}`,
    )
    expect(stock.body.items).toEqual([{ sku, source_code: 'default', quantity: 7, status: 1 }])

    await applied('be-observer.catalog_product_delete', { sku })
    expect((await commerce(rs, 'GET', `V1/products/${sku}`)).body).toEqual({
      message: "The product that was requested doesn't exist. Verify the product and try again.",
    })
  })

  test('customer groups: create, update, delete', async () => {
    const code = `VIP-${auth}`
    await applied('be-observer.customer_group_create', { id: 'BO-G1', name: code, tax_class_id: 3 })
    const found = await commerce(
      rs,
      'GET',
      `V1/customerGroups/search?searchCriteria[filter_groups][0][filters][0][field]=code&searchCriteria[filter_groups][0][filters][0][value]=${code}`,
    )
    expect(found.body.total_count).toBe(1)
    const id = found.body.items[0].id as number

    await applied('be-observer.customer_group_update', { id, name: `${code}+`, tax_class_id: 3 })
    expect((await commerce(rs, 'GET', `V1/customerGroups/${id}`)).body).toEqual({
      id,
      code: `${code}+`,
      tax_class_id: 3,
      tax_class_name: 'Retail Customer',
    })

    await applied('be-observer.customer_group_delete', { id })
    expect((await commerce(rs, 'GET', `V1/customerGroups/${id}`)).status).toBe(404)
  })

  test('customers: create, update, delete', async () => {
    const email = `ann.${auth}@example.com`
    await applied('be-observer.customer_create', {
      id: 'BO-C1',
      email,
      firstname: 'Ann',
      lastname: 'Lee',
      group_id: 1,
    })
    const found = await commerce(
      rs,
      'GET',
      `V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria[filter_groups][0][filters][0][value]=${email}`,
    )
    expect(found.body.items.map((c: any) => [c.email, c.firstname, c.lastname, c.group_id])).toEqual([
      [email, 'Ann', 'Lee', 1],
    ])
    const id = found.body.items[0].id as number

    await applied('be-observer.customer_update', {
      id,
      email,
      firstname: 'Ann',
      lastname: 'Smith',
      group_id: 2,
    })
    const updated = (await commerce(rs, 'GET', `V1/customers/${id}`)).body
    expect([updated.lastname, updated.group_id]).toEqual(['Smith', 2])

    await applied('be-observer.customer_delete', { id })
    expect((await commerce(rs, 'GET', `V1/customers/${id}`)).body).toEqual({
      message: 'No such entity with %fieldName = %fieldValue',
      parameters: { fieldName: 'customerId', fieldValue: String(id) },
    })
  })

  test('orders: status update, shipment create and update', async () => {
    const order = await commerceHook(rs, 'POST', 'orders', { items: [{ sku: 'MS-Tee-S-Blue', qty: 2 }] })
    const itemId = order.items[0].item_id as number

    await applied('be-observer.sales_order_status_update', { id: order.entity_id, status: 'holded' })
    const held = (await commerce(rs, 'GET', `V1/orders/${order.entity_id}`)).body
    expect([held.status, held.status_histories[0].status, held.status_histories[0].comment]).toEqual([
      'holded',
      'holded',
      'Status set to holded by the back-office',
    ])

    await applied('be-observer.sales_order_shipment_create', {
      orderId: order.entity_id,
      items: [{ orderItemId: itemId, qty: 2 }],
      tracks: [{ trackNumber: '1Z999', title: 'UPS', carrierCode: 'ups' }],
    })
    const shipped = (await commerce(rs, 'GET', `V1/orders/${order.entity_id}`)).body
    expect([shipped.state, shipped.items[0].qty_shipped]).toEqual(['complete', 2])
    const shipmentId = rs.stack.commerce.store
      .all('shipment')
      .find((s) => s.order_id === order.entity_id)!.entity_id

    await applied('be-observer.sales_order_shipment_update', {
      id: shipmentId,
      orderId: order.entity_id,
      tracks: [{ trackNumber: '1Z000', title: 'UPS', carrierCode: 'ups' }],
    })
    const shipment = (await commerce(rs, 'GET', `V1/shipment/${String(shipmentId)}`)).body
    expect(shipment.tracks.map((t: any) => t.track_number)).toEqual(['1Z000'])
  })
})
