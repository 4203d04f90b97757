/**
 * `customer-group` events → Adobe Commerce (`customerGroupRepositoryV1`). The back-office `name`
 * is Commerce's group `code`; `tax_class_id` defaults to 3 ("Retail Customer", Commerce's default
 * customer tax class). A create whose code exists (Commerce 400 "Customer Group already exists.")
 * is a redelivery: the group is found by code and updated. A delete of a group already gone is applied.
 */
import { toId, type CommerceOf } from '../../lib/entity-definition'
import type { Infer } from '../schema-kit'
import { commerceId, searchByField } from '../../lib/commerce/effect-declaration'
import type { groupCreateValue, schemas } from './schemas'

/** The widest back-office group (a create may have no id yet; updates and deletes always do). */
type Group = Infer<typeof groupCreateValue>

const group = (v: Group, withId: boolean) => ({
  group: {
    ...(withId && v.id !== undefined && { id: commerceId(v.id) }),
    code: v.name,
    tax_class_id: commerceId(v.tax_class_id ?? 3),
  },
})
/** Updates and deletes: their schemas require the id. */
const byId = (v: Group) => ({ id: v.id ?? '' })
const update = {
  method: 'PUT',
  path: 'V1/customerGroups/{id}',
  params: byId,
  body: (v: Group) => group(v, true),
} as const

/** The code (name) identifies a group on both sides. */
const echo = {
  key: (v: Group) => v.name,
  fields: (v: Group) => ({ taxClassId: toId(v.tax_class_id ?? 3) }),
}

/** Event code → Commerce effect. */
export const commerce: CommerceOf<typeof schemas> = {
  'be-observer.customer_group_create': {
    call: { method: 'POST', path: 'V1/customerGroups', body: (v: Group) => group(v, false) },
    // Commerce answers the saved group (`customerGroupRepositoryV1` save) with its new `id`.
    assignedId: (body) => (body as { id?: string | number } | null)?.id,
    onExists: {
      when: /customer group already exists/i,
      lookup: {
        method: 'GET',
        path: `V1/customerGroups/search?${searchByField('code', 'code')}`,
        params: (v: Group) => ({ code: v.name ?? '' }),
      },
      id: (body) => (body as { items?: { id?: number }[] })?.items?.[0]?.id,
      then: update,
    },
    echo,
  },
  'be-observer.customer_group_update': { call: update, echo },
  'be-observer.customer_group_delete': {
    call: { method: 'DELETE', path: 'V1/customerGroups/{id}', params: byId },
    missingIsApplied: true,
  },
  'com.adobe.commerce.observer.customer_group_save_commit_after': {
    echo: {
      key: (d: { value: { customer_group_code?: string | null } }) =>
        d.value.customer_group_code ?? undefined,
      fields: (d: { value: { tax_class_id?: string | number | null } }) => ({
        taxClassId: toId(d.value.tax_class_id),
      }),
    },
  },
}
