/**
 * State keys of the delivery log (State backend). A record's key is computable from its delivery
 * id, so publish dedupes a redelivered event with one point read and every status change
 * overwrites the same key (one put, no duplicates to reconcile):
 *
 *   dlv.<deliveryId>          the record (deliveryId = <encodedEventId>.<subscriptionId>, the `webhook-id`)
 *   dlv.<deliveryId>.chg      note left by a writer other than the indexer (admin retry): re-index me
 *   dlb.<deliveryId>          the full body of a record whose payload was truncated
 *   idx.*                     index documents, written only by the sweeper (see state-log-index.ts)
 *
 * Notes share the `dlv.` prefix on purpose: the sweeper's one scan (`dlv.*`) finds new records and
 * change notes together. The encoded event id and the subscription id contain no dots, so the
 * number of dot-separated parts tells a record from a note.
 */
import { createHash } from 'node:crypto'

/** Key prefix of delivery records (and change notes). */
export const DLV_PREFIX = 'dlv.'
/** Key prefix of bodies stored apart. */
const BODY_PREFIX = 'dlb.'
/** Suffix of change notes. */
const CHANGE_SUFFIX = '.chg'

/** Lifecycle of one delivery (event × subscription). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'dead'] as const
/** One of DELIVERY_STATUSES. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** Statuses the sweeper works on (they carry a due time). */
export const SCHEDULED_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying']

/** Longest encoded event id kept verbatim; longer ones are hashed (the record has the original). */
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

/** The delivery id for (event, subscription). Stable across retries: it is the `webhook-id`. */
export function deliveryIdOf(eventId: string, subscriptionId: string): string {
  return `${encodeKeyPart(eventId)}.${subscriptionId}`
}

const DELIVERY_ID = /^[A-Za-z0-9_-]{1,210}\.[a-z0-9-]{1,64}$/

/** True when `id` has the shape of a delivery id (safe to put in a key). */
export function isDeliveryId(id: string): boolean {
  return DELIVERY_ID.test(id)
}

/** Key of a record. */
export const recordKey = (deliveryId: string): string => `${DLV_PREFIX}${deliveryId}`
/** Key of a change note. */
export const changeKey = (deliveryId: string): string => `${DLV_PREFIX}${deliveryId}${CHANGE_SUFFIX}`
/** Key of a body stored apart. */
export const bodyKey = (deliveryId: string): string => `${BODY_PREFIX}${deliveryId}`

/** What a `dlv.*` key is: a record or a change note of a delivery id; undefined for anything else. */
export function parseDlvKey(key: string): { id: string; note: boolean } | undefined {
  if (!key.startsWith(DLV_PREFIX)) return undefined
  const rest = key.slice(DLV_PREFIX.length)
  const note = rest.endsWith(CHANGE_SUFFIX)
  const id = note ? rest.slice(0, -CHANGE_SUFFIX.length) : rest
  return isDeliveryId(id) ? { id, note } : undefined
}
