/**
 * Delivery logs in aio state (`dlv.` keys, see log-keys.ts). Each record is written only by the
 * activation that owns the delivery at that moment (publish, the sweeper run that claimed it, or
 * an admin retry), so there is no shared mutable document and no lost update on the hot path.
 * Retention is by TTL: LOG_RETENTION_DAYS after the last write; scheduled records live at least
 * until their due time plus the retention. When the State key quota is reached, writes fail with
 * 403; the oldest records expire first and publish reports 503 so I/O Events retries later.
 */
import { MAX_TTL_SECONDS, type KvStore } from '../kv-store'
import { capRecord, type DeliveryRecord } from './delivery-record'
import {
  buildLogKey,
  deliveryGlob,
  DLV_PREFIX,
  encodeKeyPart,
  eventGlob,
  newestPerDelivery,
  parseLogKey,
  SCHEDULED_STATUSES,
  type DeliveryStatus,
  type LogKey,
} from './log-keys'

/** Prefix of full bodies that did not fit in their record. */
export const BODY_PREFIX = 'dlv.body.'

/** Filter of a log listing; every field optional. Times are epoch ms on `createdAt`. */
export interface LogFilter {
  status?: DeliveryStatus[]
  eventType?: string
  subscriptionId?: string
  eventId?: string
  from?: number
  to?: number
}

/** Store operations. */
export interface DeliveryLogStore {
  /** Writes `record` under its key (from status and times) and deletes `previousKey` when given and different. */
  write(record: DeliveryRecord, previousKey?: string): Promise<string>
  /** Subscription ids that already have a record for this event (one key listing). */
  subscriptionsWithRecord(eventId: string): Promise<Set<string>>
  /** Current key of a delivery id (newest when a crash left two), or undefined. */
  findKey(deliveryId: string): Promise<LogKey | undefined>
  /** Reads a record by key (plus its full body when stored apart). */
  read(key: string): Promise<DeliveryRecord | undefined>
  /** Keys matching a filter, newest first, deduplicated per delivery id (no value reads). */
  list(filter: LogFilter): Promise<LogKey[]>
  /** Pending/retrying keys due at `nowMs`, oldest due first (two key listings). */
  due(nowMs: number): Promise<LogKey[]>
  /** Deletes one key (stale duplicates). */
  remove(key: string): Promise<void>
  /** Reads the full body stored apart for a truncated record, when still there. */
  readBody(ref: string): Promise<string | undefined>
}

/** Options of the log store. */
export interface LogStoreOptions {
  store: KvStore
  now: () => number
  /** LOG_RETENTION_DAYS in seconds. */
  retentionSeconds: number
}

/** Creates the store. */
export function createDeliveryLogStore(options: LogStoreOptions): DeliveryLogStore {
  const { store, now, retentionSeconds } = options

  function ttlFor(record: DeliveryRecord): number {
    const dueIn = record.nextAttemptAt ? Math.max(0, Date.parse(record.nextAttemptAt) - now()) / 1000 : 0
    return Math.min(MAX_TTL_SECONDS, Math.ceil(retentionSeconds + dueIn))
  }

  async function keysOf(glob: string): Promise<LogKey[]> {
    return (await store.keys(glob)).map(parseLogKey).filter((k): k is LogKey => k !== undefined)
  }

  return {
    async write(record, previousKey) {
      const scheduled = SCHEDULED_STATUSES.includes(record.status)
      const key = buildLogKey({
        status: record.status,
        createdAt: Date.parse(record.createdAt),
        updatedAt: Date.parse(record.updatedAt),
        dueAt: scheduled && record.nextAttemptAt ? Date.parse(record.nextAttemptAt) : 0,
        eventType: record.eventType,
        eventId: record.eventId,
        subscriptionId: record.subscriptionId,
      })
      const ttl = ttlFor(record)
      const capped = capRecord(record)
      let toStore = capped.record
      if (capped.fullBody !== undefined && !record.payloadRef) {
        const ref = `${BODY_PREFIX}${record.id}`
        // The body outlives the record's first TTL by a schedule's worth so retries can still send it.
        await store.put(ref, capped.fullBody, Math.min(MAX_TTL_SECONDS, ttl + retentionSeconds))
        toStore = { ...toStore, payloadRef: ref }
      }
      // New key first, then the old one: a crash in between leaves a duplicate, never a loss.
      await store.put(key, JSON.stringify(toStore), ttl)
      if (previousKey && previousKey !== key) await store.delete(previousKey)
      return key
    },

    async subscriptionsWithRecord(eventId) {
      const keys = await keysOf(eventGlob(eventId))
      const encoded = encodeKeyPart(eventId)
      return new Set(keys.filter((k) => k.id.startsWith(`${encoded}.`)).map((k) => k.subscriptionId))
    },

    async findKey(deliveryId) {
      const keys = (await keysOf(deliveryGlob(deliveryId))).filter((k) => k.id === deliveryId)
      return newestPerDelivery(keys).current[0]
    },

    async read(key) {
      const raw = await store.get(key)
      return raw === undefined ? undefined : (JSON.parse(raw) as DeliveryRecord)
    },

    async list(filter) {
      const statuses = filter.status?.length ? filter.status : undefined
      const typePart = filter.eventType ? encodeKeyPart(filter.eventType) : '*'
      const eventPart = filter.eventId ? encodeKeyPart(filter.eventId) : '*'
      const subPart = filter.subscriptionId ?? '*'
      const globs = (statuses ?? ['*']).map((s) =>
        `${DLV_PREFIX}${s}.*.${typePart}.${eventPart}.${subPart}`.replace(/(\.\*)+$/, '.*'),
      )
      const keys = (await Promise.all(globs.map(keysOf))).flat()
      const matching = keys.filter(
        (k) =>
          (!statuses || statuses.includes(k.status)) &&
          (!filter.eventType || k.eventType === filter.eventType) &&
          (!filter.subscriptionId || k.subscriptionId === filter.subscriptionId) &&
          (!filter.eventId || k.eventId === filter.eventId) &&
          (filter.from === undefined || k.createdAt >= filter.from) &&
          (filter.to === undefined || k.createdAt <= filter.to),
      )
      return newestPerDelivery(matching).current.sort(
        (a, b) => b.createdAt - a.createdAt || (a.key < b.key ? 1 : -1),
      )
    },

    async due(nowMs) {
      const keys = (await Promise.all(SCHEDULED_STATUSES.map((s) => keysOf(`${DLV_PREFIX}${s}.*`)))).flat()
      return keys.filter((k) => k.dueAt <= nowMs).sort((a, b) => a.dueAt - b.dueAt)
    },

    async remove(key) {
      await store.delete(key)
    },

    async readBody(ref) {
      return store.get(ref)
    },
  }
}
