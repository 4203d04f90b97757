/**
 * Propagation: the last step of the entity pipeline, handing a CanonicalEvent to the publisher.
 * The pipeline depends on the `Propagator` interface only; the real implementation is a blocking
 * invoke of `publisher/publish` with `{event}` (the PublishParams contract in canonical-event.ts).
 */
import type { ActionInvoker } from './action-invoker'
import { judgeStatus } from './status-rule'
import type { CanonicalEvent, PublishParams } from './canonical-event'

/** Default name of the publisher action (package/action in the app's namespace). */
export const DEFAULT_PUBLISHER_ACTION = 'publisher/publish'

/**
 * Largest `{event}` sent to the publisher action. Adobe I/O Runtime refuses invocations whose
 * parameters exceed 1 MB; the margin leaves room for the JSON envelope of the invoke request.
 */
export const MAX_PUBLISH_PARAMS_BYTES = 900 * 1024

/**
 * The event as it can be sent to the publisher action: unchanged when it fits
 * MAX_PUBLISH_PARAMS_BYTES; otherwise without the whole-entity `data` (flagged `dataOmitted`, the
 * normalised `fields` still there), which only a payload near the consumer's own 1 MB limit reaches
 * since `data` repeats what `fields` normalised. A selection of a path only `data` had is then left
 * out of the delivery, as an absent field is.
 */
export function fitForPublish(event: CanonicalEvent): { event: CanonicalEvent; omittedBytes?: number } {
  const bytes = Buffer.byteLength(JSON.stringify({ event }))
  if (bytes <= MAX_PUBLISH_PARAMS_BYTES) return { event }
  return { event: { ...event, data: {}, dataOmitted: true }, omittedBytes: bytes }
}

/** The status of a propagation and a caller-safe message. */
export interface PropagationOutcome {
  /** 2xx propagated; 4xx rejected for good; 429/5xx transient (I/O Events should retry). */
  statusCode: number
  message: string
  /** Internal detail for logs only. */
  detail?: string
}

/** Hands a canonical event on to whatever delivers it. */
export interface Propagator {
  propagate(event: CanonicalEvent): Promise<PropagationOutcome>
}

const textOf = (body: unknown, key: 'message' | 'error'): string | undefined => {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined
  return typeof v === 'string' ? v : undefined
}

/**
 * A Propagator invoking the publisher action. Its `{statusCode, body:{message|error}}` is kept:
 * 2xx → success; 4xx → that code; 5xx → that code. An invoke failure (not deployed, crashed,
 * timed out, network) arrives from the invoker as 502/503/504 and stays 5xx, so I/O Events retries.
 */
export function createPublisherPropagator(
  invoker: ActionInvoker,
  action = DEFAULT_PUBLISHER_ACTION,
): Propagator {
  return {
    async propagate(event) {
      const fitted = fitForPublish(event)
      const params: PublishParams = { event: fitted.event }
      const out = await invoker.invoke(action, params as unknown as Record<string, unknown>)
      const ok = judgeStatus(out.statusCode).kind === 'success'
      const message =
        (ok ? textOf(out.body, 'message') : textOf(out.body, 'error')) ??
        (ok ? 'published' : `${action} answered ${out.statusCode}`)
      return {
        statusCode: out.statusCode,
        message,
        detail:
          [
            out.activationId && `activation ${out.activationId}`,
            out.failure,
            fitted.omittedBytes &&
              `data omitted: the event is ${fitted.omittedBytes} bytes, over the params limit`,
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      }
    },
  }
}
