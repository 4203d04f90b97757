/**
 * `stock` events → canonical form. The SKU is the entity id (a Commerce stock item without SKU: its
 * product id). A back-office batch names several
 * SKUs: its entity id is the distinct SKUs joined with commas (in event order) and the per-source
 * quantities are in `items`.
 */
import { compact, toFlag, toId, toNumber, type TransformsOf } from '../../lib/entity-definition'
import type { schemas } from './schemas'

/** Event code → transform. */
export const transforms: TransformsOf<typeof schemas> = {
  'be-observer.catalog_stock_update': (items) => ({
    entityId: [...new Set(items.map((i) => i.sku))].join(','),
    fields: {
      operation: 'update',
      items: items.map((i) =>
        compact({
          sku: i.sku,
          source: i.source,
          quantity: i.quantity,
          inStock: i.outOfStock === undefined ? undefined : !i.outOfStock,
        }),
      ),
    },
  }),
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': ({ value: v }) => ({
    // The SKU when the event carries it; otherwise the product id, and `idType` says so (a legacy
    // stock item is keyed by product id in Commerce). The schema requires one of them.
    entityId: String(v.sku ?? v.product_id),
    fields: compact({
      operation: 'save',
      idType: v.sku !== undefined ? 'sku' : 'product_id',
      sku: v.sku,
      productId: toId(v.product_id),
      source: v.source_code ?? undefined,
      quantity: toNumber(v.qty),
      inStock: toFlag(v.is_in_stock),
    }),
  }),
}
