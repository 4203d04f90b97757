/**
 * Validation of `publisher/publish` params: `{event: CanonicalEvent}` (canonical-event.ts).
 * Built once at module load; issues name paths, never values.
 */
import Joi from 'joi'
import type { CanonicalEvent } from '../canonical-event'
import { ValidationError } from '../errors'
import { QUIET_MESSAGES, toValidationError } from '../joi-messages'

const eventSchema = Joi.object({
  id: Joi.string().min(1).max(512).required(),
  type: Joi.string().min(1).max(256).required(),
  entity: Joi.string().min(1).max(128).required(),
  entityId: Joi.string().min(1).max(512).required(),
  entityType: Joi.string().min(1).max(128).required(),
  fields: Joi.object().unknown(true).default({}),
  // Other callers of publisher/publish may not send the whole entity: selections then read `fields` only.
  data: Joi.object().unknown(true).default({}),
  dataOmitted: Joi.boolean().valid(true),
  receivedAt: Joi.string().isoDate().required(),
})
  .unknown(true)
  .required()

/**
 * Validates publish params.
 * @throws ValidationError (400) naming the bad paths.
 */
export function parsePublishParams(params: Record<string, unknown>): CanonicalEvent {
  const result = eventSchema.validate(params.event, {
    abortEarly: false,
    messages: QUIET_MESSAGES,
    errors: { label: 'path' },
  }) as Joi.ValidationResult<CanonicalEvent>
  if (result.error) {
    if (params.event === undefined)
      throw new ValidationError('invalid publish params: event is required', ['event is required'])
    throw toValidationError('invalid event', result.error)
  }
  return result.value
}
