/**
 * The four response shapes of the Adobe Commerce starter kit docs, kept bit-for-bit so
 * Debug Tracing, the consumer and any starter-kit tooling read our results unchanged.
 */

/** Result of an entity handler (event handler action) on success. */
export interface ActionSuccess {
  statusCode: number
  body: { success: true; message: string }
}

/** Result of an entity handler (event handler action) on failure. */
export interface ActionError {
  statusCode: number
  body: { success: false; error: string }
}

/** Result of a web/ingestion/consumer action on success. */
export interface SuccessResponse<T = unknown> {
  statusCode: 200
  body: { type: string; response: T }
}

/** OpenWhisk application error: the platform turns `error.statusCode`/`error.body` into the HTTP response. */
export interface ErrorResponse {
  error: { statusCode: number; body: { error: string } }
}

/** `{statusCode: 200, body: {success: true, message}}` — an event handler succeeded. */
export function actionSuccessResponse(message: string): ActionSuccess {
  return { statusCode: 200, body: { success: true, message } }
}

/** `{statusCode, body: {success: false, error}}` — an event handler failed with `statusCode`. */
export function actionErrorResponse(statusCode: number, error: string): ActionError {
  return { statusCode, body: { success: false, error } }
}

/** `{statusCode: 200, body: {type, response}}` — ingestion/consumer success. */
export function successResponse<T>(type: string, response: T): SuccessResponse<T> {
  return { statusCode: 200, body: { type, response } }
}

/** `{error: {statusCode, body: {error}}}` — an application error the platform maps to HTTP. */
export function errorResponse(statusCode: number, message: string): ErrorResponse {
  return { error: { statusCode, body: { error: message } } }
}
