/**
 * Delivery-log operations behind admin/logs (Kustomer/Virto-style event logs): list with filters
 * (from keys alone — no value reads), get one with every attempt, retry any delivery now
 * (delivered ones too), export to JSON.
 *
 * A manual retry re-sends the stored body (ids plus the selected fields; receivers fetch the
 * entity's current data, as in Kustomer's "retry a successful event to refresh it") with the next
 * attempt number, a fresh timestamp, the subscription's current URL, secrets and auth header,
 * and the same `webhook-id`. It restarts the automatic schedule if it fails again.
 */
import Joi from 'joi'
import type { Clock } from '../clock'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { applyAttempt, attemptDelivery, nextAttemptNumber, type AttemptDeps } from '../delivery/attempt'
import { QUIET_MESSAGES, toValidationError } from '../delivery/validation-errors'
import type { RetryPolicy } from '../delivery/retry-policy'
import { deactivate } from '../delivery/subscription-health'
import { payloadForRetry } from '../delivery/sweep'
import type { Logger } from '../logger'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { DeliveryRecord } from './delivery-record'
import { DELIVERY_STATUSES, isDeliveryId, type DeliveryStatus, type LogKey } from './log-keys'
import type { DeliveryLogStore, LogFilter } from './log-store'

/** Largest page of a listing. */
export const MAX_PAGE = 500
/** Export pages stop before this many bytes (web action results are capped at 1 MB). */
export const EXPORT_PAGE_BYTES = 900 * 1024

/** Dependencies of the log operations. */
export interface LogAdminDeps extends AttemptDeps {
  logs: DeliveryLogStore
  subscriptions: SubscriptionStore
  clock: Clock
  retry: RetryPolicy
  random: () => number
  logger: Logger
}

/** One row of a listing (from the key only). */
export interface LogSummary {
  id: string
  eventId?: string
  eventType: string
  subscriptionId: string
  status: DeliveryStatus
  createdAt: string
  updatedAt: string
  nextAttemptAt?: string
}

const time = Joi.alternatives(Joi.number().integer().min(0), Joi.string().isoDate()).custom(
  (v: number | string) => (typeof v === 'number' ? v : Date.parse(v)),
)
const querySchema = Joi.object({
  status: Joi.alternatives(Joi.array().items(Joi.string()), Joi.string()).custom((v: string | string[]) => {
    const list = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)
    if (!list.length || list.some((s) => !(DELIVERY_STATUSES as readonly string[]).includes(s))) {
      throw new Error(`must be one of ${DELIVERY_STATUSES.join(', ')}`)
    }
    return list
  }),
  type: Joi.string().max(256),
  subscription: Joi.string().pattern(/^[a-z0-9-]{1,64}$/, 'subscription id'),
  eventId: Joi.string().max(512),
  from: time,
  to: time,
  limit: Joi.number().integer().min(1).max(MAX_PAGE).default(50),
  cursor: Joi.number().integer().min(0).default(0),
}).unknown(false)

/** Parsed query. */
export interface LogQuery extends LogFilter {
  limit: number
  cursor: number
}

/** Validates a listing/export query (query-string values arrive as strings). */
export function parseLogQuery(input: Record<string, unknown>): LogQuery {
  const { value, error } = querySchema.validate(input, {
    abortEarly: false,
    convert: true,
    messages: QUIET_MESSAGES,
    errors: { label: 'path' },
  })
  if (error) throw toValidationError('invalid log query', error)
  return {
    status: value.status,
    eventType: value.type,
    subscriptionId: value.subscription,
    eventId: value.eventId,
    from: value.from,
    to: value.to,
    limit: value.limit,
    cursor: value.cursor,
  }
}

function summaryOf(k: LogKey): LogSummary {
  return {
    id: k.id,
    ...(k.eventId !== undefined ? { eventId: k.eventId } : {}),
    eventType: k.eventType,
    subscriptionId: k.subscriptionId,
    status: k.status,
    createdAt: new Date(k.createdAt).toISOString(),
    updatedAt: new Date(k.updatedAt).toISOString(),
    ...(k.dueAt ? { nextAttemptAt: new Date(k.dueAt).toISOString() } : {}),
  }
}

/** Creates the operations. */
export function createLogAdmin(deps: LogAdminDeps) {
  const { logs, clock } = deps

  async function mustFind(id: string): Promise<{ key: LogKey; record: DeliveryRecord }> {
    if (!isDeliveryId(id))
      throw new ValidationError('id: not a delivery id (expected <eventId>.<subscriptionId>)', ['id'])
    const key = await logs.findKey(id)
    const record = key ? await logs.read(key.key) : undefined
    if (!key || !record) throw new NotFoundError(`delivery ${id.slice(0, 80)} not found`)
    return { key, record }
  }

  return {
    /** GET /: newest first, from keys only. */
    async list(query: LogQuery): Promise<{ items: LogSummary[]; total: number; nextCursor?: number }> {
      const keys = await logs.list(query)
      const page = keys.slice(query.cursor, query.cursor + query.limit)
      const next = query.cursor + page.length
      return {
        items: page.map(summaryOf),
        total: keys.length,
        ...(next < keys.length ? { nextCursor: next } : {}),
      }
    },

    /** GET /{id}: the full record. */
    async get(id: string): Promise<DeliveryRecord> {
      return (await mustFind(id)).record
    },

    /** POST /{id}/retry: one attempt now, whatever the status. */
    async retry(id: string): Promise<DeliveryRecord> {
      const { key, record } = await mustFind(id)
      const sub = await deps.subscriptions.get(record.subscriptionId)
      if (!sub) throw new ConflictError(`subscription ${record.subscriptionId} no longer exists`)
      if (!sub.active)
        throw new ConflictError(`subscription ${record.subscriptionId} is inactive: re-enable it first`)
      const payload = await payloadForRetry(record, logs)
      const result = await attemptDelivery(deps, sub, record.id, payload, nextAttemptNumber(record), 'manual')
      // A person asked for this: a new failure starts the automatic schedule from its first step.
      const updated = applyAttempt({ ...record, retryIndex: 0 }, result, deps.retry, clock.now(), deps.random)
      await logs.write(updated, key.key)
      if (result.outcome.kind === 'gone')
        await deactivate(
          deps.subscriptions,
          sub,
          updated.lastError ?? 'HTTP 410 Gone',
          clock.now(),
          deps.logger,
        )
      return updated
    },

    /** GET /export: full records, newest first, paged to stay under the 1 MB result limit. */
    async export(query: LogQuery): Promise<{
      exportedAt: string
      total: number
      count: number
      items: DeliveryRecord[]
      nextCursor?: number
    }> {
      const keys = await logs.list(query)
      const items: DeliveryRecord[] = []
      let bytes = 0
      let i = query.cursor
      for (; i < keys.length && items.length < query.limit; i++) {
        const record = await logs.read(keys[i].key)
        if (!record) continue // expired between listing and reading
        const size = Buffer.byteLength(JSON.stringify(record))
        if (items.length && bytes + size > EXPORT_PAGE_BYTES) break
        items.push(record)
        bytes += size
      }
      return {
        exportedAt: new Date(clock.now()).toISOString(),
        total: keys.length,
        count: items.length,
        items,
        ...(i < keys.length ? { nextCursor: i } : {}),
      }
    },
  }
}

/** The operations object. */
export type LogAdmin = ReturnType<typeof createLogAdmin>
