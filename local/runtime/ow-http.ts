/**
 * HTTP plumbing shared by the OpenWhisk REST API and the web-action front door: OpenWhisk's error
 * body (`{error, code}`), bounded body reading with OpenWhisk's 413 message, and Basic-auth
 * namespace resolution (plain JSON replies use http-kit's sendJson).
 */
import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { basicCredentials, closeIfBodyUnread, readBody, safeEqual, sendJson } from '../http-kit'
import type { StackConfig } from '../stack-config'
import { Messages } from './messages'
import { parseSafeJson, UnsafeJsonError } from '../../actions/lib/safe-json'

/**
 * Nesting bound of the controller's JSON parser: spray-json's `JsonParserSettings.maxDepth`
 * defaults to 1000; deeper input is a malformed request (400), never a 500.
 */
const PLATFORM_JSON_MAX_DEPTH = 1000

/** An error answered as OpenWhisk does: `{error, code}` with the given status. */
export class OwError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** A transaction-id-like code for error bodies (OpenWhisk puts its transaction id there). */
function transactionId(): string {
  return crypto.randomBytes(16).toString('hex')
}

/** Sends `{error, code}`. */
export function sendOwError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, status, { error: message, code: transactionId() }, closeIfBodyUnread(res, headers))
}

/**
 * Reads the body up to `limit` bytes (http-kit's reader). Past the limit the rest is drained (so
 * the client reads the status instead of a reset) and a 413 with OpenWhisk's message is thrown.
 */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBody(
    req,
    limit,
    (size, declared) => new OwError(413, Messages.entityTooBig('Request', declared ?? size, limit)),
  )
}

/**
 * Parses a request body as the OpenWhisk controller does: malformed or too deep JSON is a 400
 * "request content was malformed". Prototype keys are kept as plain own fields, because the
 * platform passes them on to the action (the app's own layer refuses them); spreading the result
 * never touches a prototype.
 */
export function parsePlatformJson(body: Buffer): unknown {
  try {
    return parseSafeJson(body.toString('utf8'), {
      maxDepth: PLATFORM_JSON_MAX_DEPTH,
      prototypeKeys: 'keep',
    })
  } catch (err) {
    if (err instanceof UnsafeJsonError)
      throw new OwError(400, `${Messages.malformedRequest}\nJSON ${err.message}`)
    throw err
  }
}

/**
 * The namespace whose `uuid:key` the request's Basic credentials carry; throws 401 when absent or
 * unknown.
 */
export function authenticate(req: IncomingMessage, config: StackConfig): string {
  const creds = basicCredentials(req)
  if (creds) {
    let found: string | undefined
    // Check every namespace (no early exit) so timing does not reveal which one matched.
    for (const [ns, auth] of config.namespaces) if (safeEqual(creds, auth) && !found) found = ns
    if (found) return found
  }
  throw new OwError(401, Messages.authenticationInvalid)
}

/** Resolves with `p`'s value, or undefined once `ms` pass first (the platform's blocking wait). */
export function waitFor<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(undefined), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}
