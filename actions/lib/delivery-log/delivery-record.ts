/**
 * One delivery record per (event, subscription): what was sent where, every attempt, and what
 * happens next. Records are capped at 64 KB (payload truncated with a marker, oldest attempts
 * elided) and never hold secrets, auth headers or signatures: response snippets are scrubbed of
 * anything that looks like one (an echo endpoint would otherwise hand them back to us).
 */
import type { DeliveryBody, PayloadFormat } from '../delivery/payload-format'
import type { RetryPolicy } from '../delivery/retry-policy'
import { redact } from '../logger'
import type { DeliveryStatus } from './log-keys'

/** Largest stored record, in bytes of JSON. */
export const MAX_RECORD_BYTES = 64 * 1024
/** Attempts kept: the first few and the most recent ones. */
const MAX_KEPT_ATTEMPTS = 25
const KEEP_FIRST_ATTEMPTS = 5
/** Size of the payload excerpt kept when the payload does not fit. */
const PAYLOAD_EXCERPT_CHARS = 4096
/** The marker ending a truncated payload excerpt. */
export const TRUNCATION_MARKER = '…[truncated]'

/** Who made an attempt. */
export type AttemptTrigger = 'publish' | 'sweeper' | 'manual' | 'test'

/** One attempt as logged. */
export interface AttemptLog {
  /** 1-based, as in the body's `attempt`. */
  attempt: number
  /** ISO time the attempt started. */
  at: string
  statusCode?: number
  durationMs: number
  error?: string
  /** First KB of the response, scrubbed. */
  responseSnippet?: string
  trigger: AttemptTrigger
  /** The `webhook-id` sent, when it is not the record's id (a re-send of a delivered delivery). */
  webhookId?: string
}

/** The stored record. */
export interface DeliveryRecord {
  /** `<eventId>.<subscriptionId>` (escaped); the `webhook-id` of the original message. */
  id: string
  /**
   * The `webhook-id` in use when it is not `id`: a manual re-send of a *delivered* delivery is a new
   * message `<id>.r<n>` (its automatic retries keep it); the record stays the original's.
   */
  webhookId?: string
  /** Re-sends of this delivery after it was delivered (`n` of the latest `<id>.r<n>`). */
  redeliveries?: number
  /** Body format (absent: `ids`). */
  format?: PayloadFormat
  /** The subscription's own retry policy when it had one (absent: the app-wide schedule). */
  retry?: RetryPolicy
  /** A test send (admin/subscriptions/{id}/test): never retried. */
  test?: true
  eventId: string
  eventType: string
  entity: string
  entityId: string
  entityType: string
  subscriptionId: string
  /** Endpoint without query string values (they may be tokens). */
  url: string
  status: DeliveryStatus
  attempts: AttemptLog[]
  /** Attempts elided to respect the size cap. */
  attemptsOmitted?: number
  /** The body of the latest attempt, or an excerpt string ending with TRUNCATION_MARKER. */
  payload: DeliveryBody | string
  payloadTruncated?: boolean
  /** State key holding the full body when the record could not (retries send it). */
  payloadRef?: string
  createdAt: string
  updatedAt: string
  /** When the next automatic attempt is due (pending/retrying). */
  nextAttemptAt?: string
  /** Automatic retries consumed so far (index into the retry schedule). */
  retryIndex: number
  /** Summary of the latest failure. */
  lastError?: string
}

/** URL shown in logs: query values replaced, no credentials. */
export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw)
    const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=…`).join('&')
    return `${u.origin}${u.pathname}${query ? `?${query}` : ''}`
  } catch {
    return '(invalid url)'
  }
}

const SIGNATURE = /v1,[A-Za-z0-9+/=]{16,}/g

/** Removes secrets from a text received from an endpoint. `sensitive` holds exact values to remove. */
export function scrub(text: string, sensitive: readonly string[]): string {
  let out = redact(text) as string
  out = out.replace(SIGNATURE, 'v1,[REDACTED]')
  for (const s of sensitive) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]')
  return out
}

function size(record: DeliveryRecord): number {
  return Buffer.byteLength(JSON.stringify(record))
}

/**
 * Applies the size cap. Returns the record to store and, when the payload had to be cut, the full
 * body to store separately (under `payloadRef`) so retries still send it.
 */
export function capRecord(record: DeliveryRecord): { record: DeliveryRecord; fullBody?: string } {
  let out = record
  if (out.attempts.length > MAX_KEPT_ATTEMPTS) {
    const extra = out.attempts.length - MAX_KEPT_ATTEMPTS
    out = {
      ...out,
      attempts: [
        ...out.attempts.slice(0, KEEP_FIRST_ATTEMPTS),
        ...out.attempts.slice(KEEP_FIRST_ATTEMPTS + extra),
      ],
      attemptsOmitted: (out.attemptsOmitted ?? 0) + extra,
    }
  }
  if (size(out) <= MAX_RECORD_BYTES || typeof out.payload === 'string') return { record: out }
  const fullBody = JSON.stringify(out.payload)
  out = {
    ...out,
    payload: fullBody.slice(0, PAYLOAD_EXCERPT_CHARS) + TRUNCATION_MARKER,
    payloadTruncated: true,
  }
  // Last resort (huge error texts are already bounded, so this only trims pathological snippets).
  if (size(out) > MAX_RECORD_BYTES)
    out = { ...out, attempts: out.attempts.map((a) => ({ ...a, responseSnippet: undefined })) }
  return { record: out, fullBody }
}
