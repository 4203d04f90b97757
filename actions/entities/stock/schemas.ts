/**
 * Schemas of the `stock` events' CloudEvent `data`. The back-office sends a batch (an array of
 * per-source quantities, at most 1000 per event); Commerce sends one stock item. The SKU is
 * required on both: it is the stock's identity for receivers.
 */
import { J, arr, bool, commerceData, decimal, id, intLike, num, obj, sku, text } from '../schema-kit'

const stockItem = obj({
  sku: sku().required(),
  source: text(64),
  quantity: num(J.number()).required(),
  outOfStock: bool(),
})

/** A back-office batch of per-source quantities. */
export const stockBatch = arr(stockItem, { min: 1, max: 1000 }).required()

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.catalog_stock_update': stockBatch,
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': commerceData({
    item_id: id(),
    product_id: id(),
    sku: sku().required(),
    qty: decimal(),
    is_in_stock: intLike(),
    source_code: text(64),
  }),
} as const
