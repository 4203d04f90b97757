/**
 * `product` events → canonical form. The SKU is the entity id for both sources, so a receiver
 * sees the same product whether the change came from Commerce or the back-office.
 */
import {
  compact,
  toFlag,
  toId,
  toNumber,
  type Transform,
  type TransformsOf,
} from '../../lib/entity-definition'
import type { schemas } from './schemas'

type S = typeof schemas

const fromBackoffice =
  (
    operation: string,
  ): Transform<S['be-observer.catalog_product_create' | 'be-observer.catalog_product_update']> =>
  (v) => ({
    entityId: v.sku,
    fields: compact({ operation, sku: v.sku, name: v.name, price: v.price, description: v.description }),
  })

/** Event code → transform. */
export const transforms: TransformsOf<S> = {
  'be-observer.catalog_product_create': fromBackoffice('create'),
  'be-observer.catalog_product_update': fromBackoffice('update'),
  'be-observer.catalog_product_delete': (v) => ({
    entityId: v.sku,
    fields: compact({ operation: 'delete', sku: v.sku }),
  }),
  'com.adobe.commerce.observer.catalog_product_save_commit_after': ({ value: v }) => ({
    entityId: v.sku,
    fields: compact({
      operation: 'save',
      sku: v.sku,
      commerceId: toId(v.entity_id ?? v.id),
      name: v.name ?? undefined,
      price: toNumber(v.price),
      // Commerce product status: 1 enabled, 2 disabled.
      enabled: v.status === undefined || v.status === null ? undefined : toFlag(v.status),
      typeId: v.type_id ?? undefined,
      updatedAt: v.updated_at ?? undefined,
    }),
  }),
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': ({ value: v }) => ({
    entityId: v.sku,
    fields: compact({ operation: 'delete', sku: v.sku, commerceId: toId(v.entity_id ?? v.id) }),
  }),
}
