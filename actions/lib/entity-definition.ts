/**
 * What an entity folder supplies to the shared pipeline: the schemas of its events' data and a
 * transform per event code into the canonical representation. Types and pure helpers only, so
 * ingestion can share the schemas without bundling the pipeline or the openwhisk client.
 */
import type { Schema } from 'joi'
import type { CommerceDeclarations } from './commerce/effect-declaration'

/** The entity-specific part of a CanonicalEvent, produced by a transform. */
export interface EntityChange {
  /** The entity's id in the source system (sku, customer id, order id…); always a string. */
  entityId: string
  /** The entity type receivers see; defaults to the entity name (e.g. `customer-group`). */
  entityType?: string
  /** Transformed fields a subscription may select from; undefined values are dropped. */
  fields: Record<string, unknown>
}

/** Turns one event code's *validated* data into an EntityChange. Pure: no I/O, no clock. */
export type EntityTransform = (data: never) => EntityChange

/** Event code → schema of its CloudEvent `data`. */
export type EntitySchemas = Readonly<Record<string, Schema>>

/** Event code → transform of its validated data. */
export type EntityTransforms = Readonly<Record<string, EntityTransform>>

/** Everything the pipeline needs to know about one entity. */
export interface EntityDefinition {
  /** Entity name as in events.json, e.g. `product`; the handler action is `entities/<entity>`. */
  entity: string
  schemas: EntitySchemas
  transforms: EntityTransforms
  /**
   * Optional per-code effects on Adobe Commerce (`<entity>/commerce.ts`): back-office codes change
   * Commerce before subscribers are notified; Commerce codes may declare the echo signature that
   * recognises a change we applied ourselves.
   */
  commerce?: CommerceDeclarations
}

/** Outcome of validating event data: the converted value, or the issues by path (never the payload). */
export type DataValidation = { ok: true; value: unknown } | { ok: false; issues: string[] }

/**
 * Validates `data` against `schema`, collecting every issue (joi's messages name the path and
 * the rule, e.g. `items[0].qty must be a positive number`, never the offending value).
 */
export function validateWith(schema: Schema, data: unknown): DataValidation {
  const checked = schema.validate(data, { abortEarly: false, errors: { wrap: { label: false } } })
  const error = checked.error
  const value = checked.value as unknown
  if (!error) return { ok: true, value }
  // Joi labels nested problems with their path (`items[0].qty`); the root is called "value" by
  // joi, which would be confusing next to the back-office `value` field, so it is renamed.
  return {
    ok: false,
    issues: error.details.map((d) => (d.path.length ? d.message : d.message.replace(/^value\b/, 'data'))),
  }
}

/** Copy of `fields` without undefined values (so absent optional fields are not sent as `null`). */
export function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
}

/** `"29.00"` / `29` → 29; undefined stays undefined (schemas already checked the form). */
export function toNumber(value: unknown): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : Number(value)
}

/** Commerce's `"1"`/`"0"` flags (or numbers/booleans) → boolean; undefined stays undefined. */
export function toFlag(value: unknown): boolean | undefined {
  return value === undefined || value === null || value === ''
    ? undefined
    : value === true || Number(value) === 1
}

/** An id of either form as a string; undefined stays undefined. */
export function toId(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  // Ids arrive as strings or numbers (schema-checked); anything else is stringified as before.
  const id = value as string | number
  return String(id)
}
