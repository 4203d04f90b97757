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
      const params: PublishParams = { event }
      const out = await invoker.invoke(action, params as unknown as Record<string, unknown>)
      const ok = judgeStatus(out.statusCode).kind === 'success'
      const message =
        (ok ? textOf(out.body, 'message') : textOf(out.body, 'error')) ??
        (ok ? 'published' : `${action} answered ${out.statusCode}`)
      return {
        statusCode: out.statusCode,
        message,
        detail:
          [out.activationId && `activation ${out.activationId}`, out.failure].filter(Boolean).join('; ') ||
          undefined,
      }
    },
  }
}
