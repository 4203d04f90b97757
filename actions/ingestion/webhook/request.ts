/**
 * Reading a raw (`web: raw`) web action request: the exact body bytes, the query, and the JSON
 * document — with the checks that must happen before any business logic sees the input.
 *
 * Raw web actions receive the body undecoded in `__ow_body`: OpenWhisk base64-encodes it for
 * `application/json` and binary media types and passes text types (text/*, form-urlencoded) as a
 * UTF-8 string; the query string arrives unparsed in `__ow_query` (docs/platform-notes.md, and
 * OpenWhisk's WebActions.scala). Signatures must be checked over the decoded bytes.
 */
import { PayloadTooLargeError, ValidationError } from '../../lib/errors'
import { parseSafeJson, UnsafeJsonError } from '../../lib/safe-json'

/** Largest body accepted: the platform's 1 MB request payload limit (enforced here too, defence in depth). */
export const MAX_BODY_BYTES = 1024 * 1024

/** Deepest JSON nesting accepted; event values are shallow, and deep documents are a DoS vector. */
const MAX_JSON_DEPTH = 32

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

type Params = Record<string, unknown>

function contentTypeOf(params: Params): string {
  const h = params.__ow_headers as Record<string, string | undefined> | undefined
  return String(h?.['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase()
}

/**
 * The raw request body bytes. `__ow_body` is base64 unless the media type is one the platform
 * passes as text; a JSON document can never look like strict base64 (it starts with `{`/`[`),
 * so decoding only strict base64 is unambiguous for every body this webhook can accept.
 */
export function rawBodyOf(params: Params): Buffer {
  const body = params.__ow_body
  if (typeof body !== 'string' || body === '') return Buffer.alloc(0)
  const ct = contentTypeOf(params)
  const textual = ct.startsWith('text/') || ct === 'application/x-www-form-urlencoded'
  if (!textual && body.length % 4 === 0 && STRICT_BASE64.test(body)) return Buffer.from(body, 'base64')
  return Buffer.from(body, 'utf8')
}

/**
 * The raw body, rejecting anything over `MAX_BODY_BYTES` with 413.
 * @throws PayloadTooLargeError
 */
export function readBody(params: Params): Buffer {
  const body = rawBodyOf(params)
  if (body.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `Request body of ${body.length} bytes exceeds the limit of ${MAX_BODY_BYTES} bytes`,
    )
  }
  return body
}

/** Parses JSON without throwing; undefined when the bytes are not JSON. */
function tryParse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * Rejects a request that tries to set one of the action's inputs (`INGESTION_SECRET`, …) or a
 * reserved `__ow_*` param through the query string or a top-level body field, as `final: true`
 * does on non-raw web actions. Raw actions never merge query/body into params, so the attempt
 * cannot succeed; answering 400 anyway makes the attempt visible instead of silently ignored.
 * @throws ValidationError naming the offending keys (never their values)
 */
export function rejectInputOverrides(params: Params, body: Buffer, inputNames: readonly string[]): void {
  const protectedName = (k: string) => inputNames.includes(k) || k.startsWith('__ow_')
  const query = typeof params.__ow_query === 'string' ? params.__ow_query : ''
  const fromQuery = [...new URLSearchParams(query).keys()].filter(protectedName)
  const doc = tryParse(body)
  const fromBody =
    doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.keys(doc).filter(protectedName) : []
  const offending = [...new Set([...fromQuery, ...fromBody])]
  if (offending.length) {
    throw new ValidationError(
      `Request parameters may not override action inputs (final): ${offending.map(printable).join(', ')}`,
      offending.map((k) => `${printable(k)}: may not be set by a request`),
    )
  }
}

/** A key or code safe to quote back: printable ASCII, at most 64 characters. */
export function printable(raw: string): string {
  const clean = raw.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean
}

/** Renders a JSON path as `data[0].value.sku` (printable, truncated segments). */
export function pathText(path: (string | number)[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${printable(p)}`)).join('') ||
    '(root)'
  )
}

/**
 * Parses the body as JSON and rejects prototype-polluting keys and excessive nesting (the shared
 * safe parse).
 * @throws ValidationError; messages name the problem and its path, never the payload
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0)
    throw new ValidationError('Request body is empty: expected JSON {"data": {"uid", "event", "value"}}')
  try {
    return parseSafeJson(body.toString('utf8'), { maxDepth: MAX_JSON_DEPTH })
  } catch (err) {
    if (!(err instanceof UnsafeJsonError)) throw err
    throw new ValidationError(
      `Request body ${err.message}`,
      err.paths.map((p) => `${p}: forbidden key`),
    )
  }
}
