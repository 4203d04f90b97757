/**
 * Schemas of the `order` events' CloudEvent `data`: order status updates and shipments from
 * the back-office, order saves from Commerce. The order id is always required; a status update
 * without a status, or a shipment item without a positive quantity, is meaningless.
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
  entity_id: id().required(),
  increment_id: text(50),
  status: text(32),
  state: text(32),
  customer_email: email(),
  grand_total: decimal(),
  order_currency_code: text(3),
  created_at: text(32),
  updated_at: text(32),
}

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
  'com.adobe.commerce.observer.sales_order_save_commit_after': commerceData(commerceOrder),
} as const
