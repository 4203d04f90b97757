/**
 * `ingestion/webhook` — a raw web action (`web: raw`, `final: true`) where back-office systems
 * POST `{"data": {uid, event, value}}` (or a batch `{"data": [...]}`) to publish events to the
 * `backoffice` I/O Events provider. Thin adapter: read the raw request, authenticate
 * (`auth.ts`, the plug-in point), build dependencies once per warm container, call the core
 * (`ingest.ts`); the entry-point layer (lib/action-entry.ts) maps errors.
 */
import { AuthenticationError, HttpError } from '../../lib/errors'
import { defineAction, type RequestContext } from '../../lib/action-entry'
import { eventRegistry } from '../../lib/event-registry'
import { createIdempotencyStore } from '../../lib/idempotency-store'
import { createAccessTokenProvider } from '../../lib/ims-token'
import { createIngressClient, DEFAULT_PUBLISH_TIMEOUT_MS } from '../../lib/io-events-ingress-client'
import { openStateStore } from '../../lib/kv-store'
import { createProviderResolver } from '../../lib/provider-resolver'
import { valueSchemaFor } from '../../entities/value-schemas'
import { checkAuthentication, strategyOf } from './auth'
import { INGESTION_INPUTS, eventsClientOf, loadPublishingConfig, tokenSourceOf } from './config'
import { ingest } from './ingest'
import { parseJsonBody, readBody, rejectInputOverrides } from './request'
import { toIngestionResponse } from './respond'

let warnedOpen = false

/**
 * The most a request works, whatever time the activation has left: the caller's 60 s web-action
 * wait also covers the time the request was queued before the activation ran, and past that wait
 * the platform answers 202 and the caller cannot know what was published.
 */
export const INGESTION_WORK_BUDGET_MS = 40_000
/** Kept for answering after the last step (serialising, the platform's response path). */
const ANSWER_MARGIN_MS = 2_000

/** When the request's work must be over: the budget, or less when the activation ends sooner. */
function workUntil(now: number, remainingMs: number): number {
  return now + Math.max(0, Math.min(INGESTION_WORK_BUDGET_MS, remainingMs - ANSWER_MARGIN_MS))
}

/**
 * Everything decided before configuration is read: method, size, input overrides, authentication,
 * JSON. An unauthenticated caller is refused before a misconfiguration (a 500) could show.
 */
function acceptRequest({ params, logger, clock }: RequestContext): unknown {
  const method = (typeof params.__ow_method === 'string' ? params.__ow_method : 'post').toLowerCase()
  if (method !== 'post')
    throw new HttpError(405, `Method ${method.toUpperCase()} not allowed: POST events as JSON`)
  const body = readBody(params)
  rejectInputOverrides(params, body, INGESTION_INPUTS)
  if (strategyOf(params) === 'none' && !warnedOpen) {
    warnedOpen = true
    logger.warn(
      'INGESTION_AUTH=none: the ingestion webhook accepts UNAUTHENTICATED requests from anyone who knows its URL',
    )
  }
  const auth = checkAuthentication(params, { rawBody: body, nowSeconds: Math.floor(clock.now() / 1000) })
  if (!auth.success) throw new AuthenticationError(auth.message)
  return parseJsonBody(body)
}

/** The web action entry point. */
export const main = defineAction({
  name: 'ingestion/webhook',
  // Authentication inputs are read by auth.ts (the plug-in point reads `params` itself).
  config: (params) => ({ publishing: loadPublishingConfig(params) }),
  request: acceptRequest,
  deps: {
    // Per warm container: one I/O Events client (it caches its token) per distinct config, one State client.
    ingress: {
      container: ({ config }) =>
        createIngressClient(
          eventsClientOf(config.publishing),
          createAccessTokenProvider(tokenSourceOf(config.publishing)),
        ),
    },
    kv: { container: () => openStateStore() },
  },
  handler: async ({ request: doc, config, deps, clock, logger, deadline }) => {
    const result = await ingest(doc, {
      budget: {
        until: workUntil(clock.now(), deadline.remainingMs()),
        publishMs: DEFAULT_PUBLISH_TIMEOUT_MS,
      },
      registry: eventRegistry,
      valueSchemaFor,
      idempotency: createIdempotencyStore(deps.kv),
      publisher: deps.ingress,
      providers: createProviderResolver(config.publishing.consumerOrgId, (org) =>
        deps.ingress.listProviders(org),
      ),
      clock,
      logger,
    })
    const counts: Record<string, number> = {}
    for (const o of result.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1
    logger.info('ingested', {
      batch: result.batch,
      ...counts,
      uids: result.outcomes
        .slice(0, 10)
        .map((o) => o.uid)
        .join(','),
    })
    return toIngestionResponse(result)
  },
  failureMessage: 'ingestion failed',
})
