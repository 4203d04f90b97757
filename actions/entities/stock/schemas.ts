/**
 * Schemas of the `stock` events' CloudEvent `data`. The back-office sends a batch (an array of
 * per-source quantities, at most 1000 per event, each with its SKU).
 *
 * Commerce sends one legacy stock item (`cataloginventory_stock_item`), as the I/O Events module for
 * Adobe Commerce delivers it: Commerce's event schema types `is_in_stock` as a boolean and
 * `product_id`/`qty` as numbers, while the model's data (the starter kit's `*` field list) carries
 * numeric strings (`"0"`, `"1"`, `"100.0000"`). A stock item has no `sku` of its own: the event
 * carries it only when the subscription adds it, so the item is identified by its `sku` or its
 * `product_id`. Unknown fields (`stock_id`, `min_qty`, `use_config_*`, ...) are kept.
 */
import { J, arr, bool, commerceData, decimal, flag, id, nullable, num, obj, sku, text } from '../schema-kit'

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
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': commerceData(
    {
      item_id: nullable(id()),
      product_id: id(),
      sku: sku(),
      qty: nullable(decimal()),
      is_in_stock: nullable(flag()),
      source_code: nullable(text(64)),
    },
    { anyOf: [['sku', 'product_id']] },
  ),
} as const
