/**
 * Every entity the app handles, found by convention: each entity events.json lists has a folder
 * here whose `definition.ts` exports `definition` (typed schemas, transforms and Commerce effects
 * joined by defineEntity). Each handler's `index.ts` picks its definition from here, ingestion gets
 * the schemas (value-schemas.ts) and the consumer's loop breaker the transforms.
 *
 * Adding an entity: its events in events.json, its folder (schemas.ts, transform.ts, commerce.ts
 * when it changes Commerce, definition.ts, and the one-line index.ts entry point) and its action in
 * actions.config.yaml (the deployment manifest). Nothing here lists the folders.
 */
import { eventRegistry, type EventRegistry } from '../lib/event-registry'
import type { EntityDefinition } from '../lib/entity-definition'

/**
 * Loads `./<entity>/definition`. The require path is a template on purpose: webpack bundles every
 * `./<folder>/definition` module of this folder as a context module (so each bundle holds all the
 * definitions, as an import list would), and Node/jest resolve it at run time.
 * @throws Error naming the entity when its folder is missing or defines another entity.
 */
function loadDefinition(entity: string): EntityDefinition {
  let mod: { definition?: EntityDefinition }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`./${entity}/definition`) as { definition?: EntityDefinition }
  } catch (err) {
    throw new Error(
      `events.json lists entity ${entity}, but actions/entities/${entity}/definition.ts does not load: ${(err as Error).message}`,
    )
  }
  if (mod.definition?.entity !== entity)
    throw new Error(`actions/entities/${entity}/definition.ts must export the definition of ${entity}`)
  return mod.definition
}

/** Entity name → definition, for every handler entity of `registry`, in catalogue order. */
export function loadEntityDefinitions(registry: EventRegistry): Readonly<Record<string, EntityDefinition>> {
  return Object.fromEntries(registry.handlerEntities().map((entity) => [entity, loadDefinition(entity)]))
}

/** Entity name → definition (loaded once per warm container). */
export const entityDefinitions: Readonly<Record<string, EntityDefinition>> =
  loadEntityDefinitions(eventRegistry)
