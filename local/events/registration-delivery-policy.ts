/**
 * I/O Events' delivery rules as data (https://developer.adobe.com/events/docs/common/retry-doc):
 * which status codes are retried, when, for how long, and how a registration's health moves
 * ACTIVE → UNSTABLE → DISABLED. Every duration is divided by the stack's `timeScale` so tests can
 * run a 24 h retry lifecycle in seconds.
 */
import type { RegistrationStatus } from './store'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** Pseudo status codes Debug Tracing shows when there is no HTTP answer. */
export const PSEUDO = {
  /** The request could not be built or was refused before sending (bad URL, unknown action). */
  CLIENT_ERROR: 601,
  /** Connection refused/reset, DNS failure, runtime unavailable. */
  NETWORK_ERROR: 602,
  /** No answer within the timeout (10 s webhook, 60 s runtime action), or the action timed out. */
  TIMEOUT: 604,
} as const

/** The published policy. */
export const DELIVERY_POLICY = {
  /** Waits before retry n (1-based): 1, 2, 4, 8 min, then every 15 min. */
  retryDelaysMs: [1 * MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE],
  steadyRetryMs: 15 * MINUTE,
  /** An event not delivered 24 h after its first attempt is dropped. */
  giveUpAfterMs: 24 * HOUR,
  /** Health window and thresholds (see `nextStatus`). */
  statusWindowMs: 24 * HOUR,
  minAttemptsForStatus: 10,
  failureRatio: 0.8,
  webhookTimeoutMs: 10_000,
  runtimeTimeoutMs: 60_000,
} as const

/** 2xx means delivered. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * 429 and 5xx except 505 are retried, as are the network/timeout pseudo codes (no answer is a
 * transient failure on Adobe too). 601 and every other code are final.
 */
export const isRetryable = (status: number): boolean =>
  status === 429 ||
  (status >= 500 && status < 600 && status !== 505) ||
  status === PSEUDO.NETWORK_ERROR ||
  status === PSEUDO.TIMEOUT

/** Delay before the retry that follows `attemptsSoFar` attempts, scaled. */
export function retryDelayMs(attemptsSoFar: number, timeScale: number): number {
  const raw = DELIVERY_POLICY.retryDelaysMs[attemptsSoFar - 1] ?? DELIVERY_POLICY.steadyRetryMs
  return raw / timeScale
}

/** Attempt counts over the status window. */
export interface WindowStats {
  attempts: number
  failures: number
}

/** True when the window meets the "failing registration" condition (≥10 attempts, ≥80% failed). */
export const isFailing = (w: WindowStats): boolean =>
  w.attempts >= DELIVERY_POLICY.minAttemptsForStatus &&
  w.failures >= DELIVERY_POLICY.failureRatio * w.attempts

/**
 * The registration's next status after an attempt.
 * - ACTIVE → UNSTABLE when the window is failing.
 * - UNSTABLE → DISABLED when a delivery exhausts its 24 h of retries while the window is still failing.
 * - UNSTABLE → ACTIVE as soon as the window is no longer failing (a recovered endpoint).
 * DISABLED stays DISABLED until someone re-enables the registration (PUT enabled:true).
 */
export function nextStatus(
  current: RegistrationStatus,
  window: WindowStats,
  deliveryExhausted: boolean,
): RegistrationStatus {
  const failing = isFailing(window)
  if (current === 'ACTIVE') return failing ? 'UNSTABLE' : 'ACTIVE'
  if (current === 'UNSTABLE') {
    if (!failing) return 'ACTIVE'
    return deliveryExhausted ? 'DISABLED' : 'UNSTABLE'
  }
  return 'DISABLED'
}
