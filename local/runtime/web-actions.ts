/**
 * Web actions: `/api/v1/web/{ns}/{pkg|default}/{action}[.http|.json|.text|.html|.svg][/rest]`,
 * following the OpenWhisk controller (WebActions.scala): CORS unless `web-custom-options`,
 * request → params (`__ow_*`, query, JSON/form/raw body), `final` and reserved-parameter
 * rejection, `raw-http`, the wait for the result (202 past it), and the response transcoders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackContext } from '../service'
import { safeEqual, StackHttpError } from '../http-kit'
import { INVOKER_LIMITS, type Invoker } from './invoker'
import type { ActionSpec } from './manifest'
import { Messages } from './messages'
import { OwError, parsePlatformJson, readLimitedBody, sendOwError, waitFor } from './ow-http'
import { bodyForRequest, isJsonFamily, respond, type WebReply } from './web-response'

/** What the web front door needs. */
export interface WebActionDeps {
  ctx: StackContext
  actions: Map<string, ActionSpec>
  invoker: Invoker
  /** How long a request waits for the result before 202 (60 s on the platform). */
  blockingWaitMs: number
}

const EXTENSIONS = ['.http', '.json', '.html', '.svg', '.text'] as const

const RESERVED = new Set(['__ow_method', '__ow_headers', '__ow_path', '__ow_user', '__ow_query', '__ow_body'])

const CORS_BASE = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH',
}
const CORS_DEFAULT_HEADERS = 'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent'

/** Handles one request under `/api/v1/web/`; never throws. */
export async function handleWebAction(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: WebActionDeps,
): Promise<void> {
  let cors: Record<string, string> = {}
  try {
    const segments = url.pathname.slice('/api/v1/web/'.length).split('/')
    if (segments.length < 3 || segments.slice(0, 3).some((s) => !s))
      throw new OwError(404, Messages.resourceDoesNotExist)
    const [ns, pkg, nameWithExt] = segments.slice(0, 3).map(decodeSegment)
    const ext = EXTENSIONS.find((e) => nameWithExt.endsWith(e)) ?? '.http'
    const actionName = nameWithExt.endsWith(ext) ? nameWithExt.slice(0, -ext.length) : nameWithExt
    const restPath = segments.length > 3 ? `/${segments.slice(3).join('/')}` : ''

    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > INVOKER_LIMITS.payloadBytes) {
      throw new OwError(413, Messages.entityTooBig('Request', declared, INVOKER_LIMITS.payloadBytes))
    }
    const action =
      ns === deps.ctx.config.namespace
        ? deps.actions.get(pkg === 'default' ? actionName : `${pkg}/${actionName}`)
        : undefined
    if (!action || !action.webExport) throw new OwError(404, Messages.resourceDoesNotExist)

    const method = (req.method ?? 'GET').toLowerCase()
    if (!action.webCustomOptions) {
      const requested = req.headers['access-control-request-headers']
      cors = {
        ...CORS_BASE,
        'access-control-allow-headers': typeof requested === 'string' ? requested : CORS_DEFAULT_HEADERS,
      }
      if (method === 'options') {
        res.writeHead(200, { ...cors, 'content-length': 0 })
        res.end()
        return
      }
    }
    // require-adobe-auth is enforced in front of the action (the platform's IMS validator).
    // OPTIONS reaches a web-custom-options action unauthenticated, as in OpenWhisk.
    if (action.requireAdobeAuth && method !== 'options') checkAdobeAuth(req, deps.ctx)

    const body = await readLimitedBody(req, INVOKER_LIMITS.payloadBytes)
    const params = requestParams(req, url, restPath, body, action)
    const size = Buffer.byteLength(JSON.stringify(params))
    if (size > INVOKER_LIMITS.payloadBytes)
      throw new OwError(413, Messages.entityTooBig('Request', size, INVOKER_LIMITS.payloadBytes))

    // Adobe I/O Runtime does not persist the record of a successful blocking activation (a web
    // action answered in time) unless the request sends `X-OW-EXTRA-LOGGING: on` ("Retrieving
    // activations for blocking successful calls", Runtime docs). One answered with 202 is kept,
    // so its result can be fetched.
    let gaveUp = false
    const extraLogging = String(req.headers['x-ow-extra-logging'] ?? '').toLowerCase() === 'on'
    const started = deps.invoker.start(
      deps.ctx.config.namespace,
      action,
      params,
      undefined,
      () => extraLogging || gaveUp,
    )
    const idHeader = { 'x-openwhisk-activation-id': started.activationId }
    const record = await waitFor(started.done, deps.blockingWaitMs)
    if (!record) {
      gaveUp = true
      sendOwError(res, 202, Messages.responseNotReady, { ...cors, ...idHeader })
      return
    }
    const r = record.response
    let reply: WebReply
    if (r.status === 'success') reply = respond(ext, r.result)
    else if (r.status === 'application error') reply = respond(ext, r.result.error)
    else reply = { status: 400, error: Messages.errorProcessingRequest }
    if (reply.error !== undefined) {
      sendOwError(res, reply.status, reply.error, { ...cors, ...idHeader })
      return
    }
    send(res, reply, { ...cors, ...idHeader })
  } catch (err) {
    if (err instanceof OwError || err instanceof StackHttpError) {
      sendOwError(res, err.status, err.message, { ...cors, ...err.headers })
      return
    }
    deps.ctx.log(`web action error for ${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`)
    sendOwError(res, 500, 'The server encountered an internal error.', cors)
  }
}

/** Builds the action's params from the request (Context.toActionArgument + final/reserved checks). */
function requestParams(
  req: IncomingMessage,
  url: URL,
  restPath: string,
  body: Buffer,
  action: ActionSpec,
): Record<string, unknown> {
  const contentType = String(req.headers['content-type'] ?? '')
  const mediaType = contentType.split(';')[0].trim().toLowerCase()
  const meta: Record<string, unknown> = {
    __ow_method: (req.method ?? 'GET').toLowerCase(),
    __ow_headers: lowerCaseHeaders(req),
    __ow_path: restPath,
  }
  if (action.rawHttp) {
    // Raw: query and body are passed through untouched; nothing can override an input.
    return {
      ...action.params,
      ...meta,
      __ow_query: url.search.slice(1),
      __ow_body: body.length === 0 ? '' : bodyForRequest(body, contentType),
    }
  }
  // fromEntries defines own properties: a `__proto__` query key stays a plain field.
  const query: Record<string, unknown> = Object.fromEntries(url.searchParams)
  let bodyArgs: Record<string, unknown> = {}
  // Only the fields of an object body (JSON or form) can collide with inputs; other bodies are boxed.
  let bodyKeys: string[] = []
  if (body.length > 0) {
    if (isJsonFamily(mediaType)) {
      const parsed = parsePlatformJson(body)
      bodyArgs = isPlainObject(parsed) ? parsed : { __ow_body: parsed }
      if (isPlainObject(parsed)) bodyKeys = Object.keys(parsed)
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      bodyArgs = Object.fromEntries(new URLSearchParams(body.toString('utf8')))
      bodyKeys = Object.keys(bodyArgs)
    } else {
      bodyArgs = { __ow_body: bodyForRequest(body, contentType) }
    }
  }
  // Reserved names, and with `final: true` every defined input, cannot be set by the request.
  const protectedKeys = new Set(RESERVED)
  if (action.final)
    for (const [k, v] of Object.entries(action.params))
      if (v !== null && v !== undefined) protectedKeys.add(k)
  if ([...Object.keys(query), ...bodyKeys].some((k) => protectedKeys.has(k)))
    throw new OwError(400, Messages.parametersNotAllowed)
  return { ...action.params, ...meta, ...query, ...bodyArgs }
}

/** The platform's IMS check for `require-adobe-auth`: Bearer token, and the org header naming the token's org. */
function checkAdobeAuth(req: IncomingMessage, ctx: StackContext): void {
  const auth = req.headers.authorization
  const org = req.headers['x-gw-ims-org-id']
  if (!auth || !/^bearer /i.test(auth)) {
    throw new OwError(401, 'cannot authorize request, reason: missing authorization header')
  }
  if (!safeEqual(auth.slice(7).trim(), ctx.config.imsToken)) {
    throw new OwError(401, 'cannot authorize request, reason: invalid IMS access token')
  }
  if (typeof org !== 'string' || org.trim() === '') {
    throw new OwError(401, 'cannot authorize request, reason: missing x-gw-ims-org-id header')
  }
  // The gateway validates that the token belongs to the named org; the local token is bound to
  // the local org (LOCAL_IMS_ORG_ID), so any other org is refused as the platform would.
  if (org.trim() !== ctx.config.imsOrgId) {
    throw new OwError(
      401,
      'cannot authorize request, reason: the IMS access token is not valid for the x-gw-ims-org-id org',
    )
  }
}

function send(res: ServerResponse, reply: WebReply, extra: Record<string, string>): void {
  const headers: Record<string, string | string[]> = { ...extra }
  for (const [k, v] of reply.headers ?? []) {
    const key = k.toLowerCase()
    const prev = headers[key]
    headers[key] = prev === undefined || key in extra ? v : ([] as string[]).concat(prev, v)
  }
  const body = reply.body ?? Buffer.alloc(0)
  if (reply.contentType) headers['content-type'] = reply.contentType
  else delete headers['content-type']
  headers['content-length'] = String(body.length)
  res.writeHead(reply.status, headers)
  res.end(body)
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    throw new OwError(404, Messages.resourceDoesNotExist)
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
