/**
 * `order` events → canonical form. Every order event, shipments included, has the *order* id
 * as entity id so a receiver subscribed to orders can fetch the order; the shipment id (when
 * the event has one) is a field.
 */
import { compact, toId, toNumber, type Transform, type TransformsOf } from '../../lib/entity-definition'
import type { schemas, shipmentCreateValue, shipmentUpdateValue } from './schemas'

const shipment =
  (operation: string): Transform<typeof shipmentCreateValue | typeof shipmentUpdateValue> =>
  (v) => ({
    entityId: String(v.orderId),
    fields: compact({
      operation,
      shipmentId: 'id' in v ? toId(v.id) : undefined,
      items: v.items?.map((i) => ({ orderItemId: String(i.orderItemId), qty: i.qty })),
      tracks: v.tracks?.map((t) =>
        compact({ trackNumber: t.trackNumber, title: t.title, carrierCode: t.carrierCode }),
      ),
      comment: v.comment?.comment,
      commentVisibleOnFront: v.comment?.visibleOnFront,
    }),
  })

/** Event code → transform. */
export const transforms: TransformsOf<typeof schemas> = {
  'be-observer.sales_order_status_update': (v) => ({
    entityId: String(v.id),
    fields: compact({ operation: 'status_update', status: v.status, notifyCustomer: v.notifyCustomer }),
  }),
  'be-observer.sales_order_shipment_create': shipment('shipment_create'),
  'be-observer.sales_order_shipment_update': shipment('shipment_update'),
  'com.adobe.commerce.observer.sales_order_save_commit_after': ({ value: v }) => ({
    entityId: String(v.entity_id),
    fields: compact({
      operation: 'save',
      incrementId: v.increment_id,
      status: v.status,
      state: v.state,
      customerEmail: v.customer_email,
      grandTotal: toNumber(v.grand_total),
      currency: v.order_currency_code,
      updatedAt: v.updated_at,
    }),
  }),
}
