/**
 * Every entity the app handles, wired from its folder's schemas and transforms. The one place
 * that lists entity folders: each handler's `index.ts` picks its definition from here, ingestion
 * gets the schemas (value-schemas.ts) and the consumer's loop breaker the transforms.
 * Adding an entity: a line in events.json, a folder with schemas.ts/transform.ts/index.ts (and commerce.ts for its Commerce effects), a line
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
import * as productC from './product/commerce'
import * as customerC from './customer/commerce'
import * as customerGroupC from './customer-group/commerce'
import * as orderC from './order/commerce'
import * as stockC from './stock/commerce'

const define = (
  entity: string,
  s: Pick<EntityDefinition, 'schemas'>,
  t: Pick<EntityDefinition, 'transforms'>,
  c?: Pick<EntityDefinition, 'commerce'>,
): EntityDefinition => ({
  entity,
  schemas: s.schemas,
  transforms: t.transforms,
  commerce: c?.commerce,
})

/** Entity name → definition. */
export const entityDefinitions: Readonly<Record<string, EntityDefinition>> = {
  product: define('product', product, productT, productC),
  customer: define('customer', customer, customerT, customerC),
  'customer-group': define('customer-group', customerGroup, customerGroupT, customerGroupC),
  order: define('order', order, orderT, orderC),
  stock: define('stock', stock, stockT, stockC),
}
