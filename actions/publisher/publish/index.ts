/**
 * publisher/publish (non-web): fans a canonical event `{event}` out to its subscriptions, for
 * callers other than the entity handlers (which run the same fan-out in-process by default, see
 * lib/delivery/fanout.ts; FANOUT_MODE=action makes them invoke this action instead). Returns
 * `{statusCode, body}`: 200 once every delivery is done or durably scheduled, 503 when a record
 * could not be written, 400 for a malformed event, 500 for misconfigured inputs.
 */
import { toActionErrorResponse } from '../../lib/errors'
import { logServerFailure, type RuntimeOverrides } from '../../lib/delivery/action-deps'
import { parsePublishParams } from '../../lib/delivery/event-schema'
import { fanOut } from '../../lib/delivery/fanout'

/** Action entry point (`overrides` lets tests and the benchmark inject dependencies). */
export async function main(
  params: Record<string, unknown>,
  overrides: RuntimeOverrides = {},
): Promise<{ statusCode: number; body: unknown }> {
  try {
    return await fanOut(parsePublishParams(params), params, 'publisher-publish', overrides)
  } catch (err) {
    logServerFailure(err, 'publisher-publish', overrides, 'publish failed')
    return toActionErrorResponse(err)
  }
}
