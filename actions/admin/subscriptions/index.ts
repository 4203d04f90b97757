/**
 * admin/subscriptions (web, require-adobe-auth): subscription CRUD and secret rotation.
 *
 *   GET    /                     list (`?stats=true` adds delivery counters)
 *   POST   /                     create → 201 {subscription, secret}   (the secret is shown once)
 *   GET    /{id}                 one, with counters and the last error
 *   PATCH  /{id}                 update (name, eventTypes, url, active, fields, auth)
 *   DELETE /{id}                 delete → 204
 *   POST   /{id}/rotate-secret   new secret → {subscription, secret, previousSecretExpiresAt}
 *   POST   /{id}/test            send a signed sample event (body `{eventType?}`) →
 *                                {status, durationMs, bodyExcerpt, deliveryId, ok, error?, eventType}
 *
 * Subscriptions carry `retry` ({schedule, jitter}), `format` (ids | virto | cloudevents) and
 * `filter` (path → value | [values] | {exists}); `fields` and filter paths are checked against
 * the event catalogue.
 *
 * A secret is never put in a result the platform stores (see `resultIsStored`): with
 * `X-OW-EXTRA-LOGGING: on` a generated secret is refused (400) and a supplied one is not echoed.
 */
import { eventRegistry } from '../../lib/event-registry'
import { NotFoundError } from '../../lib/errors'
import { createSubscriptionAdmin, type SubscriptionAdmin } from '../../lib/subscriptions/subscription-admin'
import { fieldCatalog } from '../../lib/subscriptions/field-catalog'
import { testSend, type TestSendResult } from '../../lib/subscriptions/test-send'
import type { DeliveryRuntime } from '../../lib/delivery/action-deps'
import { defineAdminAction } from '../admin-action'
import { flag, resultIsStored, type Route } from '../web-router'

const ID = '([a-z0-9-]{1,64})'

/** The operations of this action: the subscription admin plus the test send. */
type Operations = SubscriptionAdmin & { test(id: string, input: unknown): Promise<TestSendResult> }

const ROUTES: Route<Operations>[] = [
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
  {
    method: 'post',
    path: new RegExp(`^/${ID}/test$`),
    handle: async (a, req, [id]) => ({ statusCode: 200, body: await a.test(id, req.input) }),
  },
]

function operations(rt: DeliveryRuntime): Operations {
  const catalog = fieldCatalog()
  const admin = createSubscriptionAdmin({
    subscriptions: rt.subscriptions,
    logs: rt.logs,
    clock: rt.clock,
    urlPolicy: rt.urlPolicy,
    rotationOverlapMs: rt.config.rotationOverlapMs,
    isKnownEventType: (code) => eventRegistry.get(code) !== undefined,
    fieldCatalog: catalog,
    defaultRetry: rt.retry,
    logRetentionMs: rt.config.logRetentionDays * 86_400_000,
  })
  return {
    ...admin,
    async test(id, input) {
      const sub = await rt.subscriptions.get(id)
      if (!sub) throw new NotFoundError(`subscription ${id.slice(0, 64)} not found`)
      return testSend(
        {
          send: rt.send,
          clock: rt.clock,
          urlPolicy: rt.urlPolicy,
          timeoutMs: rt.config.deliveryTimeoutMs,
          logs: rt.logs,
          logger: rt.logger,
          retry: rt.retry,
          catalog,
          allCodes: () => eventRegistry.all().map((d) => d.code),
        },
        sub,
        input,
      )
    },
  }
}

/** Runtime entry point (tests replace dependencies with `main.withDeps`). */
export const main = defineAdminAction('admin/subscriptions', ROUTES, operations)
