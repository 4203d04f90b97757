/**
 * `product` events → canonical form. The SKU is the entity id for both sources, so a receiver
 * sees the same product whether the change came from Commerce or the back-office.
 */
import { compact, toFlag, toId, toNumber, type EntityTransforms } from '../../lib/entity-definition'

interface BackofficeProduct {
  sku: string
  name?: string
  price?: number
  description?: string
}

interface CommerceProduct {
  value: {
    entity_id?: string | number
    sku: string
    name?: string
    price?: string | number
    status?: string | number
    type_id?: string
    updated_at?: string
  }
}

const fromBackoffice = (operation: string) => (v: BackofficeProduct) => ({
  entityId: v.sku,
  fields: compact({ operation, sku: v.sku, name: v.name, price: v.price, description: v.description }),
})

/** Event code → transform. */
export const transforms: EntityTransforms = {
  'be-observer.catalog_product_create': fromBackoffice('create'),
  'be-observer.catalog_product_update': fromBackoffice('update'),
  'be-observer.catalog_product_delete': fromBackoffice('delete'),
  'com.adobe.commerce.observer.catalog_product_save_commit_after': ({ value: v }: CommerceProduct) => ({
    entityId: v.sku,
    fields: compact({
      operation: 'save',
      sku: v.sku,
      commerceId: toId(v.entity_id),
      name: v.name,
      price: toNumber(v.price),
      // Commerce product status: 1 enabled, 2 disabled.
      enabled: v.status === undefined ? undefined : toFlag(v.status),
      typeId: v.type_id,
      updatedAt: v.updated_at,
    }),
  }),
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': ({ value: v }: CommerceProduct) => ({
    entityId: v.sku,
    fields: compact({ operation: 'delete', sku: v.sku, commerceId: toId(v.entity_id) }),
  }),
}
