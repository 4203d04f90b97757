/**
 * Schemas of the `order` events' CloudEvent `data`: order status updates and shipments from
 * the back-office, order saves from Commerce. The order's identity is always required; a status
 * update without a status, or a shipment item without a positive quantity, is meaningless.
 *
 * Commerce: the order model's data as the I/O Events module for Adobe Commerce delivers it (only the
 * subscribed fields). The order may be known by its entity id (`entity_id`, or `id` in the starter
 * kit's field list) or only by its increment id (`increment_id`, or `real_order_id`, the name
 * Adobe's starter kit documentation uses for it): one of the four is required. Totals arrive as
 * decimal strings, absent attributes as `null`; unknown fields are kept.
 */
import {
  J,
  arr,
  backofficeValue,
  bool,
  commerceData,
  decimal,
  email,
  id,
  nullable,
  num,
  obj,
  str,
  text,
} from '../schema-kit'

const shipmentItem = obj({
  orderItemId: id().required(),
  qty: num(J.number().positive()).required(),
})
const shipmentTrack = obj({
  trackNumber: text().required(),
  title: text(),
  carrierCode: text(64),
})
const shipmentComment = obj({ comment: text(65_535), visibleOnFront: bool() })
const shipmentFields = {
  orderId: id().required(),
  items: arr(shipmentItem, { max: 1000 }),
  tracks: arr(shipmentTrack, { max: 100 }),
  comment: shipmentComment,
}

const commerceOrder = {
  entity_id: id(),
  id: id(),
  increment_id: str(J.string().trim().min(1).max(50)),
  real_order_id: str(J.string().trim().min(1).max(50)),
  status: nullable(text(32)),
  state: nullable(text(32)),
  customer_email: nullable(email()),
  grand_total: nullable(decimal()),
  order_currency_code: nullable(text(3)),
  created_at: nullable(text(32)),
  updated_at: nullable(text(32)),
}

/** A Commerce order save. */
export const commerceOrderData = commerceData(commerceOrder, {
  anyOf: [['entity_id', 'id', 'increment_id', 'real_order_id']],
})

/** A back-office status update. */
export const statusUpdateValue = backofficeValue({
  id: id().required(),
  status: str(J.string().trim().min(1).max(32)).required(),
  notifyCustomer: bool(),
})

/** A back-office shipment create (no shipment id yet) or update (with the shipment id). */
export const shipmentCreateValue = backofficeValue(shipmentFields)
export const shipmentUpdateValue = backofficeValue({ id: id().required(), ...shipmentFields })

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.sales_order_status_update': statusUpdateValue,
  'be-observer.sales_order_shipment_create': shipmentCreateValue,
  'be-observer.sales_order_shipment_update': shipmentUpdateValue,
  'com.adobe.commerce.observer.sales_order_save_commit_after': commerceOrderData,
} as const
