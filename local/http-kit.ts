/**
 * Small HTTP helpers shared by every emulated service of the local stack: body reading with
 * limits, JSON replies, and an error type that maps to a status. Services never let an error
 * escape to Node's server (the process must never crash on input).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseSafeJson, UnsafeJsonError, type SafeJsonOptions } from '../actions/lib/safe-json'

/** An error the stack turns into an HTTP reply with `status` and a JSON `{error}` body. */
export class StackHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/**
 * Reads the whole request body: the stack's one capped body reader. When it exceeds `limit` bytes
 * the body is still drained (as the real services do, so the client sees the status instead of a
 * reset) and then the error `tooLarge` builds is thrown: by default a 413 StackHttpError; a
 * service whose platform words it differently (OpenWhisk) passes its own.
 */
export async function readBody(
  req: IncomingMessage,
  limit = Infinity,
  tooLarge: (size: number, declaredSize: number | undefined) => Error = (size) =>
    new StackHttpError(413, `request body of ${size} bytes exceeds the limit of ${limit} bytes`),
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const b = chunk as Buffer
    size += b.length
    if (size <= limit) chunks.push(b)
  }
  if (size > limit) {
    const declared = Number(req.headers['content-length'] ?? NaN)
    throw tooLarge(size, Number.isFinite(declared) ? declared : undefined)
  }
  return Buffer.concat(chunks)
}

/**
 * Parses a JSON body with the shared safe parse: malformed, deeper than `maxDepth` (Jackson's
 * default nesting limit, 1000, as Adobe's Java services use) or, unless `prototypeKeys: 'keep'`,
 * holding a `__proto__`/`constructor`/`prototype` key is a 400 that never quotes the body.
 */
export function parseJson(body: Buffer, options: SafeJsonOptions = {}): unknown {
  if (body.length === 0) return undefined
  try {
    return parseSafeJson(body.toString('utf8'), { maxDepth: 1000, ...options })
  } catch (err) {
    if (err instanceof UnsafeJsonError)
      throw new StackHttpError(400, `malformed JSON body: body ${err.message}`)
    throw err
  }
}

/** Sends `value` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(JSON.stringify(value))
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, ...headers })
  res.end(body)
}

/** Sends an empty reply. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers })
  res.end()
}

/**
 * For an error answered before the request body was read (e.g. an early 413 on a declared
 * Content-Length): adds `Connection: close` and destroys the socket once the reply is out, so
 * the unread body is never parsed as the next request on a keep-alive connection (which would
 * otherwise wait for body bytes that never come and leave the next request unanswered).
 */
export function closeIfBodyUnread(
  res: ServerResponse,
  headers: Record<string, string>,
): Record<string, string> {
  const req = res.req as IncomingMessage | undefined
  // `complete` stays false until the stream is read, even for a request without a body.
  const hasBody =
    Number(req?.headers['content-length'] ?? 0) > 0 || req?.headers['transfer-encoding'] !== undefined
  if (!req || !hasBody || req.complete) return headers
  res.once('finish', () => req.socket.destroy())
  return { ...headers, connection: 'close' }
}

/** Sends a StackHttpError (or 500 for anything else) as `{error: message}`. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (err instanceof StackHttpError) {
    sendJson(res, err.status, { error: err.message }, closeIfBodyUnread(res, err.headers))
    return
  }
  sendJson(res, 500, { error: 'internal error in the local stack' }, closeIfBodyUnread(res, {}))
}

/** Decodes `Authorization: Basic base64(user:pass)`; undefined when absent or malformed. */
export function basicCredentials(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  if (!h || !/^basic /i.test(h)) return undefined
  try {
    return Buffer.from(h.slice(6).trim(), 'base64').toString('utf8')
  } catch {
    return undefined
  }
}

/** Constant-time string equality; hashing first makes the lengths equal, so not even length leaks. */
export function safeEqual(a: string, b: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}
