/**
 * A small client of the app's admin API (the `admin` package's web actions `logs` and
 * `subscriptions`), the one thing the CLI talks to. It knows the routes and the two IMS headers
 * `require-adobe-auth` needs, nothing about terminals; a browser UI would make the same calls.
 *
 * Errors: an answer other than 2xx is an `ApiError` with the API's own message (the admin actions
 * answer `{error: "<message>"}`); no answer at all is an `UnreachableError` naming the URL.
 */
import type { DeliveryRecord } from '../../actions/lib/delivery-log/delivery-record'
import type { Freshness, LogSummary } from '../../actions/lib/delivery-log/log-admin'
import type { ShownSubscription, SubscriptionView } from '../../actions/lib/subscriptions/subscription-admin'
import type { BulkRetryResult } from '../../actions/lib/delivery-log/log-retry'
import type { TestSendResult } from '../../actions/lib/subscriptions/test-send'
import { ApiError, UnreachableError } from './cli-errors'

/** Where the admin API is and how to authenticate to it. */
export interface AdminTarget {
  /** URL of the admin package: `<web base>/admin` (the CLI appends `/logs`, `/subscriptions`). */
  adminUrl: string
  /** IMS org sent as `x-gw-ims-org-id`. */
  orgId: string
  /** Supplies the IMS bearer token (a static one, or one exchanged with IMS). Never printed. */
  token: () => Promise<string>
  /** For messages: "the local stack in /path" or "https://…". */
  describe: string
}

/** Listing filters, as the API names them (query string of `GET logs`, body of `POST logs/retry`). */
export interface LogFilters {
  status?: string
  type?: string
  subscription?: string
  entityId?: string
  eventId?: string
  from?: string
  to?: string
}

/** A page query: filters plus paging. */
export interface LogPageQuery extends LogFilters {
  limit?: number
  cursor?: string
}

/** `GET logs`. */
export interface LogPage extends Freshness {
  items: LogSummary[]
  total?: number
  nextCursor?: string
}

/** `GET logs/export`. */
export interface ExportPage extends Freshness {
  exportedAt: string
  count: number
  items: DeliveryRecord[]
  nextCursor?: string
}

/** `POST logs/retry` (bulk, by filter): one bounded batch; follow `nextCursor` (the action's own answer type). */
export type BulkRetryPage = Pick<BulkRetryResult, 'retried' | 'skipped' | 'failed' | 'nextCursor'>

/** `POST subscriptions/{id}/test`: what the receiver answered to a test event (the action's own type). */
export type { TestSendResult }

/** `POST subscriptions` and `POST subscriptions/{id}/rotate-secret`: the secret appears this once. */
export interface SecretResult {
  subscription: ShownSubscription
  secret?: string
  previousSecretExpiresAt?: string
}

/** Longer than the 60 s a web action may take, so the API's own timeout answer arrives. */
const REQUEST_TIMEOUT_MS = 70_000

type Query = Record<string, string | number | boolean | undefined>

/** Creates the client; `fetchImpl` defaults to the global fetch. */
export function createAdminClient(target: AdminTarget, fetchImpl: typeof fetch = fetch) {
  async function call<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) qs.set(k, String(v))
    const url = `${target.adminUrl}${path}${qs.size ? `?${qs.toString()}` : ''}`
    const headers: Record<string, string> = {
      authorization: `Bearer ${await target.token()}`,
      'x-gw-ims-org-id': target.orgId,
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
      throw new UnreachableError(`cannot reach the admin API of ${target.describe} at ${url} (${cause})`)
    }
    const text = await res.text()
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = undefined
    }
    if (!res.ok) {
      const message = (body as { error?: unknown } | undefined)?.error
      throw new ApiError(
        res.status,
        `${method} ${path || '/'} answered ${res.status}: ${typeof message === 'string' ? message : text.slice(0, 200) || res.statusText}`,
        body,
      )
    }
    return body as T
  }
  const id = (v: string) => `/${encodeURIComponent(v)}`

  return {
    target,
    logs: {
      list: (q: LogPageQuery) => call<LogPage>('GET', '/logs', { query: { ...q } }),
      get: (deliveryId: string) => call<DeliveryRecord>('GET', `/logs${id(deliveryId)}`),
      retry: (deliveryId: string) =>
        call<DeliveryRecord>('POST', `/logs${id(deliveryId)}/retry`, { body: {} }),
      /** One batch of the bulk retry of every delivery matching the filters. */
      retryMatching: (q: LogPageQuery) => call<BulkRetryPage>('POST', '/logs/retry', { body: q }),
      exportPage: (q: LogPageQuery) => call<ExportPage>('GET', '/logs/export', { query: { ...q } }),
    },
    subscriptions: {
      list: (stats: boolean) =>
        call<{ items: SubscriptionView[] }>('GET', '/subscriptions', { query: stats ? { stats: true } : {} }),
      get: (subId: string) => call<SubscriptionView>('GET', `/subscriptions${id(subId)}`),
      create: (body: Record<string, unknown>) => call<SecretResult>('POST', '/subscriptions', { body }),
      update: (subId: string, body: Record<string, unknown>) =>
        call<ShownSubscription>('PATCH', `/subscriptions${id(subId)}`, { body }),
      remove: (subId: string) => call<void>('DELETE', `/subscriptions${id(subId)}`),
      rotateSecret: (subId: string, body: Record<string, unknown>) =>
        call<SecretResult>('POST', `/subscriptions${id(subId)}/rotate-secret`, { body }),
      test: (subId: string, body: Record<string, unknown>) =>
        call<TestSendResult>('POST', `/subscriptions${id(subId)}/test`, { body }),
    },
  }
}

/** The client's operations. */
export type AdminClient = ReturnType<typeof createAdminClient>
