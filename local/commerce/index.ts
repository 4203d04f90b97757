/**
 * Local Adobe Commerce REST API, mounted at `/commerce/rest/[<store code>/]V1/…` on the stack's
 * port (`COMMERCE_BASE_URL=http://127.0.0.1:PORT/commerce/rest/`), durable in
 * `<DATA_DIR>/commerce.sqlite`. Auth as Commerce checks it: OAuth 1.0a signatures of the local
 * integration (oauth-verifier.ts, independent of the app's signer) or the local IMS bearer token.
 * Its eventing REST API (eventing-routes.ts) is configured by onboarding; entity changes then emit
 * the subscribed Commerce events, with the subscribed fields only, to the local I/O Events
 * (event-emitter.ts). Nothing is emitted before a subscription exists, as on a real instance.
 *
 * Local-only test hooks (never part of Commerce; IMS bearer required), under `/commerce/_local/`:
 * - `POST faults {method?, path, status, count?, retryAfter?}`: the next `count` (default 1)
 *   requests whose `V1/…` path starts with `path` answer `status` (Commerce's 5xx body) without
 *   being applied; `DELETE faults` clears them;
 * - `POST orders {items: [{sku, qty, price?}], email?}`: places an order (Commerce creates orders
 *   from carts, which this emulator does not model) and answers it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseJson, readBody, safeEqual, sendJson, StackHttpError } from '../http-kit'
import type { LocalService, StackContext } from '../service'
import { localWorkspace } from '../stack-config'
import { loadOrCreateCommerceIntegration, type CommerceIntegrationSecrets } from '../dev-secrets'
import { catalogRoutes } from './catalog-routes'
import { createEventEmitter } from './event-emitter'
import { eventingRoutes } from './eventing-routes'
import { createOAuthVerifier, OAuthRejection } from './oauth-verifier'
import { newOrder, orderRoutes, saveOrder } from './order-routes'
import { CommerceHttpError } from './rest-kit'
import type { RouteContext } from './router'
import { openCommerceStore, type CommerceStore } from './store'

/** How the app's actions authenticate to the local Commerce (`LOCAL_COMMERCE`). */
export type LocalCommerceAuth = 'integration' | 'ims'

/** The local Commerce as the stack and tests see it. */
export interface CommerceService extends LocalService {
  /** `http://127.0.0.1:PORT/commerce/rest/`. */
  readonly baseUrl: string
  readonly integration: CommerceIntegrationSecrets
  /** The action inputs that point the app at this Commerce with `auth`. */
  actionEnv(auth: LocalCommerceAuth): Record<string, string>
  /** Successful writes (`METHOD V1/path`) since start, in order. */
  writes(): string[]
  /** Resolves once every emitted Commerce event was handed to I/O Events. */
  eventsIdle(): Promise<void>
  store: CommerceStore
}

interface Fault {
  method?: string
  path: string
  status: number
  count: number
  retryAfter?: number
}

const REST = /^\/commerce\/rest\/(?:(?!V1\/)[A-Za-z0-9_]+\/)?(V1\/.*)$/
const ROUTES = [...catalogRoutes, ...orderRoutes, ...eventingRoutes]
/** The ACL resource named in a 401, by path prefix (the first match wins). */
const RESOURCES: [string, string][] = [
  ['V1/customer', 'Magento_Customer::manage'],
  ['V1/order', 'Magento_Sales::sales'],
  ['V1/shipment', 'Magento_Sales::sales'],
  ['V1/eventing', 'Magento_AdobeCommerceEventsClient::event_subscribe'],
]
const UNAUTHORIZED = "The consumer isn't authorized to access %resources."

/** Creates the local Commerce. */
export async function createCommerceService(ctx: StackContext): Promise<CommerceService> {
  const now = Date.now
  const store = openCommerceStore(ctx.config.dataDir, (s) => {
    // Commerce's built-in customer groups, and one order so a shipment can be tried at once.
    for (const [id, code] of [
      [0, 'NOT LOGGED IN'],
      [1, 'General'],
      [2, 'Wholesale'],
      [3, 'Retailer'],
    ] as const) {
      s.put('group', String(id), { id, code, tax_class_id: 3, tax_class_name: 'Retail Customer' })
      if (id > 0) s.nextId('group')
    }
    const order = newOrder({ store: s, now }, [{ sku: 'MS-Tee-S-Blue', qty: 2, price: 29 }])
    s.put('order', String(order.entity_id), order)
  })
  const integration = loadOrCreateCommerceIntegration(ctx.config.dataDir)
  const verifier = createOAuthVerifier(integration, now)
  const ws = localWorkspace(ctx.env)
  const emitter = createEventEmitter({
    baseUrl: ctx.baseUrl,
    imsToken: ctx.config.imsToken,
    imsOrgId: ctx.config.imsOrgId,
    apiKey: ws.apiKey,
    store,
    log: ctx.log,
  })
  const faults: Fault[] = []
  const writes: string[] = []
  const baseUrl = `${ctx.baseUrl}/commerce/rest/`
  const bearer = (req: IncomingMessage): string | undefined =>
    /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]

  const reply = (res: ServerResponse, err: CommerceHttpError, headers: Record<string, string> = {}) =>
    sendJson(
      res,
      err.status,
      { message: err.message, ...(err.parameters !== undefined && { parameters: err.parameters }) },
      headers,
    )

  function authenticate(req: IncomingMessage, rawUrl: string, resource: string): void {
    const token = bearer(req)
    if (token !== undefined) {
      if (safeEqual(token, ctx.config.imsToken)) return
      throw new CommerceHttpError(401, UNAUTHORIZED, { resources: resource })
    }
    if (!/^OAuth\s/i.test(String(req.headers.authorization ?? '')))
      throw new CommerceHttpError(401, UNAUTHORIZED, { resources: resource })
    try {
      verifier.verify(req, rawUrl)
    } catch (err) {
      if (err instanceof OAuthRejection)
        throw new CommerceHttpError(
          401,
          err.message,
          err.message.includes('%resources') ? { resources: resource } : undefined,
        )
      throw err
    }
  }

  async function serveRest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    restPath: string,
  ): Promise<void> {
    const method = String(req.method)
    const route = ROUTES.find((r) => r.method === method && r.path.test(restPath))
    const anyMethod = ROUTES.some((r) => r.path.test(restPath))
    const raw = await readBody(req, 1024 * 1024).catch((err) => {
      throw err instanceof StackHttpError ? new CommerceHttpError(413, err.message) : err
    })
    authenticate(
      req,
      String(req.url),
      RESOURCES.find(([prefix]) => restPath.startsWith(prefix))?.[1] ?? 'Magento_Catalog::products',
    )
    if (!route) {
      throw anyMethod
        ? new CommerceHttpError(405, 'Request does not match any route.')
        : new CommerceHttpError(404, 'Request does not match any route.')
    }
    const fault = faults.find(
      (f) => (!f.method || f.method === method) && restPath.startsWith(f.path) && f.count > 0,
    )
    if (fault) {
      fault.count--
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}
      reply(
        res,
        new CommerceHttpError(
          fault.status,
          fault.status === 429
            ? 'Too many requests'
            : 'Internal Error. Details are available in Magento log file. Report ID: %1',
          fault.status === 429 ? undefined : ['local-fault'],
        ),
        headers,
      )
      return
    }
    let body: unknown
    try {
      body = parseJson(raw)
    } catch {
      throw new CommerceHttpError(400, 'Decoding error: %1', ['Syntax error'])
    }
    const m = route.path.exec(restPath)!
    const pending: [string, Record<string, unknown>][] = []
    const c: RouteContext = {
      params: m.slice(1).map(decodePathParam),
      query: url.searchParams,
      body,
      store,
      now,
      emit: (event, value) => void pending.push([event, value]),
    }
    const result = store.tx(() => route.handler(c))
    if (method !== 'GET') writes.push(`${method} ${restPath.split('?')[0]}`)
    sendJson(res, 200, result)
    for (const [event, value] of pending) emitter.emit(event, value)
  }

  async function serveHooks(req: IncomingMessage, res: ServerResponse, hook: string): Promise<void> {
    const raw = await readBody(req, 1024 * 1024)
    if (!safeEqual(bearer(req) ?? '', ctx.config.imsToken))
      throw new StackHttpError(401, 'local Commerce hooks need the local IMS bearer token')
    const body = (parseJson(raw) ?? {}) as Record<string, unknown>
    if (hook === 'faults' && req.method === 'DELETE') {
      faults.length = 0
      sendJson(res, 200, { faults: 0 })
    } else if (hook === 'faults' && req.method === 'POST') {
      const status = Number(body.status)
      if (typeof body.path !== 'string' || !(status >= 400 && status <= 599))
        throw new StackHttpError(400, 'a fault needs {path: "V1/…", status: 400-599}')
      faults.push({
        method: typeof body.method === 'string' ? body.method.toUpperCase() : undefined,
        path: body.path,
        status,
        count: Number(body.count ?? 1),
        retryAfter: body.retryAfter === undefined ? undefined : Number(body.retryAfter),
      })
      sendJson(res, 201, { faults: faults.length })
    } else if (hook === 'orders' && req.method === 'POST') {
      const items = Array.isArray(body.items)
        ? (body.items as { sku: string; qty: number; price?: number }[])
        : []
      if (!items.length || items.some((i) => typeof i?.sku !== 'string' || !(Number(i.qty) > 0)))
        throw new StackHttpError(400, 'an order needs items: [{sku, qty}]')
      const order = store.tx(() => {
        const o = newOrder(
          { store, now },
          items.map((i) => ({ sku: i.sku, qty: Number(i.qty), price: i.price })),
          typeof body.email === 'string' ? body.email : undefined,
        )
        saveOrder({ store, now, emit: () => undefined }, o)
        return o
      })
      sendJson(res, 201, order)
    } else throw new StackHttpError(404, `no local Commerce hook ${req.method} ${hook}`)
  }

  return {
    name: 'commerce',
    baseUrl,
    integration,
    store,
    async handle(req, res, url) {
      if (!url.pathname.startsWith('/commerce/')) return false
      try {
        const hook = /^\/commerce\/_local\/([a-z]+)$/.exec(url.pathname)
        if (hook) await serveHooks(req, res, hook[1])
        else {
          const m = REST.exec(url.pathname)
          if (!m) throw new CommerceHttpError(404, 'Request does not match any route.')
          await serveRest(req, res, url, m[1])
        }
      } catch (err) {
        if (err instanceof CommerceHttpError) reply(res, err)
        else if (err instanceof StackHttpError) sendJson(res, err.status, { error: err.message })
        else {
          ctx.log(`commerce: ${req.method} ${url.pathname} failed: ${(err as Error).stack ?? String(err)}`)
          reply(
            res,
            new CommerceHttpError(
              500,
              'Internal Error. Details are available in Magento log file. Report ID: %1',
              ['local'],
            ),
          )
        }
      }
      return true
    },
    actionEnv: (auth) => ({
      COMMERCE_BASE_URL: baseUrl,
      COMMERCE_AUTH: auth,
      ...(auth === 'integration' && {
        COMMERCE_CONSUMER_KEY: integration.consumerKey,
        COMMERCE_CONSUMER_SECRET: integration.consumerSecret,
        COMMERCE_ACCESS_TOKEN: integration.accessToken,
        COMMERCE_ACCESS_TOKEN_SECRET: integration.accessTokenSecret,
      }),
    }),
    writes: () => [...writes],
    eventsIdle: () => emitter.idle(),
    banner: () => [`Commerce REST API: ${baseUrl}V1/…  (COMMERCE_BASE_URL), SQLite in ${ctx.config.dataDir}`],
    async close() {
      await emitter.idle().catch(() => undefined)
      store.close()
    },
  }
}

/** A path parameter, decoded; malformed percent-encoding matches no route (404), never a 500. */
function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new CommerceHttpError(404, 'Request does not match any route.')
  }
}
