/**
 * The declaration both admin web actions share: check the caller's org, route (404/405 before State
 * is opened), open the delivery runtime, build the action's operations from it, run the handler;
 * the entry-point layer maps errors.
 */
import { defineAction, type ActionMain } from '../lib/action-entry'
import { ConfigError, ForbiddenError } from '../lib/errors'
import {
  deliveryDeps,
  deliveryRuntime,
  type DeliveryDeps,
  type DeliveryRuntime,
} from '../lib/delivery/action-deps'
import { DELIVERY_INPUT_KEYS, loadDeliveryConfig, type DeliveryConfig } from '../lib/delivery/delivery-config'
import { matchRoute, toWebRequest, type Route, type WebResponse } from './web-router'

/** Inputs of the admin layer itself (dropped from the request fields like the delivery inputs). */
export const ADMIN_INPUT_KEYS: ReadonlySet<string> = new Set([
  ...DELIVERY_INPUT_KEYS,
  'ADMIN_ALLOWED_ORGS',
  'OAUTH_ORG_ID',
])

/**
 * The IMS orgs allowed to call the admin API: `ADMIN_ALLOWED_ORGS` (comma list), else the
 * workspace's own org — `OAUTH_ORG_ID`, the org of the workspace credential the app is deployed
 * with (the org of `aio app use`). Empty means misconfigured: refuse everything (fail closed).
 */
function allowedAdminOrgs(params: Record<string, unknown>): string[] {
  const list = (v: unknown) =>
    (typeof v === 'string' ? v : '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const explicit = list(params.ADMIN_ALLOWED_ORGS)
  return explicit.length ? explicit : list(params.OAUTH_ORG_ID)
}

/**
 * `require-adobe-auth` makes the platform validate the IMS token and that it belongs to the org
 * named in `x-gw-ims-org-id`, but any org's valid token passes. The app's own authorization:
 * only the allowed orgs (403 otherwise).
 */
function checkCallerOrg(params: Record<string, unknown>): void {
  const allowed = allowedAdminOrgs(params)
  if (!allowed.length) {
    const err = new ConfigError('no admin org configured: set ADMIN_ALLOWED_ORGS or OAUTH_ORG_ID', [
      'ADMIN_ALLOWED_ORGS',
    ])
    err.expose = true // names an input, nothing secret; the operator needs it to fix the deploy
    throw err
  }
  const headers = (params.__ow_headers ?? {}) as Record<string, unknown>
  const org = typeof headers['x-gw-ims-org-id'] === 'string' ? headers['x-gw-ims-org-id'].trim() : ''
  if (!allowed.includes(org))
    throw new ForbiddenError(
      "the caller's IMS org (x-gw-ims-org-id) is not allowed to use the admin API; see ADMIN_ALLOWED_ORGS",
    )
}

/**
 * An admin web action: `routes` over the operations `build` makes from the delivery runtime. The
 * caller's org and the route (404/405) are decided in the layer's request step, before the inputs
 * are read and State is opened; errors are mapped by the layer (`toErrorResponse`).
 */
export function defineAdminAction<D>(
  name: string,
  routes: readonly Route<D>[],
  build: (rt: DeliveryRuntime, activation: { deadlineAt?: number }) => D,
): ActionMain<DeliveryConfig, DeliveryDeps, WebResponse> {
  return defineAction({
    name,
    request: ({ params }) => {
      checkCallerOrg(params)
      return matchRoute(routes, toWebRequest(params, ADMIN_INPUT_KEYS))
    },
    config: loadDeliveryConfig,
    deps: deliveryDeps,
    handler: ({ request: run, config, clock, logger, deps, deadline }) =>
      run(build(deliveryRuntime(config, { clock, logger }, deps), { deadlineAt: deadline.at })),
  })
}
