/**
 * The sweeper's core (alarm every minute): retries due deliveries, dead-letters exhausted ones,
 * and — on maintenance runs — refreshes subscription TTLs and auto-disables failing endpoints.
 *
 * Finding work reads no values: `dlv.retrying.*` and `dlv.pending.*` keys carry their due time.
 *
 * Claiming (best effort): before sending, a run re-lists the delivery's keys (a newer key means
 * the one it saw is stale: it is deleted, not sent), reads the record, then moves it to a claim
 * key — same record, due `now + lease` — and deletes the old key. A second, overlapping run that
 * listed the old key finds it gone when it reads it, and skips. The window where both send is the
 * few milliseconds between the first run's read and its delete, widened by the State `list`
 * replica lag; receivers see the same `webhook-id` either way and can drop the duplicate. If a run
 * dies after claiming, the claim key becomes due when the lease ends and the next run retries it.
 */
import type { Logger } from '../logger'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import type { DeliveryRecord } from '../delivery-log/delivery-record'
import type { LogKey } from '../delivery-log/log-keys'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { Subscription } from '../subscriptions/subscription'
import { applyAttempt, attemptDelivery, nextAttemptNumber, type AttemptDeps } from './attempt'
import { mapBounded } from './concurrency'
import type { DeliveryPayload } from './payload'
import type { RetryPolicy } from './retry-policy'
import { deactivate, failingSince } from './subscription-health'
import { stateUnavailable, WRITE_RESERVE_MS } from './publish-event'

/** Everything the sweeper needs. */
export interface SweepDeps extends AttemptDeps {
  subscriptions: SubscriptionStore
  logs: DeliveryLogStore
  logger: Logger
  retry: RetryPolicy
  random: () => number
  concurrency: number
  /** Most deliveries attempted per run. */
  batchSize: number
  /** Epoch ms by which the run must have finished. */
  deadlineMs: number
  /** How long a claim keeps other runs away (≥ the attempt timeout). */
  leaseMs: number
  /** SUBSCRIPTION_FAILURE_DISABLE_DAYS in ms. */
  failureDisableMs: number
  /** Subscription records older than this are rewritten (TTL refresh). */
  refreshAfterMs: number
}

/** What a run did. */
export interface SweepSummary {
  due: number
  attempted: number
  delivered: number
  retrying: number
  failed: number
  dead: number
  /** Due but the subscription is inactive: left in place until it is re-enabled. */
  parked: number
  /** Gone or moved by another run between listing and reading. */
  claimedElsewhere: number
  /** Older duplicates of a delivery removed. */
  staleRemoved: number
  /** Due deliveries whose subscription was deleted: marked failed. */
  orphaned: number
  /** Left for the next run (batch size or time budget reached). */
  deferred: number
  maintenance?: { refreshed: number; disabled: string[] }
}

/** The body a retry sends: the stored payload, or the full body kept apart for a truncated record. */
export async function payloadForRetry(
  record: DeliveryRecord,
  logs: DeliveryLogStore,
): Promise<DeliveryPayload> {
  if (!record.payloadTruncated) return record.payload as DeliveryPayload
  const full = record.payloadRef ? await logs.readBody(record.payloadRef) : undefined
  if (full) return JSON.parse(full) as DeliveryPayload
  // The full body expired: send the ids only (receivers fetch the entity, Kustomer-style).
  return {
    id: record.eventId,
    type: record.eventType,
    timestamp: record.createdAt,
    attempt: 1,
    data: { id: record.entityId, type: record.entityType },
  }
}

type Tally = Omit<SweepSummary, 'due' | 'deferred' | 'maintenance'>

async function retryOne(
  deps: SweepDeps,
  k: LogKey,
  sub: Subscription | undefined,
  tally: Tally,
): Promise<void> {
  const { clock, logs } = deps
  if (sub && !sub.active) {
    tally.parked++
    return
  }
  const current = await logs.findKey(k.id)
  if (!current) {
    tally.claimedElsewhere++
    return
  }
  if (current.key !== k.key) {
    if (current.updatedAt >= k.updatedAt) {
      await logs.remove(k.key)
      tally.staleRemoved++
    } else tally.claimedElsewhere++
    return
  }
  const record = await logs.read(k.key)
  if (!record) {
    tally.claimedElsewhere++
    return
  }
  const now = clock.now()
  if (!sub) {
    await logs.write(
      {
        ...record,
        status: 'failed',
        updatedAt: new Date(now).toISOString(),
        lastError: 'subscription no longer exists',
        nextAttemptAt: undefined,
      },
      k.key,
    )
    tally.orphaned++
    return
  }
  const claimed: DeliveryRecord = {
    ...record,
    updatedAt: new Date(now).toISOString(),
    nextAttemptAt: new Date(now + deps.leaseMs).toISOString(),
  }
  const claimKey = await logs.write(claimed, k.key)
  const payload = await payloadForRetry(record, logs)
  const result = await attemptDelivery(deps, sub, record.id, payload, nextAttemptNumber(record), 'sweeper')
  const updated = applyAttempt(claimed, result, deps.retry, clock.now(), deps.random)
  await logs.write(updated, claimKey)
  tally.attempted++
  tally[updated.status as 'delivered' | 'retrying' | 'failed' | 'dead']++
  if (result.outcome.kind === 'gone')
    await deactivate(deps.subscriptions, sub, updated.lastError ?? 'HTTP 410 Gone', clock.now(), deps.logger)
}

/** Refreshes subscription TTLs and auto-disables subscriptions failing for too long. */
async function maintain(
  deps: SweepDeps,
  subs: Subscription[],
): Promise<{ refreshed: number; disabled: string[] }> {
  const now = deps.clock.now()
  const refreshed = await deps.subscriptions.refresh(now, deps.refreshAfterMs)
  const failures = await deps.logs.list({ status: ['retrying', 'failed', 'dead'] })
  const disabled: string[] = []
  for (const sub of subs.filter((s) => s.active)) {
    const mine = failures.filter((k) => k.subscriptionId === sub.id)
    const notBefore = Date.parse(sub.updatedAt)
    const candidate = failingSince(mine, notBefore)
    if (candidate === undefined || candidate > now - deps.failureDisableMs) continue
    const delivered = await deps.logs.list({ status: ['delivered'], subscriptionId: sub.id })
    const since = failingSince([...mine, ...delivered], notBefore)
    if (since === undefined || since > now - deps.failureDisableMs) continue
    const newest = mine.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a))
    const lastError = (await deps.logs.read(newest.key))?.lastError
    const days = Math.floor((now - since) / 86_400_000)
    const reason = `auto-disabled: every delivery failed since ${new Date(since).toISOString()} (${days} days)${lastError ? `; last error: ${lastError}` : ''}`
    if (await deactivate(deps.subscriptions, sub, reason, now, deps.logger)) disabled.push(sub.id)
  }
  return { refreshed, disabled }
}

/** One sweeper run. */
export async function sweep(deps: SweepDeps, options: { maintenance: boolean }): Promise<SweepSummary> {
  const { clock } = deps
  const [due, subs] = await Promise.all([deps.logs.due(clock.now()), deps.subscriptions.list()]).catch(
    (err: unknown) => {
      throw stateUnavailable(err)
    },
  )
  const byId = new Map(subs.map((s) => [s.id, s]))
  const tally: Tally = {
    attempted: 0,
    delivered: 0,
    retrying: 0,
    failed: 0,
    dead: 0,
    parked: 0,
    claimedElsewhere: 0,
    staleRemoved: 0,
    orphaned: 0,
  }
  const batch = due.slice(0, deps.batchSize)
  let deferred = due.length - batch.length
  await mapBounded(batch, deps.concurrency, async (k) => {
    if (clock.now() + deps.timeoutMs + WRITE_RESERVE_MS > deps.deadlineMs) {
      deferred++
      return
    }
    try {
      await retryOne(deps, k, byId.get(k.subscriptionId), tally)
    } catch (err) {
      // A state error on one delivery must not stop the run; its key is still there for the next run.
      deps.logger.error('retry failed', { deliveryId: k.id, error: (err as Error).message })
    }
  })
  const summary: SweepSummary = { due: due.length, ...tally, deferred }
  if (options.maintenance) summary.maintenance = await maintain(deps, subs)
  deps.logger.info('sweep', { ...summary, maintenance: undefined })
  return summary
}
