/**
 * The Commerce event subscriptions onboarding asks Commerce for, read from
 * `onboarding/config/commerce-event-subscribe.json` — the starter kit's format, an array of
 * `{event: {name: "observer.<event>", fields: [{name, converter?, source?}], rules?: [{field,
 * operator, value}], destination?, priority?, hipaa_audit_required?}, force?}` (the body of
 * Commerce's `POST V1/eventing/eventSubscribe`, developer.adobe.com/commerce/extensibility/events/api/).
 *
 * With an app prefix (`COMMERCE_EVENT_PREFIX`, the starter kit's `EVENT_PREFIX`) a subscription is
 * named `<prefix>.observer.<event>` with `parent: "observer.<event>"`, and Commerce publishes it as
 * `com.adobe.commerce.<prefix>.observer.<event>` — as the starter kit's onboarding and Adobe's
 * `@adobe/aio-commerce-lib-app` name them.
 */
import fs from 'node:fs'
import path from 'node:path'
import Joi from 'joi'
import type { EventRegistry } from '../actions/lib/event-registry'

/** One field Commerce sends (`*` = every field of the entity). */
export interface SubscriptionField {
  name: string
  converter?: string
  source?: string
}

/** One rule (Commerce's conditional events). */
export interface SubscriptionRule {
  field: string
  operator: string
  value: string
}

/** One subscription, as Commerce's `eventSubscribe` takes it (`provider_id` added by onboarding). */
export interface CommerceSubscription {
  name: string
  parent?: string
  fields: SubscriptionField[]
  rules?: SubscriptionRule[]
  destination?: string
  priority?: boolean
  hipaa_audit_required?: boolean
  /** Not part of `event`: `eventSubscribe`'s "subscribe even if not defined locally". */
  force?: boolean
}

const COMMERCE_CODE = 'com.adobe.commerce.'

// The prefixed form of a code and the prefix's syntax are the routing's (one definition).
export { prefixedCommerceCode } from '../actions/lib/commerce-event-code'
export { COMMERCE_EVENT_PREFIX_PATTERN as PREFIX_PATTERN } from '../actions/lib/commerce-event-code'

/** Operators of Commerce's conditional events (events/conditional-events.md). */
const OPERATORS = ['greaterThan', 'lessThan', 'equal', 'regex', 'in', 'onChange']
// Field names as Commerce's subscribe command takes them (Adobe's aio-commerce-lib-events checks the same).
const FIELD_NAME = /^([a-zA-Z0-9_\-.[\]]+|\*)$/

const fileSchema = Joi.array()
  .items(
    Joi.object({
      event: Joi.object({
        name: Joi.string()
          .pattern(/^observer\.[a-z0-9_]+$/)
          .required()
          .messages({
            'string.pattern.base':
              '{#label} must be observer.<event> (the prefix is added from COMMERCE_EVENT_PREFIX)',
          }),
        parent: Joi.string(),
        fields: Joi.array()
          .items(
            Joi.object({
              name: Joi.string().pattern(FIELD_NAME).required(),
              converter: Joi.string(),
              source: Joi.string(),
            }),
          )
          .min(1)
          .unique('name')
          .required(),
        rules: Joi.array().items(
          Joi.object({
            field: Joi.string().pattern(FIELD_NAME).required(),
            operator: Joi.string()
              .valid(...OPERATORS)
              .required(),
            value: Joi.string().allow('').required(),
          }),
        ),
        destination: Joi.string(),
        priority: Joi.boolean(),
        hipaa_audit_required: Joi.boolean(),
        provider_id: Joi.string(),
      }).required(),
      force: Joi.boolean(),
    }),
  )
  .unique('event.name')
  .min(1)
  .required()

/** The file name, next to `events.json`. */
export const SUBSCRIBE_FILE = 'commerce-event-subscribe.json'

/**
 * Reads the subscriptions and checks them against the event catalogue: every Commerce code of
 * `events.json` needs a subscription (else Commerce never sends it) and every subscription an
 * event the app routes (else the consumer would only acknowledge it as ignored).
 * @throws Error naming the file and every problem.
 */
export function loadCommerceSubscriptions(dir: string, registry: EventRegistry): CommerceSubscription[] {
  const file = path.join(dir, SUBSCRIBE_FILE)
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (one subscription per Commerce event code of events.json)' : `invalid JSON (${(err as Error).message})`}`,
    )
  }
  const { error, value } = fileSchema.validate(raw, { abortEarly: false }) as {
    error?: Joi.ValidationError
    value: unknown
  }
  if (error)
    throw new Error(
      `${file}: ${error.details.map((d) => `${d.path.join('.') || '(root)'}: ${d.message}`).join('; ')}`,
    )
  const entries = value as { event: Omit<CommerceSubscription, 'force'>; force?: boolean }[]
  const subscribed = new Set(entries.map((e) => `${COMMERCE_CODE}${e.event.name}`))
  const routed = new Set(registry.byProvider('commerce').map((d) => d.code))
  const problems = [
    ...[...routed]
      .filter((c) => !subscribed.has(c))
      .map((c) => `no subscription for ${c} (events.json routes it)`),
    ...[...subscribed].filter((c) => !routed.has(c)).map((c) => `${c} is not a commerce code of events.json`),
  ]
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`)
  return entries.map(({ event, force }) => ({ ...event, ...(force !== undefined && { force }) }))
}

/** The subscriptions with the app prefix applied to their names (`parent` keeps the Commerce event). */
export function withPrefix(subscriptions: CommerceSubscription[], prefix?: string): CommerceSubscription[] {
  if (!prefix) return subscriptions
  return subscriptions.map((s) => ({ ...s, name: `${prefix}.${s.name}`, parent: s.parent ?? s.name }))
}
