/**
 * Subscription health: deactivation on 410 and auto-disable of endpoints that have failed every
 * attempt for SUBSCRIPTION_FAILURE_DISABLE_DAYS.
 *
 * Delivery counters are not stored on the subscription: many activations deliver concurrently and
 * State has no atomic increment, so a stored counter would lose updates. They come from the
 * delivery-log index instead (its single writer, the sweeper, keeps counts per subscription and
 * status, last success, last failure) — exact within the log retention, as fresh as the index.
 */
import type { Logger } from '../logger'
import type { SubscriptionLogStats } from '../delivery-log/log-store'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { Subscription } from '../subscriptions/subscription'

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

/** Counters of one subscription, derived from the delivery-log index. */
export interface SubscriptionStats {
  delivered: number
  failed: number
  retrying: number
  dead: number
  pending: number
  lastDeliveredAt?: string
  lastFailureAt?: string
}

/** The counters as shown, from the log store's per-subscription stats. */
export function statsOf(s: SubscriptionLogStats): SubscriptionStats {
  return {
    ...s.counts,
    ...(s.lastDeliveredAt ? { lastDeliveredAt: new Date(s.lastDeliveredAt).toISOString() } : {}),
    ...(s.lastFailureAt ? { lastFailureAt: new Date(s.lastFailureAt).toISOString() } : {}),
  }
}
