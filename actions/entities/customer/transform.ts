/**
 * `customer` events → canonical form: the back-office `id` or Commerce's `entity_id` is the
 * entity id; names are normalised to camelCase.
 */
import { compact, toId, type Transform, type TransformsOf } from '../../lib/entity-definition'
import type { commerceCustomerData, customerValue, schemas } from './schemas'

const fromBackoffice =
  (operation: string): Transform<typeof customerValue> =>
  (v) => ({
    entityId: String(v.id),
    fields: compact({
      operation,
      email: v.email,
      firstname: v.firstname,
      lastname: v.lastname,
      groupId: toId(v.group_id),
    }),
  })

const fromCommerce =
  (operation: string): Transform<typeof commerceCustomerData> =>
  ({ value: v }) => ({
    entityId: String(v.entity_id),
    fields: compact({
      operation,
      email: v.email,
      firstname: v.firstname,
      lastname: v.lastname,
      groupId: toId(v.group_id),
      websiteId: toId(v.website_id),
      updatedAt: v.updated_at,
    }),
  })

/** Event code → transform. */
export const transforms: TransformsOf<typeof schemas> = {
  'be-observer.customer_create': fromBackoffice('create'),
  'be-observer.customer_update': fromBackoffice('update'),
  'be-observer.customer_delete': (v) => ({ entityId: String(v.id), fields: { operation: 'delete' } }),
  'com.adobe.commerce.observer.customer_save_commit_after': fromCommerce('save'),
  'com.adobe.commerce.observer.customer_delete_commit_after': fromCommerce('delete'),
}
