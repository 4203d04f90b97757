/**
 * OAuth 1.0a request signing for Adobe Commerce integrations (RFC 5849, HMAC-SHA256).
 *
 * Commerce 2.4.x verifies integration requests with OAuth 1.0a; since 2.4.4 (Laminas OAuth) it
 * accepts `HMAC-SHA256`, which the Commerce REST docs and Adobe's own
 * `@adobe/aio-commerce-lib-auth` use. Base string (RFC 5849 §3.4.1): the upper-case method, the
 * base URI (scheme and host lower-case, default port dropped, no query) and the normalised
 * parameters (oauth_* without the signature, plus the query and any form-encoded body parameters;
 * a JSON body is not signed), each percent-encoded (§3.6: only ALPHA, DIGIT, `-._~` stay as is).
 * The HMAC key is `encode(consumerSecret)&encode(tokenSecret)`.
 */
import { createHmac, randomBytes } from 'node:crypto'

/** An integration's four credentials (Commerce Admin › System › Integrations). */
export interface IntegrationCredentials {
  consumerKey: string
  consumerSecret: string
  accessToken: string
  accessTokenSecret: string
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires (encodeURIComponent leaves `!'()*`). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** RFC 5849 §3.4.1.2 base string URI. */
export function baseStringUri(url: URL): string {
  const defaultPort =
    (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')
  const port = url.port && !defaultPort ? `:${url.port}` : ''
  return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`
}

/**
 * RFC 5849 §3.4.1 signature base string. `params` are every signed parameter as [name, value]
 * pairs (decoded), duplicates allowed; the query string of `url` is added here.
 */
export function signatureBaseString(
  method: string,
  url: string,
  params: ReadonlyArray<[string, string]>,
): string {
  const u = new URL(url)
  const all: [string, string][] = [...params]
  // URLSearchParams decodes `+` as a space, as the form encoding the RFC refers to does.
  for (const [k, v] of u.searchParams) all.push([k, v])
  const normalised = all
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  return [method.toUpperCase(), percentEncode(baseStringUri(u)), percentEncode(normalised)].join('&')
}

/** The `Authorization: OAuth …` header for one request. Nonce and timestamp are injectable for tests. */
export function oauth1Authorization(
  creds: IntegrationCredentials,
  method: string,
  url: string,
  options: { nonce?: string; timestamp?: number } = {},
): string {
  const oauth: [string, string][] = [
    ['oauth_consumer_key', creds.consumerKey],
    ['oauth_nonce', options.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(options.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_token', creds.accessToken],
    ['oauth_version', '1.0'],
  ]
  const base = signatureBaseString(method, url, oauth)
  const key = `${percentEncode(creds.consumerSecret)}&${percentEncode(creds.accessTokenSecret)}`
  const signature = createHmac('sha256', key).update(base).digest('base64')
  return `OAuth ${[...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${percentEncode(v)}"`).join(',')}`
}
