/**
 * `order` events → Adobe Commerce: a status update adds a status-history entry carrying the new
 * status (`POST /V1/orders/{id}/comments`, `salesOrderManagementV1`); a shipment is created with
 * `POST /V1/order/{orderId}/ship` (`salesShipOrderV1`) and updated with `POST /V1/shipment`
 * (`salesShipmentRepositoryV1`, which saves by `entity_id`). Order saves Commerce emits after
 * our status update are recognised as echoes by order id and status.
 */
import type { CommerceOf } from '../../lib/entity-definition'
import type { Infer } from '../schema-kit'
import { commerceId } from '../../lib/commerce/effect-declaration'
import type { schemas, shipmentCreateValue, shipmentUpdateValue, statusUpdateValue } from './schemas'

type StatusUpdate = Infer<typeof statusUpdateValue>
type Shipment = Infer<typeof shipmentCreateValue>

const items = (v: Shipment) =>
  (v.items ?? []).map((i) => ({ order_item_id: commerceId(i.orderItemId), qty: i.qty }))
const tracks = (v: Shipment) =>
  (v.tracks ?? []).map((t) => ({
    track_number: t.trackNumber,
    title: t.title ?? t.carrierCode ?? 'Carrier',
    carrier_code: t.carrierCode ?? 'custom',
  }))

const echo = {
  key: (v: StatusUpdate) => String(v.id),
  fields: (v: StatusUpdate) => ({ status: v.status }),
}

/** Event code → Commerce effect. */
export const commerce: CommerceOf<typeof schemas> = {
  'be-observer.sales_order_status_update': {
    call: {
      method: 'POST',
      path: 'V1/orders/{id}/comments',
      params: (v: StatusUpdate) => ({ id: v.id }),
      body: (v: StatusUpdate) => ({
        statusHistory: {
          comment: `Status set to ${v.status} by the back-office`,
          is_customer_notified: v.notifyCustomer ? 1 : 0,
          is_visible_on_front: 0,
          parent_id: commerceId(v.id),
          status: v.status,
        },
      }),
    },
    echo,
  },
  'be-observer.sales_order_shipment_create': {
    call: {
      method: 'POST',
      path: 'V1/order/{orderId}/ship',
      params: (v: Shipment) => ({ orderId: v.orderId }),
      body: (v: Shipment) => ({
        items: items(v),
        notify: false,
        tracks: tracks(v),
        ...(v.comment?.comment !== undefined && {
          comment: { comment: v.comment.comment, is_visible_on_front: v.comment.visibleOnFront ? 1 : 0 },
        }),
      }),
    },
  },
  'be-observer.sales_order_shipment_update': {
    call: {
      method: 'POST',
      path: 'V1/shipment',
      body: (v: Infer<typeof shipmentUpdateValue>) => ({
        entity: {
          ...(v.id !== undefined && { entity_id: commerceId(v.id) }),
          order_id: commerceId(v.orderId),
          items: items(v),
          tracks: tracks(v).map((t) => ({ ...t, order_id: commerceId(v.orderId) })),
          ...(v.comment?.comment !== undefined && {
            comments: [{ comment: v.comment.comment, is_visible_on_front: v.comment.visibleOnFront ? 1 : 0 }],
          }),
        },
      }),
    },
  },
  'com.adobe.commerce.observer.sales_order_save_commit_after': {
    // Our status updates are marked by the order's entity id. An order save known only by its
    // increment id cannot be matched to a mark (key undefined: never taken for an echo), so it flows
    // to the subscribers; subscribe Commerce's event to `entity_id` to keep echoes out.
    echo: {
      key: (d: { value: { entity_id?: string | number; id?: string | number } }) => {
        const id = d.value.entity_id ?? d.value.id
        return id === undefined ? undefined : String(id)
      },
      fields: (d: { value: { status?: string | null } }) => ({ status: d.value.status ?? undefined }),
    },
  },
}
