/**
 * publisher/publish (non-web): fans a canonical event `{event}` out to its subscriptions, for
 * callers other than the entity handlers (which run the same fan-out in-process by default, see
 * lib/delivery/fanout.ts; FANOUT_MODE=action makes them invoke this action instead). Returns
 * `{statusCode, body}`: 200 once every delivery is done or durably scheduled, 503 when a record
 * could not be written, 400 for a malformed event, 500 for misconfigured inputs.
 */
import { defineAction } from '../../lib/action-entry'
import { toActionErrorResponse } from '../../lib/errors'
import { deliveryDeps, deliveryRuntime } from '../../lib/delivery/action-deps'
import { loadDeliveryConfig } from '../../lib/delivery/delivery-config'
import { parsePublishParams } from '../../lib/delivery/event-schema'
import { fanOut } from '../../lib/delivery/fanout'

/** Runtime entry point (tests and the benchmark replace dependencies with `main.withDeps`). */
export const main = defineAction({
  name: 'publisher/publish',
  // The event is checked before the inputs and State: a malformed event is the caller's 400.
  request: ({ params }) => parsePublishParams(params),
  correlationId: (params) => {
    const event = params.event as { id?: unknown } | undefined
    return typeof event?.id === 'string' ? event.id : undefined
  },
  config: loadDeliveryConfig,
  deps: deliveryDeps,
  handler: ({ request, config, clock, logger, deps, deadline }) =>
    fanOut(request, deliveryRuntime(config, { clock, logger }, deps), deadline.at),
  errorResponse: toActionErrorResponse,
  failureMessage: 'publish failed',
})
