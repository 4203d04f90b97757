/** The I/O Events ingress throttle: sliding window per API key, with Retry-After, on an injected clock. */
import { createRateLimiter } from '../../../local/events/rate-limiter'

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

describe('createRateLimiter', () => {
  it.each([
    // [name, limit, windowMs, steps: [advanceMs, key, expected]]
    [
      'allows up to the limit, then asks to wait until the oldest request leaves the window',
      3,
      10_000,
      [
        [0, 'k', { allowed: true }],
        [1_000, 'k', { allowed: true }],
        [1_000, 'k', { allowed: true }],
        [1_000, 'k', { allowed: false, retryAfterSeconds: 7 }],
      ],
    ],
    [
      'counts each API key on its own',
      1,
      10_000,
      [
        [0, 'a', { allowed: true }],
        [0, 'b', { allowed: true }],
        [0, 'a', { allowed: false, retryAfterSeconds: 10 }],
      ],
    ],
    [
      'lets a request in again exactly when the oldest one leaves the window',
      1,
      10_000,
      [
        [0, 'k', { allowed: true }],
        [9_999, 'k', { allowed: false, retryAfterSeconds: 1 }],
        [1, 'k', { allowed: true }],
      ],
    ],
    [
      'does not count rejected requests (a client hammering while throttled is not punished further)',
      2,
      1_000,
      [
        [0, 'k', { allowed: true }],
        [0, 'k', { allowed: true }],
        [100, 'k', { allowed: false, retryAfterSeconds: 1 }],
        [100, 'k', { allowed: false, retryAfterSeconds: 1 }],
        [800, 'k', { allowed: true }],
        [0, 'k', { allowed: true }],
      ],
    ],
    [
      'rounds Retry-After up and never below one second',
      1,
      2_500,
      [
        [0, 'k', { allowed: true }],
        [100, 'k', { allowed: false, retryAfterSeconds: 3 }],
        [2_300, 'k', { allowed: false, retryAfterSeconds: 1 }],
      ],
    ],
  ] as const)('%s', (_name, limit, windowMs, steps) => {
    const clock = manualClock()
    const limiter = createRateLimiter(limit, windowMs, clock.now)
    const seen = steps.map(([advance, key]) => {
      clock.advance(advance)
      return limiter.check(key)
    })
    expect(seen).toEqual(steps.map(([, , expected]) => expected))
  })

  it('keeps its decisions exact across the compaction of a long log', () => {
    const clock = manualClock()
    const limiter = createRateLimiter(100, 1_000, clock.now)
    // 5,000 requests at 10 ms intervals: each window holds exactly 100, so all are allowed.
    const allowed = Array.from({ length: 5_000 }, () => {
      clock.advance(10)
      return limiter.check('k').allowed
    })
    expect(allowed.every(Boolean)).toBe(true)
    expect(limiter.check('k')).toEqual({ allowed: false, retryAfterSeconds: 1 })
  })

  it('forgets keys idle for a whole window, and a returning key starts afresh', () => {
    const clock = manualClock()
    const limiter = createRateLimiter(1, 1_000, clock.now)
    for (let i = 0; i < 4_000; i++) limiter.check(`key-${i}`)
    clock.advance(1_000)
    // The next checks pass a sweep (every 4,096 checks), which drops the 4,000 idle keys.
    for (let i = 0; i < 200; i++) limiter.check(`other-${i}`)
    expect([limiter.check('key-0'), limiter.check('key-0')]).toEqual([
      { allowed: true },
      { allowed: false, retryAfterSeconds: 1 },
    ])
  })
})
