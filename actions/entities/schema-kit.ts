/**
 * Building blocks for the entity schemas (the CloudEvent `data` of every event code). Shared by
 * ingestion (which validates the back-office `value` before publishing) and the entity handlers
 * (which validate again on delivery), so both sides accept exactly the same events.
 *
 * Policy, applied to every schema built here:
 * - ids and skus are required; types are checked, lengths and array sizes are bounded;
 * - unknown keys are allowed (forward compatibility: Commerce and back-offices add fields);
 * - the keys `__proto__`, `constructor` and `prototype` are rejected anywhere in the value.
 *   Joi itself silently drops an own `__proto__` key while cloning, so the check runs in a
 *   `prepare` hook on the *raw* root value, before Joi sees it.
 */
import BaseJoi from 'joi'
import type { ObjectSchema, PartialSchemaMap, Schema, StringSchema } from 'joi'

/** Keys that could pollute prototypes if a consumer ever merged the value into an object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Path of the first forbidden key in `value` (depth-first), or undefined. */
export function findForbiddenKey(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findForbiddenKey(value[i], [...path, i])
      if (hit) return hit
    }
    return undefined
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return [...path, key]
      const hit = findForbiddenKey((value as Record<string, unknown>)[key], [...path, key])
      if (hit) return hit
    }
  }
  return undefined
}

/** Adds the forbidden-key check to Joi's `object` and `array` types (root values only: the walk is deep). */
const guarded = (type: 'object' | 'array') => (joi: typeof BaseJoi) => ({
  type,
  base: type === 'object' ? joi.object() : joi.array(),
  messages: { [`${type}.forbiddenKey`]: '{{#label}} is a forbidden key' },
  prepare(value: unknown, helpers: BaseJoi.CustomHelpers) {
    // State typings omit `path`/`localize`, both public in joi 17's State (lib/state.js).
    const state = helpers.state as { path: (string | number)[]; localize(path: (string | number)[]): unknown }
    if (state.path.length > 0) return undefined
    const at = findForbiddenKey(value)
    if (!at) return undefined
    return { value, errors: helpers.error(`${type}.forbiddenKey`, {}, state.localize(at) as never) }
  },
})

/** Joi's pattern messages quote the offending value; issues must never echo the payload. */
const quietStrings = (joi: typeof BaseJoi) => ({
  type: 'string',
  base: joi.string(),
  messages: {
    'string.pattern.base': '{{#label}} fails to match the required pattern',
    'string.pattern.name': '{{#label}} must be {{#name}}',
    'string.pattern.invert.base': '{{#label}} matches a forbidden pattern',
    'string.pattern.invert.name': '{{#label}} must not be {{#name}}',
  },
})

/**
 * Joi with the forbidden-key guard on every object and array schema and value-free string
 * messages. Use it for every entity schema.
 */
export const J: typeof BaseJoi = BaseJoi.extend(guarded('object'), guarded('array'), quietStrings)

// Alternatives try the string form first, so a value keeps the representation it was sent in
// (joi would otherwise convert "100" to 100 and receivers would see a different type).

/** An identifier: a non-empty string (≤ 255 chars) or a non-negative integer (Commerce sends either). */
export const id = (): Schema =>
  J.alternatives().try(J.string().trim().min(1).max(255), J.number().integer().min(0))

/** A SKU: a non-empty string of at most 64 characters (Commerce's own limit). */
export const sku = (): Schema => J.string().trim().min(1).max(64)

/** Short free text (names, codes, statuses). */
export const text = (max = 255): StringSchema => J.string().allow('').max(max)

/** A decimal that Commerce sends as a string (`"29.00"`) and back-offices as a number. */
export const decimal = (): Schema =>
  J.alternatives().try(
    J.string()
      .trim()
      .pattern(/^-?\d+(\.\d+)?$/, 'a decimal number'),
    J.number(),
  )

/** An integer flag or small integer that may arrive as a string (`"1"`). */
export const intLike = (): Schema =>
  J.alternatives().try(
    J.string()
      .trim()
      .pattern(/^-?\d+$/, 'an integer'),
    J.number().integer(),
  )

/** An email address (no TLD list: internal domains are legitimate). */
export const email = (): Schema =>
  J.string()
    .trim()
    .email({ tlds: { allow: false } })
    .max(254)

/** A back-office `value` object (required): the given keys, unknown keys allowed. */
export function backofficeValue(keys: PartialSchemaMap): ObjectSchema {
  return J.object(keys).unknown(true).required()
}

/**
 * Commerce observer event data (required): `{value: {...}}` plus whatever Commerce adds around it
 * (e.g. `_metadata`), all unknown keys allowed.
 */
export function commerceData(valueKeys: PartialSchemaMap): ObjectSchema {
  return J.object({ value: J.object(valueKeys).unknown(true).required() })
    .unknown(true)
    .required()
}

export type { EntitySchemas } from '../lib/entity-definition'
