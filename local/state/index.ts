/**
 * Local State service: the aio-lib-state v5 HTTP protocol, mounted at `/state` on the stack's port,
 * backed by SQLite in DATA_DIR. With `AIO_STATE_ENDPOINT=http://127.0.0.1:PORT/state` the real,
 * unmodified `@adobe/aio-lib-state` client works against it (routes in ./routes.ts, limits in
 * ./protocol.ts, storage and durability in ./sqlite-store.ts).
 *
 * Order of checks per request, as the real service: route → 401 auth → 400 parameters →
 * 413 body size → 403 quota. A request that is rejected before its body was read still has the
 * body drained, so the client sees the status rather than a reset connection.
 *
 * `/state/_local/…` is not part of Adobe's API: the emulator-only counters endpoint for tests and
 * benches (./counters-endpoint.ts), loopback clients only.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendError, sendJson, StackHttpError } from '../http-kit'
import type { LocalService, StackContext } from '../service'
import { authenticate } from './auth'
import { createCallCounters, type StateCallCounts } from './counters'
import { LOCAL_PREFIX, serveLocalEndpoint } from './counters-endpoint'
import { decodeSegment, NAMESPACE_PATTERN, parseNamespace } from './protocol'
import { STATE_ROUTES } from './routes'
import { openSqliteStore } from './sqlite-store'

export type { StateCallCounts } from './counters'

/** The State service as the stack (and tests) see it. */
export interface StateService extends LocalService {
  /** Data calls served for `namespace` since start or the last `resetCounters()` (see StateCallCounts). */
  counters(namespace: string): StateCallCounts
  /** Zeroes every namespace's counters. */
  resetCounters(): void
  /** Deletes every expired key now (the background purge does the same periodically); returns how many. */
  purgeExpired(): Promise<number>
}

const MOUNT = '/state'
/** Rows deleted per purge transaction; the purge yields to requests between batches. */
const PURGE_BATCH = 1000
const DEFAULT_PURGE_INTERVAL_MS = 60_000

/** Resolves once the request body has been fully read (or the connection is gone). */
function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    req
      .once('end', resolve)
      .once('close', resolve)
      .once('error', () => resolve())
    req.resume()
  })
}

/** Background purge period: env LOCAL_STATE_PURGE_INTERVAL_MS (tests shorten it) or 60 s. */
function purgeInterval(ctx: StackContext): number {
  const fromEnv = Number(ctx.env.LOCAL_STATE_PURGE_INTERVAL_MS)
  return Math.max(10, fromEnv > 0 ? fromEnv : DEFAULT_PURGE_INTERVAL_MS)
}

/** Creates the State service mounted at `/state`; opens (or creates) `<dataDir>/state.sqlite`. */
export async function createStateService(ctx: StackContext): Promise<StateService> {
  const { config } = ctx
  const store = openSqliteStore({
    dataDir: config.dataDir,
    maxKeysPerNamespace: config.stateMaxKeys,
    now: Date.now,
  })
  const counters = createCallCounters()
  let closed = false
  let purging: Promise<number> | undefined

  // Batches keep each transaction short; setImmediate lets queued requests run in between.
  async function purgeAll(): Promise<number> {
    let total = 0
    for (;;) {
      if (closed) return total
      const n = store.purgeExpiredBatch(PURGE_BATCH)
      total += n
      if (n < PURGE_BATCH) return total
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const purgeExpired = (): Promise<number> => {
    purging ??= purgeAll().finally(() => (purging = undefined))
    return purging
  }
  const timer = setInterval(() => {
    purgeExpired().catch((err: Error) => ctx.log(`state: background purge failed: ${err.message}`))
  }, purgeInterval(ctx))
  timer.unref()

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL, rest: string): Promise<void> {
    const replyHeaders = { 'x-request-id': randomUUID() }
    try {
      if (rest.startsWith(LOCAL_PREFIX)) {
        await drain(req)
        serveLocalEndpoint(counters, req, res, rest)
        return
      }
      const route = STATE_ROUTES.find((r) => r.pattern.test(rest))
      if (!route) throw new StackHttpError(404, `no State API route for ${req.method} ${MOUNT}${rest}`)
      const handler = route.methods[req.method ?? '']
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ')
        throw new StackHttpError(405, `method ${req.method} not allowed here (allowed: ${allow})`, { allow })
      }
      const [, rawNamespace, rawKey] = route.pattern.exec(rest) ?? []
      const namespace = decodeSegment(rawNamespace, 'namespace')
      authenticate(req, namespace, config.namespaces)
      parseNamespace(namespace)
      const key = rawKey === undefined ? undefined : decodeSegment(rawKey, 'key')
      await handler({ store, counters }, { req, res, url, namespace, key, replyHeaders })
    } catch (err) {
      if (!(err instanceof StackHttpError)) {
        ctx.log(`state: ${req.method} ${MOUNT}${rest} failed: ${(err as Error).stack ?? String(err)}`)
      }
      await drain(req)
      if (err instanceof StackHttpError) {
        if (req.method === 'HEAD') {
          res.writeHead(err.status, { ...replyHeaders, ...err.headers, 'content-length': 0 }).end()
        } else {
          sendJson(res, err.status, { error: err.message }, { ...replyHeaders, ...err.headers })
        }
      } else sendError(res, err)
    }
  }

  const invalidNamespaces = [...config.namespaces.keys()].filter((ns) => !NAMESPACE_PATTERN.test(ns))
  return {
    name: 'state',
    async handle(req, res, url) {
      const { pathname } = url
      if (pathname !== MOUNT && !pathname.startsWith(`${MOUNT}/`)) return false
      await serve(req, res, url, pathname.slice(MOUNT.length))
      return true
    },
    banner: () => [
      `State API: ${ctx.baseUrl}${MOUNT} (AIO_STATE_ENDPOINT), SQLite in ${config.dataDir}`,
      ...invalidNamespaces.map(
        (ns) =>
          `State: namespace "${ns}" does not match ${NAMESPACE_PATTERN.source}; State calls for it get 400`,
      ),
    ],
    counters: (namespace) => counters.get(namespace),
    resetCounters: () => counters.reset(),
    purgeExpired,
    async close() {
      if (closed) return
      closed = true
      clearInterval(timer)
      await purging?.catch(() => undefined)
      store.close()
    },
  }
}
