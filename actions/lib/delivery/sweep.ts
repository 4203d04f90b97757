/**
 * The sweeper's core (alarm every minute): keeps the delivery-log index up to date (it is the
 * index's single writer), retries due deliveries, dead-letters exhausted ones, and — on
 * maintenance runs — refreshes subscription TTLs and auto-disables failing endpoints.
 *
 * A run: take the sweeper lease → one indexing pass (the only scan of the run) → read the due
 * list from the index (no listing) → for each due delivery re-read its record, write a claim
 * (due `now + lease`), attempt, write the outcome → apply the records it wrote to the index
 * (no scan) → release the lease.
 *
 * Overlapping runs never work on the same deliveries: a lease with expiry AND fencing. The lease
 * (`acquireLease`) carries a token that grows with every acquisition; State has no conditional
 * put, so the run puts it, waits a settle time (at least twice what its own read + put took, so a
 * competitor's racing put has landed however slow State is) and re-reads: the last writer holds
 * it. Before each send and before each record write the run re-reads the lease (`fence`): if the
 * owner or token changed, or too little of it is left for the send and the write, the run has
 * lost it and stops at once (what it did not do stays due for the holder). The order per delivery
 * is re-read record → write claim (due `now + lease`) → fence → send → fence → write outcome, so a
 * run that took the lease over sees the claim and leaves the delivery alone. A run that dies (or
 * is fenced off) after claiming leaves the record due at `now + lease`: a later run retries it,
 * and that receiver may see that attempt twice (`webhook-id` + `attempt` identify it).
 */
import type { Logger } from '../logger'
import type { DeliveryLogStore, DueDelivery, IndexReport, Lease } from '../delivery-log/log-store'
import type { DeliveryRecord } from '../delivery-log/delivery-record'
import { SCHEDULED_STATUSES } from '../delivery-log/log-keys'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { Subscription } from '../subscriptions/subscription'
import { applyAttempt, attemptDelivery, nextAttemptNumber, webhookIdOf, type AttemptDeps } from './attempt'
import { mapBounded } from '../bounded-concurrency'
import { formatOf, minimalBody, type DeliveryBody } from './payload-format'
import type { RetryPolicy } from './retry-policy'
import { deactivate } from './subscription-health'
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
  /** Identifies this run (lease owner). */
  runId: string
  /** Most records the indexing pass reads (default: the store's). */
  indexMaxReads?: number
}

/** Options of one run. */
export interface SweepOptions {
  maintenance: boolean
  /** Run the index pass (the run's one scan); false: only retries from the current index. */
  index?: boolean
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
  /** Gone, no longer due, or claimed by another run when re-read (the index is updated). */
  claimedElsewhere: number
  /** Due deliveries whose subscription was deleted: marked failed. */
  orphaned: number
  /** Left for the next run (batch size or time budget reached). */
  deferred: number
  maintenance?: { refreshed: number; disabled: string[] }
  /** The indexing pass of this run. */
  index?: IndexReport
  /** True when another run held the lease: this one did nothing. */
  skipped?: boolean
  /** True when the run lost its lease part-way and stopped (the rest is left to the holder). */
  leaseLost?: boolean
}

/** The body a retry sends: the stored payload, or the full body kept apart for a truncated record. */
export async function payloadForRetry(record: DeliveryRecord, logs: DeliveryLogStore): Promise<DeliveryBody> {
  if (!record.payloadTruncated) return record.payload as DeliveryBody
  const full = await logs.readBody(record)
  if (full) return JSON.parse(full) as DeliveryBody
  // The full body expired: send the ids only (receivers fetch the entity, Kustomer-style).
  return minimalBody(formatOf(record), record, webhookIdOf(record))
}

type Tally = Omit<SweepSummary, 'due' | 'deferred' | 'maintenance' | 'index' | 'skipped' | 'leaseLost'>

/** Thrown by the fencing check: another run holds the lease now; this one must stop. */
class LeaseLostError extends Error {}

/** Smallest settle wait between putting the lease and re-reading it. */
const LEASE_SETTLE_MIN_MS = 100

/** The fencing check: throws LeaseLostError unless `lease` is still ours with `needMs` left. */
type Fence = (needMs: number) => Promise<void>

function fenceFor(deps: SweepDeps, lease: Lease): Fence {
  return async (needMs) => {
    const now = await deps.logs.readLease()
    if (
      !now ||
      now.owner !== lease.owner ||
      now.token !== lease.token ||
      now.until < deps.clock.now() + needMs
    )
      throw new LeaseLostError(
        now && now.owner !== lease.owner ? 'another run took the lease' : 'the lease expired or is too short',
      )
  }
}

async function retryOne(
  deps: SweepDeps,
  fence: Fence,
  d: DueDelivery,
  sub: Subscription | undefined,
  tally: Tally,
  written: DeliveryRecord[],
): Promise<void> {
  const { clock, logs } = deps
  if (sub && !sub.active) {
    tally.parked++
    return
  }
  // The index is a hint; the record is the truth (an admin may have retried it since).
  const record = await logs.get(d.id)
  const now = clock.now()
  if (
    !record ||
    !SCHEDULED_STATUSES.includes(record.status) ||
    !record.nextAttemptAt ||
    Date.parse(record.nextAttemptAt) > now
  ) {
    if (record) written.push(record) // refresh its index entry
    tally.claimedElsewhere++
    return
  }
  if (!sub) {
    await fence(WRITE_RESERVE_MS)
    const orphan: DeliveryRecord = {
      ...record,
      status: 'failed',
      updatedAt: new Date(now).toISOString(),
      lastError: 'subscription no longer exists',
      nextAttemptAt: undefined,
    }
    await logs.write(orphan, 'sweeper')
    written.push(orphan)
    tally.orphaned++
    return
  }
  const claimed: DeliveryRecord = {
    ...record,
    updatedAt: new Date(now).toISOString(),
    nextAttemptAt: new Date(now + deps.leaseMs).toISOString(),
  }
  await fence(deps.timeoutMs + 2 * WRITE_RESERVE_MS)
  await logs.write(claimed, 'sweeper')
  const payload = await payloadForRetry(record, logs)
  await fence(deps.timeoutMs + WRITE_RESERVE_MS)
  const result = await attemptDelivery(
    deps,
    sub,
    { webhookId: webhookIdOf(record), body: payload, format: formatOf(record) },
    nextAttemptNumber(record),
    'sweeper',
  )
  const updated = applyAttempt(claimed, result, deps.retry, clock.now(), deps.random)
  try {
    await fence(WRITE_RESERVE_MS)
    await logs.write(updated, 'sweeper')
    written.push(updated)
  } catch (err) {
    // The claim stays: due again when the lease ends (the receiver may see this attempt twice).
    written.push(claimed)
    throw err
  }
  tally.attempted++
  tally[updated.status as 'delivered' | 'retrying' | 'failed' | 'dead']++
  if (result.outcome.kind === 'gone')
    await deactivate(deps.subscriptions, sub, updated.lastError ?? 'HTTP 410 Gone', clock.now(), deps.logger)
}

/** Refreshes subscription TTLs and auto-disables subscriptions failing for too long (from the index). */
async function maintain(
  deps: SweepDeps,
  subs: Subscription[],
): Promise<{ refreshed: number; disabled: string[] }> {
  const now = deps.clock.now()
  const refreshed = await deps.subscriptions.refresh(now, deps.refreshAfterMs)
  const disabled: string[] = []
  for (const sub of subs.filter((s) => s.active)) {
    const stats = await deps.logs.subscriptionStats(sub.id)
    const since = stats.failingSince
    // Failures older than the subscription's last edit do not count (it may have been fixed).
    if (since === undefined || since <= Date.parse(sub.updatedAt) || since > now - deps.failureDisableMs)
      continue
    const lastError = stats.lastFailureId ? (await deps.logs.get(stats.lastFailureId))?.lastError : undefined
    const days = Math.floor((now - since) / 86_400_000)
    const reason = `auto-disabled: every delivery failed since ${new Date(since).toISOString()} (${days} days)${lastError ? `; last error: ${lastError}` : ''}`
    if (await deactivate(deps.subscriptions, sub, reason, now, deps.logger)) disabled.push(sub.id)
  }
  return { refreshed, disabled }
}

/** One sweeper run. */
export async function sweep(deps: SweepDeps, options: SweepOptions): Promise<SweepSummary> {
  const { clock, logs } = deps
  const leaseMs = Math.max(0, deps.deadlineMs - clock.now()) + deps.timeoutMs + WRITE_RESERVE_MS
  const t0 = clock.now()
  const lease = await logs
    .acquireLease(deps.runId, t0, leaseMs, () =>
      clock.sleep(Math.max(LEASE_SETTLE_MIN_MS, 2 * (clock.now() - t0))),
    )
    .catch((err: unknown) => {
      throw stateUnavailable(err)
    })
  const tally: Tally = {
    attempted: 0,
    delivered: 0,
    retrying: 0,
    failed: 0,
    dead: 0,
    parked: 0,
    claimedElsewhere: 0,
    orphaned: 0,
  }
  if (!lease) {
    deps.logger.info('sweep skipped: another run holds the lease')
    return { due: 0, ...tally, deferred: 0, skipped: true }
  }
  try {
    const subs = await deps.subscriptions.list().catch((err: unknown) => {
      throw stateUnavailable(err)
    })
    const index =
      options.index === false
        ? undefined
        : await logs.refreshIndex({
            nowMs: clock.now(),
            subscriptions: subs.map((s) => ({ id: s.id, updatedAt: s.updatedAt })),
            ...(deps.indexMaxReads !== undefined ? { maxReads: deps.indexMaxReads } : {}),
          })
    // Everything due, oldest first; the batch is what this run attempts.
    const due = await logs.due(clock.now(), deps.batchSize * 10)
    const byId = new Map(subs.map((s) => [s.id, s]))
    const batch = due.slice(0, deps.batchSize)
    let deferred = due.length - batch.length
    const written: DeliveryRecord[] = []
    const fence = fenceFor(deps, lease)
    let lost: LeaseLostError | undefined
    await mapBounded(batch, deps.concurrency, async (d) => {
      if (lost || clock.now() + deps.timeoutMs + WRITE_RESERVE_MS > deps.deadlineMs) {
        deferred++
        return
      }
      try {
        await retryOne(deps, fence, d, byId.get(d.subscriptionId), tally, written)
      } catch (err) {
        if (err instanceof LeaseLostError) {
          lost ??= err
          deferred++
          return
        }
        // A state error on one delivery must not stop the run; it is still due for the next run.
        deps.logger.error('retry failed', { deliveryId: d.id, error: (err as Error).message })
      }
    })
    const summary: SweepSummary = { due: due.length, ...tally, deferred, ...(index ? { index } : {}) }
    if (lost) {
      // The index and maintenance are the holder's now: nothing more is written by this run.
      deps.logger.warn('sweep stopped: lease lost', { reason: lost.message, ...summary, index: undefined })
      return { ...summary, leaseLost: true }
    }
    // The index is written only while the lease is still ours (else the next pass catches up).
    const stillHeld =
      written.length > 0 &&
      (await fence(WRITE_RESERVE_MS).then(
        () => true,
        () => false,
      ))
    if (stillHeld) await logs.refreshIndex({ nowMs: clock.now(), updated: written, scan: false })
    if (options.maintenance) summary.maintenance = await maintain(deps, subs)
    deps.logger.info('sweep', { ...summary, maintenance: undefined, index: undefined })
    return summary
  } finally {
    await logs.releaseLease(deps.runId).catch(() => undefined)
  }
}
