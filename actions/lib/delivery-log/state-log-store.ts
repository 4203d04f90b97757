/**
 * The State backend of the delivery log (see log-store.ts for the contract, log-keys.ts for the
 * record keys, state-log-index.ts for the index documents).
 *
 * Point operations are one State call each: `get` reads `dlv.<id>`, `write` puts it (plus the
 * body apart when it does not fit, plus a change note when the writer is not the indexer).
 * Queries read the index head and then only the segment pages that can match. Retention is by
 * TTL: LOG_RETENTION_DAYS after the last write; scheduled records live at least until their due
 * time plus the retention.
 */
import { MAX_TTL_SECONDS, type KvStore } from '../kv-store'
import { capRecord, type DeliveryRecord } from './delivery-record'
import { bodyKey, changeKey, recordKey, SCHEDULED_STATUSES } from './log-keys'
import {
  BadCursorError,
  type DeliveryLogStore,
  type DueDelivery,
  type Lease,
  type LogEntry,
  type LogFilter,
  type LogPage,
} from './log-store'
import {
  chainsFor,
  emptyHead,
  entryMatches,
  INDEX_KEYS,
  matchingCount,
  newestFirst,
  segmentMayMatch,
  statsFromHead,
  toLogEntry,
  type IndexHead,
  type SegmentMeta,
  type StoredEntry,
} from './state-log-index'
import { refreshStateIndex } from './state-log-indexer'

/** Index documents cached by a warm container, valid while the head's version is `v`. */
export interface IndexCache {
  v: string
  docs: Map<string, string>
}

/** Options of the State backend. */
export interface StateLogStoreOptions {
  store: KvStore
  now: () => number
  /** LOG_RETENTION_DAYS in seconds. */
  retentionSeconds: number
  /** Shared by the activations of a warm container (a fresh one per store when omitted). */
  cache?: IndexCache
}

/** Segment pages a warm container keeps (≈170 KB each): an export walking the whole log stays in constant memory. */
const CACHED_PAGES_MAX = 8

/** Caches an index document; segment pages beyond CACHED_PAGES_MAX evict the oldest ones. */
export function rememberDoc(cache: IndexCache, key: string, raw: string): void {
  cache.docs.delete(key)
  cache.docs.set(key, raw)
  if (!key.startsWith('idx.p.')) return
  const pages = [...cache.docs.keys()].filter((k) => k.startsWith('idx.p.'))
  for (const old of pages.slice(0, Math.max(0, pages.length - CACHED_PAGES_MAX))) cache.docs.delete(old)
}

/** How long a change note lives: long enough for the sweeper to see it even after an outage. */
const NOTE_TTL_SECONDS = 7 * 86_400

/** TTL of a record: the retention after its last write, plus the time until its next attempt. */
function recordTtlSeconds(record: DeliveryRecord, retentionSeconds: number): number {
  const dueIn =
    SCHEDULED_STATUSES.includes(record.status) && record.nextAttemptAt
      ? Math.max(0, Date.parse(record.nextAttemptAt) - Date.parse(record.updatedAt)) / 1000
      : 0
  return Math.min(MAX_TTL_SECONDS, Math.ceil(retentionSeconds + dueIn))
}

/** The compact index entry of a record. */
export function entryOf(record: DeliveryRecord, retentionSeconds: number): StoredEntry {
  const last = record.attempts[record.attempts.length - 1]
  const updated = Date.parse(record.updatedAt)
  return {
    i: record.id,
    c: Date.parse(record.createdAt),
    u: updated,
    s: record.status,
    t: record.eventType,
    b: record.subscriptionId,
    ...(record.entityId ? { e: String(record.entityId).slice(0, 128) } : {}),
    a: record.attempts.length + (record.attemptsOmitted ?? 0),
    ...(last?.statusCode !== undefined ? { h: last.statusCode } : {}),
    ...(SCHEDULED_STATUSES.includes(record.status) && record.nextAttemptAt
      ? { d: Date.parse(record.nextAttemptAt) }
      : {}),
    x: updated + recordTtlSeconds(record, retentionSeconds) * 1000,
    ...(record.test ? { z: 1 as const } : {}),
  }
}

function encodeCursor(e: { c: number; i: string }): string {
  return Buffer.from(JSON.stringify([e.c, e.i])).toString('base64url')
}

function decodeCursor(cursor: string): { c: number; i: string } {
  try {
    const [c, i] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof c === 'number' && Number.isFinite(c) && typeof i === 'string') return { c, i }
  } catch {
    // fall through
  }
  throw new BadCursorError('cursor: not a cursor returned by this listing')
}

/** Creates the State backend. */
export function createStateLogStore(options: StateLogStoreOptions): DeliveryLogStore {
  const { store, now, retentionSeconds } = options
  const cache: IndexCache = options.cache ?? { v: '-', docs: new Map() }

  async function readHead(): Promise<IndexHead> {
    const raw = await store.get(INDEX_KEYS.head)
    const head = raw ? (JSON.parse(raw) as IndexHead) : emptyHead()
    if (cache.v !== head.v) {
      cache.v = head.v
      cache.docs.clear()
    }
    return head
  }

  /** An index document, from the warm cache when the head has not moved since it was read. */
  async function readDoc(key: string): Promise<string | undefined> {
    const hit = cache.docs.get(key)
    if (hit !== undefined) return hit
    const raw = await store.get(key)
    if (raw !== undefined) rememberDoc(cache, key, raw)
    return raw
  }

  async function readPage(seq: number): Promise<StoredEntry[]> {
    const raw = await readDoc(INDEX_KEYS.page(seq))
    return raw ? (JSON.parse(raw) as StoredEntry[]) : []
  }

  /** Walks one chain's candidate segments newest first, yielding matching entries newest first. */
  async function* walk(
    segments: SegmentMeta[],
    filter: LogFilter,
    after: { c: number; i: string } | undefined,
    nowMs: number,
  ): AsyncGenerator<StoredEntry> {
    for (const seg of segments) {
      const entries = (await readPage(seg.k))
        .filter((e) => entryMatches(e, filter, nowMs))
        .filter((e) => !after || e.c < after.c || (e.c === after.c && e.i < after.i))
        .sort(newestFirst)
      yield* entries
    }
  }

  return {
    async get(deliveryId) {
      const raw = await store.get(recordKey(deliveryId))
      return raw === undefined ? undefined : (JSON.parse(raw) as DeliveryRecord)
    },

    async write(record, origin) {
      const ttl = recordTtlSeconds(record, retentionSeconds)
      const capped = capRecord(record)
      let toStore = capped.record
      if (capped.fullBody !== undefined && !record.payloadRef) {
        const ref = bodyKey(record.id)
        // The body outlives the record's first TTL by a schedule's worth so retries can still send it.
        await store.put(ref, capped.fullBody, Math.min(MAX_TTL_SECONDS, ttl + retentionSeconds))
        toStore = { ...toStore, payloadRef: ref }
      }
      await store.put(recordKey(record.id), JSON.stringify(toStore), ttl)
      // The indexer finds new records by its scan; a change to an indexed record by anyone but the
      // indexer itself leaves a note so the next pass re-reads just that record.
      if (origin === 'admin') await store.put(changeKey(record.id), '1', NOTE_TTL_SECONDS)
    },

    async readBody(record) {
      return record.payloadRef ? store.get(record.payloadRef) : undefined
    },

    async query(filter, limit, cursor) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor)
      const head = await readHead()
      const nowMs = now()
      const names = chainsFor(filter)
      const streams = names.map((name) => {
        const segments = head.chains[name]
          .filter((seg) => segmentMayMatch(seg, filter) && (!after || seg.lo <= after.c))
          .reverse()
        return walk(segments, filter, after, nowMs)[Symbol.asyncIterator]()
      })
      // Merge the chains newest first, reading a chain's next page only when it is needed.
      const heads = await Promise.all(streams.map((s) => s.next()))
      const picked: StoredEntry[] = []
      while (picked.length < limit) {
        let best = -1
        heads.forEach((h, j) => {
          if (!h.done && (best < 0 || newestFirst(h.value, heads[best].value as StoredEntry) < 0)) best = j
        })
        if (best < 0) break
        picked.push(heads[best].value as StoredEntry)
        heads[best] = await streams[best].next()
      }
      const more = heads.some((h) => !h.done)
      const singleFacet =
        filter.from === undefined &&
        filter.to === undefined &&
        filter.entityId === undefined &&
        (filter.eventType === undefined || (!filter.status?.length && filter.subscriptionId === undefined))
      let total: number | undefined
      if (singleFacet)
        total = names
          .flatMap((n) => head.chains[n])
          .reduce(
            (sum, seg) =>
              sum + (filter.eventType ? (seg.t[filter.eventType] ?? 0) : matchingCount(seg, filter)),
            0,
          )
      const page: LogPage = {
        items: picked.map(toLogEntry),
        indexedAt: head.at,
        ...(more && picked.length ? { nextCursor: encodeCursor(picked[picked.length - 1]) } : {}),
        ...(total !== undefined ? { total } : {}),
      }
      return page
    },

    cursorAfter(entry) {
      return encodeCursor({ c: entry.createdAt, i: entry.id })
    },

    async due(nowMs, limit) {
      const head = await readHead()
      const out: DueDelivery[] = []
      for (const page of head.due.filter((p) => p.lo <= nowMs)) {
        const raw = await readDoc(INDEX_KEYS.due(page.k))
        for (const [id, dueAt, subscriptionId] of raw ? (JSON.parse(raw) as [string, number, string][]) : [])
          if (dueAt <= nowMs) out.push({ id, dueAt, subscriptionId })
        if (out.length >= limit) break
      }
      return out.sort((a, b) => a.dueAt - b.dueAt).slice(0, limit)
    },

    async subscriptionStats(subscriptionId) {
      return statsFromHead(await readHead(), subscriptionId)
    },

    async refreshIndex(opts) {
      return refreshStateIndex({ store, cache, retentionSeconds, readHead, readDoc }, opts)
    },

    async acquireLease(owner, nowMs, ttlMs, settle) {
      const held = parseLease(await store.get(INDEX_KEYS.lease))
      if (held && held.owner !== owner && held.until > nowMs) return undefined
      const lease: Lease = { owner, token: (held?.token ?? 0) + 1, until: nowMs + ttlMs }
      await store.put(INDEX_KEYS.lease, JSON.stringify(lease), Math.ceil(ttlMs / 1000) + 60)
      // Last write wins: after the settle time a competitor's racing put has landed; re-read.
      await settle()
      const check = parseLease(await store.get(INDEX_KEYS.lease))
      return check && check.owner === owner && check.token === lease.token ? check : undefined
    },

    async readLease() {
      return parseLease(await store.get(INDEX_KEYS.lease))
    },

    async releaseLease(owner) {
      // Only the holder gives it back, by expiring it: the token stays, so tokens only ever grow.
      const held = parseLease(await store.get(INDEX_KEYS.lease))
      if (held?.owner === owner)
        await store.put(INDEX_KEYS.lease, JSON.stringify({ ...held, until: 0 }), 3600)
    },
  }
}

/** Reads a stored lease; an unreadable one counts as none (it expires anyway). */
function parseLease(raw: string | undefined): Lease | undefined {
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw) as Partial<Lease>
    if (typeof v.owner !== 'string' || typeof v.until !== 'number') return undefined
    return { owner: v.owner, token: typeof v.token === 'number' ? v.token : 0, until: v.until }
  } catch {
    return undefined
  }
}

export type { LogEntry }
