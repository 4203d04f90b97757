/**
 * One delivery attempt and what it does to the record: the single place where the request is
 * built (body, Standard Webhooks signature with every active secret, auth header, user agent),
 * sent, classified and folded into the delivery record. Publish, the sweeper and the admin retry
 * all go through here, so every path honours the same contract.
 */
import type { Clock } from '../clock'
import type { CanonicalEvent } from '../canonical-event'
import { signHeaders } from '../webhook-signature'
import {
  displayUrl,
  scrub,
  type AttemptLog,
  type AttemptTrigger,
  type DeliveryRecord,
} from '../delivery-log/delivery-record'
import { deliveryIdOf } from '../delivery-log/log-keys'
import { authHeader, signingSecrets, type Subscription } from '../subscriptions/subscription'
import type { HttpSender } from './http-sender'
import { classifyAttempt, type Outcome } from './outcome'
import {
  buildBody,
  contentTypeOf,
  DEFAULT_FORMAT,
  formatOf,
  stampBody,
  type DeliveryBody,
  type PayloadFormat,
} from './payload-format'
import { nextRetryDelay, type RetryPolicy } from './retry-policy'
import { policyOf } from '../subscriptions/retry-setting'
import { checkUrlBeforeSend, type UrlPolicy } from './url-policy'

/** Sent as `user-agent` so receivers can recognise (and allow-list) the app. */
const USER_AGENT = 'commerce-event-hub-webhooks/1.0 (+Standard Webhooks)'

/** What an attempt needs. */
export interface AttemptDeps {
  send: HttpSender
  clock: Clock
  urlPolicy: UrlPolicy
  /** Per-attempt timeout (connect + headers + response snippet). */
  timeoutMs: number
}

/** What an attempt produced. */
export interface AttemptResult {
  log: AttemptLog
  outcome: Outcome
  /** The exact body sent (also the record's payload). */
  payload: DeliveryBody
  /** The `webhook-id` it was sent with. */
  webhookId: string
}

/** One message to send: its `webhook-id`, its body (before stamping) and the body's format. */
export interface Message {
  webhookId: string
  body: DeliveryBody
  format: PayloadFormat
}

/**
 * Sends the message's body, stamped with `attemptNumber` (and the message id where the format
 * keeps it), to the subscription. Never throws.
 */
export async function attemptDelivery(
  deps: AttemptDeps,
  sub: Subscription,
  message: Message,
  attemptNumber: number,
  trigger: AttemptTrigger,
): Promise<AttemptResult> {
  const startedAt = deps.clock.now()
  const deliveryId = message.webhookId
  const body = stampBody(message.format, message.body, attemptNumber, deliveryId)
  const json = JSON.stringify(body)
  const secrets = signingSecrets(sub, startedAt)
  const auth = authHeader(sub.auth)
  const refused = await checkUrlBeforeSend(sub.url, deps.urlPolicy)
  const result = refused
    ? { durationMs: 0, error: `not sent: ${refused}`, errorKind: 'policy' as const }
    : await deps.send({
        url: sub.url,
        timeoutMs: deps.timeoutMs,
        body: json,
        headers: {
          'content-type': contentTypeOf(message.format),
          'user-agent': USER_AGENT,
          ...(auth ? { [auth[0]]: auth[1] } : {}),
          ...signHeaders(secrets, deliveryId, Math.floor(startedAt / 1000), json),
        },
      })
  const outcome = classifyAttempt(result, deps.clock.now())
  const sensitive = [...secrets, ...(auth ? [auth[1], auth[1].replace(/^(Basic|Bearer) /, '')] : [])]
  const log: AttemptLog = {
    attempt: attemptNumber,
    at: new Date(startedAt).toISOString(),
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    durationMs: result.durationMs,
    ...(outcome.kind !== 'delivered' ? { error: scrub(result.error ?? outcome.reason, sensitive) } : {}),
    ...(result.responseSnippet ? { responseSnippet: scrub(result.responseSnippet, sensitive) } : {}),
    trigger,
  }
  return { log, outcome, payload: body, webhookId: deliveryId }
}

/**
 * A fresh record for (event, subscription) before its first attempt: the body in the
 * subscription's format, and the subscription's own retry policy when it has one (so the sweeper
 * knows the schedule from the record alone).
 */
export function newRecord(
  event: CanonicalEvent,
  sub: Subscription,
  nowMs: number,
  fallback: RetryPolicy,
): DeliveryRecord {
  const at = new Date(nowMs).toISOString()
  const id = deliveryIdOf(event.id, sub.id)
  const format = formatOf(sub)
  return {
    id,
    ...(format !== DEFAULT_FORMAT ? { format } : {}),
    ...(sub.retry ? { retry: policyOf(sub.retry, fallback) } : {}),
    eventId: event.id,
    eventType: event.type,
    entity: event.entity,
    entityId: event.entityId,
    entityType: event.entityType,
    subscriptionId: sub.id,
    url: displayUrl(sub.url),
    status: 'pending',
    attempts: [],
    payload: buildBody(format, event, sub.fields, id),
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: at,
    retryIndex: 0,
  }
}

/** The `webhook-id` the record's next automatic attempt is sent with. */
export const webhookIdOf = (record: Pick<DeliveryRecord, 'id' | 'webhookId'>): string =>
  record.webhookId ?? record.id

/** The retry policy of a record: its own (the subscription's when recorded), else the app-wide one. */
export const recordPolicy = (record: Pick<DeliveryRecord, 'retry'>, fallback: RetryPolicy): RetryPolicy =>
  record.retry ?? fallback

/** Number the next attempt gets (elided attempts still count). */
export function nextAttemptNumber(record: DeliveryRecord): number {
  const last = record.attempts[record.attempts.length - 1]
  return last ? last.attempt + 1 : 1
}

/**
 * Folds an attempt into the record: delivered, failed (3xx/4xx, 410, URL policy), retrying with the
 * next due time from the schedule (never before Retry-After), or dead when the schedule is exhausted.
 * The schedule is the record's own (`retry`) or else `policy`, the app-wide one.
 */
export function applyAttempt(
  record: DeliveryRecord,
  result: AttemptResult,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number,
): DeliveryRecord {
  const base: DeliveryRecord = {
    ...record,
    attempts: [
      ...record.attempts,
      result.webhookId === record.id ? result.log : { ...result.log, webhookId: result.webhookId },
    ],
    payload: result.payload,
    updatedAt: new Date(nowMs).toISOString(),
  }
  // The store re-applies the size cap (and keeps payloadRef, so the full body is not rewritten).
  delete base.payloadTruncated
  delete base.nextAttemptAt
  const { outcome } = result
  if (outcome.kind === 'delivered') {
    delete base.lastError
    return { ...base, status: 'delivered' }
  }
  const lastError = result.log.error ?? outcome.reason
  if (outcome.kind === 'failed' || outcome.kind === 'gone') return { ...base, status: 'failed', lastError }
  const delay = nextRetryDelay(recordPolicy(record, policy), record.retryIndex, random, outcome.retryAfterMs)
  if (delay === undefined)
    return { ...base, status: 'dead', lastError: `${lastError}; retry schedule exhausted` }
  return {
    ...base,
    status: 'retrying',
    lastError,
    retryIndex: record.retryIndex + 1,
    nextAttemptAt: new Date(nowMs + delay).toISOString(),
  }
}
