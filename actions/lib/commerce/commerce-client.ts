/**
 * A small Adobe Commerce REST client on built-in `fetch`: one request function with auth headers
 * (OAuth 1.0a integration or IMS bearer), a timeout per attempt, and retries on 429/5xx/network
 * errors honouring `Retry-After`, bounded by the time the activation has left. It never throws for
 * an HTTP outcome: the caller maps statuses (see effect-runner.ts). Headers, tokens and bodies are
 * never logged; only method, path, status and Commerce's message.
 */
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { AccessTokenProvider } from '../ims-token'
import { commerceErrorMessage } from './commerce-error'
import { oauth1Authorization, type IntegrationCredentials } from './oauth1-signer'

/** Produces the auth headers of one request. */
export interface CommerceAuth {
  readonly mode: 'integration' | 'ims'
  headers(method: string, url: string): Promise<Record<string, string>>
}

/** OAuth 1.0a integration auth (PaaS). */
export function integrationAuth(creds: IntegrationCredentials, now: () => number = Date.now): CommerceAuth {
  return {
    mode: 'integration',
    headers: async (method, url) => ({
      authorization: oauth1Authorization(creds, method, url, { timestamp: Math.floor(now() / 1000) }),
    }),
  }
}

/** IMS bearer auth (Adobe Commerce as a Cloud Service, or PaaS with IMS). */
export function imsAuth(tokens: AccessTokenProvider): CommerceAuth {
  return { mode: 'ims', headers: async () => ({ authorization: `Bearer ${await tokens.getToken()}` }) }
}

/** The outcome of one logical call (after retries). */
export interface CommerceResponse {
  /** Commerce's status; 504 after a timeout, 502 after a network error. */
  status: number
  body: unknown
  /** Commerce's error message with placeholders filled (non-2xx only). */
  message?: string
  /** Attempts made. */
  attempts: number
}

/** A Commerce REST client bound to one store. */
export interface CommerceClient {
  /** `path` starts with `V1/`; `body` is sent as JSON. */
  request(method: string, path: string, body?: unknown): Promise<CommerceResponse>
}

/** Client options; `deadline` is the activation's deadline (epoch ms, `__OW_DEADLINE`). */
export interface CommerceClientOptions {
  baseUrl: string
  auth: CommerceAuth
  clock: Pick<Clock, 'now' | 'sleep'>
  logger: Logger
  fetch?: typeof fetch
  /** Per attempt (default 10 s). */
  timeoutMs?: number
  /** Attempts in total (default 3). */
  maxAttempts?: number
  deadline?: number
  /** First backoff when Commerce gives no Retry-After (default 250 ms, doubled per retry). */
  backoffMs?: number
}

/** Time kept free before the deadline to answer I/O Events (ms). */
const DEADLINE_MARGIN_MS = 2000

const transient = (status: number): boolean => status === 429 || status >= 500

/** Seconds or an HTTP date → ms from now; undefined when absent or malformed. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Joins the base URL (`https://store/rest/`, with or without trailing slash) and a `V1/...` path. */
function commerceUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text.slice(0, 500)
  }
}

/** Creates a client. */
export function createCommerceClient(options: CommerceClientOptions): CommerceClient {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 10_000
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const backoff = options.backoffMs ?? 250
  const { clock, logger } = options

  async function attempt(
    method: string,
    url: string,
    body: unknown,
  ): Promise<Omit<CommerceResponse, 'attempts'> & { retryAfter?: number }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(await options.auth.headers(method, url)),
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    try {
      const res = await doFetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
      const parsed = await parseBody(res)
      const ok = res.status >= 200 && res.status < 300
      return {
        status: res.status,
        body: parsed,
        message: ok ? undefined : (commerceErrorMessage(parsed) ?? `Commerce answered ${res.status}`),
        retryAfter: retryAfterMs(res.headers.get('retry-after'), clock.now()),
      }
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError'
      return timedOut
        ? { status: 504, body: undefined, message: `Commerce did not answer within ${timeoutMs} ms` }
        : {
            status: 502,
            body: undefined,
            message: `Commerce unreachable: ${(err as Error)?.message ?? String(err)}`,
          }
    }
  }

  return {
    async request(method, path, body) {
      const url = commerceUrl(options.baseUrl, path)
      for (let n = 1; ; n++) {
        const { retryAfter, ...out } = await attempt(method, url, body)
        if (!transient(out.status) || n >= maxAttempts) return { ...out, attempts: n }
        const delay = retryAfter ?? backoff * 2 ** (n - 1)
        const left = (options.deadline ?? Infinity) - clock.now() - DEADLINE_MARGIN_MS
        if (delay + timeoutMs > left) {
          // Not enough activation time for another attempt: I/O Events retries the whole event.
          logger.warn('commerce call failed; no time left to retry', {
            method,
            path,
            status: out.status,
            message: out.message,
          })
          return { ...out, attempts: n }
        }
        logger.warn('commerce call failed; retrying', {
          method,
          path,
          status: out.status,
          message: out.message,
          delayMs: delay,
        })
        await clock.sleep(delay)
      }
    },
  }
}
