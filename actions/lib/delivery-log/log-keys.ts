/**
 * Delivery log keys. Everything a list filters on is in the key, so listing by status, event
 * type, subscription or time — and finding due retries — needs key listings only, no value reads:
 *
 *   dlv.<status>.<createdMs>.<updatedMs>.<dueMs>.<eventType>.<eventId>.<subscriptionId>
 *
 * - times are 13-digit epoch ms (lexicographic order = time order); `dueMs` is 0 for final statuses;
 * - `eventType` and `eventId` are escaped so they contain no dots (see `encodeKeyPart`), which
 *   keeps the last two segments — the delivery id `<eventId>.<subscriptionId>` — unambiguous;
 * - the status changes the key: a status change writes the new key, then deletes the old one.
 *   If an activation dies in between, two keys exist for one delivery; `updatedMs` says which is
 *   current (readers keep the newest, the sweeper deletes the older one).
 */
import { createHash } from 'node:crypto'

/** Key prefix of delivery logs. */
export const DLV_PREFIX = 'dlv.'

/** Lifecycle of one delivery (event × subscription). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'dead'] as const
/** One of DELIVERY_STATUSES. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** Statuses the sweeper works on (they carry a due time). */
export const SCHEDULED_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying']

/** Longest encoded event type / id kept verbatim; longer ones are hashed (the record has the original). */
const MAX_ENCODED_PART = 200

/**
 * Escapes a string into `[A-Za-z0-9-_]` with no dots: letters, digits and `-` stay; `_` → `_u`,
 * `.` → `_d`, anything else → `_x` + 4 hex digits. Reversible unless hashed (`_h…`, for very long input).
 */
export function encodeKeyPart(raw: string): string {
  let out = ''
  for (const ch of raw) {
    if (/[A-Za-z0-9-]/.test(ch)) out += ch
    else if (ch === '_') out += '_u'
    else if (ch === '.') out += '_d'
    else
      for (const unit of Buffer.from(ch, 'utf16le').toString('hex').match(/..../g)!)
        out += `_x${unit.slice(2)}${unit.slice(0, 2)}`
  }
  if (out.length > MAX_ENCODED_PART || out.length === 0)
    return `_h${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`
  return out
}

/** Reverses `encodeKeyPart`; undefined for hashed parts. */
export function decodeKeyPart(encoded: string): string | undefined {
  if (encoded.startsWith('_h')) return undefined
  return encoded.replace(/_u|_d|(?:_x[0-9a-f]{4})+/g, (m) => {
    if (m === '_u') return '_'
    if (m === '_d') return '.'
    return Buffer.from(
      m
        .split('_x')
        .filter(Boolean)
        .map((h) => h.slice(2) + h.slice(0, 2))
        .join(''),
      'hex',
    ).toString('utf16le')
  })
}

/** A parsed key: everything a list shows without reading the value. */
export interface LogKey {
  key: string
  /** Delivery id: `<encodedEventId>.<subscriptionId>`; also the `webhook-id` header. */
  id: string
  status: DeliveryStatus
  createdAt: number
  updatedAt: number
  /** Due time for pending/retrying; 0 otherwise. */
  dueAt: number
  eventType: string
  /** Decoded event id (undefined when the key holds a hash of a very long id). */
  eventId?: string
  subscriptionId: string
}

const KEY =
  /^dlv\.(pending|delivered|retrying|failed|dead)\.(\d{13})\.(\d{13})\.(\d{13})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([a-z0-9-]{1,64})$/

const ms13 = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(13, '0')

/** The delivery id for (event, subscription). Stable across retries: it is the `webhook-id`. */
export function deliveryIdOf(eventId: string, subscriptionId: string): string {
  return `${encodeKeyPart(eventId)}.${subscriptionId}`
}

/** Builds a key. */
export function buildLogKey(parts: {
  status: DeliveryStatus
  createdAt: number
  updatedAt: number
  dueAt?: number
  eventType: string
  eventId: string
  subscriptionId: string
}): string {
  return [
    'dlv',
    parts.status,
    ms13(parts.createdAt),
    ms13(parts.updatedAt),
    ms13(parts.dueAt ?? 0),
    encodeKeyPart(parts.eventType),
    encodeKeyPart(parts.eventId),
    parts.subscriptionId,
  ].join('.')
}

/** Parses a key; undefined for keys that are not delivery records (e.g. `dlv.body.…`). */
export function parseLogKey(key: string): LogKey | undefined {
  const m = KEY.exec(key)
  if (!m) return undefined
  const eventType = decodeKeyPart(m[5]) ?? m[5]
  return {
    key,
    id: `${m[6]}.${m[7]}`,
    status: m[1] as DeliveryStatus,
    createdAt: Number(m[2]),
    updatedAt: Number(m[3]),
    dueAt: Number(m[4]),
    eventType,
    eventId: decodeKeyPart(m[6]),
    subscriptionId: m[7],
  }
}

/** Glob matching every record key of one delivery id (any status). */
export function deliveryGlob(deliveryId: string): string {
  return `${DLV_PREFIX}*.${deliveryId}`
}

/** Glob matching every record of one event (any subscription). */
export function eventGlob(eventId: string): string {
  return `${DLV_PREFIX}*.${encodeKeyPart(eventId)}.*`
}

/** True when `id` has the shape of a delivery id (safe to put in a glob). */
export function isDeliveryId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,210}\.[a-z0-9-]{1,64}$/.test(id)
}

/** Keeps the newest key per delivery id (see the crash note above). */
export function newestPerDelivery(keys: LogKey[]): { current: LogKey[]; stale: LogKey[] } {
  const best = new Map<string, LogKey>()
  const stale: LogKey[] = []
  for (const k of keys) {
    const seen = best.get(k.id)
    if (!seen || k.updatedAt > seen.updatedAt || (k.updatedAt === seen.updatedAt && k.key > seen.key)) {
      if (seen) stale.push(seen)
      best.set(k.id, k)
    } else stale.push(k)
  }
  return { current: [...best.values()], stale }
}
