/**
 * The admin web actions (admin/logs, admin/subscriptions) as the pages call them: IMS bearer token
 * and org header on every request, JSON in and out, and every non-2xx turned into an ApiError
 * carrying the action's `{error}` message for the page to show in place.
 */
import type { HostContext } from '../host/host-context'

/** A failed admin call: HTTP status and the API's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Query values; undefined and '' are left out. */
export type Query = Record<string, string | number | undefined>

/** The client the pages use. */
export interface AdminApi {
  call<T>(
    action: 'logs' | 'subscriptions',
    method: string,
    path?: string,
    opts?: { query?: Query; body?: unknown },
  ): Promise<T>
  /** Debug Tracing JSON (local only). */
  tracing<T>(): Promise<T>
}

/** Encodes a query, skipping empty values. */
export function toQueryString(query: Query = {}): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const msg =
      json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string'
        ? (json as { error: string }).error
        : `HTTP ${res.status}`
    throw new ApiError(res.status, msg)
  }
  return json as T
}

/** A client bound to the page's host context. */
export function createAdminApi(ctx: HostContext): AdminApi {
  const headers = (): Record<string, string> => ({
    authorization: `Bearer ${ctx.imsToken}`,
    'x-gw-ims-org-id': ctx.imsOrgId,
  })
  return {
    async call<T>(
      action: 'logs' | 'subscriptions',
      method: string,
      path = '',
      opts: { query?: Query; body?: unknown } = {},
    ): Promise<T> {
      let res: Response
      try {
        res = await fetch(`${ctx.apiBase}/admin/${action}${path}${toQueryString(opts.query)}`, {
          method: method.toUpperCase(),
          headers: {
            ...headers(),
            ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          cache: 'no-store',
        })
      } catch (err) {
        throw new ApiError(0, `network error: ${(err as Error).message}`)
      }
      return parse<T>(res)
    },
    async tracing<T>(): Promise<T> {
      if (!ctx.tracingUrl) throw new ApiError(404, 'Debug Tracing is in the Adobe Developer Console on Adobe')
      const res = await fetch(ctx.tracingUrl, {
        headers: { authorization: `Bearer ${ctx.imsToken}` },
        cache: 'no-store',
      })
      return parse<T>(res)
    },
  }
}
