/**
 * Every entity the app handles, wired from its folder's schemas and transforms. The one place
 * that lists entity folders: each handler's `index.ts` picks its definition from here, ingestion
 * gets the schemas (value-schemas.ts) and the consumer's loop breaker the transforms.
 * Adding an entity: a line in events.json, a folder with schemas.ts/transform.ts/index.ts, a line
 * here, and its action in actions.config.yaml.
 */
import type { EntityDefinition } from '../lib/entity-definition'
import * as product from './product/schemas'
import * as productT from './product/transform'
import * as customer from './customer/schemas'
import * as customerT from './customer/transform'
import * as customerGroup from './customer-group/schemas'
import * as customerGroupT from './customer-group/transform'
import * as order from './order/schemas'
import * as orderT from './order/transform'
import * as stock from './stock/schemas'
import * as stockT from './stock/transform'

const define = (
  entity: string,
  s: Pick<EntityDefinition, 'schemas'>,
  t: Pick<EntityDefinition, 'transforms'>,
): EntityDefinition => ({
  entity,
  schemas: s.schemas,
  transforms: t.transforms,
})

/** Entity name → definition. */
export const entityDefinitions: Readonly<Record<string, EntityDefinition>> = {
  product: define('product', product, productT),
  customer: define('customer', customer, customerT),
  'customer-group': define('customer-group', customerGroup, customerGroupT),
  order: define('order', order, orderT),
  stock: define('stock', stock, stockT),
}
