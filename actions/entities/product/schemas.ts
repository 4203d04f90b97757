/**
 * Schemas of the `product` events' CloudEvent `data`. The SKU is the product's identity on both
 * sides (Commerce and back-office), so it is required everywhere.
 */
import { J, backofficeValue, commerceData, decimal, id, intLike, num, sku, text } from '../schema-kit'

const productFields = {
  sku: sku().required(),
  name: text(),
  price: num(J.number().min(0)),
  description: text(65_535),
}

const commerceProduct = {
  entity_id: id(),
  sku: sku().required(),
  name: text(),
  price: decimal(),
  status: intLike(),
  type_id: text(32),
  created_at: text(32),
  updated_at: text(32),
}

/** Event code → schema of its data (and, through `Infer`, its TypeScript type). */
export const schemas = {
  'be-observer.catalog_product_create': backofficeValue(productFields),
  'be-observer.catalog_product_update': backofficeValue(productFields),
  'be-observer.catalog_product_delete': backofficeValue({ sku: sku().required() }),
  'com.adobe.commerce.observer.catalog_product_save_commit_after': commerceData(commerceProduct),
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': commerceData({
    entity_id: id(),
    sku: sku().required(),
  }),
} as const
