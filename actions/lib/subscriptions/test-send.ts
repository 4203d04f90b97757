/**
 * Test send (POST admin/subscriptions/{id}/test): a signed sample event of one of the
 * subscription's codes, built from the event catalogue's sample exactly as a real event would be
 * (transform, selected fields, the subscription's format, signature, auth header, URL policy), sent
 * once and never retried. It is logged as a test delivery (`test: true`, trigger `test`) under a
 * `test-…` event id, so it shows in the logs without being mistaken for a real event. The
 * subscription's content filter does not apply (the point is to reach the endpoint), and a 410
 * answer does not deactivate the subscription.
 */
import Joi from 'joi'
import { ValidationError } from '../errors'
import type { Logger } from '../logger'
import { QUIET_MESSAGES, toValidationError } from '../joi-messages'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import type { DeliveryRecord } from '../delivery-log/delivery-record'
import { attemptDelivery, newRecord, type AttemptDeps } from '../delivery/attempt'
import { formatOf } from '../delivery/payload-format'
import type { RetryPolicy } from '../delivery/retry-policy'
import type { FieldCatalog } from './field-catalog'
import type { Subscription } from './subscription'

/** What a test send needs. */
export interface TestSendDeps extends AttemptDeps {
  logs: DeliveryLogStore
  logger: Logger
  /** The app-wide retry policy (only recorded; a test is never retried). */
  retry: RetryPolicy
  catalog: Pick<FieldCatalog, 'sampleEvent'>
  /** Every event code, catalogue order (a `*` subscription's default is the first). */
  allCodes: () => readonly string[]
}

/** What the endpoint answered. */
export interface TestSendResult {
  /** HTTP status, or null when there was no answer (refused, timeout, URL policy). */
  status: number | null
  durationMs: number
  /** First KB of the response body, scrubbed of secrets ('' when none). */
  bodyExcerpt: string
  /** The logged test delivery (GET admin/logs/{deliveryId}); also the `webhook-id` sent. */
  deliveryId: string
  /** True for a 2xx. */
  ok: boolean
  error?: string
  eventType: string
}

const inputSchema = Joi.object({ eventType: Joi.string().max(200) }).options({ abortEarly: false })

/** Sends one test event to `sub`. Never retried; the log write is best effort (the answer is the point). */
export async function testSend(
  deps: TestSendDeps,
  sub: Subscription,
  input: unknown,
): Promise<TestSendResult> {
  const checked = inputSchema.validate(input ?? {}, { messages: QUIET_MESSAGES, errors: { label: 'path' } })
  if (checked.error) throw toValidationError('invalid test request', checked.error)
  const requested = (checked.value as { eventType?: string }).eventType
  const codes = sub.eventTypes.includes('*') ? deps.allCodes() : sub.eventTypes
  const eventType = requested ?? codes[0]
  if (!codes.includes(eventType))
    throw new ValidationError(
      `eventType: the subscription does not receive ${eventType.slice(0, 200)}; one of ${codes.slice(0, 50).join(', ')}`,
      ['eventType'],
    )
  const now = deps.clock.now()
  const event = deps.catalog.sampleEvent(eventType, {
    id: `test-${deps.clock.id()}`,
    receivedAt: new Date(now).toISOString(),
  })
  if (!event)
    throw new ValidationError(`eventType: the catalogue has no valid sample for ${eventType}`, ['eventType'])
  const pending = { ...newRecord(event, sub, now, deps.retry), test: true as const }
  const result = await attemptDelivery(
    deps,
    sub,
    { webhookId: pending.id, body: pending.payload as Record<string, unknown>, format: formatOf(pending) },
    1,
    'test',
  )
  const ok = result.outcome.kind === 'delivered'
  const record: DeliveryRecord = {
    ...pending,
    status: ok ? 'delivered' : 'failed',
    attempts: [result.log],
    payload: result.payload,
    updatedAt: new Date(deps.clock.now()).toISOString(),
    ...(ok ? {} : { lastError: `${result.log.error ?? result.outcome.reason} (test send: not retried)` }),
  }
  delete record.nextAttemptAt
  try {
    await deps.logs.write(record, 'admin')
  } catch (err) {
    deps.logger.warn('test delivery not logged', { deliveryId: record.id, error: (err as Error).message })
  }
  return {
    status: result.log.statusCode ?? null,
    durationMs: result.log.durationMs,
    bodyExcerpt: result.log.responseSnippet ?? '',
    deliveryId: record.id,
    ok,
    ...(result.log.error ? { error: result.log.error } : {}),
    eventType,
  }
}
