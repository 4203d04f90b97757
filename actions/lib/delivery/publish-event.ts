/**
 * The publisher's core: fan an event out to every active subscription that wants it, with bounded
 * concurrency, and record one delivery per (event, subscription).
 *
 * State budget of the delivery log on the happy path (one subscription, delivered first time): ONE
 * point read per matching subscription for idempotency (its delivery id is computed from the event
 * id, so a redelivered event finds its record without any listing) and ONE write: the final
 * record, written after the attempt. No record is written before the first attempt on purpose: until
 * publish answers 200 nothing is acknowledged, so if the activation dies mid-attempt I/O Events
 * redelivers and the idempotency read finds no record — the event is simply delivered again
 * (same `webhook-id`, so receivers can drop the duplicate). For the same reason short retries
 * (delay ≤ INLINE_RETRY_MAX_DELAY) run inside this activation without an intermediate write.
 *
 * Returns 200 once every delivery is delivered, or failed/scheduled with its record written; 503
 * when such a record could not be written, so I/O Events retries the event and the deliveries
 * already recorded are skipped next time. A delivered event whose log cannot be written (State
 * full) still answers 200: logs are history, and a full log store must not fail events.
 */
import { UpstreamError } from '../errors'
import type { CanonicalEvent } from '../canonical-event'
import type { Logger } from '../logger'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import type { DeliveryRecord } from '../delivery-log/delivery-record'
import { deliveryIdOf, type DeliveryStatus } from '../delivery-log/log-keys'
import type { SubscriptionStore } from '../subscriptions/subscription-store'
import { wants, type Subscription } from '../subscriptions/subscription'
import {
  applyAttempt,
  attemptDelivery,
  newRecord,
  nextAttemptNumber,
  webhookIdOf,
  type AttemptDeps,
} from './attempt'
import { mapBounded } from '../bounded-concurrency'
import { formatOf } from './payload-format'
import { passesFilter } from '../subscriptions/content-filter'
import type { RetryPolicy } from './retry-policy'
import { deactivate } from './subscription-health'

/** Time kept in reserve after the last attempt to write records before the deadline. */
export const WRITE_RESERVE_MS = 2_000

/** Everything publish needs. */
export interface PublishDeps extends AttemptDeps {
  subscriptions: SubscriptionStore
  logs: DeliveryLogStore
  logger: Logger
  retry: RetryPolicy
  random: () => number
  /** Deliveries in flight at once. */
  concurrency: number
  /** Retries due within this delay run inside the activation. */
  inlineRetryMaxDelayMs: number
  /** Epoch ms by which publish must have answered (from the time budget and __OW_DEADLINE). */
  deadlineMs: number
}

/** Outcome of one (event, subscription) in the summary. */
export interface DeliverySummary {
  subscriptionId: string
  deliveryId: string
  status: DeliveryStatus
  attempts: number
  nextAttemptAt?: string
  lastError?: string
  /** False when the record could not be written. */
  recorded: boolean
}

/** What publish returns in its body. */
export interface PublishSummary {
  eventId: string
  eventType: string
  /** Subscriptions that matched the event type (and their filter). */
  matched: number
  /** Subscriptions of the event type whose content filter dropped the event (nothing recorded); absent when none. */
  filtered?: string[]
  deliveries: DeliverySummary[]
  /** Subscriptions skipped because a record for this event already exists (duplicate event). */
  duplicates: string[]
}

/** A State failure before anything was sent: 503, safe to show, so I/O Events retries the event. */
export function stateUnavailable(err: unknown): UpstreamError {
  const e = new UpstreamError('State is unavailable; retry later', 503, err)
  e.expose = true
  return e
}

/** Delivers to one subscription, retrying inline while the next retry is short and time allows. */
async function deliverOne(
  deps: PublishDeps,
  event: CanonicalEvent,
  sub: Subscription,
): Promise<DeliverySummary> {
  const { clock } = deps
  let record: DeliveryRecord = newRecord(event, sub, clock.now(), deps.retry)
  let gone = false
  while (clock.now() + deps.timeoutMs + WRITE_RESERVE_MS <= deps.deadlineMs) {
    const result = await attemptDelivery(
      deps,
      sub,
      {
        webhookId: webhookIdOf(record),
        body: record.payload as Record<string, unknown>,
        format: formatOf(record),
      },
      nextAttemptNumber(record),
      'publish',
    )
    record = applyAttempt(record, result, deps.retry, clock.now(), deps.random)
    gone = result.outcome.kind === 'gone'
    if (record.status !== 'retrying') break
    const wait = Date.parse(record.nextAttemptAt!) - clock.now()
    if (
      wait > deps.inlineRetryMaxDelayMs ||
      clock.now() + wait + deps.timeoutMs + WRITE_RESERVE_MS > deps.deadlineMs
    )
      break
    await clock.sleep(Math.max(0, wait))
  }
  // Out of time before the first attempt: the record stays `pending`, due now, for the sweeper.
  let recorded = true
  try {
    await deps.logs.write(record, 'publish')
  } catch (err) {
    recorded = false
    deps.logger.error('delivery record not written', { deliveryId: record.id, error: (err as Error).message })
  }
  if (gone)
    await deactivate(deps.subscriptions, sub, record.lastError ?? 'HTTP 410 Gone', clock.now(), deps.logger)
  deps.logger.info('delivery', {
    deliveryId: record.id,
    status: record.status,
    attempts: record.attempts.length,
  })
  return {
    subscriptionId: sub.id,
    deliveryId: record.id,
    status: record.status,
    attempts: record.attempts.length,
    ...(record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt } : {}),
    ...(record.lastError ? { lastError: record.lastError } : {}),
    recorded,
  }
}

/**
 * Publishes one canonical event (already validated). Throws (503) only when State cannot be read;
 * a record that cannot be written shows as `recorded: false` in the summary.
 */
export async function publishEvent(event: CanonicalEvent, deps: PublishDeps): Promise<PublishSummary> {
  const subs = await deps.subscriptions.list().catch((err: unknown) => {
    throw stateUnavailable(err)
  })
  const wanting = subs.filter((s) => wants(s, event.type))
  // Content filters first: a filtered-out event costs no State read or write.
  const matching = wanting.filter((s) => passesFilter(s.filter, event))
  const filtered = wanting.filter((s) => !matching.includes(s)).map((s) => s.id)
  // Dedupe: one point read per matching subscription of the key its delivery would have.
  const existing = await Promise.all(matching.map((s) => deps.logs.get(deliveryIdOf(event.id, s.id)))).catch(
    (err: unknown) => {
      throw stateUnavailable(err)
    },
  )
  const recorded = new Set(matching.filter((_, j) => existing[j] !== undefined).map((s) => s.id))
  const todo = matching.filter((s) => !recorded.has(s.id))
  const duplicates = matching.filter((s) => recorded.has(s.id)).map((s) => s.id)
  if (duplicates.length)
    deps.logger.info('duplicate event: deliveries already recorded', {
      eventId: event.id,
      subscriptions: duplicates.length,
    })
  const deliveries = await mapBounded(todo, deps.concurrency, (sub) => deliverOne(deps, event, sub))
  return {
    eventId: event.id,
    eventType: event.type,
    matched: matching.length,
    ...(filtered.length ? { filtered } : {}),
    deliveries,
    duplicates,
  }
}

/** The action result for a summary: 200 unless a record could not be written (503: I/O Events retries). */
export function publishResponse(summary: PublishSummary): {
  statusCode: number
  body: Record<string, unknown>
} {
  // A delivered event whose log could not be written (e.g. the State key quota is full) is still
  // done: only its history is missing, and the app must not fail events because logs are full.
  // Anything else without a record would be lost (no retry, nothing for a person to retry): 503.
  const unsaved = summary.deliveries.filter((d) => !d.recorded && d.status !== 'delivered').length
  const unlogged = summary.deliveries.filter((d) => !d.recorded && d.status === 'delivered').length
  const counts = summary.deliveries.reduce<Record<string, number>>(
    (acc, d) => ({ ...acc, [d.status]: (acc[d.status] ?? 0) + 1 }),
    {},
  )
  const parts = Object.entries(counts).map(([status, n]) => `${n} ${status}`)
  if (summary.duplicates.length) parts.push(`${summary.duplicates.length} already recorded`)
  if (summary.filtered?.length) parts.push(`${summary.filtered.length} filtered out`)
  if (unlogged) parts.push(`${unlogged} delivered without a log record (State write failed)`)
  if (unsaved) {
    return {
      statusCode: 503,
      body: {
        success: false,
        error: `${unsaved} delivery record(s) could not be written; retry the event`,
        ...summary,
      },
    }
  }
  const message =
    summary.matched === 0
      ? summary.filtered?.length
        ? `event ${summary.eventId}: ${summary.filtered.length} filtered out`
        : `no active subscription for ${summary.eventType}`
      : `event ${summary.eventId}: ${parts.join(', ')}`
  return { statusCode: 200, body: { success: true, message, ...summary } }
}
