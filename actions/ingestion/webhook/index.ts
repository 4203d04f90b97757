/**
 * `ingestion/webhook` — a raw web action (`web: raw`, `final: true`) where back-office systems
 * POST `{"data": {uid, event, value}}` (or a batch `{"data": [...]}`) to publish events to the
 * `backoffice` I/O Events provider. Thin adapter: read the raw request, authenticate
 * (`auth.ts`, the plug-in point), build dependencies once per warm container, call the core
 * (`ingest.ts`), map the result or error in one place.
 */
import { createHash } from 'node:crypto'
import { systemClock } from '../../lib/clock'
import { AuthenticationError, HttpError, describeError, toErrorResponse } from '../../lib/errors'
import { eventRegistry } from '../../lib/event-registry'
import { createIdempotencyStore } from '../../lib/idempotency-store'
import { createAccessTokenProvider } from '../../lib/ims-token'
import { createIngressClient, type IoEventsIngressClient } from '../../lib/io-events-ingress-client'
import { openStateStore, type KvStore } from '../../lib/kv-store'
import { createLogger, type Logger } from '../../lib/logger'
import { createProviderResolver } from '../../lib/provider-resolver'
import { valueSchemaFor } from '../../entities/value-schemas'
import { checkAuthentication, strategyOf } from './auth'
import {
  INGESTION_INPUTS,
  eventsClientOf,
  loadPublishingConfig,
  tokenSourceOf,
  type PublishingConfig,
} from './config'
import { ingest, type IngestDeps } from './ingest'
import { parseJsonBody, readBody, rejectInputOverrides } from './request'
import { toIngestionResponse } from './respond'

type Params = Record<string, unknown>

// Per warm container: one State client, and one publisher per distinct configuration.
let stateStore: Promise<KvStore> | undefined
const publishers = new Map<string, IoEventsIngressClient>()
let warnedOpen = false

function publisherFor(config: PublishingConfig): IoEventsIngressClient {
  const key = createHash('sha256').update(JSON.stringify(config)).digest('hex')
  let p = publishers.get(key)
  if (!p) {
    p = createIngressClient(eventsClientOf(config), createAccessTokenProvider(tokenSourceOf(config)))
    publishers.set(key, p)
  }
  return p
}

async function buildDeps(params: Params, logger: Logger): Promise<IngestDeps> {
  const config = loadPublishingConfig(params)
  const publisher = publisherFor(config)
  stateStore ??= openStateStore().catch((err) => {
    stateStore = undefined
    throw err
  })
  return {
    registry: eventRegistry,
    valueSchemaFor,
    idempotency: createIdempotencyStore(await stateStore),
    publisher,
    providers: createProviderResolver(config.consumerOrgId, (org) => publisher.listProviders(org)),
    clock: systemClock,
    logger,
  }
}

/** The web action entry point. */
export async function main(params: Params): Promise<unknown> {
  const logger = createLogger('ingestion/webhook', String(params.LOG_LEVEL || 'info'), {
    activationId: process.env.__OW_ACTIVATION_ID,
  })
  try {
    const method = String(params.__ow_method ?? 'post').toLowerCase()
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
    const auth = checkAuthentication(params, {
      rawBody: body,
      nowSeconds: Math.floor(systemClock.now() / 1000),
    })
    if (!auth.success) throw new AuthenticationError(auth.message)
    const doc = parseJsonBody(body)
    const result = await ingest(doc, await buildDeps(params, logger))
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
  } catch (err) {
    const { statusCode, message } = describeError(err)
    if (statusCode >= 500)
      logger.error('ingestion failed', {
        statusCode,
        error: String((err as HttpError).detail ?? (err as Error).message ?? err),
      })
    else logger.info('request rejected', { statusCode, reason: message })
    return toErrorResponse(err)
  }
}
