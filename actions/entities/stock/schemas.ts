/**
 * Schemas of the `stock` events' CloudEvent `data`. The back-office sends a batch (an array of
 * per-source quantities, at most 1000 per event); Commerce sends one stock item. The SKU is
 * required on both: it is the stock's identity for receivers.
 */
import { J, commerceData, decimal, id, intLike, sku, text, type EntitySchemas } from '../schema-kit'

const stockItem = J.object({
  sku: sku().required(),
  source: text(64),
  quantity: J.number().required(),
  outOfStock: J.boolean(),
}).unknown(true)

/** Event code → schema of its data. */
export const schemas: EntitySchemas = {
  'be-observer.catalog_stock_update': J.array().items(stockItem).min(1).max(1000).required(),
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': commerceData({
    item_id: id(),
    product_id: id(),
    sku: sku().required(),
    qty: decimal(),
    is_in_stock: intLike(),
    source_code: text(64),
  }),
}
