/**
 * Authentication of the ingestion webhook: THE plug-in point.
 *
 * `checkAuthentication(params)` receives the raw web action params (`__ow_headers` with
 * lower-case names, `__ow_body`, `__ow_query`, and the action inputs) and answers
 * `{success: true}` or `{success: false, message}`; a failure becomes a 401 carrying `message`.
 * To plug in your own scheme, replace the body of `checkAuthentication` (or add a strategy to
 * `STRATEGIES`) — see README "Ingestion webhook → Writing your own authentication".
 *
 * Built-in strategies, chosen by the `INGESTION_AUTH` input:
 * - `hmac`  Standard Webhooks signature over the raw body (`INGESTION_SECRET`, `whsec_…`);
 * - `token` a shared secret in a header (`INGESTION_TOKEN_HEADER`, default `x-webhook-token`);
 * - `basic` Basic credentials (`INGESTION_BASIC_USER` / `INGESTION_BASIC_PASSWORD`);
 * - `none`  no check — only when set explicitly.
 * Unset or unknown `INGESTION_AUTH` rejects every request: secure by default. Rotation: a
 * comma-separated `INGESTION_SECRET` and/or `INGESTION_SECRETS_PREVIOUS` are all accepted.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isValidSecret, verifySignature } from '../../lib/webhook-signature'
import { rawBodyOf } from './request'

/** Result of an authentication check; `message` is shown to the caller (never include secrets). */
export type AuthResult = { success: true } | { success: false; message: string }

/** What a strategy sees besides params: the exact request bytes and the current time. */
export interface AuthContext {
  /** The raw request body, exactly as sent (signatures are computed over these bytes). */
  rawBody: Buffer
  /** Current Unix time in seconds. */
  nowSeconds: number
}

type Params = Record<string, unknown>
type Strategy = (params: Params, ctx: AuthContext) => AuthResult

/** The header a token is read from when INGESTION_TOKEN_HEADER is unset. */
export const DEFAULT_TOKEN_HEADER = 'x-webhook-token'

const HOW_TO =
  'set INGESTION_AUTH to hmac (recommended: INGESTION_SECRET=whsec_…, Standard Webhooks signatures), ' +
  'token (INGESTION_SECRET sent in the INGESTION_TOKEN_HEADER header) or basic (INGESTION_BASIC_USER and ' +
  'INGESTION_BASIC_PASSWORD) in .env and redeploy; see README "Ingestion webhook"'

const fail = (message: string): AuthResult => ({ success: false, message })
const ok: AuthResult = { success: true }

function headersOf(params: Params): Record<string, string | undefined> {
  const h = params.__ow_headers
  return h && typeof h === 'object' ? (h as Record<string, string | undefined>) : {}
}

/** Every configured secret: `INGESTION_SECRET` then `INGESTION_SECRETS_PREVIOUS`, each a comma/space list. */
export function configuredSecrets(params: Params): string[] {
  return [params.INGESTION_SECRET, params.INGESTION_SECRETS_PREVIOUS]
    .flatMap((v) => (typeof v === 'string' ? v.split(/[\s,]+/) : []))
    .filter(Boolean)
}

/**
 * Constant-time equality of two strings. Both sides are hashed first so the comparison also
 * takes the same time whatever the lengths (a length mismatch must not be observable either).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest()
  const hb = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(ha, hb)
}

/** True when `candidate` equals any of `secrets`; every secret is compared (no early exit). */
function matchesAny(candidate: string, secrets: string[]): boolean {
  let found = false
  for (const s of secrets) found = safeEqual(candidate, s) || found
  return found
}

const hmac: Strategy = (params, ctx) => {
  const secrets = configuredSecrets(params)
  if (!secrets.length)
    return fail(
      `Ingestion authentication is misconfigured: INGESTION_AUTH=hmac needs INGESTION_SECRET; ${HOW_TO}`,
    )
  if (!secrets.every(isValidSecret)) {
    return fail(
      'Ingestion authentication is misconfigured: INGESTION_SECRET/INGESTION_SECRETS_PREVIOUS must be whsec_ secrets ' +
        '(whsec_ + base64 of 24–64 random bytes; generate one with ' +
        "`node -e \"console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))\"`)",
    )
  }
  const res = verifySignature(secrets, headersOf(params), ctx.rawBody, ctx.nowSeconds)
  return res.ok ? ok : fail(`Invalid webhook signature: ${res.reason}`)
}

const token: Strategy = (params) => {
  const secrets = configuredSecrets(params)
  if (!secrets.length)
    return fail(
      `Ingestion authentication is misconfigured: INGESTION_AUTH=token needs INGESTION_SECRET; ${HOW_TO}`,
    )
  const header = (
    typeof params.INGESTION_TOKEN_HEADER === 'string' && params.INGESTION_TOKEN_HEADER
      ? params.INGESTION_TOKEN_HEADER
      : DEFAULT_TOKEN_HEADER
  ).toLowerCase()
  let presented = headersOf(params)[header]
  if (!presented) return fail(`Missing authentication header ${header}`)
  // Allow `Authorization: Bearer <token>` when the header is configured as `authorization`.
  if (header === 'authorization') presented = presented.replace(/^bearer\s+/i, '')
  return matchesAny(presented, secrets) ? ok : fail(`Invalid token in header ${header}`)
}

const basic: Strategy = (params) => {
  const user = params.INGESTION_BASIC_USER
  const password = params.INGESTION_BASIC_PASSWORD
  if (typeof user !== 'string' || !user || typeof password !== 'string' || !password) {
    return fail(
      `Ingestion authentication is misconfigured: INGESTION_AUTH=basic needs INGESTION_BASIC_USER and INGESTION_BASIC_PASSWORD; ${HOW_TO}`,
    )
  }
  const h = headersOf(params).authorization
  if (!h || !/^basic\s+/i.test(h))
    return fail('Missing Basic credentials (Authorization: Basic base64(user:password))')
  const decoded = Buffer.from(h.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return fail('Malformed Basic credentials')
  // Evaluate both comparisons so timing does not reveal which half was wrong.
  const userOk = safeEqual(decoded.slice(0, colon), user)
  const passwordOk = safeEqual(decoded.slice(colon + 1), password)
  return userOk && passwordOk ? ok : fail('Invalid Basic credentials')
}

const none: Strategy = () => ok

/** The strategy table: add an entry (and its inputs) to support another scheme. */
export const STRATEGIES = { hmac, token, basic, none } as const satisfies Record<string, Strategy>

/** Names of the strategies (`INGESTION_AUTH` values). */
export type AuthStrategyName = keyof typeof STRATEGIES

/** The configured strategy name, or undefined when unset or unknown. */
export function strategyOf(params: Params): AuthStrategyName | undefined {
  const raw = typeof params.INGESTION_AUTH === 'string' ? params.INGESTION_AUTH.trim().toLowerCase() : ''
  return Object.prototype.hasOwnProperty.call(STRATEGIES, raw) ? (raw as AuthStrategyName) : undefined
}

/**
 * Authenticates one ingestion request.
 * @param params the raw web action params (headers, raw body, inputs).
 * @param ctx the raw body and time; derived from `params` and the system clock when omitted.
 */
export function checkAuthentication(params: Params, ctx?: AuthContext): AuthResult {
  const name = strategyOf(params)
  if (!name) {
    const raw = typeof params.INGESTION_AUTH === 'string' ? params.INGESTION_AUTH.trim() : ''
    return fail(
      raw
        ? `Ingestion authentication is misconfigured: INGESTION_AUTH must be one of ${Object.keys(STRATEGIES).join(', ')}; ${HOW_TO}`
        : `Ingestion authentication is not configured: ${HOW_TO}`,
    )
  }
  const context = ctx ?? { rawBody: rawBodyOf(params), nowSeconds: Math.floor(Date.now() / 1000) }
  return STRATEGIES[name](params, context)
}
