/**
 * The event envelope, declared once: what the consumer receives from I/O Events (a CloudEvent)
 * and what it hands each entity handler share the same identity (`type`, `id`, `data`); each hop
 * adds only its own attributes. Other keys are allowed because the action's inputs (LOG_LEVEL, …)
 * arrive in the same params, and CloudEvent extensions may be added by Adobe at any time.
 */
import Joi from 'joi'

const identity = {
  /** The event code. */
  type: Joi.string().min(1).max(255).required(),
  /** The I/O Events event id. */
  id: Joi.string().min(1).max(255).required(),
  data: Joi.any(),
}

/** A CloudEvent as I/O Events delivers it to the consumer action. */
export interface DeliveredEvent {
  type: string
  id: string
  data?: unknown
  source?: string
  __adobe_headers?: Record<string, unknown>
}

/** What the consumer hands an entity handler: the event plus its correlation. */
export interface EntityEvent {
  type: string
  id: string
  data?: unknown
  /** The id every log line of this event carries (the event id unless told otherwise). */
  correlationId?: string
  /** ISO time the consumer received the event. */
  receivedAt?: string
}

const deliveredEvent = Joi.object<DeliveredEvent>({
  ...identity,
  source: Joi.string().max(1024),
  __adobe_headers: Joi.object().unknown(true),
}).unknown(true)

const entityEvent = Joi.object<EntityEvent>({
  ...identity,
  correlationId: Joi.string().max(255),
  receivedAt: Joi.string().isoDate(),
}).unknown(true)

/** The envelope's value, or every issue found (messages name paths, never values). */
export type EnvelopeCheck<T> = { ok: true; value: T } | { ok: false; issues: string[] }

function check<T>(schema: Joi.ObjectSchema<T>, params: Record<string, unknown>): EnvelopeCheck<T> {
  const checked: Joi.ValidationResult<T> = schema.validate(params, {
    abortEarly: false,
    errors: { wrap: { label: false } },
  })
  if (checked.error) return { ok: false, issues: checked.error.details.map((d) => d.message) }
  return { ok: true, value: checked.value }
}

/** Checks the consumer's params (a delivered CloudEvent). */
export const checkDeliveredEvent = (params: Record<string, unknown>): EnvelopeCheck<DeliveredEvent> =>
  check(deliveredEvent, params)

/** Checks an entity handler's params. */
export const checkEntityEvent = (params: Record<string, unknown>): EnvelopeCheck<EntityEvent> =>
  check(entityEvent, params)
