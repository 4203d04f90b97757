/**
 * The Overview's figures, computed from what the API serves: the index counters of every
 * subscription (`?stats=true`: success rate, retry backlog, dead letters over the retention) and
 * the latest exported records (deliveries over time by status, latency of the latest attempts).
 */
import { STATUSES, type DeliveryRecord, type DeliveryStatus, type Subscription } from '../api/types'

/** One bar of the chart. */
export interface Bucket {
  start: number
  counts: Record<DeliveryStatus, number>
}

const zero = (): Record<DeliveryStatus, number> => ({
  pending: 0,
  delivered: 0,
  retrying: 0,
  failed: 0,
  dead: 0,
})

/** Deliveries by creation time in `n` equal buckets over the records' time span. */
export function bucketsOf(records: readonly DeliveryRecord[], n = 12): Bucket[] {
  if (!records.length) return []
  const times = records.map((r) => Date.parse(r.createdAt))
  const lo = Math.min(...times)
  const hi = Math.max(...times) + 1
  const width = Math.max(1, Math.ceil((hi - lo) / n))
  const out: Bucket[] = Array.from({ length: n }, (_, i) => ({ start: lo + i * width, counts: zero() }))
  records.forEach((r, i) => {
    out[Math.min(n - 1, Math.floor((times[i] - lo) / width))].counts[r.status]++
  })
  return out
}

/** Per-subscription figures. */
export interface SubscriptionFigures {
  id: string
  name: string
  successRate?: number
  backlog: number
  dead: number
  /** Median and 95th percentile of the latest attempt's duration (ms) among the sampled records. */
  p50?: number
  p95?: number
  sampled: number
}

function percentile(sorted: number[], p: number): number | undefined {
  if (!sorted.length) return undefined
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Success rate = delivered / (delivered + failed + dead) from the counters; latency from the sample. */
export function figuresOf(
  subs: readonly Subscription[],
  records: readonly DeliveryRecord[],
): SubscriptionFigures[] {
  return subs.map((s) => {
    const st = s.stats ?? { ...zero() }
    const settled = st.delivered + st.failed + st.dead
    const durations = records
      .filter((r) => r.subscriptionId === s.id && r.attempts.length)
      .map((r) => r.attempts[r.attempts.length - 1].durationMs)
      .sort((a, b) => a - b)
    return {
      id: s.id,
      name: s.name,
      successRate: settled ? st.delivered / settled : undefined,
      backlog: st.pending + st.retrying,
      dead: st.dead,
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
      sampled: durations.length,
    }
  })
}

export { STATUSES }
