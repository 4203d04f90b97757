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
  'com.adobe.commerce.observer.sales_order_save_commit_after': ({ value: v }) => {
    const entityId = v.entity_id ?? v.id
    const incrementId = v.increment_id ?? v.real_order_id
    return {
      // The Commerce entity id when the event carries it (what back-office order codes and
      // `/V1/orders/{id}` use); otherwise the increment id, and `idType` says which one it is.
      // The schema requires one of them.
      entityId: String(entityId ?? incrementId),
      fields: compact({
        operation: 'save',
        idType: entityId !== undefined ? 'entity_id' : 'increment_id',
        incrementId,
        status: v.status ?? undefined,
        state: v.state ?? undefined,
        customerEmail: v.customer_email ?? undefined,
        grandTotal: toNumber(v.grand_total),
        currency: v.order_currency_code ?? undefined,
        updatedAt: v.updated_at ?? undefined,
      }),
    }
  },
}
