/**
 * `customer-group` events → canonical form. Commerce calls the group's name its "code"; both
 * sources map to `name`.
 */
import { compact, toId, type EntityTransforms } from '../../lib/entity-definition'

interface BackofficeGroup {
  id: string | number
  name?: string
  tax_class_id?: string | number
}

interface CommerceGroup {
  value: { customer_group_id: string | number; customer_group_code?: string; tax_class_id?: string | number }
}

const fromBackoffice = (operation: string) => (v: BackofficeGroup) => ({
  entityId: String(v.id),
  fields: compact({ operation, name: v.name, taxClassId: toId(v.tax_class_id) }),
})

const fromCommerce =
  (operation: string) =>
  ({ value: v }: CommerceGroup) => ({
    entityId: String(v.customer_group_id),
    fields: compact({ operation, name: v.customer_group_code, taxClassId: toId(v.tax_class_id) }),
  })

/** Event code → transform. */
export const transforms: EntityTransforms = {
  'be-observer.customer_group_create': fromBackoffice('create'),
  'be-observer.customer_group_update': fromBackoffice('update'),
  'be-observer.customer_group_delete': fromBackoffice('delete'),
  'com.adobe.commerce.observer.customer_group_save_commit_after': fromCommerce('save'),
  'com.adobe.commerce.observer.customer_group_delete_commit_after': fromCommerce('delete'),
}
