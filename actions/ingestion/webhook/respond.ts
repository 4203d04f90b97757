/**
 * Maps an ingestion result to the web action response — the one place where outcomes become
 * status codes. Single events keep the starter kit's shapes exactly:
 * `{statusCode: 200, body: {type, response: {success: true, message}}}` and
 * `{error: {statusCode, body: {error}}}`. A batch answers one entry per item, in request order,
 * and its overall status tells the caller what to do with the whole batch:
 * - 200: every item was published (or was a duplicate);
 * - 5xx: at least one item hit a transient failure — re-send the batch as is; items already
 *   published are answered "Duplicate ignored" and are not published again;
 * - 400: some items are invalid (the valid ones were published) — fix those, do not re-send as is.
 */
import { describeError } from '../../lib/errors'
import { successResponse, type ErrorResponse, type SuccessResponse } from '../../lib/responses'
import type { IngestResult, ItemOutcome } from './ingest'

/**
 * Seconds a caller should wait before re-sending after a 503 (`Retry-After`): long enough for a
 * transient I/O Events failure or a busy namespace to pass, short enough not to hold events back.
 */
export const RETRY_AFTER_SECONDS = 5

/** A 503 tells the caller when to re-send. */
function retryHeaders(statusCode: number): { headers?: Record<string, string> } {
  return statusCode === 503 ? { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } : {}
}

/** Success messages by outcome. */
const MESSAGES = {
  published: 'Event published successfully',
  duplicate: 'Duplicate ignored',
  noRegistration: (type: string) =>
    `Event published successfully, but no I/O Events registration consumes ${type} yet (ingress answered 204): it was not delivered anywhere`,
}

/** `{success, message}` of a handled event. */
export interface ItemResponse {
  success: true
  message: string
}

/** One entry of a batch response. */
export type BatchEntry =
  | { index: number; uid: string; statusCode: 200; type: string; response: ItemResponse }
  | { index: number; uid?: string; statusCode: number; type?: string; error: string }

/** A batch that was not entirely successful: the error shape, plus the per-item entries. */
export interface BatchErrorResponse {
  error: {
    statusCode: number
    headers?: Record<string, string>
    body: { error: string; items: BatchEntry[] }
  }
}

/** A single event's error answer (`Retry-After` on a 503). */
export interface SingleErrorResponse {
  error: ErrorResponse['error'] & { headers?: Record<string, string> }
}

function entryOf(o: ItemOutcome): BatchEntry {
  if (o.status === 'failed') {
    const { statusCode, message } = describeError(o.error)
    return {
      index: o.index,
      ...(o.uid !== undefined ? { uid: o.uid } : {}),
      statusCode,
      ...(o.type ? { type: o.type } : {}),
      error: message,
    }
  }
  const message =
    o.status === 'duplicate'
      ? MESSAGES.duplicate
      : o.status === 'no-registration'
        ? MESSAGES.noRegistration(o.type)
        : MESSAGES.published
  return { index: o.index, uid: o.uid, statusCode: 200, type: o.type, response: { success: true, message } }
}

/** The overall status of a batch with failures: a transient failure wins (retry), else 400. */
function batchStatus(entries: BatchEntry[]): number {
  const failed = entries.filter((e) => e.statusCode !== 200).map((e) => e.statusCode)
  if (failed.includes(503)) return 503
  const fiveHundreds = failed.filter((s) => s >= 500)
  if (fiveHundreds.length) return Math.max(...fiveHundreds)
  if (failed.includes(429)) return 429
  return 400
}

/** The web action response of an ingestion result. */
export function toIngestionResponse(
  result: IngestResult,
): SuccessResponse<ItemResponse | BatchEntry[]> | SingleErrorResponse | BatchErrorResponse {
  const entries = result.outcomes.map(entryOf)
  if (!result.batch) {
    const e = entries[0]
    if ('error' in e)
      return { error: { statusCode: e.statusCode, ...retryHeaders(e.statusCode), body: { error: e.error } } }
    return successResponse(e.type, e.response)
  }
  const failed = entries.filter((e) => 'error' in e).length
  if (!failed) return successResponse('batch', entries)
  const statusCode = batchStatus(entries)
  const advice =
    statusCode >= 500 || statusCode === 429
      ? 're-send the batch; published items will be ignored as duplicates'
      : 'fix the invalid items'
  return {
    error: {
      statusCode,
      ...retryHeaders(statusCode),
      body: { error: `${failed} of ${entries.length} events failed: ${advice}`, items: entries },
    },
  }
}
