/**
 * HTTP plumbing shared by the OpenWhisk REST API and the web-action front door: OpenWhisk's error
 * body (`{error, code}`), bounded body reading with OpenWhisk's 413 message, and Basic-auth
 * namespace resolution (plain JSON replies use http-kit's sendJson).
 */
import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { basicCredentials, readBody, safeEqual, sendJson } from '../http-kit'
import type { StackConfig } from '../stack-config'
import { Messages } from './messages'

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
  sendJson(res, status, { error: message, code: transactionId() }, headers)
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
