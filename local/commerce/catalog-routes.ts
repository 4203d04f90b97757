/**
 * Local Commerce: products (`catalogProductRepositoryV1`), stock (`inventoryApiSourceItemsSaveV1`),
 * customers (`customerCustomerRepositoryV1`, `customerAccountManagementV1`) and customer groups
 * (`customerGroupRepositoryV1`): request and response shapes, messages and status codes as
 * Adobe Commerce 2.4 answers them. Entities whose changes Commerce emits events for call `emit`.
 */
import {
  bodyObject,
  CommerceHttpError,
  commerceDate,
  noSuchEntity,
  required,
  scalarText,
  search,
} from './rest-kit'
import type { Route } from './router'
import type { Doc } from './store'

const PRODUCT_MISSING = "The product that was requested doesn't exist. Verify the product and try again."

/** Product save: POST and PUT both save by SKU (Commerce's ProductRepository::save is an upsert). */
function saveProduct(c: Parameters<Route['handler']>[0], sku: string | undefined): Doc {
  const input = bodyObject(c.body, 'product')
  const key = scalarText(sku ?? input.sku).trim()
  if (!key) throw required('sku')
  if (key.length > 64) throw new CommerceHttpError(400, 'SKU length should be 64 characters maximum.')
  const existing = c.store.get('product', key)
  if (input.price !== undefined && !(Number(input.price) >= 0)) {
    throw new CommerceHttpError(400, 'The "%1" value can\'t be negative or non-numeric.', ['price'])
  }
  const merged: Doc = { ...(existing ?? {}), ...input, sku: key }
  if (!existing && (merged.name === undefined || merged.name === '')) {
    throw new CommerceHttpError(400, 'The "%1" attribute value is empty. Set the attribute and try again.', [
      'name',
    ])
  }
  const now = commerceDate(c.now())
  const doc: Doc = {
    id: existing?.id ?? c.store.nextId('product'),
    attribute_set_id: 4,
    status: 1,
    visibility: 4,
    type_id: 'simple',
    ...merged,
    price: merged.price === undefined ? 0 : Number(merged.price),
    created_at: existing?.created_at ?? now,
    updated_at: now,
    extension_attributes: { website_ids: [1] },
  }
  c.store.put('product', key, doc)
  // The product model's data, as Commerce hands it to the eventing module (strings, custom
  // attributes flattened); the subscription then picks the fields that are sent.
  const custom = Object.fromEntries(
    ((doc.custom_attributes as { attribute_code?: string; value?: unknown }[] | undefined) ?? [])
      .filter((a) => typeof a?.attribute_code === 'string')
      .map((a) => [a.attribute_code as string, a.value]),
  )
  c.emit('catalog_product_save_commit_after', {
    ...custom,
    entity_id: String(doc.id),
    sku: doc.sku,
    name: doc.name,
    price: Number(doc.price).toFixed(4),
    status: String(doc.status),
    type_id: doc.type_id,
    attribute_set_id: String(doc.attribute_set_id),
    visibility: String(doc.visibility),
    store_id: '0',
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  })
  return doc
}

const customerView = (d: Doc) => d
const customerEvent = (d: Doc): Doc => ({
  entity_id: String(d.id),
  email: d.email,
  firstname: d.firstname,
  lastname: d.lastname,
  group_id: String(d.group_id),
  website_id: String(d.website_id),
  created_at: d.created_at,
  updated_at: d.updated_at,
})

function saveCustomer(c: Parameters<Route['handler']>[0], id: number | undefined): Doc {
  const input = bodyObject(c.body, 'customer')
  const existing = id === undefined ? undefined : c.store.get('customer', String(id))
  if (id !== undefined && !existing) throw noSuchEntity('customerId', id)
  const merged: Doc = { ...(existing ?? {}), ...input }
  for (const field of ['email', 'firstname', 'lastname']) if (!merged[field]) throw required(field)
  const email = String(merged.email).toLowerCase()
  if (!/^[^@\s]+@[^@\s]+$/.test(email))
    throw new CommerceHttpError(400, '"%1" is not a valid email address.', [email])
  const clash = c.store
    .all('customer')
    .find((d) => String(d.email).toLowerCase() === email && d.id !== existing?.id)
  if (clash)
    throw new CommerceHttpError(
      400,
      'A customer with the same email address already exists in an associated website.',
    )
  const groupId = Number(merged.group_id ?? 1)
  if (!c.store.get('group', String(groupId))) throw noSuchEntity('id', groupId)
  const now = commerceDate(c.now())
  const doc: Doc = {
    ...merged,
    id: existing?.id ?? c.store.nextId('customer'),
    group_id: groupId,
    email: merged.email,
    created_at: existing?.created_at ?? now,
    updated_at: now,
    created_in: 'Default Store View',
    store_id: 1,
    website_id: 1,
    addresses: merged.addresses ?? [],
    disable_auto_group_change: 0,
  }
  c.store.put('customer', String(doc.id), doc)
  c.emit('customer_save_commit_after', customerEvent(doc))
  return customerView(doc)
}

function saveGroup(c: Parameters<Route['handler']>[0], id: number | undefined): Doc {
  const input = bodyObject(c.body, 'group')
  const existing = id === undefined ? undefined : c.store.get('group', String(id))
  if (id !== undefined && !existing) throw noSuchEntity('id', id)
  const code = scalarText(input.code ?? existing?.code).trim()
  if (!code) throw required('code')
  if (code.length > 32)
    throw new CommerceHttpError(400, 'Customer Group code maximum length must be 32 characters.')
  const clash = c.store
    .all('group')
    .find((g) => String(g.code).toLowerCase() === code.toLowerCase() && g.id !== existing?.id)
  if (clash) throw new CommerceHttpError(400, 'Customer Group already exists.')
  const taxClassId = Number(input.tax_class_id ?? existing?.tax_class_id ?? 3)
  const doc: Doc = {
    id: existing?.id ?? c.store.nextId('group'),
    code,
    tax_class_id: taxClassId,
    tax_class_name: taxClassId === 3 ? 'Retail Customer' : `Tax class ${taxClassId}`,
  }
  c.store.put('group', String(doc.id), doc)
  c.emit('customer_group_save_commit_after', {
    customer_group_id: String(doc.id),
    customer_group_code: doc.code,
    tax_class_id: String(doc.tax_class_id),
  })
  return doc
}

const intId = (raw: string, field: string): number => {
  if (!/^\d+$/.test(raw)) {
    throw new CommerceHttpError(
      400,
      'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
      { value: raw, type: 'int' },
    )
  }
  void field
  return Number(raw)
}

/** Routes for products, stock, customers and groups. */
export const catalogRoutes: Route[] = [
  { method: 'POST', path: /^V1\/products$/, handler: (c) => saveProduct(c, undefined) },
  { method: 'PUT', path: /^V1\/products\/([^/]+)$/, handler: (c) => saveProduct(c, c.params[0]) },
  {
    method: 'GET',
    path: /^V1\/products\/([^/]+)$/,
    handler: (c) => {
      const doc = c.store.get('product', c.params[0])
      if (!doc) throw new CommerceHttpError(404, PRODUCT_MISSING)
      return doc
    },
  },
  { method: 'GET', path: /^V1\/products$/, handler: (c) => search(c.store.all('product'), c.query) },
  {
    method: 'DELETE',
    path: /^V1\/products\/([^/]+)$/,
    handler: (c) => {
      const doc = c.store.get('product', c.params[0])
      if (!doc) throw new CommerceHttpError(404, PRODUCT_MISSING)
      c.store.delete('product', c.params[0])
      for (const si of c.store.all('source_item'))
        if (si.sku === doc.sku)
          c.store.delete('source_item', `${scalarText(si.source_code)}|${scalarText(si.sku)}`)
      c.emit('catalog_product_delete_commit_after', { entity_id: String(doc.id), sku: doc.sku })
      return true
    },
  },
  {
    method: 'POST',
    path: /^V1\/inventory\/source-items$/,
    handler: (c) => {
      const items = c.body !== null && typeof c.body === 'object' ? (c.body as Doc).sourceItems : undefined
      if (!Array.isArray(items)) throw required('sourceItems')
      for (const item of items as Doc[]) {
        if (!item?.sku || !c.store.get('product', scalarText(item.sku)))
          throw new CommerceHttpError(400, 'Could not save Source Item')
        if ((item.source_code ?? 'default') !== 'default')
          throw new CommerceHttpError(400, 'Could not save Source Item')
        if (!(Number(item.quantity) >= 0)) throw new CommerceHttpError(400, 'Could not save Source Item')
      }
      for (const item of items as Doc[]) {
        const doc = {
          sku: String(item.sku),
          source_code: 'default',
          quantity: Number(item.quantity),
          status: Number(item.status ?? 1) ? 1 : 0,
        }
        c.store.put('source_item', `${doc.source_code}|${doc.sku}`, doc)
      }
      return []
    },
  },
  {
    method: 'GET',
    path: /^V1\/inventory\/source-items$/,
    handler: (c) => search(c.store.all('source_item'), c.query),
  },
  { method: 'POST', path: /^V1\/customers$/, handler: (c) => saveCustomer(c, undefined) },
  {
    method: 'PUT',
    path: /^V1\/customers\/([^/]+)$/,
    handler: (c) => saveCustomer(c, intId(c.params[0], 'customerId')),
  },
  {
    method: 'GET',
    path: /^V1\/customers\/search$/,
    handler: (c) => search(c.store.all('customer'), c.query),
  },
  {
    method: 'GET',
    path: /^V1\/customers\/([^/]+)$/,
    handler: (c) =>
      c.store.get('customer', String(intId(c.params[0], 'customerId'))) ??
      (() => {
        throw noSuchEntity('customerId', c.params[0])
      })(),
  },
  {
    method: 'DELETE',
    path: /^V1\/customers\/([^/]+)$/,
    handler: (c) => {
      const id = String(intId(c.params[0], 'customerId'))
      const doc = c.store.get('customer', id)
      if (!doc) throw noSuchEntity('customerId', c.params[0])
      c.store.delete('customer', id)
      c.emit('customer_delete_commit_after', { entity_id: id, email: doc.email })
      return true
    },
  },
  { method: 'POST', path: /^V1\/customerGroups$/, handler: (c) => saveGroup(c, undefined) },
  {
    method: 'PUT',
    path: /^V1\/customerGroups\/([^/]+)$/,
    handler: (c) => saveGroup(c, intId(c.params[0], 'id')),
  },
  {
    method: 'GET',
    path: /^V1\/customerGroups\/search$/,
    handler: (c) => search(c.store.all('group'), c.query),
  },
  {
    method: 'GET',
    path: /^V1\/customerGroups\/([^/]+)$/,
    handler: (c) =>
      c.store.get('group', String(intId(c.params[0], 'id'))) ??
      (() => {
        throw noSuchEntity('id', c.params[0])
      })(),
  },
  {
    method: 'DELETE',
    path: /^V1\/customerGroups\/([^/]+)$/,
    handler: (c) => {
      const id = String(intId(c.params[0], 'id'))
      const doc = c.store.get('group', id)
      if (!doc) throw noSuchEntity('id', c.params[0])
      // Commerce refuses to delete its built-in groups (NOT LOGGED IN and General).
      if (id === '0' || id === '1') throw new CommerceHttpError(400, 'Cannot delete group.')
      c.store.delete('group', id)
      c.emit('customer_group_delete_commit_after', {
        customer_group_id: id,
        customer_group_code: doc.code,
        tax_class_id: String(doc.tax_class_id),
      })
      return true
    },
  },
]
