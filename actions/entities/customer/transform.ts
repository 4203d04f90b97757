/**
 * `customer` events → canonical form: the back-office `id` or Commerce's `entity_id` is the
 * entity id; names are normalised to camelCase.
 */
import { compact, toId, type EntityTransforms } from '../../lib/entity-definition'

interface BackofficeCustomer {
  id: string | number
  email?: string
  firstname?: string
  lastname?: string
  group_id?: string | number
}

interface CommerceCustomer {
  value: BackofficeCustomer & {
    entity_id: string | number
    website_id?: string | number
    updated_at?: string
  }
}

const fromBackoffice = (operation: string) => (v: BackofficeCustomer) => ({
  entityId: String(v.id),
  fields: compact({
    operation,
    email: v.email,
    firstname: v.firstname,
    lastname: v.lastname,
    groupId: toId(v.group_id),
  }),
})

const fromCommerce =
  (operation: string) =>
  ({ value: v }: CommerceCustomer) => ({
    entityId: String(v.entity_id),
    fields: compact({
      operation,
      email: v.email,
      firstname: v.firstname,
      lastname: v.lastname,
      groupId: toId(v.group_id),
      websiteId: toId(v.website_id),
      updatedAt: v.updated_at,
    }),
  })

/** Event code → transform. */
export const transforms: EntityTransforms = {
  'be-observer.customer_create': fromBackoffice('create'),
  'be-observer.customer_update': fromBackoffice('update'),
  'be-observer.customer_delete': fromBackoffice('delete'),
  'com.adobe.commerce.observer.customer_save_commit_after': fromCommerce('save'),
  'com.adobe.commerce.observer.customer_delete_commit_after': fromCommerce('delete'),
}
