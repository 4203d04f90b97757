/**
 * Subscription management (the core behind admin/subscriptions): create (the secret is returned
 * once), list, get with delivery counters, update, delete, rotate the secret. URLs are checked
 * against the URL policy here, so a bad endpoint is a 400 at creation, not a failure at delivery;
 * selected fields and filter paths against the field catalogue (a typo is a 400 listing the valid
 * paths, not a field silently never sent); a retry schedule against the log retention.
 */
import type Joi from 'joi'
import type { Clock } from '../clock'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { generateSecret } from '../webhook-signature'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import { checkUrlAtCreation, type UrlPolicy } from '../delivery/url-policy'
import { QUIET_MESSAGES, toValidationError } from '../joi-messages'
import { statsOf, type SubscriptionStats } from '../delivery/subscription-health'
import {
  createSubscriptionSchema,
  DEFAULT_SUBSCRIPTION_ID,
  rotateSecretSchema,
  toPublic,
  updateSubscriptionSchema,
  type PublicSubscription,
  type Subscription,
  type SubscriptionInput,
  type SubscriptionPatch,
} from './subscription'
import type { SubscriptionStore } from './subscription-store'
import { STANDARD_WEBHOOKS_SCHEDULE_MS, type RetryPolicy } from '../delivery/retry-policy'
import { fieldCatalog, type FieldCatalog } from './field-catalog'
import { checkRetrySpan, defaultSettingOf, type RetrySetting } from './retry-setting'

/** Dependencies of the admin operations. */
export interface SubscriptionAdminDeps {
  subscriptions: SubscriptionStore
  logs: DeliveryLogStore
  clock: Clock
  urlPolicy: UrlPolicy
  /** How long the previous secret keeps signing after a rotation. */
  rotationOverlapMs: number
  /** True for event codes the app knows (the event registry). */
  isKnownEventType: (code: string) => boolean
  /** Checks field paths against the catalogue (default: the app's, field-catalog.ts). */
  fieldCatalog?: Pick<FieldCatalog, 'checkPaths'>
  /** RETRY_SCHEDULE / RETRY_JITTER: what a subscription without its own policy uses (default: Standard Webhooks, ±10 %). */
  defaultRetry?: RetryPolicy
  /** LOG_RETENTION_DAYS in ms: no retry may be due after its record expires (default 30 days). */
  logRetentionMs?: number
}

/** A subscription as the admin API shows it: its retry policy always (the default one marked so). */
export interface ShownSubscription extends PublicSubscription {
  retry: RetrySetting & { default?: true }
}

/** A subscription as shown, with counters derived from its delivery logs. */
export interface SubscriptionView extends ShownSubscription {
  stats?: SubscriptionStats & { lastError?: string }
}

const DEFAULT_FIXED = ['url', 'eventTypes', 'auth'] as const

function validate<T>(schema: Joi.ObjectSchema, input: unknown, what: string): T {
  const result = schema.validate(input ?? {}, {
    messages: QUIET_MESSAGES,
    errors: { label: 'path' },
  }) as Joi.ValidationResult<T>
  if (result.error) throw toValidationError(what, result.error)
  return result.value
}

function checkEventTypes(types: string[] | undefined, known: (code: string) => boolean): void {
  const unknown = (types ?? []).filter((t) => t !== '*' && !known(t))
  if (unknown.length)
    throw new ValidationError(`eventTypes: unknown event code(s): ${unknown.slice(0, 5).join(', ')}`, [
      'eventTypes',
    ])
}

/** The URL policy, host name resolution included (a name resolving to private addresses is a 400). */
async function checkPolicy(url: string | undefined, policy: UrlPolicy): Promise<void> {
  if (url === undefined) return
  const check = await checkUrlAtCreation(url, policy)
  if (!check.ok) throw new ValidationError(`url: ${check.reason}`, ['url'])
}

/** How a secret may be shown: `resultStored` = the platform keeps this response (activation record). */
export interface RevealOptions {
  resultStored?: boolean
}

const STORED_RESULT =
  'secret: this response would be stored in the activation record (X-OW-EXTRA-LOGGING: on), so a generated secret cannot be shown; retry without that header, or supply your own "secret"'

/** Refuses (before any change) to generate a secret that could only be shown in a stored result. */
function checkReveal(supplied: string | undefined, options: RevealOptions): void {
  if (options.resultStored && supplied === undefined) throw new ValidationError(STORED_RESULT, ['secret'])
}

/** The secret for the response: omitted when the result is stored (the caller supplied it then). */
function reveal(secret: string, options: RevealOptions): { secret?: string } {
  return options.resultStored ? {} : { secret }
}

/** Creates the operations. */
export function createSubscriptionAdmin(deps: SubscriptionAdminDeps) {
  const { subscriptions, clock } = deps
  const iso = () => new Date(clock.now()).toISOString()
  const catalog = deps.fieldCatalog ?? fieldCatalog()
  const defaultRetry = deps.defaultRetry ?? { delaysMs: STANDARD_WEBHOOKS_SCHEDULE_MS, jitter: 0.1 }
  const retentionMs = deps.logRetentionMs ?? 30 * 86_400_000

  const show = (sub: Subscription): ShownSubscription => ({
    ...toPublic(sub, clock.now()),
    retry: sub.retry ?? defaultSettingOf(defaultRetry),
  })

  /**
   * Fields and filter paths known to the subscription's codes; the retry schedule within the
   * retention. On update only what the patch touches is checked (`touched`), so a subscription
   * saved before these checks can still be deactivated or renamed.
   */
  function checkSettings(
    sub: Pick<Subscription, 'eventTypes' | 'fields' | 'filter' | 'retry'>,
    touched: (key: 'fields' | 'filter' | 'retry' | 'eventTypes') => boolean = () => true,
  ): void {
    if (touched('fields') || touched('eventTypes')) catalog.checkPaths('fields', sub.fields, sub.eventTypes)
    if (touched('filter') || touched('eventTypes'))
      catalog.checkPaths('filter', Object.keys(sub.filter ?? {}), sub.eventTypes)
    if (sub.retry && touched('retry')) checkRetrySpan(sub.retry, defaultRetry, retentionMs)
  }

  async function mustGet(id: string): Promise<Subscription> {
    const sub = await subscriptions.get(id)
    if (!sub) throw new NotFoundError(`subscription ${id.slice(0, 64)} not found`)
    return sub
  }

  async function withStats(sub: Subscription, lastError: boolean): Promise<SubscriptionView> {
    const fromIndex = await deps.logs.subscriptionStats(sub.id)
    const stats: SubscriptionView['stats'] = statsOf(fromIndex)
    if (lastError && fromIndex.lastFailureId) {
      const record = await deps.logs.get(fromIndex.lastFailureId)
      if (record?.lastError) stats.lastError = record.lastError
    }
    return { ...show(sub), stats }
  }

  return {
    /** POST /: returns the subscription and, this once, its secret. */
    async create(
      input: unknown,
      options: RevealOptions = {},
    ): Promise<{ subscription: ShownSubscription; secret?: string }> {
      const body = validate<SubscriptionInput>(createSubscriptionSchema, input, 'invalid subscription')
      checkReveal(body.secret, options)
      checkEventTypes(body.eventTypes, deps.isKnownEventType)
      const settings = {
        fields: body.fields,
        format: body.format,
        ...(body.retry ? { retry: body.retry } : {}),
        ...(body.filter ? { filter: body.filter } : {}),
      }
      checkSettings({ eventTypes: body.eventTypes, ...settings })
      await checkPolicy(body.url, deps.urlPolicy)
      const now = iso()
      const sub: Subscription = {
        id: clock
          .id()
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '')
          .slice(0, 64),
        name: body.name,
        eventTypes: body.eventTypes,
        url: body.url,
        active: body.active,
        secret: body.secret ?? generateSecret(),
        ...settings,
        ...(body.auth ? { auth: body.auth } : {}),
        createdAt: now,
        updatedAt: now,
        source: 'state',
      }
      if (sub.id === DEFAULT_SUBSCRIPTION_ID || !sub.id)
        throw new ConflictError('could not allocate a subscription id')
      await subscriptions.save(sub)
      return { subscription: show(sub), ...reveal(sub.secret, options) }
    },

    /** GET /: every subscription (counters with `stats`: one key listing per subscription). */
    async list(stats: boolean): Promise<SubscriptionView[]> {
      const subs = await subscriptions.list({ fresh: true })
      return stats ? Promise.all(subs.map((s) => withStats(s, false))) : subs.map(show)
    },

    /** GET /{id}: one subscription with counters and its last error. */
    async get(id: string): Promise<SubscriptionView> {
      return withStats(await mustGet(id), true)
    },

    /** PATCH /{id}: partial update; re-enabling clears the disabled reason. */
    async update(id: string, input: unknown): Promise<ShownSubscription> {
      const patch = validate<SubscriptionPatch>(
        updateSubscriptionSchema,
        input,
        'invalid subscription update',
      )
      const sub = await mustGet(id)
      if (sub.id === DEFAULT_SUBSCRIPTION_ID) {
        const fixed = DEFAULT_FIXED.filter((k) => patch[k] !== undefined)
        if (fixed.length) {
          throw new ValidationError(
            `${fixed.join(', ')}: the default subscription takes them from the WEBHOOK_URL, WEBHOOK_EVENTS inputs`,
            [...fixed],
          )
        }
      }
      checkEventTypes(patch.eventTypes, deps.isKnownEventType)
      await checkPolicy(patch.url, deps.urlPolicy)
      const now = iso()
      const { auth, retry, filter, ...plain } = patch
      const next: Subscription = {
        ...sub,
        ...plain,
        auth: auth === null ? undefined : (auth ?? sub.auth),
        retry: retry === null ? undefined : (retry ?? sub.retry),
        filter: filter === null ? undefined : (filter ?? sub.filter),
        updatedAt: now,
      }
      for (const k of ['auth', 'retry', 'filter'] as const) if (!next[k]) delete next[k]
      checkSettings(next, (k) => patch[k] !== undefined)
      if (patch.active === true && !sub.active) {
        delete next.disabledAt
        delete next.disabledReason
      }
      if (patch.active === false && sub.active) {
        next.disabledAt = now
        next.disabledReason = 'deactivated by an administrator'
      }
      await subscriptions.save(next)
      return show(next)
    },

    /** DELETE /{id}. Its delivery logs stay until they expire; due retries are marked failed by the sweeper. */
    async remove(id: string): Promise<void> {
      if (id === DEFAULT_SUBSCRIPTION_ID)
        throw new ValidationError(
          'the default subscription is defined by the WEBHOOK_URL input: unset it to remove it',
          ['id'],
        )
      if (!(await subscriptions.remove(id)))
        throw new NotFoundError(`subscription ${id.slice(0, 64)} not found`)
    },

    /** POST /{id}/rotate-secret: new secret returned once; the old one keeps signing for the overlap. */
    async rotateSecret(
      id: string,
      input: unknown,
      options: RevealOptions = {},
    ): Promise<{ subscription: ShownSubscription; secret?: string; previousSecretExpiresAt: string }> {
      const body = validate<{ secret?: string }>(rotateSecretSchema, input, 'invalid rotation')
      checkReveal(body.secret, options)
      if (id === DEFAULT_SUBSCRIPTION_ID) {
        throw new ValidationError(
          'the default subscription signs with WEBHOOK_SECRET: set it to "<new> <old>" to rotate',
          ['id'],
        )
      }
      const sub = await mustGet(id)
      const secret = body.secret ?? generateSecret()
      if (secret === sub.secret)
        throw new ValidationError('secret: must differ from the current secret', ['secret'])
      const expires = new Date(clock.now() + deps.rotationOverlapMs).toISOString()
      const next: Subscription = {
        ...sub,
        secret,
        previousSecret: sub.secret,
        previousSecretExpiresAt: expires,
        updatedAt: iso(),
      }
      await subscriptions.save(next)
      return {
        subscription: show(next),
        ...reveal(secret, options),
        previousSecretExpiresAt: expires,
      }
    },
  }
}

/** The operations object. */
export type SubscriptionAdmin = ReturnType<typeof createSubscriptionAdmin>
