import { ValidationError } from '../../../actions/lib/errors'
import {
  checkRetrySpan,
  defaultSettingOf,
  policyOf,
  retrySettingSchema,
} from '../../../actions/lib/subscriptions/retry-setting'

const fallback = { delaysMs: [5_000, 300_000], jitter: 0.1 }
const DAY = 86_400_000

describe('per-subscription retry setting', () => {
  test('schedules are normalized durations; bare numbers are seconds', () => {
    expect(retrySettingSchema.validate({ schedule: ['5s', 90, '1.5m', '2h'], jitter: 0 })).toEqual({
      value: { schedule: ['5s', '90s', '90s', '2h'], jitter: 0 },
    })
    expect(retrySettingSchema.validate({ schedule: [] }).value).toEqual({ schedule: [] })
  })

  test.each([
    [{ schedule: ['500ms'] }, 'under a second'],
    [{ schedule: ['8d'] }, 'over 7 days'],
    [{ schedule: ['soon'] }, 'not a duration'],
    [{ schedule: Array(51).fill('1s') }, 'more than 50 retries'],
    [{ schedule: ['1s'], jitter: 2 }, 'jitter over 1'],
    [{ jitter: 0.1 }, 'no schedule'],
    [{ schedule: ['1s'], extra: 1 }, 'unknown key'],
  ])('refuses %j (%s)', (input, _why) => {
    expect(retrySettingSchema.validate(input).error).toBeDefined()
  })

  test('the policy is the setting, else the app-wide one; jitter falls back separately', () => {
    expect(policyOf(undefined, fallback)).toBe(fallback)
    expect(policyOf({ schedule: ['1s', '2s'] }, fallback)).toEqual({ delaysMs: [1_000, 2_000], jitter: 0.1 })
    expect(policyOf({ schedule: ['1m'], jitter: 0 }, fallback)).toEqual({ delaysMs: [60_000], jitter: 0 })
  })

  test('the span (jitter included) must fit in the log retention', () => {
    expect(() => checkRetrySpan({ schedule: ['5d', '5d'], jitter: 0 }, fallback, 10 * DAY)).not.toThrow()
    expect(() => checkRetrySpan({ schedule: ['5d', '5d'] }, fallback, 10 * DAY)).toThrow(
      new ValidationError(
        'retry.schedule: the retries span up to 11d (jitter included), longer than the log retention (10d, LOG_RETENTION_DAYS)',
      ),
    )
  })

  test('the default is shown as a setting marked default', () => {
    expect(defaultSettingOf(fallback)).toEqual({ schedule: ['5s', '5m'], jitter: 0.1, default: true })
  })
})
