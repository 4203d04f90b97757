/**
 * Content filters: a subscription receives only the events whose field values match, e.g.
 * `{"status": ["complete", "closed"]}` — orders whose status became complete or closed. Each key
 * is a field path (resolved like selected fields: the normalized `fields`, then the entity `data`);
 * every condition must hold (AND):
 *   - a scalar (string, number, boolean, null): the value equals it (strict, no type coercion);
 *   - an array of scalars: the value equals one of them;
 *   - `{"exists": true|false}`: the path is present (or absent).
 * Evaluated before anything is recorded: a filtered-out event is not a delivery and costs no
 * State read or write.
 */
import Joi from 'joi'
import type { CanonicalEvent } from '../canonical-event'
import { resolveField } from '../delivery/payload'

/** A value a condition compares with. */
export type FilterScalar = string | number | boolean | null
/** One condition on a path. */
export type FilterCondition = FilterScalar | FilterScalar[] | { exists: boolean }
/** Path → condition; all must hold. */
export type ContentFilter = Record<string, FilterCondition>

/** Most conditions per filter, and most values in a one-of list. */
export const MAX_FILTER_PATHS = 10
const MAX_ONE_OF = 50

/** The syntax of a field path (shared with selected fields). */
export const FIELD_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

const scalar = Joi.alternatives(Joi.string().max(256), Joi.number(), Joi.boolean(), Joi.valid(null))
/** Joi schema of the `filter` field (`null` on update removes the filter). */
export const contentFilterSchema = Joi.object()
  .pattern(
    Joi.string().max(100).pattern(FIELD_PATH, 'a valid field path'),
    Joi.alternatives(
      scalar,
      Joi.array().items(scalar).min(1).max(MAX_ONE_OF),
      Joi.object({ exists: Joi.boolean().required() }),
    ),
  )
  .min(1)
  .max(MAX_FILTER_PATHS)

const holds = (condition: FilterCondition, value: unknown): boolean => {
  if (Array.isArray(condition)) return condition.some((c) => c === value)
  if (condition !== null && typeof condition === 'object') return (value !== undefined) === condition.exists
  return condition === value
}

/** True when `event` passes `filter` (always true without a filter). */
export function passesFilter(
  filter: ContentFilter | undefined,
  event: Pick<CanonicalEvent, 'fields' | 'data'>,
): boolean {
  if (!filter) return true
  return Object.entries(filter).every(([path, condition]) => holds(condition, resolveField(event, path)))
}
