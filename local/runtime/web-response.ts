/**
 * Web action response transcoders (WhiskWebActionsApi.resultAs*): how an action result becomes an
 * HTTP response for each extension, plus the media-type rules (which types are "binary", i.e.
 * carried base64-encoded) shared with request decoding.
 */
import { STATUS_CODES } from 'node:http'
import { Messages } from './messages'

/** A response to send, or an error to send as `{error, code}`. */
export interface WebReply {
  status: number
  headers?: [string, string][]
  contentType?: string
  body?: Buffer
  error?: string
}

/**
 * Registered media types that carry text (akka-http's non-binary types). Any other type is
 * binary unless it declares a charset — the same rule akka-http applies to unknown types, which
 * is why e.g. `application/cloudevents+json` without charset is treated as binary.
 */
const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/javascript',
  'application/xml',
  'application/xhtml+xml',
  'application/rss+xml',
  'application/atom+xml',
  'application/soap+xml',
  'application/x-www-form-urlencoded',
  'application/problem+json',
  'application/json-patch+json',
  'application/merge-patch+json',
])

const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/

/** `application/json` or any `+json` type. */
export function isJsonFamily(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json')
}

/** True when bodies of this Content-Type travel base64-encoded. */
export function isBinaryMediaType(contentType: string): boolean {
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase())
  if (params.some((p) => p.startsWith('charset='))) return false
  return !(type.startsWith('text/') || TEXT_APPLICATION_TYPES.has(type))
}

/** A request body as `__ow_body`: base64 for binary types and (legacy) application/json, else text. */
export function bodyForRequest(body: Buffer, contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase() || 'application/octet-stream'
  return isBinaryMediaType(contentType || 'application/octet-stream') || type === 'application/json'
    ? body.toString('base64')
    : body.toString('utf8')
}

/** Maps a result (or an application error's `error` value) for the requested extension. */
export function respond(ext: string, value: unknown): WebReply {
  switch (ext) {
    case '.json':
      return value !== null && typeof value === 'object'
        ? json(200, 'application/json', JSON.stringify(value))
        : fail(Messages.invalidMedia('application/json'))
    case '.html':
      return fieldAsString(value, 'html', 'text/html; charset=UTF-8', 'text/html')
    case '.svg':
      return fieldAsString(value, 'svg', 'image/svg+xml', 'image/svg+xml')
    case '.text':
      return asText(value)
    default:
      return asHttp(value)
  }
}

function asHttp(value: unknown): WebReply {
  if (!isObject(value)) return fail(Messages.invalidMedia('message/http'))
  const headers: [string, string][] = []
  if (value.headers !== undefined) {
    if (!isObject(value.headers)) return fail(Messages.invalidMedia('message/http'))
    for (const [k, v] of Object.entries(value.headers)) {
      const flat = headerValues(v)
      if (!flat) return fail(Messages.invalidMedia('message/http'))
      for (const one of flat) headers.push([k, one])
    }
  }
  let code: number | undefined
  if (value.statusCode !== undefined) {
    const n =
      typeof value.statusCode === 'string' && /^-?\d+$/.test(value.statusCode)
        ? Number(value.statusCode)
        : value.statusCode
    if (typeof n !== 'number' || !Number.isInteger(n) || !STATUS_CODES[n])
      return fail(Messages.invalidMedia('message/http'))
    code = n
  }
  const body = value.body
  if (typeof body === 'string' && body.length > 0) return httpString(code ?? 200, headers, body)
  if (body === undefined || body === null || body === '')
    return { status: code ?? 204, headers: withoutContentType(headers) }
  return httpJson(code ?? 200, headers, body)
}

function httpString(code: number, headers: [string, string][], str: string): WebReply {
  const ct = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'text/html'
  const type = ct.split(';')[0].trim().toLowerCase()
  if (!MEDIA_TYPE.test(type)) return fail(Messages.httpUnknownContentType)
  const rest = withoutContentType(headers)
  if (isBinaryMediaType(ct) || (isJsonFamily(type) && looksBase64(str))) {
    const bytes = strictBase64(str)
    if (!bytes) return fail(Messages.httpContentTypeError)
    return { status: code, headers: rest, contentType: ct, body: bytes }
  }
  const contentType = type.startsWith('text/') && !/charset=/i.test(ct) ? `${ct}; charset=UTF-8` : ct
  return { status: code, headers: rest, contentType, body: Buffer.from(str, 'utf8') }
}

function httpJson(code: number, headers: [string, string][], js: unknown): WebReply {
  const ct = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json'
  const type = ct.split(';')[0].trim().toLowerCase()
  if (!MEDIA_TYPE.test(type)) return fail(Messages.httpUnknownContentType)
  const rest = withoutContentType(headers)
  if (type === 'application/json')
    return { ...json(code, 'application/json', JSON.stringify(js)), headers: rest }
  if (isJsonFamily(type)) return { ...json(code, type, JSON.stringify(js, null, 2)), headers: rest }
  return fail(Messages.httpContentTypeError)
}

function fieldAsString(value: unknown, field: string, contentType: string, media: string): WebReply {
  const v = isObject(value) ? (value.body ?? value[field] ?? null) : value
  return typeof v === 'string'
    ? { status: 200, contentType, body: Buffer.from(v, 'utf8') }
    : fail(Messages.invalidMedia(media))
}

function asText(value: unknown): WebReply {
  const v = isObject(value) ? (value.body !== undefined ? value.body : value.text) : value
  if (v === undefined) return { status: 404, error: Messages.propertyNotFound }
  const text =
    v !== null && typeof v === 'object'
      ? JSON.stringify(v, null, 2)
      : typeof v === 'string'
        ? v
        : scalarText(v)
  return { status: 200, contentType: 'text/plain; charset=UTF-8', body: Buffer.from(text, 'utf8') }
}

function headerValues(v: unknown): string[] | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return [String(v)]
  if (Array.isArray(v)) {
    const out: string[] = []
    for (const inner of v) {
      const flat = headerValues(inner)
      if (!flat) return undefined
      out.push(...flat)
    }
    return out
  }
  return undefined
}

function json(status: number, contentType: string, text: string): WebReply {
  return { status, contentType, body: Buffer.from(text, 'utf8') }
}

function fail(message: string): WebReply {
  return { status: 400, error: message }
}

function withoutContentType(headers: [string, string][]): [string, string][] {
  return headers.filter(([k]) => k.toLowerCase() !== 'content-type')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** OpenWhisk's Exec.isBinaryCode heuristic for legacy base64 JSON bodies. */
function looksBase64(s: string): boolean {
  const t = s.trim()
  return t.length > 0 && t.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(t)
}

/** Decodes base64 strictly (Java's decoder rejects what Node would silently skip). */
function strictBase64(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return undefined
  return Buffer.from(s, 'base64')
}

/** Text of a non-object result value (number, boolean, null), as OpenWhisk prints it. */
function scalarText(v: unknown): string {
  const scalar = v as number | boolean | null
  return String(scalar)
}
