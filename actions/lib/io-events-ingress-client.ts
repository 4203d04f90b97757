/**
 * The app's client of Adobe I/O Events ingress (not to be confused with `publisher/`, which fans
 * events out to external webhooks): a thin wrapper over `@adobe/aio-lib-events` that lists the
 * org's providers and publishes CloudEvents to I/O Events. It adds three things the raw client lacks:
 * - a fresh token per call from an `AccessTokenProvider` (OAuth tokens expire; the client holds one);
 * - base/ingress URLs from configuration (`IO_EVENTS_BASE_URL`/`IO_EVENTS_INGRESS_URL`; the local stack);
 * - typed errors: failures become `UpstreamError`s whose status tells the caller whether to retry.
 */
import type { AccessTokenProvider } from './ims-token'
import { UpstreamError } from './errors'

/** A CloudEvents 1.0 event as I/O Events ingress accepts it. */
export interface CloudEvent {
  specversion: '1.0'
  /** `source` + `id` must be unique: a re-sent id is the same event. */
  id: string
  /** `urn:uuid:<provider id>`. */
  source: string
  /** The event code. */
  type: string
  datacontenttype: 'application/json'
  /** RFC 3339 time the event was accepted. */
  time?: string
  data: unknown
}

/** What ingress said: 200 (some registration receives it) or 204 (no registration consumes this code). */
export type PublishOutcome = 'delivered' | 'no-registration'

/** One I/O Events provider as the management API lists it. */
export interface ProviderSummary {
  id: string
  label: string
  [k: string]: unknown
}

/** Where and as whom to call I/O Events. */
export interface EventsClientConfig {
  /** IMS org id (`x-ims-org-id`), e.g. `OAUTH_ORG_ID`. */
  imsOrgId: string
  /** API key (`x-api-key`): the OAuth client id. */
  apiKey: string
  /** Management API base; default `https://api.adobe.io`. */
  baseUrl?: string
  /** Publishing endpoint; default `https://eventsingress.adobe.io`. */
  ingressUrl?: string
  /** Per-request timeout; default 10 s so a hung ingress cannot eat the 60 s web action budget. */
  timeoutMs?: number
}

/** Default per-request timeout of the ingress client. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000

/** The app's view of I/O Events. */
export interface IoEventsIngressClient {
  /** Publishes one event; resolves with what ingress answered, rejects with an `UpstreamError`. */
  publish(event: CloudEvent): Promise<PublishOutcome>
  /** Every provider of the consumer org (the management API's `_embedded.providers`). */
  listProviders(consumerOrgId: string): Promise<ProviderSummary[]>
}

/** The subset of the aio-lib-events client used here. */
export interface AioEventsClient {
  publishEvent(cloudEvent: object): Promise<string | undefined>
  getAllProviders(
    consumerOrgId: string,
  ): Promise<{ _embedded?: { providers?: ProviderSummary[] } } | undefined>
}

/** Creates an initialised aio-lib-events client. */
export type AioEventsInit = (
  orgId: string,
  apiKey: string,
  accessToken: string,
  httpOptions: { eventsBaseURL?: string; eventsIngressURL?: string; timeout?: number; retries?: number },
) => Promise<AioEventsClient>

/** The real `@adobe/aio-lib-events` `init`, loaded lazily. */
const aioEventsInit: AioEventsInit = (orgId, apiKey, token, httpOptions) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('@adobe/aio-lib-events') as { init: AioEventsInit }
  return lib.init(orgId, apiKey, token, httpOptions)
}

/**
 * The HTTP status inside an aio-lib-events error. The client formats failures as
 * `"<status> - <statusText> (<url>)"`; network failures carry no status (undefined).
 */
export function statusOfEventsError(err: unknown): number | undefined {
  const m = /\b([1-5]\d\d) - /.exec(String((err as Error)?.message ?? err))
  return m ? Number(m[1]) : undefined
}

/**
 * Maps a failed publish to the status our caller sees. 4xx from ingress other than auth and
 * throttling means we built a bad CloudEvent (our bug): 500. Everything else (5xx, 429,
 * 401/403 with an expiring token, network) is transient: 503. Both are retryable by the caller.
 */
function publishFailure(err: unknown): UpstreamError {
  const status = statusOfEventsError(err)
  const transient =
    status === undefined || status >= 500 || status === 429 || status === 401 || status === 403
  const e = new UpstreamError(
    `Publishing to Adobe I/O Events failed (${status ? `ingress answered ${status}` : 'ingress unreachable'}); retry later`,
    transient ? 503 : 500,
    err,
  )
  e.expose = true
  return e
}

/** Creates the ingress client; each call takes a current token from `tokens`. */
export function createIngressClient(
  config: EventsClientConfig,
  tokens: AccessTokenProvider,
  init: AioEventsInit = aioEventsInit,
): IoEventsIngressClient {
  let cached: { token: string; client: Promise<AioEventsClient> } | undefined
  const httpOptions = {
    ...(config.baseUrl ? { eventsBaseURL: config.baseUrl.replace(/\/+$/, '') } : {}),
    ...(config.ingressUrl ? { eventsIngressURL: config.ingressUrl } : {}),
    timeout: config.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
    // No client-side retries: the webhook caller retries and the deterministic event id makes that safe.
    retries: 0,
  }
  const client = async (): Promise<AioEventsClient> => {
    const token = await tokens.getToken()
    if (!cached || cached.token !== token) {
      cached = { token, client: init(config.imsOrgId, config.apiKey, token, { ...httpOptions }) }
    }
    return cached.client
  }
  return {
    async publish(event) {
      const c = await client()
      try {
        const res = await c.publishEvent(event)
        return res === undefined ? 'no-registration' : 'delivered'
      } catch (err) {
        throw publishFailure(err)
      }
    },
    async listProviders(consumerOrgId) {
      const c = await client()
      try {
        const res = await c.getAllProviders(consumerOrgId)
        return res?._embedded?.providers ?? []
      } catch (err) {
        const status = statusOfEventsError(err)
        const e = new UpstreamError(
          `Listing I/O Events providers failed (${status ? `management API answered ${status}` : 'unreachable'}); retry later`,
          503,
          err,
        )
        e.expose = true
        throw e
      }
    },
  }
}
