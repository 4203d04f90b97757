/**
 * Validation of the ingestion contract: `{"data": {uid, event, value}}` or
 * `{"data": [{uid, event, value}, …]}` (1–100 items). The envelope and item schemas are built
 * once at module load; each `value` is validated with the event code's schema from
 * `actions/entities/value-schemas.ts` (shared with the entity handlers).
 *
 * Issues are reported by path (`data[3].value.sku: is required`), never with the payload: the
 * value-echoing joi messages are replaced, and every quoted key or code is made printable and
 * truncated.
 */
import Joi from 'joi'
import type { Schema, ValidationErrorItem } from 'joi'
import type { EventRegistry } from '../../lib/event-registry'
import { QUIET_MESSAGES } from '../../lib/joi-messages'
import { pathText, printable } from './request'

/** Largest batch accepted in one request. */
const MAX_BATCH_SIZE = 100

/** Longest uid accepted. */
const MAX_UID_LENGTH = 128

/** One event of the request, validated. */
export interface ValidEvent {
  index: number
  uid: string
  /** The event code. */
  type: string
  /** The value converted by its schema: what gets published as CloudEvent `data`. */
  value: unknown
}

/** One event of the request that failed validation. */
export interface InvalidEvent {
  index: number
  /** The uid when it was itself valid (for the caller's correlation). */
  uid?: string
  type?: string
  issues: string[]
}

/** The request, split into valid and invalid events. */
export interface ParsedRequest {
  /** True for `data: [...]`. */
  batch: boolean
  valid: ValidEvent[]
  invalid: InvalidEvent[]
}

/** What validation needs from the outside: the code catalogue and the per-code schemas. */
export interface ValidationDeps {
  registry: EventRegistry
  valueSchemaFor: (code: string) => Schema | undefined
}

const VALIDATE_OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  errors: { label: false },
  messages: QUIET_MESSAGES,
}

const envelopeSchema = Joi.object({
  data: Joi.alternatives()
    .try(
      Joi.object(),
      Joi.array()
        .min(1)
        .max(MAX_BATCH_SIZE)
        .messages({
          'array.min': 'a batch must hold at least 1 event',
          'array.max': `a batch holds at most ${MAX_BATCH_SIZE} events`,
        }),
    )
    .required()
    .messages({
      'alternatives.types': `must be an event object or an array of 1 to ${MAX_BATCH_SIZE} events`,
    }),
})

const itemSchema = Joi.object({
  uid: Joi.string().min(1).max(MAX_UID_LENGTH).required(),
  event: Joi.string().min(1).max(255).required(),
  value: Joi.any().required(),
})

/** Issues of a joi error as `path: message`, at most 20 of them. */
function issuesOf(details: ValidationErrorItem[], prefix: (string | number)[]): string[] {
  const issues = details.map(
    (d) => `${pathText([...prefix, ...d.path])}: ${printable(d.message).slice(0, 200)}`,
  )
  return issues.length > 20 ? [...issues.slice(0, 20), `… and ${issues.length - 20} more`] : issues
}

/** Checks the envelope; array-level problems (too many, empty) fail the whole request. */
function validateEnvelope(doc: unknown): { batch: boolean; items: unknown[] } | { issues: string[] } {
  const { error } = envelopeSchema.validate(doc, VALIDATE_OPTIONS)
  if (error) {
    // The top-level array is reported as one problem: joi lists the alternatives' sub-errors otherwise.
    if (Array.isArray(doc)) return { issues: ['(root): must be an object {"data": …}, not an array'] }
    return { issues: issuesOf(error.details, []) }
  }
  const data = (doc as { data: unknown }).data
  return Array.isArray(data) ? { batch: true, items: data } : { batch: false, items: [data] }
}

/** Validates one `{uid, event, value}` item; `prefix` is its path (`data` or `data[i]`). */
function validateItem(
  raw: unknown,
  index: number,
  prefix: (string | number)[],
  deps: ValidationDeps,
): ValidEvent | InvalidEvent {
  const itemCheck = itemSchema.validate(raw, VALIDATE_OPTIONS)
  const error = itemCheck.error
  const item = itemCheck.value as unknown
  const uid =
    typeof (raw as { uid?: unknown })?.uid === 'string' && !error?.details.some((d) => d.path[0] === 'uid')
      ? (raw as { uid: string }).uid
      : undefined
  if (error) return { index, uid, issues: issuesOf(error.details, prefix) }
  const { event, value } = item as { event: string; value: unknown }
  const def = deps.registry.get(event)
  if (!def || def.provider !== 'backoffice') {
    const accepted = deps.registry.byProvider('backoffice').map((d) => d.code)
    return {
      index,
      uid,
      issues: [
        `${pathText([...prefix, 'event'])}: unknown event code "${printable(event)}"; accepted codes: ${accepted.join(', ')}`,
      ],
    }
  }
  const schema = deps.valueSchemaFor(event)
  if (!schema) {
    // events.json and the schemas disagree: a build-time bug, checked by value-schemas at load.
    throw new Error(`no value schema for ${event}`)
  }
  const checked = schema.validate(value, VALIDATE_OPTIONS)
  if (checked.error)
    return { index, uid, type: event, issues: issuesOf(checked.error.details, [...prefix, 'value']) }
  return { index, uid: uid!, type: event, value: checked.value }
}

/**
 * Validates a parsed request body. Envelope problems yield a single invalid entry at index -1
 * (the whole request is rejected); item problems are reported per item.
 */
export function validateRequest(doc: unknown, deps: ValidationDeps): ParsedRequest {
  const env = validateEnvelope(doc)
  if ('issues' in env) return { batch: false, valid: [], invalid: [{ index: -1, issues: env.issues }] }
  const out: ParsedRequest = { batch: env.batch, valid: [], invalid: [] }
  env.items.forEach((raw, i) => {
    const r = validateItem(raw, i, env.batch ? ['data', i] : ['data'], deps)
    if ('issues' in r) out.invalid.push(r)
    else out.valid.push(r)
  })
  return out
}
