/**
 * `customer` events → canonical form: the back-office `id` or Commerce's `entity_id` (or `id`) is
 * the entity id; names are normalised to camelCase. A back-office create without an id is known by
 * its email until Commerce assigns the id (`provisionalId`: the pipeline takes the id Commerce answers).
 * Every other field Commerce or the back-office sent stays in the canonical event's `data`.
 */
import { compact, toId, type Transform, type TransformsOf } from '../../lib/entity-definition'
import type { commerceCustomerData, customerCreateValue, customerValue, schemas } from './schemas'

const fromBackoffice =
  (operation: string): Transform<typeof customerValue | typeof customerCreateValue> =>
  (v) => ({
    // The schema requires the id or the email.
    entityId: String(v.id ?? v.email),
    ...(v.id === undefined && { provisionalId: true }),
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
    // The schema requires one of them.
    entityId: String(v.entity_id ?? v.id),
    fields: compact({
      operation,
      email: v.email ?? undefined,
      firstname: v.firstname ?? undefined,
      lastname: v.lastname ?? undefined,
      groupId: toId(v.group_id),
      websiteId: toId(v.website_id),
      updatedAt: v.updated_at ?? undefined,
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
