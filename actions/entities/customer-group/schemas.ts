/**
 * Schemas of the `customer-group` events' CloudEvent `data`: the back-office `id` and Commerce's
 * `customer_group_id` are required.
 */
import { backofficeValue, commerceData, id, text, type EntitySchemas } from '../schema-kit'

const groupFields = { id: id().required(), name: text(), tax_class_id: id() }
const commerceGroup = {
  customer_group_id: id().required(),
  customer_group_code: text(32),
  tax_class_id: id(),
}

/** Event code → schema of its data. */
export const schemas: EntitySchemas = {
  'be-observer.customer_group_create': backofficeValue(groupFields),
  'be-observer.customer_group_update': backofficeValue(groupFields),
  'be-observer.customer_group_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_group_save_commit_after': commerceData(commerceGroup),
  'com.adobe.commerce.observer.customer_group_delete_commit_after': commerceData(commerceGroup),
}
