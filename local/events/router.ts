/**
 * A tiny data-driven router: routes are `{method, path pattern, auth, handler}` rows, matched in
 * order. Path patterns use `:name` segments; values are URI-decoded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { StackHttpError } from '../http-kit'
import type { AuthRule } from './auth'

/** What a handler receives. */
export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
  /** The caller's x-api-key (empty when the route does not require it). */
  apiKey: string
}

/** One route. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  auth: AuthRule
  handler: (ctx: RouteContext) => Promise<void> | void
}

interface Compiled extends Route {
  regex: RegExp
  names: string[]
}

/** Compiles a route table; `match` finds the route for a request (405 when only the method differs). */
export function compileRoutes(routes: Route[]) {
  const compiled: Compiled[] = routes.map((r) => {
    const names: string[] = []
    const source = r.path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(seg.slice(1))
        return '([^/]+)'
      })
      .join('/')
    return { ...r, regex: new RegExp(`^${source}/?$`), names }
  })
  return {
    match(method: string, pathname: string): { route: Compiled; params: Record<string, string> } | undefined {
      let pathMatched = false
      for (const route of compiled) {
        const m = route.regex.exec(pathname)
        if (!m) continue
        pathMatched = true
        if (route.method !== method) continue
        const params: Record<string, string> = {}
        route.names.forEach((n, i) => {
          try {
            params[n] = decodeURIComponent(m[i + 1])
          } catch {
            throw new StackHttpError(400, `malformed path segment for ${n}`)
          }
        })
        return { route, params }
      }
      if (pathMatched) throw new StackHttpError(405, `method ${method} not allowed on ${pathname}`)
      return undefined
    },
  }
}
