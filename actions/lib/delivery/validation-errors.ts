/**
 * Joi issues as caller-safe 400s: every issue named by path, never quoting the offending value
 * (it may be a secret or a payload).
 */
import type Joi from 'joi'
import { ValidationError } from '../errors'

/** Joi messages that never quote the offending value. */
export const QUIET_MESSAGES = {
  'string.pattern.base': '{{#label}} fails to match the required pattern',
  'string.pattern.name': '{{#label}} must be a valid {{#name}}',
  'any.custom': '{{#label}} {{#error.message}}',
  'string.isoDate': '{{#label}} must be an ISO 8601 date',
}

/** Turns a joi error into a ValidationError whose message lists `path: problem` for every issue. */
export function toValidationError(what: string, error: Joi.ValidationError): ValidationError {
  const issues = error.details.map((d) => d.message.replace(/^"([^"]*)"/, (_m, p: string) => p))
  return new ValidationError(`${what}: ${issues.join('; ')}`, issues)
}
