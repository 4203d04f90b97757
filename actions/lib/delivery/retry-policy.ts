/**
 * The retry schedule is data: a list of delays between attempts (RETRY_SCHEDULE), by default the
 * Standard Webhooks one. Attempt 1 is immediate; after attempt n fails, attempt n+1 is due
 * `delays[n-1]` later (± jitter, never earlier than the endpoint's Retry-After). When the list is
 * exhausted the delivery is dead-lettered.
 */
import { parseDurationList } from './durations'

/** Standard Webhooks' recommended schedule after the immediate first attempt. */
export const STANDARD_WEBHOOKS_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
]

/** A Retry-After longer than this is clamped: an endpoint must not park a delivery for weeks. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000

/** When and how often to retry. */
export interface RetryPolicy {
  /** Delay before retry 1, 2, …; its length is the number of automatic retries. */
  delaysMs: readonly number[]
  /** Fraction of each delay randomly added or removed (0.1 = ±10 %) so retries of many deliveries spread out. */
  jitter: number
}

/** Builds a policy from the RETRY_SCHEDULE input (empty → Standard Webhooks). */
export function parseRetrySchedule(raw: unknown): readonly number[] {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
    return STANDARD_WEBHOOKS_SCHEDULE_MS
  const delays = parseDurationList(raw)
  if (delays.length > 50) throw new Error('at most 50 retries')
  return delays
}

/** Parses a jitter fraction between 0 and 1. */
export function parseJitter(raw: unknown): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error('expected a fraction between 0 and 1')
  return n
}

/**
 * Delay before the retry numbered `retryIndex` (0 = first retry), or undefined when the schedule
 * is exhausted. `random` returns [0, 1). A Retry-After from the endpoint is a lower bound.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  retryIndex: number,
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  const base = policy.delaysMs[retryIndex]
  if (base === undefined) return undefined
  const jittered = Math.max(0, Math.round(base * (1 + policy.jitter * (2 * random() - 1))))
  return retryAfterMs === undefined
    ? jittered
    : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS))
}

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
