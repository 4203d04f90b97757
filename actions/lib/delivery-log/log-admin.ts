/**
 * Delivery-log operations behind admin/logs (Kustomer/Virto-style event logs): list with filters
 * (served from the index: a page costs a few point reads whatever the size of the log), get one
 * with every attempt (a point read: works before indexing), retry any delivery now (delivered ones
 * too), export to JSON page by page.
 *
 * Retries (one, or a filtered page in bulk) are in log-retry.ts.
 */
import Joi from 'joi'
import type { Clock } from '../clock'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { mapBounded } from '../bounded-concurrency'
import { QUIET_MESSAGES, toValidationError } from '../joi-messages'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import { createRetrier, notRetryable, type BulkRetryResult, type RetryDeps } from './log-retry'
import type { DeliveryRecord } from './delivery-record'
import { DELIVERY_STATUSES, deliveryIdOf, isDeliveryId, type DeliveryStatus } from './log-keys'
import { BadCursorError, type DeliveryLogStore, type LogEntry, type LogFilter } from './log-store'

/** Largest page of a listing or an export. */
const MAX_PAGE = 100
/** Export pages stop before this many bytes (web action results are capped at 1 MB). */
const EXPORT_PAGE_BYTES = 900 * 1024
/** Full records read in parallel by an export page. */
const EXPORT_READ_CONCURRENCY = 8

/** Dependencies of the log operations. */
export interface LogAdminDeps extends RetryDeps {
  logs: DeliveryLogStore
  subscriptions: SubscriptionStore
  clock: Clock
}

const FILTER_KEYS = ['status', 'eventType', 'subscriptionId', 'entityId', 'eventId', 'from', 'to'] as const

/** A bulk retry needs a filter, so an empty body cannot re-send the whole log. */
function requireFilter(query: LogQuery): LogQuery {
  if (!FILTER_KEYS.some((k) => query[k] !== undefined))
    throw new ValidationError(
      'a filter is required (status, type, subscription, entityId, eventId, from or to), e.g. status=failed,dead',
      ['status'],
    )
  return query
}

/** One row of a listing (from the index). */
export interface LogSummary {
  id: string
  eventType: string
  subscriptionId: string
  entityId?: string
  status: DeliveryStatus
  attempts: number
  lastHttpStatus?: number
  createdAt: string
  updatedAt: string
  nextAttemptAt?: string
}

/** How fresh a listing is (also stated in the README). */
export interface Freshness {
  /** Deliveries written before this time are listed; undefined when nothing was indexed yet. */
  indexedAt?: string
  freshness: string
}

const time = Joi.alternatives(Joi.number().integer().min(0), Joi.string().isoDate()).custom(
  (v: number | string) => (typeof v === 'number' ? v : Date.parse(v)),
)
/** A query as the schema returns it (status split, times as epoch ms, limit defaulted). */
interface RawLogQuery {
  status?: DeliveryStatus[]
  type?: string
  subscription?: string
  eventId?: string
  entityId?: string
  from?: number
  to?: number
  limit: number
  cursor?: string
}

const querySchema = Joi.object<RawLogQuery>({
  status: Joi.alternatives(Joi.array().items(Joi.string()), Joi.string()).custom((v: string | string[]) => {
    const list = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)
    if (!list.length || list.some((s) => !(DELIVERY_STATUSES as readonly string[]).includes(s))) {
      throw new Error(`must be one of ${DELIVERY_STATUSES.join(', ')}`)
    }
    return list
  }),
  type: Joi.string().max(256),
  subscription: Joi.string().pattern(/^[a-z0-9-]{1,64}$/, 'a valid subscription id'),
  eventId: Joi.string().max(512),
  entityId: Joi.string().max(128),
  from: time,
  to: time,
  limit: Joi.number()
    .integer()
    .min(1)
    .max(MAX_PAGE)
    .default(MAX_PAGE / 2),
  cursor: Joi.string()
    .max(2048)
    .pattern(/^[A-Za-z0-9_-]+$/, 'a valid cursor'),
}).unknown(false)

/** Parsed query. */
export interface LogQuery extends LogFilter {
  eventId?: string
  limit: number
  cursor?: string
}

/** Validates a listing/export query (query-string values arrive as strings). */
export function parseLogQuery(input: Record<string, unknown>): LogQuery {
  const result = querySchema.validate(input, {
    abortEarly: false,
    convert: true,
    messages: QUIET_MESSAGES,
    errors: { label: 'path' },
  })
  if (result.error) throw toValidationError('invalid log query', result.error)
  const value = result.value
  const q: LogQuery = { limit: value.limit }
  if (value.status) q.status = value.status
  if (value.type !== undefined) q.eventType = value.type
  if (value.subscription !== undefined) q.subscriptionId = value.subscription
  if (value.eventId !== undefined) q.eventId = value.eventId
  if (value.entityId !== undefined) q.entityId = value.entityId
  if (value.from !== undefined) q.from = value.from
  if (value.to !== undefined) q.to = value.to
  if (value.cursor !== undefined) q.cursor = value.cursor
  return q
}

const iso = (ms: number) => new Date(ms).toISOString()

function summaryOf(e: LogEntry): LogSummary {
  return {
    id: e.id,
    eventType: e.eventType,
    subscriptionId: e.subscriptionId,
    ...(e.entityId !== undefined ? { entityId: e.entityId } : {}),
    status: e.status,
    attempts: e.attempts,
    ...(e.lastHttpStatus !== undefined ? { lastHttpStatus: e.lastHttpStatus } : {}),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    ...(e.dueAt !== undefined ? { nextAttemptAt: iso(e.dueAt) } : {}),
  }
}

/** The index entry of a record read directly (event id lookups). */
function entryOfRecord(r: DeliveryRecord): LogEntry {
  const last = r.attempts[r.attempts.length - 1]
  return {
    id: r.id,
    createdAt: Date.parse(r.createdAt),
    updatedAt: Date.parse(r.updatedAt),
    status: r.status,
    eventType: r.eventType,
    subscriptionId: r.subscriptionId,
    ...(r.entityId ? { entityId: String(r.entityId) } : {}),
    attempts: r.attempts.length + (r.attemptsOmitted ?? 0),
    ...(last?.statusCode !== undefined ? { lastHttpStatus: last.statusCode } : {}),
    ...(r.nextAttemptAt ? { dueAt: Date.parse(r.nextAttemptAt) } : {}),
  }
}

function freshnessOf(indexedAt: number, direct: boolean): Freshness {
  if (direct)
    return { indexedAt: undefined, freshness: 'read directly from the delivery records: up to date' }
  if (!indexedAt)
    return {
      freshness:
        'the index has not been built yet: the sweeper builds it every minute; GET /{id} reads a delivery directly',
    }
  return {
    indexedAt: iso(indexedAt),
    freshness:
      'listed from the index the sweeper updates every minute: deliveries of the last minute or so may not be listed yet, and statuses may be that old; GET /{id} reads a delivery directly',
  }
}

const matches = (e: LogEntry, f: LogQuery): boolean =>
  (!f.status?.length || f.status.includes(e.status)) &&
  (f.eventType === undefined || e.eventType === f.eventType) &&
  (f.subscriptionId === undefined || e.subscriptionId === f.subscriptionId) &&
  (f.entityId === undefined || e.entityId === f.entityId) &&
  (f.from === undefined || e.createdAt >= f.from) &&
  (f.to === undefined || e.createdAt <= f.to)

/** Creates the operations. */
export function createLogAdmin(deps: LogAdminDeps) {
  const { logs, clock } = deps
  const retrier = createRetrier(deps)

  async function mustFind(id: string): Promise<DeliveryRecord> {
    if (!isDeliveryId(id))
      throw new ValidationError('id: not a delivery id (expected <eventId>.<subscriptionId>)', ['id'])
    const record = await logs.get(id)
    if (!record) throw new NotFoundError(`delivery ${id.slice(0, 80)} not found`)
    return record
  }

  /** A page of entries: one event's deliveries by point reads, anything else from the index. */
  async function page(query: LogQuery): Promise<{
    entries: LogEntry[]
    nextCursor?: string
    total?: number
    indexedAt: number
    direct: boolean
  }> {
    if (query.eventId !== undefined) {
      // Every delivery of an event has a computable id: one point read per subscription, fresh.
      const subs = await deps.subscriptions.list()
      const records = await mapBounded(subs, EXPORT_READ_CONCURRENCY, (s) =>
        logs.get(deliveryIdOf(query.eventId!, s.id)),
      )
      const entries = records
        .filter((r): r is DeliveryRecord => r !== undefined)
        .map(entryOfRecord)
        .filter((e) => matches(e, query))
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
        .slice(0, query.limit)
      return { entries, total: entries.length, indexedAt: 0, direct: true }
    }
    try {
      const p = await logs.query(query, query.limit, query.cursor)
      return {
        entries: p.items,
        ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}),
        ...(p.total !== undefined ? { total: p.total } : {}),
        indexedAt: p.indexedAt,
        direct: false,
      }
    } catch (err) {
      if (err instanceof BadCursorError) throw new ValidationError(err.message, ['cursor'])
      throw err
    }
  }

  return {
    /** GET /: newest first, from the index. */
    async list(
      query: LogQuery,
    ): Promise<{ items: LogSummary[]; total?: number; nextCursor?: string } & Freshness> {
      const p = await page(query)
      return {
        items: p.entries.map(summaryOf),
        ...(p.total !== undefined ? { total: p.total } : {}),
        ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}),
        ...freshnessOf(p.indexedAt, p.direct),
      }
    },

    /** GET /{id}: the full record (a point read). */
    async get(id: string): Promise<DeliveryRecord> {
      return mustFind(id)
    },

    /** POST /{id}/retry: one attempt now, whatever the status. */
    async retry(id: string): Promise<DeliveryRecord> {
      const record = await mustFind(id)
      const sub = await deps.subscriptions.get(record.subscriptionId)
      const why = notRetryable(record, sub)
      if (why) throw new ConflictError(why)
      return retrier.one(record, sub!)
    },

    /**
     * POST /retry: retries the deliveries the listing filters select, one page per call (see
     * log-retry.ts); `nextCursor` continues.
     */
    async retryMany(query: LogQuery): Promise<BulkRetryResult> {
      return retrier.many(query.cursor, await page(requireFilter(query)))
    },

    /**
     * GET /export: full records, newest first, one page per call (≤ `limit` records and ≤ 900 KB,
     * since a web action's result is capped at 1 MB); follow `nextCursor` for the next page. Memory
     * is one page whatever the size of the log; records are read `EXPORT_READ_CONCURRENCY` at a time.
     */
    async export(
      query: LogQuery,
    ): Promise<
      { exportedAt: string; count: number; items: DeliveryRecord[]; nextCursor?: string } & Freshness
    > {
      const p = await page(query)
      const records = await mapBounded(p.entries, EXPORT_READ_CONCURRENCY, (e) => logs.get(e.id))
      const items: DeliveryRecord[] = []
      let bytes = 0
      let nextCursor = p.nextCursor
      for (let j = 0; j < p.entries.length; j++) {
        const record = records[j]
        if (!record) continue // expired between indexing and reading
        const size = Buffer.byteLength(JSON.stringify(record))
        if (items.length && bytes + size > EXPORT_PAGE_BYTES) {
          nextCursor = p.direct ? undefined : logs.cursorAfter(p.entries[j - 1])
          break
        }
        items.push(record)
        bytes += size
      }
      return {
        exportedAt: iso(clock.now()),
        count: items.length,
        items,
        ...(nextCursor ? { nextCursor } : {}),
        ...freshnessOf(p.indexedAt, p.direct),
      }
    },
  }
}

/** The operations object. */
export type LogAdmin = ReturnType<typeof createLogAdmin>
