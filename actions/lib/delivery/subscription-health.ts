/**
 * Subscription health: deactivation on 410 and auto-disable of endpoints that have failed every
 * attempt for SUBSCRIPTION_FAILURE_DISABLE_DAYS.
 *
 * Delivery counters are not stored on the subscription: many activations deliver concurrently and
 * State has no atomic increment, so a stored counter would lose updates. They are derived from
 * the delivery-log keys instead (counts per status, last success, last failure) — exact within
 * the log retention, at the cost of a key listing when someone looks at them.
 */
import type { Logger } from '../logger'
import type { LogKey } from '../delivery-log/log-keys'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { Subscription } from '../subscriptions/subscription'

/** Statuses that count as a failure of the endpoint. */
const FAILURE_STATUSES = new Set(['retrying', 'failed', 'dead'])

/**
 * Marks a subscription inactive with a reason (re-read first so a concurrent admin edit is not
 * overwritten with stale fields; two writers can still race — last writer wins, and both wanted
 * it inactive). Never throws: the next failing delivery tries again.
 */
export async function deactivate(
  store: SubscriptionStore,
  sub: Subscription,
  reason: string,
  nowMs: number,
  logger: Logger,
): Promise<boolean> {
  try {
    const fresh = await store.get(sub.id)
    if (!fresh || !fresh.active) return false
    const at = new Date(nowMs).toISOString()
    await store.save({ ...fresh, active: false, disabledAt: at, disabledReason: reason, updatedAt: at })
    logger.warn('subscription deactivated', { subscriptionId: sub.id, reason })
    return true
  } catch (err) {
    logger.error('could not deactivate subscription', {
      subscriptionId: sub.id,
      error: (err as Error).message,
    })
    return false
  }
}

/** Counters of one subscription, derived from its delivery-log keys. */
export interface SubscriptionStats {
  delivered: number
  failed: number
  retrying: number
  dead: number
  pending: number
  lastDeliveredAt?: string
  lastFailureAt?: string
}

/** Counts keys per status for one subscription (keys already deduplicated per delivery). */
export function statsOf(keys: readonly LogKey[]): SubscriptionStats {
  const stats: SubscriptionStats = { delivered: 0, failed: 0, retrying: 0, dead: 0, pending: 0 }
  let lastOk = 0
  let lastBad = 0
  for (const k of keys) {
    stats[k.status]++
    if (k.status === 'delivered') lastOk = Math.max(lastOk, k.updatedAt)
    else if (FAILURE_STATUSES.has(k.status)) lastBad = Math.max(lastBad, k.updatedAt)
  }
  if (lastOk) stats.lastDeliveredAt = new Date(lastOk).toISOString()
  if (lastBad) stats.lastFailureAt = new Date(lastBad).toISOString()
  return stats
}

/**
 * Since when a subscription has failed every attempt: the creation time of the oldest failing
 * delivery after both the last success and `notBeforeMs` (the subscription's last edit, so a
 * re-enabled endpoint gets a fresh period). Undefined when it is not failing.
 */
export function failingSince(keys: readonly LogKey[], notBeforeMs: number): number | undefined {
  let lastOk = notBeforeMs
  for (const k of keys) if (k.status === 'delivered') lastOk = Math.max(lastOk, k.updatedAt)
  let since: number | undefined
  for (const k of keys) {
    if (FAILURE_STATUSES.has(k.status) && k.createdAt > lastOk)
      since = since === undefined ? k.createdAt : Math.min(since, k.createdAt)
  }
  return since
}
