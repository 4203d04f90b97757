/**
 * The CloudEvent ingestion publishes for a back-office event. Its `id` is derived from the
 * back-office `uid` (a name-based UUID, RFC 4122 version 5), so re-sending a uid produces the
 * same event: if the idempotency check ever lets a duplicate through (see idempotency-store.ts),
 * consumers still see one event id and deduplicate it.
 */
import { createHash } from 'node:crypto'
import type { CloudEvent } from '../../lib/io-events-ingress-client'

/** UUID namespace of commerce-event-hub back-office events (fixed forever: changing it changes every id). */
const EVENT_ID_NAMESPACE = '5f0c8a34-2b1e-4c7d-9a61-0e3d7b2c9f48'

/** RFC 4122 version-5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace = EVENT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest()
  hash[6] = (hash[6] & 0x0f) | 0x50 // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80 // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The CloudEvent id of a back-office uid. */
export function eventIdFor(uid: string): string {
  return uuidV5(uid)
}

/** Builds the CloudEvent for one validated back-office event. */
export function buildCloudEvent(input: {
  uid: string
  type: string
  value: unknown
  providerId: string
  now: number
}): CloudEvent {
  return {
    specversion: '1.0',
    id: eventIdFor(input.uid),
    source: `urn:uuid:${input.providerId}`,
    type: input.type,
    datacontenttype: 'application/json',
    time: new Date(input.now).toISOString(),
    data: input.value,
  }
}
