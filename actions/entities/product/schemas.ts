/**
 * Schemas of the `product` events' CloudEvent `data`. The SKU is the product's identity on both
 * sides (Commerce and back-office), so it is required everywhere.
 *
 * Commerce: the product model's data as the I/O Events module for Adobe Commerce delivers it
 * (`{value: {...}, _metadata: {...}}`, only the subscribed fields): numbers often as strings
 * (`"29.000000"`, `"1"`), `price: null` on configurable products, `name: null` when the attribute is
 * not loaded; the Commerce id as `entity_id` or `id` (the starter kit's field list). Every field but
 * the SKU is optional and may be `null`; unknown fields are kept.
 */
import {
  J,
  backofficeValue,
  commerceData,
  decimal,
  id,
  intLike,
  nullable,
  num,
  sku,
  text,
} from '../schema-kit'

const productFields = {
  sku: sku().required(),
  name: text(),
  price: num(J.number().min(0)),
  description: text(65_535),
}

const commerceProduct = {
  entity_id: nullable(id()),
  id: nullable(id()),
  sku: sku().required(),
  name: nullable(text()),
  price: nullable(decimal()),
  status: nullable(intLike()),
  type_id: nullable(text(32)),
  created_at: nullable(text(32)),
  updated_at: nullable(text(32)),
}

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.catalog_product_create': backofficeValue(productFields),
  'be-observer.catalog_product_update': backofficeValue(productFields),
  'be-observer.catalog_product_delete': backofficeValue({ sku: sku().required() }),
  'com.adobe.commerce.observer.catalog_product_save_commit_after': commerceData(commerceProduct),
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': commerceData({
    entity_id: nullable(id()),
    id: nullable(id()),
    sku: sku().required(),
  }),
} as const
