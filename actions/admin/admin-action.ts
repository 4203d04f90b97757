/**
 * The adapter both admin web actions share: route first (404/405 before State is opened), then
 * open the delivery runtime, build the action's operations from it, run the handler, and map any
 * error in one place.
 */
import { toErrorResponse } from '../lib/errors'
import type { ErrorResponse } from '../lib/responses'
import {
  logServerFailure,
  openDeliveryRuntime,
  type DeliveryRuntime,
  type RuntimeOverrides,
} from '../lib/delivery/action-deps'
import { DELIVERY_INPUT_KEYS } from '../lib/delivery/delivery-config'
import { matchRoute, toWebRequest, type Route, type WebResponse } from './web-router'

/** Serves one admin request: `routes` over the operations `build` makes from the runtime. */
export async function serveAdmin<D>(
  actionName: string,
  routes: readonly Route<D>[],
  build: (rt: DeliveryRuntime) => D,
  params: Record<string, unknown>,
  overrides: RuntimeOverrides = {},
): Promise<WebResponse | ErrorResponse> {
  try {
    const run = matchRoute(routes, toWebRequest(params, DELIVERY_INPUT_KEYS))
    return await run(build(await openDeliveryRuntime(params, actionName, overrides)))
  } catch (err) {
    logServerFailure(err, actionName, overrides)
    return toErrorResponse(err)
  }
}
