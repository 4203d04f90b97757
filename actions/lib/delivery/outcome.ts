/**
 * Classifies an attempt per the delivery contract (docs/delivery-contract.md):
 * 2xx delivered; 410 gone (the subscription is deactivated); 429, 5xx, timeouts and network/TLS
 * errors retried (honouring Retry-After); 3xx and other 4xx failed (retryable only by a person).
 */
import type { HttpAttemptResult } from './http-sender'
import { parseRetryAfter } from './retry-policy'

/** What to do after an attempt. */
export type OutcomeKind = 'delivered' | 'retry' | 'failed' | 'gone'

/** A classified attempt. */
export interface Outcome {
  kind: OutcomeKind
  /** For `retry`: the endpoint's Retry-After in ms, when it sent one. */
  retryAfterMs?: number
  /** Human summary for logs and the delivery record (no secrets). */
  reason: string
}

interface Rule {
  test: (r: HttpAttemptResult) => boolean
  kind: OutcomeKind
  reason: (r: HttpAttemptResult) => string
}

const RULES: Rule[] = [
  {
    test: (r) => r.errorKind === 'policy',
    kind: 'failed',
    reason: (r) => r.error ?? 'refused by URL policy',
  },
  { test: (r) => r.statusCode === undefined, kind: 'retry', reason: (r) => r.error ?? 'no response' },
  {
    test: (r) => r.statusCode! >= 200 && r.statusCode! < 300,
    kind: 'delivered',
    reason: (r) => `HTTP ${r.statusCode}`,
  },
  {
    test: (r) => r.statusCode === 410,
    kind: 'gone',
    reason: () => 'HTTP 410 Gone: the endpoint asked to stop deliveries',
  },
  {
    test: (r) => r.statusCode === 429 || r.statusCode! >= 500,
    kind: 'retry',
    reason: (r) => `HTTP ${r.statusCode}`,
  },
  { test: () => true, kind: 'failed', reason: (r) => `HTTP ${r.statusCode}` },
]

/** Classifies one attempt result. */
export function classifyAttempt(result: HttpAttemptResult, nowMs: number): Outcome {
  const rule = RULES.find((r) => r.test(result))!
  const outcome: Outcome = { kind: rule.kind, reason: rule.reason(result) }
  if (rule.kind === 'retry') {
    const retryAfterMs = parseRetryAfter(result.retryAfter, nowMs)
    if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs
  }
  return outcome
}
