/**
 * Manual retries (admin/logs): one delivery now, whatever its status, or a page of the deliveries
 * a listing filter selects (bulk retry, bounded per call).
 *
 * A manual retry re-sends the stored body (ids plus the selected fields; receivers fetch the
 * entity's current data, as in Kustomer's "retry a successful event to refresh it") with the next
 * attempt number and the subscription's current URL, secrets, auth header and retry policy; it
 * restarts the automatic schedule if it fails again. Message ids (docs/delivery-contract.md):
 * re-sending an undelivered delivery keeps its current `webhook-id` (the receiver never accepted
 * it); re-sending a *delivered* one is a new message, `<id>.r<n>`, so a receiver that dedupes on
 * `webhook-id` — as the contract tells it to — processes it. The record stays the original's
 * (one row per delivery in the logs) and links the re-sends: `webhookId`, `redeliveries`, and
 * each attempt's `webhookId`.
 */
import type { Clock } from '../clock'
import {
  applyAttempt,
  attemptDelivery,
  nextAttemptNumber,
  webhookIdOf,
  type AttemptDeps,
} from '../delivery/attempt'
import { mapBounded } from '../bounded-concurrency'
import { formatOf } from '../delivery/payload-format'
import { WRITE_RESERVE_MS } from '../delivery/publish-event'
import type { RetryPolicy } from '../delivery/retry-policy'
import { deactivate } from '../delivery/subscription-health'
import { payloadForRetry } from '../delivery/sweep'
import type { Logger } from '../logger'
import { policyOf } from '../subscriptions/retry-setting'
import type { Subscription } from '../subscriptions/subscription'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import type { DeliveryRecord } from './delivery-record'
import type { DeliveryStatus } from './log-keys'
import type { DeliveryLogStore, LogEntry } from './log-store'

/** What retries need. */
export interface RetryDeps extends AttemptDeps {
  logs: DeliveryLogStore
  subscriptions: SubscriptionStore
  clock: Clock
  /** The app-wide policy (a subscription's own one wins). */
  retry: RetryPolicy
  random: () => number
  logger: Logger
  /** Deliveries retried at once by a bulk retry (default 10). */
  concurrency?: number
  /** Epoch ms after which a bulk retry starts no attempt (default: 45 s after the retrier is made). */
  deadlineMs?: number
}

/** Outcome of one delivery in a bulk retry. */
export interface BulkRetryItem {
  id: string
  outcome: 'retried' | 'skipped' | 'failed'
  /** The record's status after the attempt. */
  status?: DeliveryStatus
  /** Why it was skipped or not attempted. */
  reason?: string
}

/** What POST admin/logs/retry answers. */
export interface BulkRetryResult {
  /** Attempts made that delivered. */
  retried: number
  /** Not attempted: test deliveries, deleted or inactive subscriptions, expired records. */
  skipped: number
  /** Attempts made that did not deliver (now retrying, failed or dead), or that could not be made. */
  failed: number
  items: BulkRetryItem[]
  /** Pass back as `cursor` (same filters) to continue; absent when the filtered set is done. */
  nextCursor?: string
}

/** A page of the filtered set, as the listing reads it. */
export interface EntryPage {
  entries: LogEntry[]
  nextCursor?: string
  /** Read by point reads (an eventId query): no cursor. */
  direct: boolean
}

/** Why a delivery cannot be retried now, or undefined when it can. */
export function notRetryable(record: DeliveryRecord, sub: Subscription | undefined): string | undefined {
  if (record.test) return 'test deliveries are not retried: send a new test'
  if (!sub) return `subscription ${record.subscriptionId} no longer exists`
  if (!sub.active) return `subscription ${record.subscriptionId} is inactive: re-enable it first`
  return undefined
}

/** Creates the retry operations. */
export function createRetrier(deps: RetryDeps) {
  const { logs, clock } = deps
  const concurrency = deps.concurrency ?? 10
  const deadlineMs = deps.deadlineMs ?? clock.now() + 45_000

  /** One attempt now for `record` (any status; the caller checked `notRetryable`). */
  async function one(record: DeliveryRecord, sub: Subscription): Promise<DeliveryRecord> {
    const resend = record.status === 'delivered'
    const redeliveries = (record.redeliveries ?? 0) + (resend ? 1 : 0)
    const webhookId = resend ? `${record.id}.r${redeliveries}` : webhookIdOf(record)
    const payload = await payloadForRetry(record, logs)
    const result = await attemptDelivery(
      deps,
      sub,
      { webhookId, body: payload, format: formatOf(record) },
      nextAttemptNumber(record),
      'manual',
    )
    // A person asked for this: a new failure starts the subscription's current schedule from its first step.
    const restarted: DeliveryRecord = {
      ...record,
      retryIndex: 0,
      ...(webhookId !== record.id ? { webhookId, redeliveries } : {}),
    }
    delete restarted.retry
    if (sub.retry) restarted.retry = policyOf(sub.retry, deps.retry)
    const updated = applyAttempt(restarted, result, deps.retry, clock.now(), deps.random)
    await logs.write(updated, 'admin')
    if (result.outcome.kind === 'gone')
      await deactivate(
        deps.subscriptions,
        sub,
        updated.lastError ?? 'HTTP 410 Gone',
        clock.now(),
        deps.logger,
      )
    return updated
  }

  /** One filtered page: attempts start in order while time allows, so those handled are a prefix. */
  async function many(cursor: string | undefined, page: EntryPage): Promise<BulkRetryResult> {
    const subs = new Map((await deps.subscriptions.list({ fresh: true })).map((s) => [s.id, s]))
    const items = await mapBounded(
      page.entries,
      concurrency,
      async (e): Promise<BulkRetryItem | undefined> => {
        if (clock.now() + deps.timeoutMs + WRITE_RESERVE_MS > deadlineMs) return undefined
        try {
          const record = await logs.get(e.id)
          if (!record) return { id: e.id, outcome: 'skipped', reason: 'the record expired' }
          const sub = subs.get(record.subscriptionId)
          const why = notRetryable(record, sub)
          if (why) return { id: e.id, outcome: 'skipped', reason: why }
          const updated = await one(record, sub!)
          return {
            id: e.id,
            outcome: updated.status === 'delivered' ? 'retried' : 'failed',
            status: updated.status,
          }
        } catch (err) {
          deps.logger.error('bulk retry: delivery not retried', {
            deliveryId: e.id,
            error: (err as Error).message,
          })
          return { id: e.id, outcome: 'failed', reason: 'not retried: State is unavailable' }
        }
      },
    )
    const done = items.filter((i): i is BulkRetryItem => i !== undefined)
    const count = (o: BulkRetryItem['outcome']) => done.filter((i) => i.outcome === o).length
    let nextCursor = page.nextCursor
    if (done.length < page.entries.length)
      nextCursor = page.direct
        ? undefined
        : done.length
          ? logs.cursorAfter(page.entries[done.length - 1])
          : cursor
    return {
      retried: count('retried'),
      skipped: count('skipped'),
      failed: count('failed'),
      items: done,
      ...(nextCursor ? { nextCursor } : {}),
    }
  }

  return { one, many }
}
