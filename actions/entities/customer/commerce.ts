/**
 * `customer` events → Adobe Commerce (`customerCustomerRepositoryV1` / `customerAccountManagementV1`).
 * The back-office `id` of an update or delete is the Commerce customer id (as in the starter kit).
 * A create whose email already exists in the website (Commerce 400 "A customer with the same email
 * address already exists in an associated website.") is a redelivery: the customer is found by
 * email (`GET /V1/customers/search`) and updated. A delete of a customer already gone is applied.
 */
import { toId, type CommerceOf } from '../../lib/entity-definition'
import type { Infer } from '../schema-kit'
import { commerceId, searchByField } from '../../lib/commerce/effect-declaration'
import type { customerCreateValue, schemas } from './schemas'

/** The widest back-office customer (a create may have no id yet; updates and deletes always do). */
type Customer = Infer<typeof customerCreateValue>

const customer = (v: Customer, withId: boolean) => ({
  customer: {
    ...(withId && v.id !== undefined && { id: commerceId(v.id) }),
    ...(v.email !== undefined && { email: v.email }),
    ...(v.firstname !== undefined && { firstname: v.firstname }),
    ...(v.lastname !== undefined && { lastname: v.lastname }),
    ...(v.group_id !== undefined && { group_id: commerceId(v.group_id) }),
  },
})
/** Updates and deletes: their schemas require the id. */
const byId = (v: Customer) => ({ id: v.id ?? '' })
const update = {
  method: 'PUT',
  path: 'V1/customers/{id}',
  params: byId,
  body: (v: Customer) => customer(v, true),
} as const

/**
 * The email identifies a customer on both sides (the ids differ until Commerce assigns one); typed
 * by the fields back-office and Commerce customers share, so both directions use the same signature.
 */
type Shared = Pick<Customer, 'email' | 'firstname' | 'lastname' | 'group_id'>
const echo = {
  key: (v: Shared) => v.email?.toLowerCase(),
  fields: (v: Shared) => ({ firstname: v.firstname, lastname: v.lastname, groupId: toId(v.group_id) }),
}

/** The `id` of the entity Commerce answered (a create's response body). */
const idOf = (body: unknown): string | number | undefined => (body as { id?: string | number } | null)?.id

/** Event code → Commerce effect. */
export const commerce: CommerceOf<typeof schemas> = {
  'be-observer.customer_create': {
    call: { method: 'POST', path: 'V1/customers', body: (v: Customer) => customer(v, false) },
    // Commerce answers the saved customer (`customerAccountManagementV1` createAccount): its `id` is
    // the one a create without id is known by from then on.
    assignedId: idOf,
    onExists: {
      when: /same email address already exists/i,
      lookup: {
        method: 'GET',
        path: `V1/customers/search?${searchByField('email', 'email')}`,
        params: (v: Customer) => ({ email: v.email ?? '' }),
      },
      id: (body) => (body as { items?: { id?: number }[] })?.items?.[0]?.id,
      then: update,
    },
    echo,
  },
  'be-observer.customer_update': { call: update, echo },
  'be-observer.customer_delete': {
    call: { method: 'DELETE', path: 'V1/customers/{id}', params: byId },
    missingIsApplied: true,
  },
  'com.adobe.commerce.observer.customer_save_commit_after': {
    echo: {
      key: (d) => echo.key({ email: d.value.email ?? undefined }),
      fields: (d) =>
        echo.fields({
          firstname: d.value.firstname ?? undefined,
          lastname: d.value.lastname ?? undefined,
          group_id: d.value.group_id ?? undefined,
        }),
    },
  },
}
