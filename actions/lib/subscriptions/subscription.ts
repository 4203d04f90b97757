/**
 * A subscription: where events go (docs/delivery-contract.md). Validation schemas are built once at
 * module load; issues are reported by path, never echoing values (they may be secrets).
 */
import Joi from 'joi'
import { MAX_SELECTED_FIELDS } from '../delivery/payload'
import { DEFAULT_FORMAT, PAYLOAD_FORMATS, type PayloadFormat } from '../delivery/payload-format'
import { isValidSecret } from '../webhook-signature'
import { contentFilterSchema, FIELD_PATH, type ContentFilter } from './content-filter'
import { retrySettingSchema, type RetrySetting } from './retry-setting'

/** How the app authenticates to the endpoint, Virto-style (in addition to the signature). */
export type AuthSetting =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string }

/** A stored (or input-defined) subscription, secrets included: never returned as is. */
export interface Subscription {
  /** `[a-z0-9-]`, no dots (it is a State key part); `default` is the one defined by inputs. */
  id: string
  name: string
  /** Event codes, or `*` for every event. */
  eventTypes: string[]
  url: string
  active: boolean
  /** `whsec_…`; signs every delivery. */
  secret: string
  /** The secret before the last rotation; deliveries are signed with both until it expires. */
  previousSecret?: string
  previousSecretExpiresAt?: string
  /** Extra entity fields sent in `data` (at most 10). */
  fields: string[]
  auth?: AuthSetting
  /** Its own retry policy; absent: RETRY_SCHEDULE / RETRY_JITTER. */
  retry?: RetrySetting
  /** Body format; absent (subscriptions saved before formats): `ids`. */
  format?: PayloadFormat
  /** Only events matching it are delivered (content-filter.ts). */
  filter?: ContentFilter
  createdAt: string
  updatedAt: string
  /** Set when deactivated by a 410 or auto-disabled after failing for days; cleared on re-enable. */
  disabledAt?: string
  disabledReason?: string
  /** `state` for subscriptions created through the admin API, `inputs` for the default one. */
  source: 'state' | 'inputs'
}

/** The id of the subscription defined by WEBHOOK_URL / WEBHOOK_SECRET / WEBHOOK_EVENTS. */
export const DEFAULT_SUBSCRIPTION_ID = 'default'

/** Header names a custom auth header may not use: they belong to the delivery contract or to HTTP itself. */
const RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'expect',
  'upgrade',
  'te',
  'trailer',
]

/** Header values: printable ASCII only, so CR/LF (header injection) and other controls are a 400. */
const headerValue = Joi.string()
  .max(4096)
  .pattern(/^[\x20-\x7e]+$/, 'a valid printable ASCII without line breaks')
const authSchema = Joi.alternatives().conditional('.type', {
  switch: [
    {
      is: 'basic',
      then: Joi.object({
        type: Joi.valid('basic').required(),
        username: Joi.string()
          .max(256)
          .pattern(/^[\x20-\x39\x3b-\x7e]+$/, 'a valid printable ASCII without colon or line breaks')
          .required(),
        password: headerValue.required(),
      }),
    },
    {
      is: 'bearer',
      then: Joi.object({ type: Joi.valid('bearer').required(), token: headerValue.required() }),
    },
    {
      is: 'header',
      then: Joi.object({
        type: Joi.valid('header').required(),
        name: Joi.string()
          .pattern(/^[A-Za-z0-9-]{1,64}$/, 'a valid header name')
          .lowercase()
          .invalid(...RESERVED_HEADERS)
          .required(),
        value: headerValue.required(),
      }),
    },
  ],
  otherwise: Joi.any().custom(() => {
    throw new Error('type must be basic, bearer or header')
  }),
})

const fieldPath = Joi.string().max(100).pattern(FIELD_PATH, 'a valid field path').invalid('id', 'type')
const eventTypes = Joi.array()
  .items(
    Joi.string()
      .max(200)
      .pattern(/^(\*|[A-Za-z0-9_.-]+)$/, 'a valid event code or *'),
  )
  .min(1)
  .max(100)
  .unique()
const secret = Joi.string().custom((v: string) => {
  if (!isValidSecret(v)) throw new Error('must be whsec_ followed by base64 of 24 to 64 bytes')
  return v
})

/** Body of POST /subscriptions. */
export const createSubscriptionSchema = Joi.object({
  name: Joi.string().trim().min(1).max(200).required(),
  eventTypes: Joi.alternatives(
    eventTypes,
    Joi.string()
      .max(200)
      .custom((v: string) => [v]),
  ).required(),
  url: Joi.string().max(2048).required(),
  active: Joi.boolean().default(true),
  secret: secret.optional(),
  fields: Joi.array().items(fieldPath).max(MAX_SELECTED_FIELDS).unique().default([]),
  auth: authSchema.optional().allow(null),
  retry: retrySettingSchema.optional().allow(null),
  format: Joi.valid(...PAYLOAD_FORMATS).default(DEFAULT_FORMAT),
  filter: contentFilterSchema.optional().allow(null),
}).options({ abortEarly: false, stripUnknown: false, convert: true })

/** Body of PATCH /subscriptions/{id}: any subset of the create fields except the secret (rotate it instead). */
export const updateSubscriptionSchema = Joi.object({
  name: Joi.string().trim().min(1).max(200),
  eventTypes: Joi.alternatives(
    eventTypes,
    Joi.string()
      .max(200)
      .custom((v: string) => [v]),
  ),
  url: Joi.string().max(2048),
  active: Joi.boolean(),
  fields: Joi.array().items(fieldPath).max(MAX_SELECTED_FIELDS).unique(),
  auth: authSchema.allow(null),
  retry: retrySettingSchema.allow(null),
  format: Joi.valid(...PAYLOAD_FORMATS),
  filter: contentFilterSchema.allow(null),
})
  .min(1)
  .options({ abortEarly: false, convert: true })

/** Body of POST /subscriptions/{id}/rotate-secret. */
export const rotateSecretSchema = Joi.object({ secret: secret.optional() }).options({ abortEarly: false })

/** Input for creating a subscription (after validation). */
export interface SubscriptionInput {
  name: string
  eventTypes: string[]
  url: string
  active: boolean
  secret?: string
  fields: string[]
  auth?: AuthSetting | null
  retry?: RetrySetting | null
  format: PayloadFormat
  filter?: ContentFilter | null
}

/** Partial update (after validation). */
export type SubscriptionPatch = Partial<Omit<SubscriptionInput, 'secret'>>

/** What the admin API shows: no secrets, auth reduced to its type (and header name). */
export interface PublicSubscription extends Omit<Subscription, 'secret' | 'previousSecret' | 'auth'> {
  auth?: { type: AuthSetting['type']; name?: string }
  format: PayloadFormat
  /** True while the previous secret still signs deliveries. */
  rotating: boolean
}

/** Strips secrets for display. */
export function toPublic(sub: Subscription, nowMs: number): PublicSubscription {
  const { secret: _s, previousSecret: _p, auth, ...rest } = sub
  const out: PublicSubscription = {
    ...rest,
    format: rest.format ?? DEFAULT_FORMAT,
    rotating: signingSecrets(sub, nowMs).length > 1,
  }
  if (auth) out.auth = auth.type === 'header' ? { type: 'header', name: auth.name } : { type: auth.type }
  return out
}

/** True when the subscription wants this event (active and listing its type or `*`). */
export function wants(sub: Subscription, eventType: string): boolean {
  return sub.active && (sub.eventTypes.includes('*') || sub.eventTypes.includes(eventType))
}

/** Secrets that sign a delivery now: the current one, plus the previous one during rotation. */
export function signingSecrets(sub: Subscription, nowMs: number): string[] {
  const out = [sub.secret]
  if (
    sub.previousSecret &&
    (!sub.previousSecretExpiresAt || Date.parse(sub.previousSecretExpiresAt) > nowMs)
  ) {
    out.push(sub.previousSecret)
  }
  return out
}

/** The auth header to send, if any (`[name, value]`). */
export function authHeader(auth: AuthSetting | undefined): [string, string] | undefined {
  if (!auth) return undefined
  if (auth.type === 'basic')
    return ['authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`]
  if (auth.type === 'bearer') return ['authorization', `Bearer ${auth.token}`]
  return [auth.name.toLowerCase(), auth.value]
}
