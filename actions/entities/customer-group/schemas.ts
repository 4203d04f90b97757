/**
 * Schemas of the `customer-group` events' CloudEvent `data`.
 *
 * Commerce: the group model's data, as the I/O Events module for Adobe Commerce delivers it
 * (`customer_group_id` as a numeric string, `customer_group_code`, `tax_class_id`, and, with the
 * starter kit's `*` field list, `extension_attributes`, `tax_class_name`, ...). The id is required,
 * as `customer_group_id` or `id`; everything else is optional and may be `null`.
 *
 * Back-office: an update or delete names the Commerce group `id`; a create has no id yet (Commerce
 * assigns it), so it needs its `id` or its `name` (the group code, unique in Commerce).
 */
import { backofficeValue, commerceData, id, nullable, text } from '../schema-kit'

const groupFields = { id: id(), name: text(), tax_class_id: id() }
const commerceGroup = {
  customer_group_id: id(),
  id: id(),
  customer_group_code: nullable(text(32)),
  tax_class_id: nullable(id()),
}

/** A back-office group create: identified by its id or, before Commerce has assigned one, its name. */
export const groupCreateValue = backofficeValue(groupFields, { anyOf: [['id', 'name']] })

/** A back-office group update (the Commerce group id is required). */
export const groupValue = backofficeValue({ ...groupFields, id: id().required() })

/** A Commerce group save or delete. */
export const commerceGroupData = commerceData(commerceGroup, { anyOf: [['customer_group_id', 'id']] })

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.customer_group_create': groupCreateValue,
  'be-observer.customer_group_update': groupValue,
  'be-observer.customer_group_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_group_save_commit_after': commerceGroupData,
  'com.adobe.commerce.observer.customer_group_delete_commit_after': commerceGroupData,
} as const
