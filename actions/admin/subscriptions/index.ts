/**
 * admin/subscriptions (web, require-adobe-auth): subscription CRUD and secret rotation.
 *
 *   GET    /                     list (`?stats=true` adds delivery counters)
 *   POST   /                     create → 201 {subscription, secret}   (the secret is shown once)
 *   GET    /{id}                 one, with counters and the last error
 *   PATCH  /{id}                 update (name, eventTypes, url, active, fields, auth)
 *   DELETE /{id}                 delete → 204
 *   POST   /{id}/rotate-secret   new secret → {subscription, secret, previousSecretExpiresAt}
 *
 * A secret is never put in a result the platform stores (see `resultIsStored`): with
 * `X-OW-EXTRA-LOGGING: on` a generated secret is refused (400) and a supplied one is not echoed.
 */
import { eventRegistry } from '../../lib/event-registry'
import { createSubscriptionAdmin, type SubscriptionAdmin } from '../../lib/subscriptions/subscription-admin'
import { defineAdminAction } from '../admin-action'
import { flag, resultIsStored, type Route } from '../web-router'

const ID = '([a-z0-9-]{1,64})'

const ROUTES: Route<SubscriptionAdmin>[] = [
  {
    method: 'get',
    path: /^$/,
    handle: async (a, req) => ({ statusCode: 200, body: { items: await a.list(flag(req.input.stats)) } }),
  },
  {
    method: 'post',
    path: /^$/,
    handle: async (a, req) => ({
      statusCode: 201,
      body: await a.create(req.input, { resultStored: resultIsStored(req) }),
    }),
  },
  {
    method: 'get',
    path: new RegExp(`^/${ID}$`),
    handle: async (a, _req, [id]) => ({ statusCode: 200, body: await a.get(id) }),
  },
  {
    method: 'patch',
    path: new RegExp(`^/${ID}$`),
    handle: async (a, req, [id]) => ({ statusCode: 200, body: await a.update(id, req.input) }),
  },
  {
    method: 'delete',
    path: new RegExp(`^/${ID}$`),
    handle: async (a, _req, [id]) => (await a.remove(id), { statusCode: 204 }),
  },
  {
    method: 'post',
    path: new RegExp(`^/${ID}/rotate-secret$`),
    handle: async (a, req, [id]) => ({
      statusCode: 200,
      body: await a.rotateSecret(id, req.input, { resultStored: resultIsStored(req) }),
    }),
  },
]

/** Runtime entry point (tests replace dependencies with `main.withDeps`). */
export const main = defineAdminAction('admin/subscriptions', ROUTES, (rt) =>
  createSubscriptionAdmin({
    subscriptions: rt.subscriptions,
    logs: rt.logs,
    clock: rt.clock,
    urlPolicy: rt.urlPolicy,
    rotationOverlapMs: rt.config.rotationOverlapMs,
    isKnownEventType: (code) => eventRegistry.get(code) !== undefined,
  }),
)
