/**
 * Debug Tracing over HTTP (shape documented in trace-store.ts): the registration's `rel:trace`
 * link, and a short form for tools (`npm run trace`, the admin UI) that only know the id.
 */
import { sendJson, StackHttpError } from '../http-kit'
import type { EventsDeps } from './deps'
import { ownedRegistration } from './registrations-api'
import type { Route } from './router'
import type { RegistrationRow } from './store'
import type { TraceStore } from './trace-store'

/** Builds the tracing routes. */
export function tracingRoutes(deps: EventsDeps, traces: TraceStore): Route[] {
  const { store, clock } = deps
  const limitOf = (url: URL): number | undefined => {
    const raw = url.searchParams.get('limit')
    const limit = raw === null ? undefined : Number(raw)
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new StackHttpError(400, 'limit must be a positive integer (at most 100)')
    }
    return limit
  }
  const report = (r: RegistrationRow, limit: number | undefined) => ({
    registration_id: r.registration_id,
    name: r.name,
    status: r.status,
    enabled: r.enabled === 1,
    delivery_type: r.delivery_type,
    runtime_action: r.runtime_action ?? undefined,
    webhook_url: r.webhook_url ?? undefined,
    traces: traces.list(r.registration_id, clock.now(), limit),
  })
  return [
    {
      method: 'GET',
      path: '/events/tracing',
      auth: { org: false, apiKey: false },
      handler: ({ res, url }) => {
        const limit = limitOf(url)
        const id = url.searchParams.get('registration')
        if (id === null) {
          sendJson(res, 200, { registrations: store.allRegistrations().map((r) => report(r, limit)) })
          return
        }
        const r = store.registration(id)
        if (!r) throw new StackHttpError(404, `registration ${id} not found`)
        sendJson(res, 200, report(r, limit))
      },
    },
    {
      method: 'GET',
      path: '/events/:org/:project/:workspace/registrations/:id/tracing',
      auth: { org: true, apiKey: true },
      handler: ({ res, url, params }) => {
        sendJson(res, 200, report(ownedRegistration(store, params), limitOf(url)))
      },
    },
  ]
}
