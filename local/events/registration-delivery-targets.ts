/**
 * The two ways I/O Events hands an event over, reduced to one outcome: a status code (HTTP or a
 * Debug Tracing pseudo code) and a response body.
 *
 * Runtime action (what the status code of an activation means here, following how I/O Events reads
 * Runtime's blocking-invoke answer; documented choices where Adobe does not publish the rule):
 * - `success`: the result's `statusCode` (default 200).
 * - `application error`: the result's `error.statusCode`; without one, 502 (the REST status Runtime
 *   answers for an application error), so it is retried.
 * - `action developer error` (crash, bad result): 502, retried. When the runtime reports that the
 *   action exceeded its time limit: 604 (timeout), retried.
 * - `whisk internal error`: 500, retried.
 * - no answer within 60 s: 604; the runtime being unreachable: 602; an error from the runtime that
 *   carries a 4xx (e.g. 404 unknown action): that code, final.
 *
 * Webhook: POST with a 10 s timeout, redirects not followed (3xx is a final failure); no answer →
 * 604, connection failure → 602, a URL that cannot be requested → 601.
 */
import type { ActivationRecord, RuntimeService } from '../runtime'
import { DELIVERY_POLICY, PSEUDO } from './registration-delivery-policy'
import { readResponsePrefix } from '../../actions/lib/capped-response'

/** Debug Tracing keeps bodies up to 64 KB. */
export const TRACE_BODY_LIMIT = 64 * 1024

/** What one attempt produced. */
export interface AttemptResult {
  statusCode: number
  /** Response body as text (JSON for actions), at most TRACE_BODY_LIMIT + 1 bytes. */
  body: string
  headers?: Record<string, string>
  activationId?: string
  /** Why there is no HTTP status (pseudo codes). */
  error?: string
}

const asStatus = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined
}

/** Maps a finished activation to the status code I/O Events acts on. */
function statusOfActivation(record: ActivationRecord): number {
  const result = record.response?.result ?? {}
  switch (record.response?.status) {
    case 'success':
      return asStatus(result.statusCode) ?? 200
    case 'application error': {
      const err = result.error as Record<string, unknown> | undefined
      return asStatus(err && typeof err === 'object' ? err.statusCode : undefined) ?? 502
    }
    case 'action developer error':
      return /time ?limit|timed? ?out/i.test(JSON.stringify(result.error ?? '')) ? PSEUDO.TIMEOUT : 502
    default:
      return 500
  }
}

/** Splits `runtime_action` into namespace (optional) and `package/action`. */
function parseRuntimeAction(value: string): { namespace?: string; action: string } {
  const parts = value.split('/')
  return parts.length === 3 ? { namespace: parts[0], action: parts.slice(1).join('/') } : { action: value }
}

/** Races `work` against a timer that is always cleared (no stray timers after close). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { timeout: true })),
      ms,
    )
    timer.unref()
  })
  try {
    return await Promise.race([work, expiry])
  } finally {
    clearTimeout(timer)
  }
}

/** Invokes a runtime action with the event as params and maps the activation. */
export async function deliverToAction(
  runtime: RuntimeService,
  runtimeAction: string,
  params: Record<string, unknown>,
): Promise<AttemptResult> {
  const { namespace, action } = parseRuntimeAction(runtimeAction)
  try {
    const record = await withTimeout(
      runtime.invoke({ namespace, action, params }),
      DELIVERY_POLICY.runtimeTimeoutMs,
    )
    const body = JSON.stringify(record.response?.result ?? {})
    return { statusCode: statusOfActivation(record), body, activationId: record.activationId }
  } catch (err) {
    const e = err as Error & { timeout?: boolean; statusCode?: unknown; status?: unknown }
    if (e.timeout) return { statusCode: PSEUDO.TIMEOUT, body: '', error: e.message }
    const code = asStatus(e.statusCode) ?? asStatus(e.status)
    if (code && code >= 400 && code < 500)
      return { statusCode: code, body: JSON.stringify({ error: e.message }), error: e.message }
    return { statusCode: PSEUDO.NETWORK_ERROR, body: '', error: `runtime unavailable: ${e.message}` }
  }
}

/** Reads at most `limit + 1` bytes of a response body (enough to know it was trimmed). */
async function readCapped(res: Response, limit: number): Promise<string> {
  return (await readResponsePrefix(res, limit + 1)).toString('utf8')
}

const NETWORK_CODES =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|other side closed/i

/** POSTs `body` to a webhook and maps the answer. */
export async function deliverToWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number = DELIVERY_POLICY.webhookTimeoutMs,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' })
    const text = await readCapped(res, TRACE_BODY_LIMIT)
    const responseHeaders: Record<string, string> = {}
    res.headers.forEach((v, k) => (responseHeaders[k] = v))
    return { statusCode: res.status, body: text, headers: responseHeaders }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || signal.aborted) {
      return { statusCode: PSEUDO.TIMEOUT, body: '', error: `no answer within ${timeoutMs} ms` }
    }
    const detail = `${e.cause?.code ?? ''} ${e.cause?.message ?? e.message}`
    if (NETWORK_CODES.test(detail) || e.message === 'fetch failed') {
      return { statusCode: PSEUDO.NETWORK_ERROR, body: '', error: `connection failed: ${detail.trim()}` }
    }
    return { statusCode: PSEUDO.CLIENT_ERROR, body: '', error: `request could not be sent: ${e.message}` }
  }
}
