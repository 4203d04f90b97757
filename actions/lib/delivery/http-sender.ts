/**
 * Sends one delivery attempt with Node's http/https client over keep-alive agents (repeated
 * deliveries to one endpoint reuse sockets). Every attempt has its own timeout covering connect,
 * headers and the first KB of the response body. Never throws: network problems come back as an
 * `error` with a kind the classifier understands.
 *
 * SSRF: with a URL policy, the host is resolved and judged right before the attempt and the
 * connection is made to exactly that address (a pinned `lookup`), so a rebinding name cannot
 * answer with a public address for the check and a private one for the connect. TLS still
 * verifies the certificate against the host name (SNI uses the name, not the address).
 */
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { performance } from 'node:perf_hooks'
import { resolveForSend, type UrlPolicy } from './url-policy'
import { readPrefix } from '../capped-response'

/** Longest response snippet kept in the delivery log. */
const RESPONSE_SNIPPET_BYTES = 1024

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
function describeNetworkError(err: unknown, timeoutMs: number): { kind: NetworkErrorKind; message: string } {
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

/** The first RESPONSE_SNIPPET_BYTES of the answer as text (a cut multi-byte character dropped). */
async function readSnippet(res: http.IncomingMessage): Promise<string> {
  const text = (await readPrefix(res, RESPONSE_SNIPPET_BYTES)).toString('utf8')
  return text.replace(/\uFFFD+$/, '')
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
}

/** A `lookup` that answers with the already checked address, whatever name is asked. */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }])
    else callback(null, address, family)
  }) as unknown as LookupFunction
}

function post(
  request: HttpAttemptRequest,
  lookup: LookupFunction | undefined,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const url = new URL(request.url)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: agents[url.protocol as 'http:' | 'https:'],
        signal,
        ...(lookup ? { lookup } : {}),
      },
      resolve,
    )
    req.on('error', reject)
    req.end(request.body)
  })
}

/**
 * The production sender (redirects not followed: a 3xx is a failed delivery). With `policy`,
 * each attempt re-checks the URL and connects to the checked address only (see module comment).
 */
export function createFetchSender(policy?: UrlPolicy): HttpSender {
  return async (request) => {
    const started = performance.now()
    const signal = AbortSignal.timeout(request.timeoutMs)
    try {
      let lookup: LookupFunction | undefined
      if (policy) {
        const target = await resolveForSend(request.url, policy)
        if (target.reason)
          return { durationMs: 0, error: `not sent: ${target.reason}`, errorKind: 'policy' as const }
        if (target.address) lookup = pinnedLookup(target.address, target.family ?? 4)
      }
      const res = await post(request, lookup, signal)
      const responseSnippet = await readSnippet(res)
      const retryAfter = res.headers['retry-after']
      return {
        statusCode: res.statusCode,
        durationMs: Math.round(performance.now() - started),
        responseSnippet,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      }
    } catch (err) {
      // Aborting mid-body surfaces as a socket error ("aborted"): the timeout is the cause.
      const cause = signal.aborted ? { name: 'TimeoutError' } : err
      const { kind, message } = describeNetworkError(cause, request.timeoutMs)
      return { durationMs: Math.round(performance.now() - started), error: message, errorKind: kind }
    }
  }
}
