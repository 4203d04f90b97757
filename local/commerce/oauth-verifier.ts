/**
 * Server-side OAuth 1.0a verification for the local Commerce, written independently of the app's
 * signer (actions/lib/commerce/oauth1-signer.ts shares nothing with it), so a signing bug on either
 * side fails the integration tests instead of cancelling out.
 *
 * Modelled on Commerce's integration check (Magento\Framework\Oauth\Oauth::validateAccessTokenRequest):
 * the consumer key and access token must belong to an active integration, the signature method is
 * HMAC-SHA1 or HMAC-SHA256, the timestamp within 600 s of the server clock, the nonce unused for the
 * consumer, and the signature equal to the one recomputed over RFC 5849's base string (method,
 * base URI of the request as received, query parameters and oauth_* parameters; JSON bodies are
 * not signed).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The local integration (Commerce Admin › Integrations › Integration Details). */
export interface LocalIntegration {
  consumerKey: string
  consumerSecret: string
  accessToken: string
  accessTokenSecret: string
}

/** Why a request was refused (Commerce answers 401 with this message). */
export class OAuthRejection extends Error {}

const UNRESERVED = /[A-Za-z0-9\-._~]/

/** RFC 3986 encoding byte by byte (not encodeURIComponent: kept independent of the client). */
function rfc3986(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte)
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Form-style decoding of one query component (`+` is a space). */
function formDecode(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '))
}

/** Parses `OAuth k="v", k2="v2"` into decoded pairs; realm is dropped (RFC 5849 §3.4.1.3.1). */
function parseHeader(header: string): Map<string, string> {
  const out = new Map<string, string>()
  const body = header.replace(/^\s*OAuth\s+/i, '')
  for (const part of body.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    const quoted = part.slice(eq + 1).trim()
    if (!/^".*"$/.test(quoted)) throw new OAuthRejection('The OAuth header is malformed.')
    if (name !== 'realm') out.set(name, decodeURIComponent(quoted.slice(1, -1)))
  }
  return out
}

/** Verifies OAuth 1.0a requests against one integration; remembers nonces for the timestamp window. */
export function createOAuthVerifier(integration: LocalIntegration, now: () => number = Date.now) {
  const WINDOW_S = 600
  const nonces = new Map<string, number>()

  return {
    /** True when the request carries an OAuth header; throws OAuthRejection when it does not verify. */
    verify(req: IncomingMessage, rawUrl: string): void {
      const p = parseHeader(String(req.headers.authorization ?? ''))
      for (const required of [
        'oauth_consumer_key',
        'oauth_token',
        'oauth_signature_method',
        'oauth_timestamp',
        'oauth_nonce',
        'oauth_signature',
      ]) {
        if (!p.get(required)) throw new OAuthRejection(`"${required}" is required. Enter and try again.`)
      }
      if (
        p.get('oauth_consumer_key') !== integration.consumerKey ||
        p.get('oauth_token') !== integration.accessToken
      ) {
        throw new OAuthRejection("The consumer isn't authorized to access %resources.")
      }
      const method = p.get('oauth_signature_method')!
      const algorithm = method === 'HMAC-SHA256' ? 'sha256' : method === 'HMAC-SHA1' ? 'sha1' : undefined
      if (!algorithm) throw new OAuthRejection(`Signature method ${method} is not supported`)
      const ts = Number(p.get('oauth_timestamp'))
      const nowS = Math.floor(now() / 1000)
      if (!Number.isInteger(ts) || Math.abs(nowS - ts) > WINDOW_S)
        throw new OAuthRejection('The timestamp is invalid. Verify and try again.')
      for (const [n, exp] of nonces) if (exp < nowS) nonces.delete(n)
      const nonce = p.get('oauth_nonce')!
      if (nonces.has(nonce))
        throw new OAuthRejection('The nonce is already being used by the consumer with ID %1.')

      // Base string over the request as the server received it.
      const q = rawUrl.indexOf('?')
      const path = q < 0 ? rawUrl : rawUrl.slice(0, q)
      const pairs: [string, string][] = []
      if (q >= 0) {
        for (const piece of rawUrl.slice(q + 1).split('&')) {
          if (!piece) continue
          const eq = piece.indexOf('=')
          pairs.push(
            eq < 0
              ? [formDecode(piece), '']
              : [formDecode(piece.slice(0, eq)), formDecode(piece.slice(eq + 1))],
          )
        }
      }
      for (const [k, v] of p) if (k !== 'oauth_signature') pairs.push([k, v])
      const encoded = pairs.map(([k, v]) => [rfc3986(k), rfc3986(v)])
      encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      const host = String(req.headers.host ?? '').toLowerCase()
      const uri = `http://${host.replace(/:80$/, '')}${path}`
      const base = `${String(req.method).toUpperCase()}&${rfc3986(uri)}&${rfc3986(encoded.map((e) => e.join('=')).join('&'))}`
      const key = `${rfc3986(integration.consumerSecret)}&${rfc3986(integration.accessTokenSecret)}`
      const expected = createHmac(algorithm, key).update(base).digest()
      const given = Buffer.from(p.get('oauth_signature')!, 'base64')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new OAuthRejection('The signature is invalid. Verify and try again.')
      }
      nonces.set(nonce, nowS + WINDOW_S)
    },
  }
}
