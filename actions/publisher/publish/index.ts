/**
 * publisher/publish (non-web, invoked blocking by the entity handlers with `{event}`): fans the
 * canonical event out to its subscriptions. Returns `{statusCode, body}` the handler passes on:
 * 200 once every delivery is done or durably scheduled, 503 when a record could not be written,
 * 400 for a malformed event, 500 for misconfigured inputs.
 */
import { toActionErrorResponse } from '../../lib/errors'
import {
  activationDeadline,
  logServerFailure,
  openDeliveryRuntime,
  type RuntimeOverrides,
} from '../../lib/delivery/action-deps'
import { parsePublishParams } from '../../lib/delivery/event-schema'
import { publishEvent, publishResponse } from '../../lib/delivery/publish-event'

/** Action entry point (`overrides` lets tests and the benchmark inject dependencies). */
export async function main(
  params: Record<string, unknown>,
  overrides: RuntimeOverrides = {},
): Promise<{ statusCode: number; body: unknown }> {
  try {
    const event = parsePublishParams(params)
    const rt = await openDeliveryRuntime(params, 'publisher-publish', overrides)
    const summary = await publishEvent(event, {
      ...rt,
      timeoutMs: rt.config.deliveryTimeoutMs,
      concurrency: rt.config.concurrency,
      inlineRetryMaxDelayMs: rt.config.inlineRetryMaxDelayMs,
      deadlineMs: activationDeadline(
        rt.clock.now(),
        rt.config.publishTimeBudgetMs,
        process.env.__OW_DEADLINE,
      ),
    })
    return publishResponse(summary)
  } catch (err) {
    logServerFailure(err, 'publisher-publish', overrides, 'publish failed')
    return toActionErrorResponse(err)
  }
}
