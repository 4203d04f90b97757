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
import type {
  ArraySchema,
  BooleanSchema,
  NumberSchema,
  ObjectSchema,
  PartialSchemaMap,
  Schema,
  StringSchema,
} from 'joi'

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
// `extend` is typed as returning `any`; the extensions only add messages and a prepare hook, so the
// result has Joi's own API.
export const J = BaseJoi.extend(guarded('object'), guarded('array'), quietStrings) as typeof BaseJoi

/**
 * A joi schema that also carries, at the type level only, the TypeScript type of the values it
 * accepts (after joi's conversions). Built with the helpers below, so one declaration gives both
 * the runtime validator (`.joi`) and the data type (`Infer<typeof schema>`); `R` records whether
 * the key is required, which decides whether it is optional in the inferred object type.
 */
export class Field<T, R extends boolean = false> {
  /** Phantom: never set at runtime, only read by `Infer`. */
  declare readonly _type: T
  declare readonly _required: R
  constructor(
    /** The runtime validator. */
    readonly joi: Schema,
  ) {}

  /** The same schema with the value required (joi's `.required()`). */
  required(): Field<T, true> {
    return new Field<T, true>(this.joi.required())
  }
}

/** Any typed schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = Field<any, boolean>

/** The TypeScript type of the data a typed schema accepts. */
export type Infer<F> = F extends Field<infer T, boolean> ? T : never

/** Typed object shapes: the keys of `obj()` / `backofficeValue()` / `commerceData()`. */
export type Shape = Readonly<Record<string, AnyField>>

type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Field<unknown, true> ? K : never
}[keyof S]
type Flatten<T> = { [K in keyof T]: T[K] }

/**
 * The object type of a shape: required keys as required properties, the rest optional. No index
 * signature: unknown keys pass validation (forward compatibility) but code cannot read them, so a
 * transform reading a field the schema does not declare fails to compile.
 */
export type ObjectOf<S extends Shape> = Flatten<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: Infer<S[K]> }
>

const joiKeys = (shape: Shape): PartialSchemaMap =>
  Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f.joi]))

/** A string; refine it by passing the joi string schema (`str(J.string().trim().max(32))`). */
export const str = (schema: StringSchema = J.string()): Field<string> => new Field(schema)

/** A number (joi converts `"3"` to 3); refine it by passing the joi number schema. */
export const num = (schema: NumberSchema = J.number()): Field<number> => new Field(schema)

/** A boolean (joi converts `"true"`/`"false"`). */
export const bool = (schema: BooleanSchema = J.boolean()): Field<boolean> => new Field(schema)

/** An object with the given keys, unknown keys allowed (the policy above). */
export const obj = <S extends Shape>(shape: S): Field<ObjectOf<S>> =>
  new Field(J.object(joiKeys(shape)).unknown(true))

/** An array of `item`, with optional size bounds. */
export const arr = <F extends AnyField>(
  item: F,
  bounds: { min?: number; max?: number } = {},
): Field<Infer<F>[]> => {
  let schema: ArraySchema = J.array().items(item.joi)
  if (bounds.min !== undefined) schema = schema.min(bounds.min)
  if (bounds.max !== undefined) schema = schema.max(bounds.max)
  return new Field(schema)
}

// Alternatives try the string form first, so a value keeps the representation it was sent in
// (joi would otherwise convert "100" to 100 and receivers would see a different type).

/** An identifier: a non-empty string (≤ 255 chars) or a non-negative integer (Commerce sends either). */
export const id = (): Field<string | number> =>
  new Field(J.alternatives().try(J.string().trim().min(1).max(255), J.number().integer().min(0)))

/** A SKU: a non-empty string of at most 64 characters (Commerce's own limit). */
export const sku = (): Field<string> => new Field(J.string().trim().min(1).max(64))

/** Short free text (names, codes, statuses). */
export const text = (max = 255): Field<string> => new Field(J.string().allow('').max(max))

/** A decimal that Commerce sends as a string (`"29.00"`) and back-offices as a number. */
export const decimal = (): Field<string | number> =>
  new Field(
    J.alternatives().try(
      J.string()
        .trim()
        .pattern(/^-?\d+(\.\d+)?$/, 'a decimal number'),
      J.number(),
    ),
  )

/** An integer flag or small integer that may arrive as a string (`"1"`). */
export const intLike = (): Field<string | number> =>
  new Field(
    J.alternatives().try(
      J.string()
        .trim()
        .pattern(/^-?\d+$/, 'an integer'),
      J.number().integer(),
    ),
  )

/** An email address (no TLD list: internal domains are legitimate). */
export const email = (): Field<string> =>
  new Field(
    J.string()
      .trim()
      .email({ tlds: { allow: false } })
      .max(254),
  )

/**
 * The same field, also accepting `null`: Commerce's event payloads carry `null` for attributes a
 * product or order does not have (e.g. `price: null` on a configurable product, `name: null` on a
 * product saved in another store view), so every optional Commerce field is nullable.
 */
export const nullable = <T, R extends boolean>(field: Field<T, R>): Field<T | null, R> =>
  new Field<T | null, R>(field.joi.allow(null))

/**
 * A yes/no flag in any of the forms Commerce uses: a boolean (`true`, as its event schema types
 * `is_in_stock`), an integer or numeric string (`1`, `"0"`, as the entity models store it), or
 * `"true"`/`"false"`. The value keeps the form it was sent in; `toFlag` reads it.
 */
export const flag = (): Field<boolean | string | number> =>
  new Field(
    J.alternatives()
      .try(
        J.boolean().strict(),
        J.string()
          .trim()
          .pattern(/^(?:0|1|true|false)$/i, 'a flag (0, 1, true or false)'),
        J.number().valid(0, 1),
      )
      .messages({
        'alternatives.match': '{{#label}} must be a flag (0, 1, true or false)',
        'alternatives.types': '{{#label}} must be a flag (0, 1, true or false)',
      }),
  )

/**
 * Extra `or` constraints on an object: at least one key of each group must be present. Identity keys
 * are declared without `nullable`, so a present one is a usable id. Joi's message names the keys
 * (`value must contain at least one of [entity_id, id]`), never a value.
 */
export interface IdentityRule {
  /** Each group lists the keys any one of which identifies the entity. */
  anyOf?: readonly (readonly string[])[]
}

const withIdentity = (schema: ObjectSchema, rule: IdentityRule): ObjectSchema =>
  (rule.anyOf ?? []).reduce((s, keys) => s.or(...keys), schema)

/**
 * A back-office `value` object (required): the given keys, unknown keys allowed; with `anyOf`, at
 * least one key of each group must be present (e.g. a create identified by its `id` or its `email`).
 */
export function backofficeValue<S extends Shape>(keys: S, rule: IdentityRule = {}): Field<ObjectOf<S>, true> {
  return new Field<ObjectOf<S>, true>(withIdentity(J.object(joiKeys(keys)).unknown(true), rule).required())
}

/**
 * Commerce's `_metadata` block (the I/O Events module for Adobe Commerce adds it to every event:
 * edition, version, events client version and the store, website and store group ids). Accepted and
 * typed, never required; it is not entity data, so the canonical event's `data` leaves it out.
 */
const commerceMetadata = obj({
  commerceEdition: nullable(text()),
  commerceVersion: nullable(text()),
  eventsClientVersion: nullable(text()),
  storeId: nullable(id()),
  websiteId: nullable(id()),
  storeGroupId: nullable(id()),
})

/**
 * Commerce observer event data (required): `{value: {...}, _metadata?: {...}}` plus whatever else
 * Commerce adds around it (`key`, `source`), all unknown keys allowed. The shape follows what the I/O
 * Events module for Adobe Commerce delivers: only the fields of the event subscription are in
 * `value`, so only the identity is required, through `anyOf` groups when Commerce may name it in
 * several ways (a customer's `entity_id` or `id`).
 */
export function commerceData<S extends Shape>(
  valueKeys: S,
  rule: IdentityRule = {},
): Field<{ value: ObjectOf<S>; _metadata?: Infer<typeof commerceMetadata> }, true> {
  const value = withIdentity(J.object(joiKeys(valueKeys)).unknown(true), rule).required()
  return new Field(J.object({ value, _metadata: commerceMetadata.joi }).unknown(true).required())
}
