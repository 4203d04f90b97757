/** I/O Events' published delivery rules: what is retried, when, and how registration health moves. */
import {
  DELIVERY_POLICY,
  PSEUDO,
  isFailing,
  isRetryable,
  isSuccess,
  nextStatus,
  retryDelayMs,
} from '../../../local/events/registration-delivery-policy'

describe('status classification', () => {
  it.each([
    [200, true, false],
    [204, true, false],
    [299, true, false],
    [301, false, false],
    [400, false, false],
    [404, false, false],
    [429, false, true],
    [500, false, true],
    [503, false, true],
    [505, false, false],
    [599, false, true],
    [PSEUDO.CLIENT_ERROR, false, false],
    [PSEUDO.NETWORK_ERROR, false, true],
    [PSEUDO.TIMEOUT, false, true],
  ])('%i: success %s, retryable %s', (status, success, retryable) => {
    expect([isSuccess(status), isRetryable(status)]).toEqual([success, retryable])
  })
})

describe('retryDelayMs', () => {
  it.each([
    [1, 1, 60_000],
    [2, 1, 120_000],
    [3, 1, 240_000],
    [4, 1, 480_000],
    [5, 1, 900_000],
    [40, 1, 900_000],
    [1, 60, 1_000],
    [5, 1000, 900],
  ])('after %i attempt(s) at time scale %i waits %i ms', (attempts, scale, expected) => {
    expect(retryDelayMs(attempts, scale)).toBe(expected)
  })
})

describe('registration health', () => {
  it.each([
    [{ attempts: 9, failures: 9 }, false],
    [{ attempts: 10, failures: 8 }, true],
    [{ attempts: 10, failures: 7 }, false],
    [{ attempts: 100, failures: 80 }, true],
  ])('window %o failing: %s', (window, failing) => {
    expect(isFailing(window)).toBe(failing)
  })

  const failing = { attempts: 10, failures: 10 }
  const healthy = { attempts: 10, failures: 0 }
  it.each([
    ['ACTIVE', healthy, false, 'ACTIVE'],
    ['ACTIVE', failing, false, 'UNSTABLE'],
    ['ACTIVE', failing, true, 'UNSTABLE'],
    ['UNSTABLE', failing, false, 'UNSTABLE'],
    ['UNSTABLE', failing, true, 'DISABLED'],
    ['UNSTABLE', healthy, true, 'ACTIVE'],
    ['DISABLED', healthy, false, 'DISABLED'],
  ] as const)('%s with %o, exhausted %s → %s', (current, window, exhausted, expected) => {
    expect(nextStatus(current, window, exhausted)).toBe(expected)
  })

  it('publishes the documented thresholds', () => {
    expect(DELIVERY_POLICY).toEqual({
      retryDelaysMs: [60_000, 120_000, 240_000, 480_000],
      steadyRetryMs: 900_000,
      giveUpAfterMs: 86_400_000,
      statusWindowMs: 86_400_000,
      minAttemptsForStatus: 10,
      failureRatio: 0.8,
      webhookTimeoutMs: 10_000,
      runtimeTimeoutMs: 60_000,
    })
  })
})
