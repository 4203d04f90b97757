/**
 * Schemas of the `customer` events' CloudEvent `data`: the back-office `id` and Commerce's
 * `entity_id` are the customer's identity and are required.
 */
import { backofficeValue, commerceData, email, id, text } from '../schema-kit'

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

/** A back-office create or update. */
export const customerValue = backofficeValue(customerFields)

/** A Commerce customer save or delete. */
export const commerceCustomerData = commerceData(commerceCustomer)

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.customer_create': customerValue,
  'be-observer.customer_update': customerValue,
  'be-observer.customer_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_save_commit_after': commerceCustomerData,
  // Commerce sends the whole customer on delete too; receivers have always seen its names and ids.
  'com.adobe.commerce.observer.customer_delete_commit_after': commerceCustomerData,
} as const
