/**
 * Access tokens for Adobe APIs (I/O Events management and ingress).
 *
 * Two sources, chosen by configuration:
 * - a static token (`IO_EVENTS_ACCESS_TOKEN`): the local stack accepts its configured token, and a
 *   token minted elsewhere can be injected for a one-off run;
 * - OAuth server-to-server credentials (`OAUTH_*`) exchanged with Adobe IMS through
 *   `@adobe/aio-lib-ims` (`/ims/token/v2`, client-credentials grant).
 *
 * OAuth tokens live 24 h; exchanging one on every activation would add an IMS round trip to each
 * ingested event and risk IMS throttling, so tokens are cached per warm container until shortly
 * before they expire. Concurrent callers share one in-flight exchange.
 */
import type { Clock } from './clock'
import { systemClock } from './clock'
import { UpstreamError } from './errors'

/** OAuth server-to-server credentials (Developer Console "OAuth Server-to-Server"). */
export interface OAuthCredentials {
  clientId: string
  clientSecret: string
  orgId: string
  scopes: string[]
  /** Informational for IMS; kept for parity with the starter kit's inputs. */
  technicalAccountId?: string
  technicalAccountEmail?: string
}

/** Where tokens come from: a static token wins when set. */
export interface TokenSourceConfig {
  staticToken?: string
  oauth?: OAuthCredentials
}

/** Result of one IMS exchange. */
export interface ExchangedToken {
  token: string
  /** Epoch ms when the token stops being valid. */
  expiresAt: number
}

/** Exchanges credentials for a token (the real one calls IMS; unit tests pass a fake IMS). */
export type TokenExchange = (credentials: OAuthCredentials) => Promise<ExchangedToken>

/** Supplies a valid bearer token. */
export interface AccessTokenProvider {
  getToken(): Promise<string>
}

/** Tokens are refreshed this long before their expiry so a request never carries a token that dies in flight. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000

interface CacheEntry {
  token?: ExchangedToken
  inflight?: Promise<ExchangedToken>
}

// Per warm container: keyed by client id, org and scopes (never by the secret itself).
const containerCache = new Map<string, CacheEntry>()

/** Forgets cached tokens (tests; or after IMS rejected a token). */
export function clearTokenCache(): void {
  containerCache.clear()
}

interface ImsLike {
  getAccessTokenByClientCredentials(
    clientId: string,
    clientSecret: string,
    orgId: string,
    scopes: string[],
  ): Promise<{ access_token?: { token: string; expiry?: number }; payload?: { expires_in?: number } }>
}

/**
 * The real exchange: `@adobe/aio-lib-ims` `Ims#getAccessTokenByClientCredentials` against the
 * production IMS (`imsEndpoint` overrides it, e.g. for a mock IMS in tests).
 * Note: aio-lib-ims logs its arguments at debug level, so never run with AIO_LOG_LEVEL=debug in production.
 */
export function imsClientCredentialsExchange(
  clock: Pick<Clock, 'now'> = systemClock,
  imsEndpoint?: string,
): TokenExchange {
  return async (c) => {
    // Loaded lazily: activations using a static token never pay its load time. The `Ims` class's
    // own module, not the package index: the index also loads the JWT/OAuth-CLI token helpers and
    // config contexts (jsonwebtoken, …), which the bundle would carry unused (same class either way).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Ims } = require('@adobe/aio-lib-ims/src/ims') as {
      Ims: new (env?: string) => ImsLike & { endpoint: string }
    }
    const ims = new Ims('prod')
    if (imsEndpoint) ims.endpoint = imsEndpoint
    let res
    try {
      res = await ims.getAccessTokenByClientCredentials(c.clientId, c.clientSecret, c.orgId, c.scopes)
    } catch (err) {
      // The IMS error can quote the request; keep it for logs only.
      throw new UpstreamError(
        'Adobe IMS refused or failed the OAuth server-to-server token exchange',
        503,
        err,
      )
    }
    const token = res.access_token?.token
    if (!token) throw new UpstreamError('Adobe IMS returned no access token', 503)
    // aio-lib-ims derives `expiry` from the JWT claims (created_at + expires_in, ms); fall back to
    // the response's expires_in (seconds) when the token is opaque.
    const fromClaims = res.access_token?.expiry
    const expiresAt = Number.isFinite(fromClaims)
      ? Number(fromClaims)
      : clock.now() + (res.payload?.expires_in ?? 3600) * 1000
    return { token, expiresAt }
  }
}

/**
 * Creates a token provider. A static token is returned as is; OAuth tokens are exchanged once
 * and reused until `TOKEN_REFRESH_MARGIN_MS` before expiry.
 * @throws Error when neither a static token nor complete OAuth credentials are configured.
 */
export function createAccessTokenProvider(
  config: TokenSourceConfig,
  deps: { clock?: Pick<Clock, 'now'>; exchange?: TokenExchange } = {},
): AccessTokenProvider {
  if (config.staticToken) {
    const token = config.staticToken
    return { getToken: async () => token }
  }
  const oauth = config.oauth
  if (!oauth || !oauth.clientId || !oauth.clientSecret || !oauth.orgId) {
    throw new Error(
      'no access token source: set IO_EVENTS_ACCESS_TOKEN or OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and OAUTH_ORG_ID',
    )
  }
  const clock = deps.clock ?? systemClock
  const exchange = deps.exchange ?? imsClientCredentialsExchange(clock)
  const key = JSON.stringify([oauth.clientId, oauth.orgId, [...oauth.scopes].sort()])
  return {
    async getToken() {
      let entry = containerCache.get(key)
      if (!entry) containerCache.set(key, (entry = {}))
      if (entry.token && entry.token.expiresAt - TOKEN_REFRESH_MARGIN_MS > clock.now())
        return entry.token.token
      const e = entry
      e.inflight ??= exchange(oauth)
        .then((t) => {
          e.token = t
          return t
        })
        .finally(() => {
          e.inflight = undefined
        })
      return (await e.inflight).token
    },
  }
}
