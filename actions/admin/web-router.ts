/**
 * Routing for the admin web actions (`web: 'yes'`): a table of {method, path pattern, handler}
 * matched against `__ow_method` and `__ow_path`, instead of a switch. Unknown paths are 404,
 * a known path with another method is 405 with `Allow`.
 */
import { HttpError, NotFoundError } from '../lib/errors'
import { assertSafeJson, parseSafeJson, UnsafeJsonError } from '../lib/safe-json'

/** The request as the handlers see it. */
export interface WebRequest {
  /** Lower-case HTTP method. */
  method: string
  /** The path after the action name, without a trailing slash (`''` for the root). */
  path: string
  /** Query and JSON body fields (action inputs and `__ow_*` removed). */
  input: Record<string, unknown>
  /** Request headers (lower-case names), as the platform passes them in `__ow_headers`. */
  headers: Record<string, string>
}

/** A web action result (the platform maps statusCode/headers/body to HTTP). */
export interface WebResponse {
  statusCode: number
  headers?: Record<string, string>
  body?: unknown
}

/** One row of a route table. `match` holds the pattern's capture groups (decoded). */
export interface Route<D> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete'
  path: RegExp
  handle: (deps: D, req: WebRequest, match: string[]) => Promise<WebResponse>
}

/** Headers on every admin response: secrets are shown once and must not be cached. */
const ADMIN_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' }

/**
 * Builds the request from web action params, dropping inputs (`inputKeys`) and platform params.
 * The fields go through the shared safe-JSON check: the platform hands a body's `__proto__` key
 * over as an own param, and copying it by assignment would set the input's prototype (smuggling
 * e.g. `auth` past the schema's unknown-key check), so prototype keys and deep nesting are a 400.
 */
export function toWebRequest(params: Record<string, unknown>, inputKeys: ReadonlySet<string>): WebRequest {
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) {
    if (!k.startsWith('__ow_') && !inputKeys.has(k)) defineField(fields, k, v)
  }
  // A JSON body sent with a non-JSON content type arrives as a string in __ow_body.
  if (typeof params.__ow_body === 'string' && params.__ow_body.trim().startsWith('{')) {
    const parsed = safely(() => parseSafeJson(params.__ow_body as string)) as Record<string, unknown>
    for (const [k, v] of Object.entries(parsed)) defineField(fields, k, v)
  }
  safely(() => assertSafeJson(fields))
  const path = (typeof params.__ow_path === 'string' ? params.__ow_path : '').replace(/\/+$/, '')
  const rawHeaders = params.__ow_headers
  const headers: Record<string, string> = {}
  if (rawHeaders && typeof rawHeaders === 'object')
    for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === 'string') defineField(headers, k, v)
  return {
    method: (typeof params.__ow_method === 'string' ? params.__ow_method : 'get').toLowerCase(),
    path,
    input: fields,
    headers,
  }
}

/** Own data property, whatever the key (never the `__proto__` setter). */
function defineField(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function safely<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof UnsafeJsonError) throw new HttpError(400, `request body ${err.message}`)
    throw err
  }
}

/** A matched route, ready to run once the dependencies exist (routing errors come first, before State is opened). */
export function matchRoute<D>(
  routes: readonly Route<D>[],
  req: WebRequest,
): (deps: D) => Promise<WebResponse> {
  const onPath = routes.map((r) => ({ r, m: r.path.exec(req.path) })).filter((x) => x.m)
  if (!onPath.length) throw new NotFoundError(`no such resource: ${req.path.slice(0, 100) || '/'}`)
  const hit = onPath.find((x) => x.r.method === req.method)
  if (!hit) {
    const err = new HttpError(
      405,
      `method ${req.method.toUpperCase()} not allowed here; use ${onPath.map((x) => x.r.method.toUpperCase()).join(', ')}`,
    )
    throw err
  }
  const groups = hit.m!.slice(1).map((g) => decodeURIComponent(g ?? ''))
  return async (deps) => {
    const res = await hit.r.handle(deps, req, groups)
    return { ...res, headers: { ...ADMIN_HEADERS, ...(res.headers ?? {}) } }
  }
}

/**
 * True when the platform will keep this activation's result: Adobe I/O Runtime does not persist
 * successful blocking (web) activations unless the request sends `X-OW-EXTRA-LOGGING: on`; then
 * the result, with anything in it, is readable by everyone holding the namespace's credentials.
 */
export function resultIsStored(req: WebRequest): boolean {
  return (req.headers['x-ow-extra-logging'] ?? '').toLowerCase() === 'on'
}

/** Reads a boolean query flag (`?stats=true`). */
export function flag(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['true', '1', 'yes'].includes(v.toLowerCase()))
}
