/**
 * Sliding-window throttle, as I/O Events ingress applies it: at most `limit` requests per
 * `windowMs` per API key; past that the caller is told how many seconds to wait (`Retry-After`).
 */

/** Outcome of one request. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/** Creates a limiter; rejected requests are not counted. */
export function createRateLimiter(limit: number, windowMs: number, now: () => number) {
  /** Per key: request times in order, with a moving head so expiry is O(1) amortized. */
  const logs = new Map<string, { times: number[]; head: number }>()
  let checks = 0
  return {
    check(key: string): ThrottleDecision {
      const t = now()
      // Now and then forget keys idle for a whole window, so many distinct API keys can't grow the map forever.
      if (++checks % 4096 === 0) {
        for (const [k, l] of logs)
          if (!l.times.length || l.times[l.times.length - 1] <= t - windowMs) logs.delete(k)
      }
      let log = logs.get(key)
      if (!log) logs.set(key, (log = { times: [], head: 0 }))
      while (log.head < log.times.length && log.times[log.head] <= t - windowMs) log.head++
      if (log.head > 1024 && log.head * 2 > log.times.length) {
        log.times = log.times.slice(log.head)
        log.head = 0
      }
      if (log.times.length - log.head >= limit) {
        const oldest = log.times[log.head]
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - t) / 1000)) }
      }
      log.times.push(t)
      return { allowed: true }
    },
  }
}
