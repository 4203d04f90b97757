/**
 * Human durations (`500ms`, `5s`, `5m`, `2h`, `1d`) for inputs such as RETRY_SCHEDULE and
 * DELIVERY_TIMEOUT, so operators write schedules the way the Standard Webhooks docs do.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/

/**
 * Parses one duration. A bare number is read in `defaultUnit`.
 * @throws Error naming the expected form (never echoing more than the bad token).
 */
export function parseDuration(raw: unknown, defaultUnit: keyof typeof UNIT_MS = 'ms'): number {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0)
    return Math.round(raw * UNIT_MS[defaultUnit])
  const text = String(raw).trim().toLowerCase()
  const m = DURATION.exec(text)
  if (!m) throw new Error(`"${text.slice(0, 20)}" is not a duration like 500ms, 5s, 5m, 2h or 1d`)
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? defaultUnit])
}

/**
 * Parses a comma-separated list of durations (`5s,5m,30m,2h`).
 * @throws Error naming the position of the bad entry.
 */
export function parseDurationList(raw: unknown): number[] {
  const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((s) => s.trim())
  if (parts.length === 1 && parts[0] === '')
    throw new Error('expected a comma-separated list of durations like 5s,5m,30m')
  return parts.map((p, i) => {
    try {
      return parseDuration(p, 's')
    } catch (err) {
      throw new Error(`entry ${i + 1}: ${(err as Error).message}`)
    }
  })
}

/** Formats milliseconds compactly for messages (`1500` → `1.5s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${Math.round(ms / 100) / 10}s`
}
