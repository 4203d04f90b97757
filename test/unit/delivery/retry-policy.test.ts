import { formatDuration, parseDuration, parseDurationList } from '../../../actions/lib/delivery/durations'
import {
  MAX_RETRY_AFTER_MS,
  nextRetryDelay,
  parseJitter,
  parseRetryAfter,
  parseRetrySchedule,
  STANDARD_WEBHOOKS_SCHEDULE_MS,
} from '../../../actions/lib/delivery/retry-policy'

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    [' 30M ', 1_800_000],
    [250, 250],
  ])('parseDuration(%p) = %p ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms)
  })

  test.each(['', '5x', '-1s', 'five', '5 s s'])('parseDuration rejects %p', (raw) => {
    expect(() => parseDuration(raw)).toThrow(/is not a duration/)
  })

  test('a bare number in a list is seconds; the bad entry is named by position', () => {
    expect(parseDurationList('5, 5m,30m')).toEqual([5_000, 300_000, 1_800_000])
    expect(() => parseDurationList('5s,oops')).toThrow('entry 2: "oops" is not a duration')
  })

  test.each([
    [500, '500ms'],
    [5_000, '5s'],
    [300_000, '5m'],
    [7_200_000, '2h'],
    [1_500, '1.5s'],
  ])('formatDuration(%p) = %p', (ms, text) => expect(formatDuration(ms)).toBe(text))
})

describe('retry schedule', () => {
  test('empty input is the Standard Webhooks schedule', () => {
    expect(parseRetrySchedule('')).toBe(STANDARD_WEBHOOKS_SCHEDULE_MS)
    expect(STANDARD_WEBHOOKS_SCHEDULE_MS.map(formatDuration)).toEqual([
      '5s',
      '5m',
      '30m',
      '2h',
      '5h',
      '10h',
      '14h',
      '20h',
      '1d',
    ])
  })

  test('RETRY_SCHEDULE is data', () => {
    expect(parseRetrySchedule('5s,5m,30m,2h')).toEqual([5_000, 300_000, 1_800_000, 7_200_000])
  })

  test('jitter spreads each delay by ±jitter, from the injected random source', () => {
    const policy = { delaysMs: [10_000, 60_000], jitter: 0.1 }
    expect(nextRetryDelay(policy, 0, () => 0)).toBe(9_000)
    expect(nextRetryDelay(policy, 0, () => 0.5)).toBe(10_000)
    expect(nextRetryDelay(policy, 1, () => 0.999999)).toBe(66_000)
  })

  test('the schedule is exhausted after its last entry', () => {
    expect(nextRetryDelay({ delaysMs: [1_000], jitter: 0 }, 1, () => 0.5)).toBeUndefined()
  })

  test('Retry-After is a lower bound, clamped to 24 h', () => {
    const policy = { delaysMs: [1_000], jitter: 0 }
    expect(nextRetryDelay(policy, 0, () => 0.5, 3_000)).toBe(3_000)
    expect(nextRetryDelay(policy, 0, () => 0.5, 10)).toBe(1_000)
    expect(nextRetryDelay(policy, 0, () => 0.5, 30 * 86_400_000)).toBe(MAX_RETRY_AFTER_MS)
  })

  test.each([
    ['7', 7_000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%p) = %p', (header, ms) => {
    expect(parseRetryAfter(header, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(ms)
  })

  test.each(['-0.1', '1.5', 'x'])('jitter %p is rejected', (raw) =>
    expect(() => parseJitter(raw)).toThrow('fraction'),
  )
})
