/**
 * The OpenWhisk REST API subset the `openwhisk` npm client and the aio CLI use, under
 * `/api/v1/namespaces`: namespaces, actions (list/get/invoke), activations (list/get/logs/result)
 * and read-only listings of packages, triggers and rules. Basic auth per namespace; `_` means the
 * caller's namespace. Entities come from app.config.yaml, so create/update/delete are refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackContext } from '../service'
import { sendJson, StackHttpError } from '../http-kit'
import type { ActivationStore } from './activation-store'
import { INVOKER_LIMITS, type Invoker } from './invoker'
import type { AppManifest, ActionSpec } from './manifest'
import { Messages } from './messages'
import { OwError, authenticate, parsePlatformJson, readLimitedBody, sendOwError, waitFor } from './ow-http'
import type { ActivationRecord } from './types'

/** What the REST API needs. */
export interface RestApiDeps {
  ctx: StackContext
  manifest: AppManifest
  invoker: Invoker
  store: ActivationStore
  blockingWaitMs: number
}

type Handler = (c: RouteContext) => Promise<void> | void
interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  namespace: string
  rest: string[]
  deps: RestApiDeps
}

const ACTIVATION_ID = /^[0-9a-f]{32}$/
const LIST_MAX = 200
const INT_MAX = 2 ** 31 - 1

/** Collection name → method → handler (route with data, not a switch). */
const routes: Record<string, Partial<Record<string, Handler>>> = {
  actions: { GET: getActions, POST: invokeAction },
  activations: { GET: getActivations },
  packages: { GET: listPackages },
  triggers: { GET: listTriggers },
  rules: { GET: listRules },
}

/** Handles one request under `/api/v1/namespaces`; never throws. */
export async function handleRestApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: RestApiDeps,
): Promise<void> {
  try {
    const caller = authenticate(req, deps.ctx.config)
    const parts = url.pathname.split('/').filter(Boolean).slice(3).map(decodeURIComponent)
    if (parts.length === 0) {
      if (req.method !== 'GET') throw new OwError(405, 'Method not allowed.')
      sendJson(res, 200, [caller])
      return
    }
    const [nsPart, collection, ...rest] = parts
    const namespace = nsPart === '_' ? caller : nsPart
    if (namespace !== caller) throw new OwError(403, Messages.notAuthorized)
    const handler = routes[collection ?? '']?.[req.method ?? 'GET']
    if (!handler) {
      if (routes[collection ?? '']) {
        throw new OwError(
          405,
          'The local runtime serves the entities of app.config.yaml; change the manifest and restart instead.',
        )
      }
      throw new OwError(404, Messages.resourceDoesNotExist)
    }
    await handler({ req, res, url, namespace, rest, deps })
  } catch (err) {
    if (err instanceof OwError || err instanceof StackHttpError) {
      sendOwError(res, err.status, err.message, err.headers)
      return
    }
    if (err instanceof URIError) {
      sendOwError(res, 404, Messages.resourceDoesNotExist)
      return
    }
    deps.ctx.log(
      `runtime API error for ${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`,
    )
    sendOwError(res, 500, 'The server encountered an internal error.')
  }
}

function findAction(c: RouteContext): ActionSpec {
  const name = c.rest.join('/')
  const action = c.namespace === c.deps.ctx.config.namespace ? c.deps.manifest.actions.get(name) : undefined
  if (!action) throw new OwError(404, `${Messages.resourceDoesntExist(name)}`)
  return action
}

function getActions(c: RouteContext): void {
  if (c.rest.length === 0) {
    const { skip, limit } = paging(c.url, 'actions', 30)
    const all = c.namespace === c.deps.ctx.config.namespace ? [...c.deps.manifest.actions.values()] : []
    sendJson(
      c.res,
      200,
      all.slice(skip, limit === 0 ? undefined : skip + limit).map((a) => actionJson(c.namespace, a, false)),
    )
    return
  }
  sendJson(c.res, 200, actionJson(c.namespace, findAction(c), true))
}

async function invokeAction(c: RouteContext): Promise<void> {
  const action = findAction(c)
  const body = await readLimitedBody(c.req, INVOKER_LIMITS.payloadBytes)
  const args: unknown = body.length > 0 ? parsePlatformJson(body) : {}
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new OwError(400, `${Messages.malformedRequest} the body must be a JSON object of parameters.`)
  }
  const params = { ...action.params, ...(args as Record<string, unknown>) }
  const size = Buffer.byteLength(JSON.stringify(params))
  if (size > INVOKER_LIMITS.payloadBytes)
    throw new OwError(413, Messages.entityTooBig('Request', size, INVOKER_LIMITS.payloadBytes))
  const q = c.url.searchParams
  const blocking = q.get('blocking') === 'true'
  const resultOnly = q.get('result') === 'true'
  let wait = c.deps.blockingWaitMs
  if (q.has('timeout')) {
    const t = Number(q.get('timeout'))
    if (!Number.isInteger(t) || t < 100 || t > c.deps.blockingWaitMs) {
      throw new OwError(400, `Timeout must be number of milliseconds up to ${c.deps.blockingWaitMs}.`)
    }
    wait = t
  }
  const started = c.deps.invoker.start(c.namespace, action, params)
  const idHeader = { 'x-openwhisk-activation-id': started.activationId }
  if (!blocking) {
    sendJson(c.res, 202, { activationId: started.activationId }, idHeader)
    return
  }
  const record = await waitFor(started.done, wait)
  if (!record) {
    sendJson(c.res, 202, { activationId: started.activationId }, idHeader)
    return
  }
  const status =
    record.response.status === 'success' ? 200 : record.response.status === 'whisk internal error' ? 500 : 502
  // A blocking invoke answers before logs are collected: the record comes without them.
  sendJson(c.res, status, resultOnly ? record.response.result : { ...record, logs: [] }, idHeader)
}

function getActivations(c: RouteContext): void {
  const { store } = c.deps
  if (c.rest.length === 0) {
    const q = c.url.searchParams
    const { skip, limit } = paging(c.url, 'activations', 30)
    const name = q.get('name')?.trim() || undefined
    if (name && (name.split('/').length > 2 || name.split('/').some((s) => !s)))
      throw new OwError(400, Messages.badNameFilter(name))
    const epoch = (k: string): number | undefined => {
      const v = q.get(k)
      if (v === null || v === '') return undefined
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new OwError(400, Messages.badEpoch(v))
      return Number(v)
    }
    if (q.get('count') === 'true' && q.get('docs') === 'true')
      throw new OwError(400, "The parameter 'docs' is not permitted with 'count'.")
    const records = store.list({
      namespace: c.namespace,
      name,
      skip,
      limit: limit === 0 ? LIST_MAX : limit,
      since: epoch('since'),
      upto: epoch('upto'),
    })
    if (q.get('count') === 'true') {
      sendJson(c.res, 200, { activations: records.length })
      return
    }
    sendJson(c.res, 200, q.get('docs') === 'true' ? records : records.map(summary))
    return
  }
  const [id, sub, ...extra] = c.rest
  if (!ACTIVATION_ID.test(id)) throw new OwError(400, Messages.activationIdIllegal)
  const record = store.get(c.namespace, id)
  if (!record || extra.length > 0) throw new OwError(404, Messages.resourceDoesNotExist)
  if (sub === undefined) sendJson(c.res, 200, record)
  else if (sub === 'logs') sendJson(c.res, 200, { logs: record.logs })
  else if (sub === 'result') sendJson(c.res, 200, record.response)
  else throw new OwError(404, Messages.resourceDoesNotExist)
}

function listPackages(c: RouteContext): void {
  const names = new Set(
    [...c.deps.manifest.actions.values()].map((a) => a.packageName).filter((p): p is string => !!p),
  )
  sendJson(
    c.res,
    200,
    [...names].map((name) => ({
      name,
      namespace: c.namespace,
      version: '0.0.1',
      publish: false,
      binding: false,
      annotations: [],
    })),
  )
}

function listTriggers(c: RouteContext): void {
  const all = [...c.deps.manifest.triggers.values()]
  sendJson(
    c.res,
    200,
    all.map((t) => ({
      name: t.name,
      namespace: c.namespace,
      version: '0.0.1',
      publish: false,
      annotations: [{ key: 'feed', value: `/whisk.system/alarms/${t.feed}` }],
    })),
  )
}

function listRules(c: RouteContext): void {
  sendJson(
    c.res,
    200,
    c.deps.manifest.rules.map((r) => ({
      name: r.name,
      namespace: c.namespace,
      version: '0.0.1',
      publish: false,
      status: 'active',
      trigger: { name: r.trigger, path: c.namespace },
      action: {
        name: r.action.split('/').pop(),
        path: `${c.namespace}/${r.action.split('/').slice(0, -1).join('/')}`,
      },
    })),
  )
}

/** The action entity as `GET …/actions/{name}` shows it (bound parameters included for the owner). */
function actionJson(namespace: string, a: ActionSpec, full: boolean): Record<string, unknown> {
  return {
    name: a.actionName,
    namespace: a.packageName ? `${namespace}/${a.packageName}` : namespace,
    version: '0.0.1',
    publish: false,
    exec: { kind: a.runtime, binary: false },
    annotations: Object.entries({ ...a.annotations, exec: a.runtime.split(':')[0] }).map(([key, value]) => ({
      key,
      value,
    })),
    limits: { timeout: a.limits.timeout, memory: a.limits.memory, logs: a.limits.logs, concurrency: 1 },
    ...(full ? { parameters: Object.entries(a.params).map(([key, value]) => ({ key, value })) } : {}),
  }
}

/** The list view of an activation (no logs, no result), like the CouchDB activation view. */
function summary(r: ActivationRecord): Record<string, unknown> {
  return {
    activationId: r.activationId,
    annotations: r.annotations,
    duration: r.duration,
    end: r.end,
    name: r.name,
    namespace: r.namespace,
    publish: r.publish ?? false,
    start: r.start,
    statusCode: r.response.statusCode,
    version: r.version ?? '0.0.1',
  }
}

function paging(url: URL, collection: string, defaultLimit: number): { skip: number; limit: number } {
  const read = (k: string, dflt: number): number => {
    const v = url.searchParams.get(k)
    if (v === null || v === '') return dflt
    // The controller parses these as a 32-bit Int: anything else (NaN, 1e3, 99999999999999999999)
    // is "not an integer", a 400 — never a number too large for the activation store.
    const n = Number(v)
    if (!/^-?\d+$/.test(v) || n > INT_MAX || n < -INT_MAX - 1)
      throw new OwError(400, Messages.argumentNotInteger(collection, v))
    return n
  }
  const skip = read('skip', 0)
  const limit = read('limit', defaultLimit)
  if (skip < 0) throw new OwError(400, Messages.listSkipOutOfRange(collection, skip))
  if (limit < 0 || limit > LIST_MAX)
    throw new OwError(400, Messages.listLimitOutOfRange(collection, limit, LIST_MAX))
  return { skip, limit }
}
