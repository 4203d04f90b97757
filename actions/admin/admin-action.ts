/**
 * The adapter both admin web actions share: check the caller's org, route (404/405 before State
 * is opened), open the delivery runtime, build the action's operations from it, run the handler,
 * and map any error in one place.
 */
import { ConfigError, ForbiddenError, toErrorResponse } from '../lib/errors'
import type { ErrorResponse } from '../lib/responses'
import {
  logServerFailure,
  openDeliveryRuntime,
  type DeliveryRuntime,
  type RuntimeOverrides,
} from '../lib/delivery/action-deps'
import { DELIVERY_INPUT_KEYS } from '../lib/delivery/delivery-config'
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
export function allowedAdminOrgs(params: Record<string, unknown>): string[] {
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

/** Serves one admin request: `routes` over the operations `build` makes from the runtime. */
export async function serveAdmin<D>(
  actionName: string,
  routes: readonly Route<D>[],
  build: (rt: DeliveryRuntime) => D,
  params: Record<string, unknown>,
  overrides: RuntimeOverrides = {},
): Promise<WebResponse | ErrorResponse> {
  try {
    checkCallerOrg(params)
    const run = matchRoute(routes, toWebRequest(params, ADMIN_INPUT_KEYS))
    return await run(build(await openDeliveryRuntime(params, actionName, overrides)))
  } catch (err) {
    logServerFailure(err, actionName, overrides)
    return toErrorResponse(err)
  }
}
