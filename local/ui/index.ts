/**
 * The admin UI on the stack's root URL (`http://127.0.0.1:9080/`): the static build of web-src/
 * (built at start-up when the sources changed, with progress lines) and one local-only endpoint,
 * `GET /_local/ui-config.json`, that hands the page what the Experience Cloud shell or the
 * Commerce Admin (Admin UI SDK shared context) hands it on Adobe: the IMS token and org, and
 * where the admin web actions are. It answers loopback clients only, like the State counters.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { LocalService, StackContext } from '../service'
import { sendJson, StackHttpError } from '../http-kit'
import { isLoopback } from '../state/counters-endpoint'
import { buildUi, uiPaths } from './ui-build'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
}

/** What the page reads from `/_local/ui-config.json`. */
export interface LocalUiConfig {
  /** Base URL of the app's web actions (`…/api/v1/web/<namespace>`). */
  apiBase: string
  imsToken: string
  imsOrgId: string
  /** Debug Tracing JSON of the local I/O Events (only the local stack has it). */
  tracingUrl: string
}

/** Creates the UI service; a failed build is logged and answered with a 503 page, never fatal. */
export async function createUiService(ctx: StackContext): Promise<LocalService> {
  const paths = uiPaths(ctx.config.projectRoot)
  let buildError: string | undefined
  if (ctx.env.LOCAL_UI !== 'off') {
    try {
      await buildUi(paths, (line) => ctx.log(line))
    } catch (err) {
      buildError = (err as Error).message
      ctx.log(`ui: ${buildError}`)
    }
  }
  const config = (): LocalUiConfig => ({
    apiBase: `${ctx.baseUrl}/api/v1/web/${ctx.config.namespace}`,
    imsToken: ctx.config.imsToken,
    imsOrgId: ctx.config.imsOrgId,
    tracingUrl: `${ctx.baseUrl}/events/tracing`,
  })
  return {
    name: 'ui',
    async handle(req, res, url) {
      if (url.pathname === '/_local/ui-config.json') {
        if (!isLoopback(req.socket.remoteAddress))
          throw new StackHttpError(403, 'the UI config answers loopback clients only')
        sendJson(res, 200, config(), { 'cache-control': 'no-store' })
        return true
      }
      const file = staticFile(paths.outDir, url.pathname)
      if (!file) return false
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new StackHttpError(405, 'the admin UI is static: use GET', { allow: 'GET, HEAD' })
      if (!fs.existsSync(file)) {
        if (url.pathname !== '/' && url.pathname !== '/index.html') return false
        const why = buildError ?? 'the admin UI is not built (LOCAL_UI=off); run npm start without it'
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        res.end(why)
        return true
      }
      const body = fs.readFileSync(file)
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        // Hashed asset names never change content; index.html must be re-read after a rebuild.
        'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      })
      res.end(req.method === 'HEAD' ? undefined : body)
      return true
    },
    banner() {
      return [`ui: admin UI at ${ctx.baseUrl}/`]
    },
    async close() {},
  }
}

/** The built file a request path names: `/` and `/index.html`, or a file under `/assets/`. */
function staticFile(outDir: string, pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return path.join(outDir, 'index.html')
  if (!/^\/assets\/[A-Za-z0-9._-]+$/.test(pathname)) return undefined
  return path.join(outDir, pathname)
}
