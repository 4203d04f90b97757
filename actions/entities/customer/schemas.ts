/**
 * Schemas of the `customer` events' CloudEvent `data`: the back-office `id` and Commerce's
 * `entity_id` are the customer's identity and are required.
 */
import { backofficeValue, commerceData, email, id, text, type EntitySchemas } from '../schema-kit'

const customerFields = {
  id: id().required(),
  email: email(),
  firstname: text(),
  lastname: text(),
  group_id: id(),
}

const commerceCustomer = {
  entity_id: id().required(),
  email: email(),
  firstname: text(),
  lastname: text(),
  group_id: id(),
  website_id: id(),
  created_at: text(32),
  updated_at: text(32),
}

/** Event code → schema of its data. */
export const schemas: EntitySchemas = {
  'be-observer.customer_create': backofficeValue(customerFields),
  'be-observer.customer_update': backofficeValue(customerFields),
  'be-observer.customer_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_save_commit_after': commerceData(commerceCustomer),
  'com.adobe.commerce.observer.customer_delete_commit_after': commerceData({
    entity_id: id().required(),
    email: email(),
  }),
}
