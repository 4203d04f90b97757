/**
 * The consumer's core: routes one I/O Events CloudEvent to its entity handler and turns the
 * handler's status into the consumer's response, which is what I/O Events acts on and what
 * Debug Tracing shows:
 * - handler 2xx → `{statusCode: 200, body: {type, response}}`;
 * - handler 4xx (not 429) → `{error: {statusCode: same, body: {error}}}`: permanent, not retried;
 * - handler 429/5xx, invoke failure or timeout → `{error: {statusCode: 429|5xx, ...}}`: retried;
 * - a code nobody handles → 200 "ignored: no handler for <type>" (never an error: that would
 *   cause retries and mark the registration unstable);
 * - an echo caught by the loop breaker → 200 "skipped: …".
 * Knows nothing about the platform: routes, invoker, loop breaker, clock and logger are injected.
 */
import { checkDeliveredEvent } from './event-envelope'
import type { RouteTable } from './route-table'
import type { ActionInvoker } from './action-invoker'
import type { LoopBreaker } from './loop-breaker'
import type { Clock } from './clock'
import type { Logger } from './logger'
import { judgeStatus } from './status-rule'
import { errorResponse, successResponse, type ErrorResponse, type SuccessResponse } from './responses'

/** What the consumer reports as `response` on success: the handler's body, or its own note. */
export type RoutedResponse = { success: boolean; message?: string; [key: string]: unknown }

/** The consumer's result. */
export type RouterResult = SuccessResponse<RoutedResponse> | ErrorResponse

/** Everything the router needs. */
export interface RouterDeps {
  routes: RouteTable
  invoker: ActionInvoker
  /** Absent when no event code is configured for loop breaking. */
  loopBreaker?: LoopBreaker
  clock: Pick<Clock, 'now'>
  logger: Logger
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** The handler's `body.error` (or a generic message naming the status). */
function handlerError(body: unknown, statusCode: number): string {
  return isDict(body) && typeof body.error === 'string'
    ? body.error
    : `handler failed with status ${statusCode}`
}

/** I/O Events' retry counter (absent on the first attempt). */
function retryCount(headers: unknown): number {
  const raw = isDict(headers) ? headers['x-adobe-retry-count'] : undefined
  const n = Number(raw ?? 0)
  return Number.isFinite(n) ? n : 0
}

/** Routes one delivered CloudEvent (the consumer action's params). Never throws. */
export async function routeEvent(params: Record<string, unknown>, deps: RouterDeps): Promise<RouterResult> {
  const { logger } = deps
  const checked = checkDeliveredEvent(params)
  if (!checked.ok) {
    const issues = checked.issues.join('; ')
    logger.warn('malformed event rejected', { issues })
    return errorResponse(400, `invalid event: ${issues}`)
  }
  const value = checked.value
  const { type, id, data } = value
  const attempt = retryCount(value.__adobe_headers) + 1

  const route = deps.routes.get(type)
  if (!route) {
    const message = `ignored: no handler for ${type}`
    logger.warn(message, { type, attempt })
    return successResponse(type, { success: true, message })
  }

  if (deps.loopBreaker) {
    try {
      const verdict = await deps.loopBreaker.check({ type, id, data })
      if (verdict.action === 'skip') {
        const message = `skipped: echo of the identical change of event ${verdict.firstEventId} (loop breaker)`
        logger.info(message, { type, key: verdict.key, attempt })
        return successResponse(type, { success: true, message })
      }
      if (verdict.reason !== 'not-configured')
        logger.debug('loop breaker passed', { type, reason: verdict.reason })
    } catch (err) {
      // Fail open: a State outage must not stop every event; the worst case is one more echo.
      logger.error('loop breaker unavailable; routing anyway', {
        type,
        error: (err as Error)?.message ?? String(err),
      })
    }
  }

  const started = deps.clock.now()
  const receivedAt = new Date(started).toISOString()
  const outcome = await deps.invoker.invoke(route.action, { type, id, data, correlationId: id, receivedAt })
  const meta = {
    type,
    handler: route.action,
    statusCode: outcome.statusCode,
    activationId: outcome.activationId,
    durationMs: deps.clock.now() - started,
    attempt,
  }

  const verdict = judgeStatus(outcome.statusCode)
  if (verdict.kind === 'success') {
    logger.info('event handled', meta)
    const response = isDict(outcome.body)
      ? (outcome.body as RoutedResponse)
      : { success: true, result: outcome.body }
    return successResponse(type, response)
  }
  if (verdict.kind === 'rejected') {
    logger.warn('handler rejected the event; I/O Events will not retry', meta)
    return errorResponse(verdict.statusCode, handlerError(outcome.body, verdict.statusCode))
  }
  logger.error('handler failed; I/O Events will retry', { ...meta, failure: outcome.failure })
  return errorResponse(verdict.statusCode, handlerError(outcome.body, verdict.statusCode))
}
