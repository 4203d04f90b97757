/**
 * Blocking invocation of another Runtime action, reduced to the one thing callers route on: an
 * HTTP-like `{statusCode, body}` outcome. The consumer (→ entity handlers) and the handlers
 * (→ publisher) both depend on the `ActionInvoker` interface; unit tests inject fakes, production
 * uses `createOpenWhiskInvoker` over the `openwhisk` npm client.
 *
 * The activation record is read here rather than with the client's `result: true`, because
 * with `result: true` an *application error* (HTTP 502 from the API, the result holding `error`)
 * surfaces as a thrown client error whose status is the API's 502, not the action's own code.
 */

/** The outcome of one blocking invoke; never thrown, always a status. */
export interface InvokeOutcome {
  /** The invoked action's own status, or 429/5xx when the invoke itself failed. */
  statusCode: number
  /** The action's `body` (or `error.body`), or `{error}` describing an invoke failure. */
  body: unknown
  /** The activation id, when the platform created one (for logs and tracing). */
  activationId?: string
  /** Internal detail for logs when the invoke failed (never returned to callers). */
  failure?: string
}

/** Invokes an action (`package/action`) and waits for its result. */
export interface ActionInvoker {
  invoke(action: string, params: Record<string, unknown>): Promise<InvokeOutcome>
}

/** The subset of an OpenWhisk activation record used here. */
export interface ActivationRecordLike {
  activationId?: string
  response?: { status?: string; success?: boolean; result?: unknown }
}

type Dict = Record<string, unknown>
const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v)
const isStatus = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599

/**
 * Maps an activation record to an outcome:
 * - `{statusCode, body}` results (entity handlers, publisher) keep their code;
 * - `{error: {statusCode, body}}` application errors keep theirs;
 * - a crash (`{error: "message"}`) is 502, a time-limit kill 504;
 * - no response yet (the 60 s blocking wait ran out: the API answered 202) is 504;
 * - any other successful result is 200.
 */
export function outcomeFromActivation(record: ActivationRecordLike | undefined): InvokeOutcome {
  const activationId = record?.activationId
  const response = record?.response
  if (!response) {
    return {
      statusCode: 504,
      body: { error: 'the action did not finish within the blocking wait' },
      activationId,
      failure: 'no response in activation record (202)',
    }
  }
  const result = isDict(response.result) ? response.result : {}
  if (isStatus(result.statusCode)) return { statusCode: result.statusCode, body: result.body, activationId }
  if (result.error !== undefined) {
    const err = result.error
    if (isDict(err) && isStatus(err.statusCode))
      return { statusCode: err.statusCode, body: err.body ?? { error: 'application error' }, activationId }
    const message = typeof err === 'string' ? err : JSON.stringify(err)
    const timedOut = /time limit|timed out|timeout/i.test(message)
    return {
      statusCode: timedOut ? 504 : 502,
      body: { error: timedOut ? 'the action timed out' : 'the action failed' },
      activationId,
      failure: `${response.status ?? 'error'}: ${message.slice(0, 500)}`,
    }
  }
  if (response.success === false) {
    return {
      statusCode: 502,
      body: { error: 'the action failed' },
      activationId,
      failure: `${response.status ?? 'error'} without a result`,
    }
  }
  return { statusCode: 200, body: result, activationId }
}

/** The part of the openwhisk client this module uses. */
export interface OpenWhiskLike {
  actions: {
    invoke(options: { name: string; params: Dict; blocking: boolean; result: boolean }): Promise<unknown>
  }
}

/** Maps an error thrown by the openwhisk client (HTTP status from the API, or a network error). */
function outcomeFromInvokeError(action: string, err: unknown): InvokeOutcome {
  const e = (isDict(err) ? err : {}) as { statusCode?: unknown; error?: unknown; message?: unknown }
  const detail = `invoke ${action}: ${String(e.message ?? err).slice(0, 500)}`
  // 502 from the API carries the activation record of an application error / crashed action.
  if (isDict(e.error) && isDict(e.error.response)) return outcomeFromActivation(e.error)
  if (e.statusCode === 429)
    return { statusCode: 429, body: { error: `${action} is throttled` }, failure: detail }
  if (e.statusCode === 404)
    return { statusCode: 502, body: { error: `action ${action} is not deployed` }, failure: detail }
  if (isStatus(e.statusCode))
    return { statusCode: 502, body: { error: `invoking ${action} failed` }, failure: detail }
  // No HTTP status: connection refused, reset, DNS… transient by nature.
  return { statusCode: 503, body: { error: `invoking ${action} failed` }, failure: detail }
}

/** An ActionInvoker over an openwhisk client (blocking, reading the activation record itself). */
export function createOpenWhiskInvoker(ow: OpenWhiskLike): ActionInvoker {
  return {
    async invoke(action, params) {
      try {
        const record = await ow.actions.invoke({ name: action, params, blocking: true, result: false })
        return outcomeFromActivation(record as ActivationRecordLike)
      } catch (err) {
        return outcomeFromInvokeError(action, err)
      }
    },
  }
}

/**
 * The invoker of the current Runtime activation: an openwhisk client configured from the
 * `__OW_API_HOST` / `__OW_API_KEY` / `__OW_NAMESPACE` environment the platform sets.
 */
export function createRuntimeInvoker(): ActionInvoker {
  // Required lazily: unit tests of modules importing this file never load the client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openwhisk = require('openwhisk') as (options?: Dict) => OpenWhiskLike
  return createOpenWhiskInvoker(openwhisk())
}
