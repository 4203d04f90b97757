/**
 * Fixture builders for the ingestion unit tests: raw web action params exactly as OpenWhisk
 * passes them to a `web: raw` action (base64 `__ow_body` for application/json, lower-case
 * headers), valid by default so each test breaks one thing.
 */
import { signHeaders } from '../../../actions/lib/webhook-signature'

/** A fixed, valid whsec_ secret (32 bytes) used by the unit tests. */
export const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
/** A second valid secret (rotation tests). */
export const OLD_SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64')

/** A fixed "now" in Unix seconds. */
export const NOW_S = 1_760_000_000

/** A valid single-event body. */
export function eventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: {
      uid: 'uid-1',
      event: 'be-observer.catalog_product_create',
      value: { sku: 'SKU-1', name: 'Tee', price: 10, description: 'A tee' },
      ...overrides,
    },
  }
}

/** Raw params of a POST with `body` and `headers`, plus action inputs. */
export function rawParams(
  body: string | Buffer,
  headers: Record<string, string> = {},
  inputs: Record<string, unknown> = {},
  query = '',
): Record<string, unknown> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body)
  return {
    __ow_method: 'post',
    __ow_headers: { 'content-type': 'application/json', ...headers },
    __ow_path: '',
    __ow_query: query,
    __ow_body: bytes.toString('base64'),
    LOG_LEVEL: 'error',
    ...inputs,
  }
}

/** Raw params of a request signed with `secrets` at `ts` (defaults: SECRET, NOW_S), hmac inputs set. */
export function signedParams(
  body: string | Buffer = JSON.stringify(eventBody()),
  opts: {
    secrets?: string[]
    ts?: number
    id?: string
    inputs?: Record<string, unknown>
    query?: string
  } = {},
): Record<string, unknown> {
  const headers = signHeaders(opts.secrets ?? [SECRET], opts.id ?? 'msg_1', opts.ts ?? NOW_S, body)
  return rawParams(
    body,
    { ...headers },
    { INGESTION_AUTH: 'hmac', INGESTION_SECRET: SECRET, ...opts.inputs },
    opts.query,
  )
}
