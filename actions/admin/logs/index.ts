/**
 * admin/logs (web, require-adobe-auth): delivery logs.
 *
 *   GET  /             list, newest first; filters status (comma list), type, subscription, eventId,
 *                      from/to (ISO or epoch ms, on creation time), limit, cursor — from keys only
 *   GET  /export       the same filters, full records as a JSON download (paged: `nextCursor`)
 *   GET  /{id}         one delivery with every attempt (status, duration, error, response snippet)
 *   POST /{id}/retry   send again now, whatever the status (delivered ones too; a delivered one
 *                      is re-sent as a new message, `webhook-id` `<id>.r<n>`)
 *   POST /retry        bulk retry of what the listing filters select (at least one filter), `limit`
 *                      ≤ 100 per call → {retried, skipped, failed, items, nextCursor?}
 */
import { createLogAdmin, parseLogQuery, type LogAdmin } from '../../lib/delivery-log/log-admin'
import { answerBy } from '../../lib/delivery/action-deps'
import { defineAdminAction } from '../admin-action'
import type { Route } from '../web-router'

const ID = '([A-Za-z0-9_-]{1,210}\\.[a-z0-9-]{1,64})'

const ROUTES: Route<LogAdmin>[] = [
  {
    method: 'get',
    path: /^$/,
    handle: async (a, req) => ({ statusCode: 200, body: await a.list(parseLogQuery(req.input)) }),
  },
  {
    method: 'get',
    path: /^\/export$/,
    handle: async (a, req) => {
      const body = await a.export(parseLogQuery(req.input))
      const stamp = body.exportedAt.replace(/[:.]/g, '-')
      return {
        statusCode: 200,
        headers: { 'content-disposition': `attachment; filename="delivery-logs-${stamp}.json"` },
        body,
      }
    },
  },
  {
    method: 'post',
    path: /^\/retry$/,
    handle: async (a, req) => ({ statusCode: 200, body: await a.retryMany(parseLogQuery(req.input)) }),
  },
  {
    method: 'get',
    path: new RegExp(`^/${ID}$`),
    handle: async (a, _req, [id]) => ({ statusCode: 200, body: await a.get(id) }),
  },
  {
    method: 'post',
    path: new RegExp(`^/${ID}/retry$`),
    handle: async (a, _req, [id]) => ({ statusCode: 200, body: await a.retry(id) }),
  },
]

/** Runtime entry point (tests replace dependencies with `main.withDeps`). */
export const main = defineAdminAction('admin/logs', ROUTES, (rt, { deadlineAt }) =>
  createLogAdmin({
    logs: rt.logs,
    subscriptions: rt.subscriptions,
    clock: rt.clock,
    retry: rt.retry,
    random: rt.random,
    logger: rt.logger,
    send: rt.send,
    urlPolicy: rt.urlPolicy,
    timeoutMs: rt.config.deliveryTimeoutMs,
    concurrency: rt.config.concurrency,
    deadlineMs: answerBy(rt.clock.now(), rt.config.publishTimeBudgetMs, deadlineAt),
  }),
)
