/** Cron as the OpenWhisk alarms feed evaluates it (UTC, 5 or 6 fields, names, steps, dom/dow OR). */
import { parseCron } from '../../../local/runtime/cron'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

describe('parseCron(expr).next(after)', () => {
  it.each([
    ['* * * * *', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z'],
    ['* * * * *', '2026-01-01T00:00:30.500Z', '2026-01-01T00:01:00.000Z'],
    ['*/15 * * * *', '2026-01-01T10:07:00.000Z', '2026-01-01T10:15:00.000Z'],
    ['*/10 * * * * *', '2026-01-01T10:00:05.000Z', '2026-01-01T10:00:10.000Z'],
    ['0 0 1 1 *', '2026-06-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['30 9 * * mon-fri', '2026-01-02T10:00:00.000Z', '2026-01-05T09:30:00.000Z'], // Fri after 9:30 → Mon
    ['0 12 * jun sun', '2026-01-01T00:00:00.000Z', '2026-06-07T12:00:00.000Z'],
    ['0 0 * * 7', '2026-01-01T00:00:00.000Z', '2026-01-04T00:00:00.000Z'], // 7 is Sunday too
    ['0 0 13 * fri', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'], // dom OR dow: Fri 2 Jan
    ['0 0 31 * *', '2026-02-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z'], // February has no 31st
    ['0 0 29 2 *', '2026-01-01T00:00:00.000Z', '2028-02-29T00:00:00.000Z'], // next leap day
    ['5,10-12 3 * * ?', '2026-01-01T03:10:00.000Z', '2026-01-01T03:11:00.000Z'],
    ['0 0 30 2 *', '2026-01-01T00:00:00.000Z', undefined], // never: no fire within 5 years
  ])('%s after %s → %s', (expr, after, expected) => {
    expect(iso(parseCron(expr).next(at(after)))).toBe(expected)
  })

  it.each([
    ['* * * *', 'cron "* * * *" must have 5 or 6 fields'],
    ['60 * * * *', 'cron minute: "60" is out of range 0-59'],
    ['* 24 * * *', 'cron hour: "24" is out of range 0-23'],
    ['* * 0 * *', 'cron day of month: "0" is out of range 1-31'],
    ['* * * foo *', 'cron month: "foo" is out of range 1-12'],
    ['*/0 * * * *', 'cron minute: bad step in "*/0"'],
    ['* 10-2 * * *', 'cron hour: range "10-2" is reversed'],
  ])('rejects %s: %s', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(new Error(message))
  })
})
