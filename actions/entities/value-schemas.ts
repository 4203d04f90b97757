/**
 * The schema of the CloudEvent `data` of every event code in events.json, gathered once at
 * module load from each entity's `schemas.ts`. Ingestion validates a back-office `value` with
 * it before publishing; entity handlers validate deliveries with the very same schema objects.
 *
 * `be-observer.*` codes validate the back-office `value` (the CloudEvent `data` ingestion
 * publishes); `com.adobe.commerce.*` codes validate Commerce's `{value: {...}}` data.
 */
import type { Schema } from 'joi'
import { eventRegistry, type EventRegistry } from '../lib/event-registry'
import { validateWith, type DataValidation, type EntitySchemas } from '../lib/entity-definition'

export type { DataValidation } from '../lib/entity-definition'
import { entityDefinitions } from './catalog'

/**
 * Joins the entities' schemas into one code → schema table and checks it against the registry:
 * every code in events.json needs a schema, under the entity events.json lists it for, and no
 * schema may name an unknown code (a typo would otherwise silently never validate anything).
 * @throws Error listing every mismatch (caught by the unit tests before anything ships).
 */
export function buildValueSchemas(
  byEntity: Readonly<Record<string, EntitySchemas>>,
  registry: EventRegistry,
): ReadonlyMap<string, Schema> {
  const table = new Map<string, Schema>()
  const problems: string[] = []
  for (const [entity, schemas] of Object.entries(byEntity)) {
    for (const [code, schema] of Object.entries(schemas)) {
      const def = registry.get(code)
      if (!def) problems.push(`${entity}/schemas.ts: ${code} is not in events.json`)
      else if (def.handlerEntity !== entity)
        problems.push(`${entity}/schemas.ts: ${code} belongs to ${def.handlerEntity} in events.json`)
      else table.set(code, schema)
    }
  }
  for (const def of registry.all()) {
    if (!table.has(def.code) && !problems.some((p) => p.includes(def.code)))
      problems.push(`${def.code} (${def.handlerEntity}) has no schema`)
  }
  if (problems.length) throw new Error(`entity schemas do not match events.json: ${problems.join('; ')}`)
  return table
}

const valueSchemas = buildValueSchemas(
  Object.fromEntries(Object.values(entityDefinitions).map((d) => [d.entity, d.schemas])),
  eventRegistry,
)

/** The joi schema of the CloudEvent `data` for `code`, or undefined when the code is unknown. */
export function valueSchemaFor(code: string): Schema | undefined {
  return valueSchemas.get(code)
}

/** Validates `data` against the schema of `code`; an unknown code is an issue, not an exception. */
export function validateEventData(code: string, data: unknown): DataValidation {
  const schema = valueSchemas.get(code)
  return schema ? validateWith(schema, data) : { ok: false, issues: [`unknown event code ${code}`] }
}
