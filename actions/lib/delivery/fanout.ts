/**
 * The webhook fan-out as a function: what `publisher/publish` runs, and what the entity handlers
 * run in-process (the default, FANOUT_MODE=in-process) instead of a third nested blocking
 * activation. Measured in `npm run bench:routing` (README "Fan-out in-process"): one activation
 * fewer per routed event, its billed duration and the ~5 ms of CPU per hop saved, and no cold start
 * of a separate publisher container. At-least-once is unchanged: the entity handler answers only
 * after every delivery is delivered or its record is written, and answers 503 (I/O Events
 * retries the event) when a record could not be written, exactly as the action did.
 */
import { describeError } from '../errors'
import { judgeStatus } from '../status-rule'
import type { CanonicalEvent } from '../canonical-event'
import type { PropagationOutcome, Propagator } from '../propagator'
import { answerBy, type DeliveryRuntime } from './action-deps'
import { publishEvent, publishResponse } from './publish-event'

/** The publish action's result shape. */
export interface FanoutResult {
  statusCode: number
  body: Record<string, unknown>
}

/**
 * Fans `event` out with the activation's delivery runtime, answering before its time budget and
 * the platform deadline (`platformDeadline`, epoch ms, when known). Throws only what `publishEvent`
 * throws (State 503).
 */
export async function fanOut(
  event: CanonicalEvent,
  rt: DeliveryRuntime,
  platformDeadline: number | undefined,
): Promise<FanoutResult> {
  const summary = await publishEvent(event, {
    ...rt,
    timeoutMs: rt.config.deliveryTimeoutMs,
    concurrency: rt.config.concurrency,
    inlineRetryMaxDelayMs: rt.config.inlineRetryMaxDelayMs,
    deadlineMs: answerBy(rt.clock.now(), rt.config.publishTimeBudgetMs, platformDeadline),
  })
  return publishResponse(summary)
}

const textOf = (body: Record<string, unknown>, key: 'message' | 'error'): string | undefined =>
  typeof body[key] === 'string' ? body[key] : undefined

/**
 * A Propagator running the fan-out in this activation. Its status is the publish action's
 * (200, 503 when a record could not be written); a thrown error keeps its status (500 for bad
 * inputs, 503 when State is unreachable) so I/O Events retries what is transient.
 */
export function createInProcessPropagator(run: (event: CanonicalEvent) => Promise<FanoutResult>): Propagator {
  return {
    async propagate(event): Promise<PropagationOutcome> {
      try {
        const out = await run(event)
        const ok = judgeStatus(out.statusCode).kind === 'success'
        return {
          statusCode: out.statusCode,
          message:
            (ok ? textOf(out.body, 'message') : textOf(out.body, 'error')) ?? `fan-out ${out.statusCode}`,
        }
      } catch (err) {
        const { statusCode, message } = describeError(err)
        return { statusCode, message, detail: (err as Error)?.stack ?? String(err) }
      }
    },
  }
}
