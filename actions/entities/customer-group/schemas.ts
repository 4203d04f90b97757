/**
 * Schemas of the `customer-group` events' CloudEvent `data`: the back-office `id` and Commerce's
 * `customer_group_id` are required.
 */
import { backofficeValue, commerceData, id, text } from '../schema-kit'

const groupFields = { id: id().required(), name: text(), tax_class_id: id() }
const commerceGroup = {
  customer_group_id: id().required(),
  customer_group_code: text(32),
  tax_class_id: id(),
}

/** A back-office group create or update. */
export const groupValue = backofficeValue(groupFields)

/** A Commerce group save or delete. */
export const commerceGroupData = commerceData(commerceGroup)

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.customer_group_create': groupValue,
  'be-observer.customer_group_update': groupValue,
  'be-observer.customer_group_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_group_save_commit_after': commerceGroupData,
  'com.adobe.commerce.observer.customer_group_delete_commit_after': commerceGroupData,
} as const
