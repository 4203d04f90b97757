/**
 * The one rule for what a downstream status (an entity handler's, a publisher's) means for the
 * action that called it, and so for I/O Events, which retries on the caller's answer:
 * - 2xx: handled;
 * - 4xx except 429: rejected for good, the same status goes back (I/O Events does not retry it);
 * - 429 and 5xx: transient, the same status goes back (I/O Events retries);
 * - anything else (1xx, 3xx, nonsense): a broken dependency, answered as a retryable 502.
 */

/** What a downstream status means, and the status to answer with. */
export type StatusVerdict =
  | { kind: 'success'; statusCode: number }
  | { kind: 'rejected'; statusCode: number }
  | { kind: 'transient'; statusCode: number }

/** Applies the rule to one downstream status. */
export function judgeStatus(statusCode: number): StatusVerdict {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'success', statusCode }
  if (statusCode >= 400 && statusCode < 500 && statusCode !== 429) return { kind: 'rejected', statusCode }
  if (statusCode === 429 || (statusCode >= 500 && statusCode < 600)) return { kind: 'transient', statusCode }
  return { kind: 'transient', statusCode: 502 }
}
