/**
 * Local Adobe I/O Events: the Management API (`/events/…`), publishing (`/ingress`), delivery to
 * Runtime actions and webhooks with I/O Events' retries and registration health, Debug Tracing and
 * the Journaling API, all persisted in `<DATA_DIR>/events.sqlite`. The real, unmodified
 * `@adobe/aio-lib-events` client talks to it through `httpOptions.eventsBaseURL` (= the stack's base
 * URL) and `eventsIngressURL` (= base URL + `/ingress`).
 *
 * Parts: auth.ts (IMS headers), providers-api.ts + event-metadata-api.ts + registrations-api.ts
 * (management), ingress.ts, registration-delivery-engine.ts (+ registration-delivery-ledger.ts, registration-delivery-policy.ts,
 * registration-delivery-targets.ts), trace-store.ts + tracing-api.ts,
 * journal-api.ts, manifest-registrations.ts. This file wires them and owns the lifecycle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { systemClock, type Clock } from '../../actions/lib/clock'
import { sendError, StackHttpError } from '../http-kit'
import type { RuntimeService } from '../runtime'
import type { LocalService, StackContext } from '../service'
import { authenticate } from './auth'
import { openEventsDb } from './db'
import { createDeliveryEngine, type AttemptEvent } from './registration-delivery-engine'
import type { EventsDeps } from './deps'
import { createUrls, registrationView } from './hal'
import { createIngress } from './ingress'
import { JOURNAL_POLICY, journalRoutes } from './journal-api'
import { createManifestSync, manifestWorkspace } from './manifest-registrations'
import { providerRoutes } from './providers-api'
import { eventMetadataRoutes } from './event-metadata-api'
import { registrationRoutes } from './registrations-api'
import { compileRoutes } from './router'
import { createStore, type WorkspaceRef } from './store'
import { createTraceStore, TRACE_POLICY, type DeliveryTrace } from './trace-store'
import { tracingRoutes } from './tracing-api'

export type { AttemptEvent } from './registration-delivery-engine'
export type { DeliveryTrace } from './trace-store'

/** The events service as the stack (and tests/benchmarks) see it. */
export interface EventsService extends LocalService {
  /**
   * Resolves when no delivery is in flight and none is due within `withinMs` (default 1 s);
   * rejects after `timeoutMs` (default 30 s).
   */
  idle(options?: { withinMs?: number; timeoutMs?: number }): Promise<void>
  /** Calls `listener` after every delivery attempt; returns the unsubscribe function. */
  onAttempt(listener: (event: AttemptEvent) => void): () => void
  /** A registration (HAL view, as the API returns it) by name; default workspace = the manifest's. */
  registrationByName(name: string, workspace?: WorkspaceRef): Record<string, unknown> | undefined
  /** Debug Tracing entries of a registration, newest first. */
  traces(registrationId: string, limit?: number): DeliveryTrace[]
}

/** Tuning for tests and benchmarks. */
export interface EventsOptions {
  /**
   * Concurrent delivery attempts (default `LOCAL_EVENTS_CONCURRENCY`, else `pipelineConcurrency`).
   */
  concurrency?: number
  clock?: Clock
}

const MAINTENANCE_EVERY_MS = 3600_000

/**
 * Default concurrent deliveries to runtime actions: each one holds two activations of the app's
 * pipeline (consumer → entity handler, fan-out in-process), and the pipeline's stated share is at
 * most a quarter of the namespace's concurrent activations (README "Backpressure") — one more for
 * the sweeper. 12 with Runtime's 100 (25 activations); the rest stays free for ingestion and the
 * admin API. (Measured: with half the namespace for the pipeline, a 20 events/s ingestion load
 * met 429s on a 2-core machine.)
 */
export function pipelineConcurrency(namespaceLimit: number): number {
  return Math.max(1, Math.floor((namespaceLimit / 4 - 1) / 2))
}

/** Creates the I/O Events service mounted at `/events` and `/ingress`. */
export async function createEventsService(
  ctx: StackContext,
  deps: { runtime: RuntimeService },
  options: EventsOptions = {},
): Promise<EventsService> {
  const db = openEventsDb(ctx.config.dataDir)
  const bookkeeping = openEventsDb(ctx.config.dataDir, 'bookkeeping')
  const clock = options.clock ?? systemClock
  const store = createStore(db)
  const urls = createUrls(ctx.baseUrl)
  const shared: EventsDeps = { db, store, urls, config: ctx.config, clock, log: ctx.log }
  const traces = createTraceStore(bookkeeping)
  const engine = createDeliveryEngine({ ...shared, db: bookkeeping }, deps.runtime, traces, {
    concurrency:
      options.concurrency ??
      positiveInt(
        ctx.env.LOCAL_EVENTS_CONCURRENCY,
        pipelineConcurrency(positiveInt(ctx.env.LOCAL_CONCURRENT_LIMIT, 100)),
      ),
  })
  const registrations = registrationRoutes(shared)
  const manifest = createManifestSync(ctx, store, registrations)
  const resync = () => {
    if (manifest.pending() > 0) void manifest.sync().catch(() => undefined)
  }
  const routes = compileRoutes([
    ...journalRoutes(shared),
    ...tracingRoutes(shared, traces),
    ...providerRoutes(shared, resync),
    ...eventMetadataRoutes(shared, resync),
    ...registrations.routes,
  ])
  const ingress = createIngress(shared, engine.kick)
  const expected = { imsToken: ctx.config.imsToken, imsOrgId: ctx.config.imsOrgId }

  // Traces live on the bookkeeping connection: expire them outside this connection's transaction.
  const purgeOld = db.transaction((now: number) => {
    const cutoff = now - Math.max(JOURNAL_POLICY.retentionMs, TRACE_POLICY.retentionMs)
    db.prepare('DELETE FROM journal WHERE at < ?').run(cutoff)
    db.prepare("DELETE FROM deliveries WHERE state != 'pending' AND finished_at < ?").run(cutoff)
    db.prepare(
      `DELETE FROM events WHERE received_at < ? AND seq NOT IN (SELECT event_seq FROM deliveries)
       AND seq NOT IN (SELECT event_seq FROM journal)`,
    ).run(cutoff)
  })
  const maintenance = (): void => {
    const now = clock.now()
    traces.expire(now)
    purgeOld(now)
  }
  maintenance()
  // A throw in a timer callback would be an uncaught exception and take the whole stack down.
  const maintenanceTimer = setInterval(() => {
    try {
      maintenance()
    } catch (err) {
      ctx.log(`events: maintenance failed: ${(err as Error).message}`)
    }
  }, MAINTENANCE_EVERY_MS)
  maintenanceTimer.unref()

  await manifest.sync()
  for (const line of manifest.banner()) ctx.log(line)
  engine.start()

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname
    const isIngress = path === '/ingress' || path === '/ingress/'
    if (!isIngress && path !== '/events' && !path.startsWith('/events/')) return false
    try {
      if (isIngress) {
        if (req.method !== 'POST') throw new StackHttpError(405, 'only POST is allowed on /ingress')
        const apiKey = authenticate(req, expected, { org: false, apiKey: true })
        await ingress({ req, res, url, params: {}, apiKey })
        return true
      }
      const found = routes.match(req.method ?? 'GET', path)
      if (!found) throw new StackHttpError(404, `no I/O Events API at ${req.method} ${path}`)
      const apiKey = authenticate(req, expected, found.route.auth)
      await found.route.handler({ req, res, url, params: found.params, apiKey })
    } catch (err) {
      if (!(err instanceof StackHttpError))
        ctx.log(`events: ${req.method} ${path} failed: ${(err as Error).stack ?? String(err)}`)
      sendError(res, err)
    }
    return true
  }

  const defaultWs = manifestWorkspace(ctx.env).ws
  return {
    name: 'events',
    handle,
    banner: () => [
      `I/O Events management API: ${ctx.baseUrl}/events  (eventsBaseURL)`,
      `I/O Events ingress: ${ctx.baseUrl}/ingress  (eventsIngressURL)`,
      `Debug Tracing: ${ctx.baseUrl}/events/tracing?registration=<id>  (npm run trace)`,
      ...manifest.banner(),
    ],
    idle: ({ withinMs, timeoutMs } = {}) => engine.idle(withinMs, timeoutMs),
    onAttempt: engine.onAttempt,
    registrationByName: (name, workspace = defaultWs) => {
      const row = store.registrationByName(workspace, name)
      return row ? registrationView(urls, store, row) : undefined
    },
    traces: (registrationId, limit) => traces.list(registrationId, clock.now(), limit),
    close: async () => {
      engine.close()
      clearInterval(maintenanceTimer)
      bookkeeping.close()
      db.close()
    },
  }
}

/** A positive integer from the environment, or the fallback. */
function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw)
  return raw && Number.isInteger(n) && n > 0 ? n : fallback
}
