/**
 * Every entity the app handles: each folder's `definition.ts` (typed schemas, transforms, Commerce
 * effects joined by defineEntity). The one place that lists entity folders: each handler's
 * `index.ts` picks its definition from here, ingestion gets the schemas (value-schemas.ts) and the
 * consumer's loop breaker the transforms. Bundles cannot discover folders at run time, so a new
 * entity is a line here (checked against events.json at module load by value-schemas.ts).
 */
import type { EntityDefinition } from '../lib/entity-definition'
import { definition as product } from './product/definition'
import { definition as customer } from './customer/definition'
import { definition as customerGroup } from './customer-group/definition'
import { definition as order } from './order/definition'
import { definition as stock } from './stock/definition'

/** Entity name → definition. */
export const entityDefinitions: Readonly<Record<string, EntityDefinition>> = Object.fromEntries(
  [product, customer, customerGroup, order, stock].map((d) => [d.entity, d]),
)
