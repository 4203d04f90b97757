/**
 * Where the page runs decides where its IMS token and org come from:
 * - the local stack: `GET /_local/ui-config.json` (loopback-only, served by local/ui);
 * - the Commerce Admin (Admin UI SDK, commerce/backend-ui/1): the shared context of the host
 *   (`imsToken`, `imsOrgId`), read through `@adobe/uix-guest` (./commerce-admin.ts).
 * The admin web actions are at `<apiBase>/admin/<action>`. On Adobe the UI is served from
 * `https://<namespace>.adobeio-static.net/` and the web actions from
 * `https://<namespace>.adobeioruntime.net/api/v1/web/` (App Builder's default hosting), so the
 * base is derived from the page's host name.
 */
import { attachToCommerceAdmin } from './commerce-admin'

/** What every page needs to call the admin API. */
export interface HostContext {
  /** `local`, or `commerce-admin` inside the Commerce Admin iframe. */
  host: 'local' | 'commerce-admin'
  apiBase: string
  imsToken: string
  imsOrgId: string
  /** Debug Tracing JSON (the local I/O Events only); undefined on Adobe (use the Developer Console). */
  tracingUrl?: string
}

interface LocalUiConfig {
  apiBase: string
  imsToken: string
  imsOrgId: string
  tracingUrl: string
}

/** The web actions' base URL of an App Builder static host (`<ns>.adobeio-static.net`). */
export function runtimeBaseFor(location: Pick<Location, 'hostname'>): string | undefined {
  const m = /^([a-z0-9-]+)\.adobeio-static\.net$/.exec(location.hostname)
  return m ? `https://${m[1]}.adobeioruntime.net/api/v1/web/${m[1]}` : undefined
}

async function localConfig(): Promise<LocalUiConfig | undefined> {
  try {
    const res = await fetch('/_local/ui-config.json', { cache: 'no-store' })
    if (!res.ok) return undefined
    return (await res.json()) as LocalUiConfig
  } catch {
    return undefined
  }
}

/** Resolves the host context; throws with a message for the page when there is none. */
export async function resolveHostContext(): Promise<HostContext> {
  const local = await localConfig()
  if (local) return { host: 'local', ...local }
  if (window.self !== window.top) {
    const { imsToken, imsOrgId } = await attachToCommerceAdmin()
    const apiBase = runtimeBaseFor(window.location)
    if (!apiBase) throw new Error(`cannot tell where the admin actions are from ${window.location.hostname}`)
    return { host: 'commerce-admin', apiBase, imsToken, imsOrgId }
  }
  throw new Error(
    'No IMS context: open this page from the Commerce Admin (Event Hub menu) or from the local stack (npm start).',
  )
}
