/**
 * Local OpenWhisk runtime (Adobe I/O Runtime emulation) mounted at `/api/v1`: loads
 * app.config.yaml like the aio CLI, builds the bundles `aio app build` would deploy, runs them in
 * isolated warm worker "containers", and serves web actions, the REST API (invoke, activations)
 * and the manifest's alarm triggers.
 *
 * Tunables read from the stack env (tests shorten them):
 * - `LOCAL_BLOCKING_WAIT_MS` (default 60000): wait of blocking invokes / web actions before 202.
 * - `LOCAL_CONTAINER_IDLE_MS` (default 600000): idle time before a warm container is reaped.
 * - `LOCAL_CONCURRENT_LIMIT` (default 100): activations per namespace, running or queued for a
 *   container, before 429 — Adobe I/O Runtime's "concurrent" system setting: "No more than N
 *   activations may be submitted per namespace either executing or queued for execution. If
 *   exceeded, the error is 429: TOO MANY REQUESTS" (developer.adobe.com/runtime/docs/guides/using/
 *   system_settings); the body is OpenWhisk's `Too many concurrent requests in flight (count, allowed)`.
 * - `LOCAL_MAX_CONTAINERS` (default 48): live action containers (worker threads, warm or busy)
 *   of the whole stack; past it activations queue for one (container-pool.ts). Each container's
 *   heap is capped by the action's `limits.memory`.
 */
import type { StackContext } from '../service'
import { StackHttpError } from '../http-kit'
import { openActivationStore } from './activation-store'
import { startAlarms } from './alarms'
import { buildActions } from './builder'
import { ContainerPool } from './container-pool'
import { localSubstitutionEnv } from './inputs'
import { INVOKER_LIMITS, Invoker, newActivationId } from './invoker'
import { loadManifest } from './manifest'
import { Messages } from './messages'
import { handleRestApi } from './rest-api'
import type { ActivationRecord, InvokeRequest, RuntimeService } from './types'
import { handleWebAction } from './web-actions'

export type { ActivationRecord, InvokeRequest, RuntimeService } from './types'
export { localSubstitutionEnv } from './inputs'

const HOUR = 60 * 60 * 1000
/**
 * Enough for the app's own pipeline at its stated share (25 activations: 2 per in-flight I/O
 * Events delivery, README "Backpressure") plus ingestion, small enough to keep the stack's RSS
 * under 1.5 GB (64 measured 1.6 GB peak in the soak) and its HTTP responsive on a 2-core machine.
 */
const DEFAULT_MAX_CONTAINERS = 48

/** Creates the runtime service mounted at `/api/v1`. Fails start-up on an invalid manifest. */
export async function createRuntimeService(ctx: StackContext): Promise<RuntimeService> {
  const manifest = await loadManifest(ctx.manifestPath, localSubstitutionEnv(ctx))
  if (manifest.missingEnv.length > 0) {
    // One line: on a first run most variables are unset on purpose (the actions' defaults apply);
    // the names are in .env.example, and LOCAL_LOG_UNSET=true lists them here.
    ctx.log(
      `runtime: ${manifest.missingEnv.length} optional variable(s) not set in .env, so the actions use their defaults (see .env.example)`,
    )
    if (ctx.env.LOCAL_LOG_UNSET === 'true')
      ctx.log(`runtime: unset: ${manifest.missingEnv.map((n) => `$${n}`).join(', ')}`)
  }
  const bundles = await buildActions([...manifest.actions.values()], {
    root: manifest.root,
    projectRoot: ctx.config.projectRoot,
    log: (m) => ctx.log(`runtime: ${m}`),
  })
  for (const b of bundles.values())
    if (!b.ok) ctx.log(`runtime: action ${b.name} is not runnable: ${b.error}`)

  const store = openActivationStore(ctx.config.dataDir)
  store.purge()
  // A throw in a timer callback would be an uncaught exception and take the whole stack down.
  const purgeTimer = setInterval(() => {
    try {
      store.purge()
    } catch (err) {
      ctx.log(`runtime: activation purge failed: ${(err as Error).message}`)
    }
  }, HOUR)
  purgeTimer.unref()
  const pool = new ContainerPool({
    idleMs: positive(ctx.env.LOCAL_CONTAINER_IDLE_MS, 10 * 60_000),
    maxContainers: positive(ctx.env.LOCAL_MAX_CONTAINERS, DEFAULT_MAX_CONTAINERS),
  })
  const invoker = new Invoker({
    ctx,
    pool,
    store,
    bundles,
    maxConcurrent: positive(ctx.env.LOCAL_CONCURRENT_LIMIT, INVOKER_LIMITS.concurrentPerNamespace),
  })
  const blockingWaitMs = positive(ctx.env.LOCAL_BLOCKING_WAIT_MS, 60_000)
  const namespace = ctx.config.namespace

  const alarms = startAlarms({
    triggers: manifest.triggers,
    rules: manifest.rules,
    actions: manifest.actions,
    timeScale: ctx.config.timeScale,
    log: (m) => ctx.log(`runtime: ${m}`),
    fire(trigger, rule, action, payload) {
      try {
        // The trigger's own activation is not recorded; its id links the action's record (`cause`).
        invoker.start(namespace, action, { ...action.params, ...payload }, newActivationId())
      } catch (err) {
        ctx.log(
          `runtime: rule ${rule.name} (${trigger.name} → ${action.name}) not fired: ${(err as Error).message}`,
        )
      }
    },
  })

  return {
    name: 'runtime',
    async handle(req, res, url) {
      if (url.pathname.startsWith('/api/v1/web/')) {
        await handleWebAction(req, res, url, { ctx, actions: manifest.actions, invoker, blockingWaitMs })
        return true
      }
      if (url.pathname === '/api/v1/namespaces' || url.pathname.startsWith('/api/v1/namespaces/')) {
        await handleRestApi(req, res, url, { ctx, manifest, invoker, store, blockingWaitMs })
        return true
      }
      return false
    },
    async invoke(request: InvokeRequest): Promise<ActivationRecord> {
      const ns = request.namespace ?? namespace
      const action = ns === namespace ? manifest.actions.get(request.action) : undefined
      if (!action) throw new StackHttpError(404, Messages.resourceDoesntExist(`${ns}/${request.action}`))
      const params = { ...action.params, ...request.params }
      const size = Buffer.byteLength(JSON.stringify(params))
      if (size > INVOKER_LIMITS.payloadBytes) {
        throw new StackHttpError(413, Messages.entityTooBig('Request', size, INVOKER_LIMITS.payloadBytes))
      }
      return invoker.start(ns, action, params).done
    },
    banner() {
      const web = [...manifest.actions.values()].filter((a) => a.webExport)
      return [
        `runtime: ${manifest.actions.size} action(s) from ${manifest.manifestPath}; REST API ${ctx.baseUrl}/api/v1/namespaces/${namespace}`,
        ...web.map(
          (a) =>
            `  web action ${a.name}: ${ctx.baseUrl}/api/v1/web/${namespace}/${a.packageName ?? 'default'}/${a.actionName}`,
        ),
      ]
    },
    async close() {
      alarms.stop()
      clearInterval(purgeTimer)
      await pool.close()
      store.close()
    },
  }
}

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw)
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n > 0 ? n : fallback
}
