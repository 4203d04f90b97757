/**
 * `product` events → Adobe Commerce (declared as data; run by the entity pipeline's Commerce step).
 * Bodies follow Commerce's `catalogProductRepositoryV1` (the starter kit's product transformer:
 * attribute set 4 "Default", description as a custom attribute). `POST /V1/products` saves by SKU,
 * so a redelivered create updates the product; a delete of a product already gone is applied.
 */
import { toNumber, type CommerceOf } from '../../lib/entity-definition'
import type { Infer } from '../schema-kit'
import type { schemas } from './schemas'

type Product = Infer<(typeof schemas)['be-observer.catalog_product_create']>

const body = (v: Product) => ({
  product: {
    sku: v.sku,
    ...(v.name !== undefined && { name: v.name }),
    ...(v.price !== undefined && { price: v.price }),
    attribute_set_id: 4,
    type_id: 'simple',
    ...(v.description !== undefined && {
      custom_attributes: [{ attribute_code: 'description', value: v.description }],
    }),
  },
})
const bySku = (v: Product) => ({ sku: v.sku })

/** What identifies our change when Commerce reports it back: the SKU, name and price. */
const echo = {
  key: (v: Product) => v.sku,
  fields: (v: Product) => ({ name: v.name, price: v.price }),
}

/** Event code → Commerce effect. */
export const commerce: CommerceOf<typeof schemas> = {
  'be-observer.catalog_product_create': { call: { method: 'POST', path: 'V1/products', body }, echo },
  'be-observer.catalog_product_update': {
    call: { method: 'PUT', path: 'V1/products/{sku}', params: bySku, body },
    echo,
  },
  'be-observer.catalog_product_delete': {
    call: { method: 'DELETE', path: 'V1/products/{sku}', params: bySku },
    missingIsApplied: true,
  },
  'com.adobe.commerce.observer.catalog_product_save_commit_after': {
    echo: {
      key: (d: { value: { sku: string } }) => d.value.sku,
      fields: (d: { value: { name?: string | null; price?: string | number | null } }) => ({
        name: d.value.name ?? undefined,
        price: toNumber(d.value.price),
      }),
    },
  },
}
