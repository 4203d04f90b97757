/**
 * Schemas of the `order` events' CloudEvent `data`: order status updates and shipments from
 * the back-office, order saves from Commerce. The order id is always required; a status update
 * without a status, or a shipment item without a positive quantity, is meaningless.
 */
import { J, backofficeValue, commerceData, decimal, email, id, text, type EntitySchemas } from '../schema-kit'

const shipmentItem = J.object({
  orderItemId: id().required(),
  qty: J.number().positive().required(),
}).unknown(true)
const shipmentTrack = J.object({
  trackNumber: text().required(),
  title: text(),
  carrierCode: text(64),
}).unknown(true)
const shipmentComment = J.object({ comment: text(65_535), visibleOnFront: J.boolean() }).unknown(true)
const shipmentFields = {
  orderId: id().required(),
  items: J.array().items(shipmentItem).max(1000),
  tracks: J.array().items(shipmentTrack).max(100),
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

/** Event code → schema of its data. */
export const schemas: EntitySchemas = {
  'be-observer.sales_order_status_update': backofficeValue({
    id: id().required(),
    status: J.string().trim().min(1).max(32).required(),
    notifyCustomer: J.boolean(),
  }),
  'be-observer.sales_order_shipment_create': backofficeValue(shipmentFields),
  'be-observer.sales_order_shipment_update': backofficeValue({ id: id().required(), ...shipmentFields }),
  'com.adobe.commerce.observer.sales_order_save_commit_after': commerceData(commerceOrder),
}
