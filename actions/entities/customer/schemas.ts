/**
 * Schemas of the `customer` events' CloudEvent `data`.
 *
 * Commerce: the shape is the I/O Events module for Adobe Commerce's observer event
 * (`{value: {...}, _metadata: {...}}`), carrying only the fields of the event subscription. The
 * customer's id arrives as `entity_id` (the model's data key) or `id` (the key the starter kit's
 * event subscription and samples use); one of them is required, everything else is optional and may
 * be `null`, and unknown fields are kept.
 *
 * Back-office: an update or delete names the Commerce customer `id`. A create has no id yet (Commerce
 * assigns it), so it needs its `id` or its `email` (the key Commerce identifies customers by).
 */
import { backofficeValue, commerceData, email, id, nullable, text } from '../schema-kit'

const customerFields = {
  id: id(),
  email: email(),
  firstname: text(),
  lastname: text(),
  group_id: id(),
}

const commerceCustomer = {
  entity_id: id(),
  id: id(),
  email: nullable(email()),
  firstname: nullable(text()),
  lastname: nullable(text()),
  group_id: nullable(id()),
  website_id: nullable(id()),
  created_at: nullable(text(32)),
  updated_at: nullable(text(32)),
}

/** A back-office create: identified by its id or, before Commerce has assigned one, its email. */
export const customerCreateValue = backofficeValue(customerFields, { anyOf: [['id', 'email']] })

/** A back-office update (the Commerce customer id is required). */
export const customerValue = backofficeValue({ ...customerFields, id: id().required() })

/** A Commerce customer save or delete. */
export const commerceCustomerData = commerceData(commerceCustomer, { anyOf: [['entity_id', 'id']] })

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.customer_create': customerCreateValue,
  'be-observer.customer_update': customerValue,
  'be-observer.customer_delete': backofficeValue({ id: id().required() }),
  'com.adobe.commerce.observer.customer_save_commit_after': commerceCustomerData,
  // Commerce sends the whole customer on delete too; receivers have always seen its names and ids.
  'com.adobe.commerce.observer.customer_delete_commit_after': commerceCustomerData,
} as const
