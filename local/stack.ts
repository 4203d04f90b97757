/**
 * The local stack: one HTTP server on one port that emulates the Adobe services the app uses
 * (OpenWhisk runtime, I/O Events, State, Commerce REST). `startStack` is used by `npm start` and by every
 * integration test (port 0 and a temp DATA_DIR).
 */
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { loadStackConfig, type StackConfig } from './stack-config'
import { sendError, sendJson } from './http-kit'
import type { LocalService, StackContext } from './service'
import { createStateService, type StateService } from './state'
import { createRuntimeService, type RuntimeService } from './runtime'
import { createEventsService, type EventsService } from './events'
import { createCommerceService, type CommerceService } from './commerce'
import { createUiService } from './ui'
import { removeStackInfo, stackInfoOf, writeStackInfo, type StackInfo } from './stack-info'

/** A running stack. */
export interface Stack {
  config: StackConfig
  baseUrl: string
  port: number
  state: StateService
  runtime: RuntimeService
  events: EventsService
  /** The local Adobe Commerce REST API (`/commerce/rest/`). */
  commerce: CommerceService
  /** Start-up lines for humans (URLs and hints). */
  banner: string[]
  close(): Promise<void>
}

/** Options for `startStack`. */
export interface StartOptions {
  config?: Partial<StackConfig>
  env?: NodeJS.ProcessEnv
  /** app.config.yaml to run; default `<projectRoot>/app.config.yaml`. */
  manifestPath?: string
  /** Suppress stack log lines (tests). */
  quiet?: boolean
}

/** Starts every service on one port; resolves once `/health` would answer 200. */
export async function startStack(options: StartOptions = {}): Promise<Stack> {
  const config = loadStackConfig(options.env ?? process.env, options.config ?? {})
  fs.mkdirSync(config.dataDir, { recursive: true })
  const log = options.quiet ? () => undefined : (m: string) => console.log(`[local] ${m}`)
  const services: LocalService[] = []
  let ready = false

  const server = http.createServer((req, res) => {
    void route(req, res)
  })
  server.keepAliveTimeout = 65_000
  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local')
      if (url.pathname === '/health') {
        sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ok' : 'starting',
          services: services.map((s) => s.name),
        })
        return
      }
      for (const service of services) {
        if (await service.handle(req, res, url)) return
      }
      sendJson(res, ready ? 404 : 503, { error: ready ? `no local service at ${url.pathname}` : 'starting' })
    } catch (err) {
      log(`unhandled error for ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`)
      sendError(res, err)
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`port ${config.port} is already in use: stop the other process or set PORT in .env`))
      } else reject(err)
    })
    server.listen(config.port, config.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const baseUrl = `http://127.0.0.1:${port}`
  const ctx: StackContext = {
    config: { ...config, port },
    baseUrl,
    log,
    env: options.env ?? process.env,
    manifestPath: options.manifestPath ?? path.join(config.projectRoot, 'app.config.yaml'),
  }

  let info: StackInfo | undefined
  const closeAll = async (): Promise<void> => {
    // First, so commands in other shells stop finding a stack that no longer answers.
    if (info) removeStackInfo(info)
    for (const s of [...services].reverse()) await s.close().catch(() => undefined)
    server.closeAllConnections?.()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  try {
    const state = await createStateService(ctx)
    services.push(state)
    const commerce = await createCommerceService(ctx)
    services.push(commerce)
    // LOCAL_COMMERCE=integration|ims points the actions at the local Commerce with that auth
    // (`npm start` sets it unless .env names a real store); unset, the actions get COMMERCE_* from env.
    const localCommerce = ctx.env.LOCAL_COMMERCE
    if (localCommerce) {
      if (localCommerce !== 'integration' && localCommerce !== 'ims')
        throw new Error('LOCAL_COMMERCE must be integration or ims')
      ctx.env = { ...ctx.env, ...commerce.actionEnv(localCommerce) }
    }
    const runtime = await createRuntimeService(ctx)
    services.push(runtime)
    const events = await createEventsService(ctx, { runtime })
    services.push(events)
    services.push(await createUiService(ctx))
    ready = true
    // Published once ready: `npm run send`, `npm run trace` and `npm run admin` find the stack here.
    info = stackInfoOf({
      baseUrl,
      port,
      namespace: config.namespace,
      imsToken: config.imsToken,
      imsOrgId: config.imsOrgId,
      dataDir: config.dataDir,
      projectRoot: config.projectRoot,
      manifestPath: ctx.manifestPath,
      ingestionAuth: ctx.env.INGESTION_AUTH,
    })
    writeStackInfo(info)
    const banner = services.flatMap((s) => s.banner?.() ?? [])
    return { config: ctx.config, baseUrl, port, state, runtime, events, commerce, banner, close: closeAll }
  } catch (err) {
    await closeAll()
    throw err
  }
}
