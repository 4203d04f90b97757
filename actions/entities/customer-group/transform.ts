/**
 * `customer-group` events → canonical form. Commerce calls the group's name its "code"; both
 * sources map to `name`. A back-office create without an id is known by its name until Commerce
 * assigns the id (`provisionalId`). Every field sent stays in the canonical event's `data`.
 */
import { compact, toId, type Transform, type TransformsOf } from '../../lib/entity-definition'
import type { commerceGroupData, groupCreateValue, groupValue, schemas } from './schemas'

const fromBackoffice =
  (operation: string): Transform<typeof groupValue | typeof groupCreateValue> =>
  (v) => ({
    // The schema requires the id or the name.
    entityId: String(v.id ?? v.name),
    ...(v.id === undefined && { provisionalId: true }),
    fields: compact({ operation, name: v.name, taxClassId: toId(v.tax_class_id) }),
  })

const fromCommerce =
  (operation: string): Transform<typeof commerceGroupData> =>
  ({ value: v }) => ({
    // The schema requires one of them.
    entityId: String(v.customer_group_id ?? v.id),
    fields: compact({
      operation,
      name: v.customer_group_code ?? undefined,
      taxClassId: toId(v.tax_class_id),
    }),
  })

/** Event code → transform. */
export const transforms: TransformsOf<typeof schemas> = {
  'be-observer.customer_group_create': fromBackoffice('create'),
  'be-observer.customer_group_update': fromBackoffice('update'),
  'be-observer.customer_group_delete': (v) => ({ entityId: String(v.id), fields: { operation: 'delete' } }),
  'com.adobe.commerce.observer.customer_group_save_commit_after': fromCommerce('save'),
  'com.adobe.commerce.observer.customer_group_delete_commit_after': fromCommerce('delete'),
}
