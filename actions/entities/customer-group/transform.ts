/**
 * `customer-group` events → canonical form. Commerce calls the group's name its "code"; both
 * sources map to `name`.
 */
import { compact, toId, type Transform, type TransformsOf } from '../../lib/entity-definition'
import type { commerceGroupData, groupValue, schemas } from './schemas'

const fromBackoffice =
  (operation: string): Transform<typeof groupValue> =>
  (v) => ({
    entityId: String(v.id),
    fields: compact({ operation, name: v.name, taxClassId: toId(v.tax_class_id) }),
  })

const fromCommerce =
  (operation: string): Transform<typeof commerceGroupData> =>
  ({ value: v }) => ({
    entityId: String(v.customer_group_id),
    fields: compact({ operation, name: v.customer_group_code, taxClassId: toId(v.tax_class_id) }),
  })

/** Event code → transform. */
export const transforms: TransformsOf<typeof schemas> = {
  'be-observer.customer_group_create': fromBackoffice('create'),
  'be-observer.customer_group_update': fromBackoffice('update'),
  'be-observer.customer_group_delete': (v) => ({ entityId: String(v.id), fields: { operation: 'delete' } }),
  'com.adobe.commerce.observer.customer_group_save_commit_after': fromCommerce('save'),
  'com.adobe.commerce.observer.customer_group_delete_commit_after': fromCommerce('delete'),
}
