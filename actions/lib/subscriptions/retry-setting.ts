/**
 * A subscription's own retry policy (`retry: {schedule, jitter}`), the per-webhook setting of the
 * webhook products our users know. Validated when saved (count, each delay, total span within the
 * log retention: a retry due after its record expired could never happen); absent means the
 * app-wide RETRY_SCHEDULE / RETRY_JITTER.
 */
import Joi from 'joi'
import { ValidationError } from '../errors'
import { formatDuration, parseDuration } from '../delivery/durations'
import type { RetryPolicy } from '../delivery/retry-policy'

/** Most automatic retries a schedule may hold (as RETRY_SCHEDULE). */
export const MAX_RETRIES = 50
/** Shortest delay between attempts: an endpoint that just failed gets at least a second. */
export const MIN_RETRY_DELAY_MS = 1_000
/** Longest single delay (the Standard Webhooks schedule's longest is 24 h). */
export const MAX_RETRY_DELAY_MS = 7 * 86_400_000

/** The stored setting: delays as normalized duration strings (`["5s","5m"]`), jitter when set. */
export interface RetrySetting {
  schedule: string[]
  /** Fraction of each delay added or removed at random; absent: RETRY_JITTER. */
  jitter?: number
}

const delay = Joi.alternatives(Joi.string().max(20), Joi.number().min(0)).custom((raw: string | number) => {
  const ms = parseDuration(raw, 's')
  if (ms < MIN_RETRY_DELAY_MS || ms > MAX_RETRY_DELAY_MS)
    throw new Error(`each delay must be from ${formatDuration(MIN_RETRY_DELAY_MS)} to 7d`)
  return formatDuration(ms)
})

/** Joi schema of the `retry` field (`null` on update resets to the app-wide default). */
export const retrySettingSchema = Joi.object<RetrySetting>({
  schedule: Joi.array().items(delay).max(MAX_RETRIES).required(),
  jitter: Joi.number().min(0).max(1),
})

/** The policy the delivery code runs: the setting's delays, else `fallback` (the app-wide one). */
export function policyOf(setting: RetrySetting | undefined, fallback: RetryPolicy): RetryPolicy {
  if (!setting) return fallback
  return {
    delaysMs: setting.schedule.map((d) => parseDuration(d, 's')),
    jitter: setting.jitter ?? fallback.jitter,
  }
}

/**
 * Refuses a schedule whose last retry could fall after the log retention (delays summed, with the
 * jitter's worst case): the record, and so the retry, would be gone by then.
 * @throws ValidationError naming the span and the limit
 */
export function checkRetrySpan(setting: RetrySetting, fallback: RetryPolicy, retentionMs: number): void {
  const policy = policyOf(setting, fallback)
  const span = policy.delaysMs.reduce((a, b) => a + b, 0) * (1 + policy.jitter)
  if (span > retentionMs)
    throw new ValidationError(
      `retry.schedule: the retries span up to ${formatDuration(Math.round(span))} (jitter included), longer than the log retention (${formatDuration(retentionMs)}, LOG_RETENTION_DAYS)`,
      ['retry'],
    )
}

/** The setting shown for a subscription without its own: the app-wide policy, marked as default. */
export function defaultSettingOf(policy: RetryPolicy): RetrySetting & { default: true } {
  return { schedule: policy.delaysMs.map(formatDuration), jitter: policy.jitter, default: true }
}
