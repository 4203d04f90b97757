/**
 * Cron expressions as the OpenWhisk alarms feed accepts them (the `cron` npm package): 5 fields
 * `min hour day-of-month month day-of-week`, or 6 with seconds first; `*`, lists, ranges, steps
 * and month/day names; always evaluated in UTC. Day-of-month and day-of-week combine with OR when
 * both are restricted (classic cron).
 */

/** A parsed cron expression. */
export interface CronSchedule {
  /** The next fire time strictly after `afterMs` (epoch ms), or undefined if none within 5 years. */
  next(afterMs: number): number | undefined
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: string[]
  namesBase?: number
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesBase: 0 },
]

/** Parses `expr`; throws an Error naming the bad field. */
export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/)
  if (parts.length !== 5 && parts.length !== 6) throw new Error(`cron "${expr}" must have 5 or 6 fields`)
  const fields = parts.length === 5 ? ['0', ...parts] : parts
  const sets = fields.map((f, i) => parseField(f, FIELDS[i]))
  const [sec, min, hour, dom, mon, dow] = sets
  if (dow.has(7)) dow.add(0)
  const domRestricted = fields[3] !== '*' && fields[3] !== '?'
  const dowRestricted = fields[5] !== '*' && fields[5] !== '?'
  const dayMatches = (d: Date): boolean => {
    const a = dom.has(d.getUTCDate())
    const b = dow.has(d.getUTCDay())
    if (domRestricted && dowRestricted) return a || b
    return (domRestricted ? a : true) && (dowRestricted ? b : true)
  }
  return {
    next(afterMs) {
      const d = new Date(Math.floor(afterMs / 1000) * 1000 + 1000)
      const limit = afterMs + 5 * 366 * 24 * 3600 * 1000
      while (d.getTime() <= limit) {
        if (!mon.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1)
          d.setUTCHours(0, 0, 0, 0)
          continue
        }
        if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1)
          d.setUTCHours(0, 0, 0, 0)
          continue
        }
        if (!hour.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0)
          continue
        }
        if (!min.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0)
          continue
        }
        if (!sec.has(d.getUTCSeconds())) {
          d.setUTCSeconds(d.getUTCSeconds() + 1, 0)
          continue
        }
        return d.getTime()
      }
      return undefined
    },
  }
}

function parseField(field: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>()
  for (const part of field.toLowerCase().split(',')) {
    const [rangePart, stepPart] = part.split('/')
    const step = stepPart === undefined ? 1 : Number(stepPart)
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron ${spec.name}: bad step in "${part}"`)
    let lo: number
    let hi: number
    if (rangePart === '*' || rangePart === '?') {
      lo = spec.min
      hi = spec.name === 'day of week' ? 6 : spec.max
    } else if (rangePart.includes('-')) {
      const [a, b] = rangePart.split('-')
      lo = value(a, spec)
      hi = value(b, spec)
    } else {
      lo = value(rangePart, spec)
      hi = stepPart === undefined ? lo : spec.max
    }
    if (lo > hi) throw new Error(`cron ${spec.name}: range "${part}" is reversed`)
    for (let v = lo; v <= hi; v += step) out.add(v)
  }
  return out
}

function value(token: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(token.slice(0, 3)) ?? -1
  const n = named >= 0 && /^[a-z]+$/.test(token) ? named + (spec.namesBase ?? 0) : Number(token)
  if (!Number.isInteger(n) || n < spec.min || n > spec.max)
    throw new Error(`cron ${spec.name}: "${token}" is out of range ${spec.min}-${spec.max}`)
  return n
}
