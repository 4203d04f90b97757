/**
 * The app's one table of joi messages that replace those quoting the offending value (a value
 * may be a secret or a payload; issues must name the path and the rule only). Pass it as the
 * `messages` validation option. With `errors: { label: false }` joi drops the `{{#label}}`
 * prefix cleanly, so the same table serves messages with and without the path.
 */
import type Joi from 'joi'
import { ValidationError } from './errors'

export const QUIET_MESSAGES: Readonly<Record<string, string>> = {
  'string.pattern.base': '{{#label}} fails to match the required pattern',
  'string.pattern.name': '{{#label}} must be {{#name}}',
  'string.pattern.invert.base': '{{#label}} matches a forbidden pattern',
  'string.pattern.invert.name': '{{#label}} must not be {{#name}}',
  // Our own custom validators' messages never quote the value; joi's default wording around them does.
  'any.custom': '{{#label}} {{#error.message}}',
  'string.isoDate': '{{#label}} must be an ISO 8601 date',
}

/** Turns a joi error into a caller-safe 400 whose message lists `path: problem` for every issue. */
export function toValidationError(what: string, error: Joi.ValidationError): ValidationError {
  const issues = error.details.map((d) => d.message.replace(/^"([^"]*)"/, (_m, p: string) => p))
  return new ValidationError(`${what}: ${issues.join('; ')}`, issues)
}
