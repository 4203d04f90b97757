/**
 * Remembers which event uids were already published, so a back-office that re-sends an event
 * (its retry after a timeout, a replayed batch) does not publish it twice.
 *
 * One `idem.` key per uid with a 24 h TTL: a handful of bytes, one read and one write per event,
 * and retention bounded by the TTL (a shop ingesting 100K events a day stays under the 200K key
 * quota together with the other key kinds).
 *
 * Best effort, by design — State has no conditional put, so "check, publish, remember" is not
 * atomic. Two requests carrying the same uid at the same moment can both miss the key and both
 * publish. That race is tolerated because the CloudEvent id is derived from the uid: both
 * publications are the *same* event for I/O Events consumers, which must deduplicate by event id
 * anyway (delivery is at least once). The key is written only after a successful publish, so a
 * failed publish is never remembered and the caller's retry publishes it.
 */
import { createHash } from 'node:crypto'
import type { KvStore } from './kv-store'

/** Prefix of idempotency keys in State. */
const IDEMPOTENCY_PREFIX = 'idem.'

/** How long a published uid is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600

/** What is stored for a published uid (for support: which event it became, and when). */
export interface IdempotencyRecord {
  /** CloudEvent id. */
  id: string
  /** Event code. */
  type: string
  /** Epoch ms of the publish. */
  at: number
}

/** Dedupe by uid. */
export interface IdempotencyStore {
  /** The record when `uid` was published within the TTL. */
  get(uid: string): Promise<IdempotencyRecord | undefined>
  /** Marks `uid` as published. */
  remember(uid: string, record: IdempotencyRecord): Promise<void>
}

const SAFE_UID = /^[a-zA-Z0-9_.-]{1,128}$/

/**
 * The State key of a uid. Uids that are valid key characters are kept readable (`idem.u.<uid>`);
 * others are hashed (`idem.h.<sha256>`) rather than character-replaced, because replacing would
 * make `a/b` and `a_b` the same key and silently drop a distinct event as a duplicate.
 */
export function idempotencyKey(uid: string): string {
  return SAFE_UID.test(uid)
    ? `${IDEMPOTENCY_PREFIX}u.${uid}`
    : `${IDEMPOTENCY_PREFIX}h.${createHash('sha256').update(uid, 'utf8').digest('hex')}`
}

/** Creates the store over a `KvStore` (aio-lib-state in actions, the memory store in unit tests). */
export function createIdempotencyStore(kv: KvStore, ttlSeconds = IDEMPOTENCY_TTL_SECONDS): IdempotencyStore {
  return {
    async get(uid) {
      const raw = await kv.get(idempotencyKey(uid))
      if (raw === undefined) return undefined
      try {
        return JSON.parse(raw) as IdempotencyRecord
      } catch {
        // A value we did not write (or a truncated one) still proves the key exists.
        return { id: '', type: '', at: 0 }
      }
    },
    async remember(uid, record) {
      await kv.put(idempotencyKey(uid), JSON.stringify(record), ttlSeconds)
    },
  }
}
