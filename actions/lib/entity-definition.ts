/**
 * What an entity folder supplies to the shared pipeline: the schemas of its events' data and a
 * transform per event code into the canonical representation. Types and pure helpers only, so
 * ingestion can share the schemas without bundling the pipeline or the openwhisk client.
 */
import type { Schema } from 'joi'
import type { CommerceCall, CommerceDeclarations, CommerceEffect } from './commerce/effect-declaration'
import type { AnyField, Infer } from '../entities/schema-kit'

/** The entity-specific part of a CanonicalEvent, produced by a transform. */
export interface EntityChange {
  /** The entity's id in the source system (sku, customer id, order id…); always a string. */
  entityId: string
  /**
   * True when `entityId` is a natural key (an email, a group code) standing in for the id Commerce
   * has not assigned yet (a back-office create without id): when the Commerce step creates the
   * entity and learns its id (`assignedId`), that id replaces it.
   */
  provisionalId?: boolean
  /** The entity type receivers see; defaults to the entity name (e.g. `customer-group`). */
  entityType?: string
  /**
   * Normalised fields (camelCase names, numbers as numbers, flags as booleans); undefined values are
   * dropped. Transforms only normalise: every field of the event stays in the canonical `data`.
   */
  fields: Record<string, unknown>
}

/**
 * The runtime form of a transform, as the pipeline holds it: it is only ever called with data the
 * code's own schema has just validated (defineEntity pairs them; the pipeline checks the pairing).
 */
export type EntityTransform = (data: unknown) => EntityChange

/** Turns one event code's *validated* data, typed by its schema, into an EntityChange. Pure. */
export type Transform<F extends AnyField> = (data: Infer<F>) => EntityChange

/** Event code → typed schema of its data (an entity's `schemas.ts`). */
export type TypedSchemas = Readonly<Record<string, AnyField>>

/**
 * Event code → transform, each typed by the schema of the same code: a code without a transform,
 * a transform for a code without a schema, or a transform reading a field its schema does not
 * declare are compile errors.
 */
export type TransformsOf<S extends TypedSchemas> = { readonly [K in keyof S]: Transform<S[K]> }

/** A Commerce call whose mappings read the validated data `V` of its code. */
export type TypedCommerceCall<V> = Omit<CommerceCall, 'params' | 'body'> & {
  params?: (value: V) => Record<string, string | number>
  body?: (value: V) => unknown
}

/** A CommerceEffect (lib/commerce/effect-declaration.ts) typed by the data `V` of its code. */
export type TypedCommerceEffect<V> = Omit<CommerceEffect, 'call' | 'onExists' | 'echo'> & {
  call?: TypedCommerceCall<V>
  /** `then` runs with the data plus the id the lookup found. */
  onExists?: Omit<NonNullable<CommerceEffect['onExists']>, 'lookup' | 'then'> & {
    lookup: TypedCommerceCall<V>
    then: TypedCommerceCall<V & { id: string | number }>
  }
  echo?: { key: (value: V) => string | undefined; fields: (value: V) => Record<string, unknown> }
}

/**
 * Event code → Commerce effect, keyed by the entity's own codes (a stray code is a compile error)
 * and typed by each code's schema.
 */
export type CommerceOf<S extends TypedSchemas> = {
  readonly [K in keyof S]?: TypedCommerceEffect<Infer<S[K]>>
}

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

/**
 * An entity's definition from its typed parts (`schemas.ts`, `transform.ts`, `commerce.ts`): the
 * joi validators come out of the typed schemas, so validation and the transforms' data types
 * come from the same declaration.
 */
export function defineEntity<S extends TypedSchemas>(
  entity: string,
  parts: { schemas: S; transforms: TransformsOf<S>; commerce?: CommerceOf<S> },
): EntityDefinition {
  return {
    entity,
    schemas: Object.fromEntries(Object.entries(parts.schemas).map(([code, f]) => [code, f.joi])),
    // The one place the data types are erased: each transform is stored under its schema's code and
    // the pipeline only calls it with what that schema validated, i.e. an Infer<schema>.
    transforms: parts.transforms as unknown as EntityTransforms,
    commerce: parts.commerce as CommerceDeclarations | undefined,
  }
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

/** Commerce's `"1"`/`"0"`/`"true"` flags (or numbers/booleans) → boolean; undefined and null stay undefined. */
export function toFlag(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string' && /^true$/i.test(value.trim())) return true
  return value === true || Number(value) === 1
}

/** An id of either form as a string; undefined stays undefined. */
export function toId(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  // Ids arrive as strings or numbers (schema-checked); anything else is stringified as before.
  const id = value as string | number
  return String(id)
}
