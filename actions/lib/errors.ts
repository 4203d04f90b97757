/**
 * Typed errors carrying an HTTP status. Core code throws these; `toErrorResponse` /
 * `toActionErrorResponse` are the single place they become responses, so a 5xx never leaks
 * internal details to callers.
 */
import { actionErrorResponse, errorResponse, type ActionError, type ErrorResponse } from './responses'

/** Base class: an error with an HTTP status code and a message that is safe to show for 4xx. */
export class HttpError extends Error {
  /** Set on a 5xx whose message is safe and useful to callers (e.g. "run npm run onboard"). */
  expose = false

  constructor(
    readonly statusCode: number,
    message: string,
    /** What caused it (ES2022 `Error.cause`): logged with the whole chain, never sent to callers. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = new.target.name
  }

  /**
   * The cause, under its pre-ES2022 name.
   * @deprecated read `cause` (kept until every reader has moved to it).
   */
  get detail(): unknown {
    return this.cause
  }
}

/** 400: the request or event is malformed; the message names the problem, never the payload. */
export class ValidationError extends HttpError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(400, message)
  }
}

/** 401: the caller is not authenticated. */
export class AuthenticationError extends HttpError {
  constructor(message = 'Unauthorized') {
    super(401, message)
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden') {
    super(403, message)
  }
}

/** 404: the named thing does not exist. */
export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, message)
  }
}

/** 409: conflicts with existing state. */
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message)
  }
}

/** 413: the payload is over a platform limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message)
  }
}

/** 500: the action is misconfigured (missing inputs). The message is logged, not returned. */
export class ConfigError extends HttpError {
  constructor(
    message: string,
    readonly missing: string[] = [],
  ) {
    super(500, message)
  }
}

/** 502/503: a dependency (I/O Events, state, an endpoint) failed; the caller may retry. */
export class UpstreamError extends HttpError {
  constructor(message: string, statusCode = 503, cause?: unknown) {
    super(statusCode, message, cause)
  }
}

/** Message shown to callers for any 5xx: details stay in the logs. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error'

/** Status and caller-safe message for any thrown value. Unknown errors are 500. */
export function describeError(err: unknown): { statusCode: number; message: string } {
  if (err instanceof HttpError) {
    const exposed = err.statusCode < 500 || err.expose === true
    return { statusCode: err.statusCode, message: exposed ? err.message : INTERNAL_ERROR_MESSAGE }
  }
  return { statusCode: 500, message: INTERNAL_ERROR_MESSAGE }
}

/** Maps any thrown value to `{error:{statusCode, body:{error}}}` (web, ingestion and consumer actions). */
export function toErrorResponse(err: unknown): ErrorResponse {
  const { statusCode, message } = describeError(err)
  return errorResponse(statusCode, message)
}

/** Maps any thrown value to `{statusCode, body:{success:false, error}}` (entity handlers). */
export function toActionErrorResponse(err: unknown): ActionError {
  const { statusCode, message } = describeError(err)
  return actionErrorResponse(statusCode, message)
}

/** How many links of a cause chain are logged (a cycle or a very deep chain stops there). */
const MAX_CAUSE_DEPTH = 8

/**
 * The error and each of its causes (`cause`, ES2022) as `Name: message` lines, outermost first, for
 * logs: the real reason of a 5xx (the State error, the IMS refusal) is usually a cause, not the
 * error itself. Non-Error causes (strings, objects) are stringified.
 */
export function causeChain(err: unknown): string[] {
  const out: string[] = []
  const seen = new Set<unknown>()
  let current: unknown = err
  while (current !== undefined && current !== null && out.length < MAX_CAUSE_DEPTH && !seen.has(current)) {
    seen.add(current)
    if (current instanceof Error) {
      out.push(`${current.name}: ${current.message}`)
      current = current.cause
    } else {
      out.push(typeof current === 'string' ? current : safeJson(current))
      current = undefined
    }
  }
  return out
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}
