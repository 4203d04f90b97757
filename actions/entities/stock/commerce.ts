/**
 * `stock` events → Adobe Commerce Inventory (MSI): `POST /V1/inventory/source-items`
 * (`inventoryApiSourceItemsSaveV1`) sets each SKU's quantity per source (`default` when the
 * back-office names none); status 1 in stock, 0 out of stock. Setting a quantity is idempotent,
 * so a redelivery is harmless. Source-item saves do not emit the legacy
 * `cataloginventory_stock_item_save_commit_after`, so there is no echo to recognise.
 */
import type { CommerceOf } from '../../lib/entity-definition'
import type { Infer } from '../schema-kit'
import type { schemas, stockBatch } from './schemas'

/** Event code → Commerce effect. */
export const commerce: CommerceOf<typeof schemas> = {
  'be-observer.catalog_stock_update': {
    call: {
      method: 'POST',
      path: 'V1/inventory/source-items',
      body: (items: Infer<typeof stockBatch>) => ({
        sourceItems: items.map((i) => ({
          sku: i.sku,
          source_code: i.source || 'default',
          quantity: i.quantity,
          status: i.outOfStock ? 0 : 1,
        })),
      }),
    },
  },
}
