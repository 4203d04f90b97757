/**
 * Sends one delivery attempt with `fetch` (Node's built-in undici client, which keeps connections
 * alive and pools them per origin, so repeated deliveries to one endpoint reuse sockets). Every
 * attempt has its own timeout covering connect, headers and the first KB of the response body.
 * Never throws: network problems come back as an `error` with a kind the classifier understands.
 */
import { performance } from 'node:perf_hooks'

/** Longest response snippet kept in the delivery log. */
export const RESPONSE_SNIPPET_BYTES = 1024

/** One HTTP attempt. */
export interface HttpAttemptRequest {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
}

/** What kind of failure prevented a status code. */
export type NetworkErrorKind = 'timeout' | 'connection' | 'dns' | 'tls' | 'policy' | 'other'

/** The observable result of one attempt. */
export interface HttpAttemptResult {
  /** The endpoint's status; absent when no response arrived. */
  statusCode?: number
  durationMs: number
  /** Short, secret-free description of a failure. */
  error?: string
  errorKind?: NetworkErrorKind
  /** First KB of the response body (text). */
  responseSnippet?: string
  /** Raw `Retry-After` header, when sent. */
  retryAfter?: string
}

/** Sends one attempt; injectable so the core can be tested against any transport. */
export type HttpSender = (request: HttpAttemptRequest) => Promise<HttpAttemptResult>

const CODE_KINDS: [RegExp, NetworkErrorKind, string][] = [
  [/^ECONNREFUSED$/, 'connection', 'connection refused'],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/, 'connection', 'connection reset'],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL)$/, 'dns', 'DNS lookup failed'],
  [/^(EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/, 'connection', 'host unreachable'],
  [
    /^(UND_ERR_CONNECT_TIMEOUT|ETIMEDOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/,
    'timeout',
    'timed out',
  ],
  [/CERT|TLS|SSL|ERR_OSSL/i, 'tls', 'TLS handshake failed'],
]

/** Maps a thrown fetch error to a kind and a message that never includes URLs or headers. */
export function describeNetworkError(
  err: unknown,
  timeoutMs: number,
): { kind: NetworkErrorKind; message: string } {
  const e = err as { name?: string; cause?: { code?: string; name?: string }; code?: string }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') {
    return { kind: 'timeout', message: `timed out after ${timeoutMs} ms` }
  }
  const code = e?.cause?.code ?? e?.code ?? ''
  for (const [re, kind, text] of CODE_KINDS) {
    if (re.test(code))
      return { kind, message: kind === 'timeout' ? `${text} (${code})` : `${text} (${code})` }
  }
  return { kind: 'other', message: code ? `network error (${code})` : 'network error' }
}

async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < RESPONSE_SNIPPET_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    // Stop reading a large or endless body; the connection is discarded rather than drained.
    await reader.cancel().catch(() => undefined)
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8')
  return text.replace(/\uFFFD+$/, '')
}

/** The production sender (global fetch, redirects not followed: a 3xx is a failed delivery). */
export function createFetchSender(): HttpSender {
  return async (request) => {
    const started = performance.now()
    const signal = AbortSignal.timeout(request.timeoutMs)
    try {
      const res = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
      })
      const responseSnippet = await readSnippet(res)
      return {
        statusCode: res.status,
        durationMs: Math.round(performance.now() - started),
        responseSnippet,
        retryAfter: res.headers.get('retry-after') ?? undefined,
      }
    } catch (err) {
      const { kind, message } = describeNetworkError(err, request.timeoutMs)
      return { durationMs: Math.round(performance.now() - started), error: message, errorKind: kind }
    }
  }
}
