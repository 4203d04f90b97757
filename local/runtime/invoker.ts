/**
 * The invoker: turns "run action A with params P" into an activation record, the way the
 * OpenWhisk controller + invoker do — namespace concurrency limit, per-activation environment,
 * the container's answer classified into success / application error / action developer error,
 * the 1 MB result limit, and the record persisted for the activations API.
 */
import crypto from 'node:crypto'
import type { StackContext } from '../service'
import { StackHttpError } from '../http-kit'
import type { ActivationStore } from './activation-store'
import type { BuildResult } from './builder'
import type { ContainerPool, RunOutcome } from './container-pool'
import type { ActionSpec } from './manifest'
import { Messages } from './messages'
import type { ActivationRecord, ActivationStatus } from './types'

/** Platform limits the invoker enforces (docs/platform-notes.md). */
export const INVOKER_LIMITS = {
  /** Result (and request payload) size, bytes. */
  payloadBytes: 1024 * 1024,
  /** Concurrent activations per namespace. */
  concurrentPerNamespace: 100,
}

const STATUS_CODES: Record<ActivationStatus, number> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
}

/** An activation that has been accepted and is running. */
export interface StartedActivation {
  activationId: string
  /** Resolves once the activation has completed and its record is stored. */
  done: Promise<ActivationRecord>
}

/** What the invoker needs. */
export interface InvokerDeps {
  ctx: StackContext
  pool: ContainerPool
  store: ActivationStore
  bundles: Map<string, BuildResult>
  maxConcurrent?: number
}

/** Creates activation ids the way OpenWhisk does: 32 lower-case hex characters. */
export function newActivationId(): string {
  return crypto.randomBytes(16).toString('hex')
}

/** Starts and tracks activations. */
export class Invoker {
  private inFlight = new Map<string, number>()
  private readonly maxConcurrent: number

  constructor(private readonly deps: InvokerDeps) {
    this.maxConcurrent = deps.maxConcurrent ?? INVOKER_LIMITS.concurrentPerNamespace
  }

  /** In-flight activations of a namespace. */
  running(namespace: string): number {
    return this.inFlight.get(namespace) ?? 0
  }

  /**
   * Accepts an activation of `action` with the final (already merged) `params`. Throws a 429
   * StackHttpError when the namespace already runs its limit of concurrent activations.
   */
  start(
    namespace: string,
    action: ActionSpec,
    params: Record<string, unknown>,
    cause?: string,
    /** Whether a successful record is stored (default yes): not for web actions answered in time, as on Adobe (web-actions.ts). */
    storeSuccess: () => boolean = () => true,
  ): StartedActivation {
    const count = this.running(namespace)
    if (count >= this.maxConcurrent) {
      throw new StackHttpError(429, Messages.tooManyConcurrentRequests(count + 1, this.maxConcurrent))
    }
    this.inFlight.set(namespace, count + 1)
    const activationId = newActivationId()
    const done = this.execute(namespace, action, params, activationId, cause, storeSuccess).finally(() => {
      this.inFlight.set(namespace, this.running(namespace) - 1)
    })
    // A caller that stops waiting (202) must not turn a later failure into an unhandled rejection.
    done.catch(() => undefined)
    return { activationId, done }
  }

  private async execute(
    namespace: string,
    action: ActionSpec,
    params: Record<string, unknown>,
    activationId: string,
    cause: string | undefined,
    storeSuccess: () => boolean,
  ): Promise<ActivationRecord> {
    const { ctx } = this.deps
    const start = Date.now()
    const apiKey = ctx.config.namespaces.get(namespace) ?? ''
    const fqn = `/${namespace}/${action.name}`
    const build = this.deps.bundles.get(action.name)
    let outcome: RunOutcome | undefined
    let response: ActivationRecord['response']
    let logs: string[] = []
    if (!build?.ok) {
      // The bundle could not be built: on Runtime this action could not have been deployed.
      response = developerError(
        `Initialization has failed due to: the action bundle could not be built (${build?.error ?? 'unknown'})`,
      )
    } else {
      const owEnv = {
        __OW_API_HOST: ctx.baseUrl,
        __OW_API_KEY: apiKey,
        __OW_NAMESPACE: namespace,
        __OW_ACTION_NAME: fqn,
        __OW_ACTION_VERSION: '0.0.1',
        AIO_STATE_ENDPOINT: `${ctx.baseUrl}/state`,
      }
      outcome = await this.deps.pool.run({
        key: fqn,
        bundlePath: build.bundlePath,
        // Runtime containers have a minimal env: no host secrets, no proxy settings.
        baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...owEnv },
        // The deadline counts from when the activation runs, not from when it was queued.
        env: (runStart) => ({
          ...owEnv,
          __OW_ACTIVATION_ID: activationId,
          __OW_DEADLINE: String(runStart + action.limits.timeout),
          __OW_TRANSACTION_ID: crypto.randomBytes(16).toString('hex'),
        }),
        params,
        timeoutMs: action.limits.timeout,
        memoryMb: action.limits.memory,
        logLimitBytes: action.limits.logs * 1024 * 1024,
      })
      response = classify(outcome, action)
      logs = outcome.logs
      if (outcome.crashError) logs.push(...stderrLines(outcome.crashError))
      if (response.status === 'action developer error' && !outcome.complete) {
        logs.push(`${new Date().toISOString()} stderr: ${Messages.logWarningDeveloperError}`)
      }
    }
    const end = Date.now()
    const annotations: ActivationRecord['annotations'] = [
      { key: 'path', value: `${namespace}/${action.name}` },
      { key: 'waitTime', value: outcome?.waitMs ?? 0 },
      { key: 'kind', value: action.runtime },
      { key: 'timeout', value: outcome?.kind === 'timeout' },
      {
        key: 'limits',
        value: {
          concurrency: 1,
          logs: action.limits.logs,
          memory: action.limits.memory,
          timeout: action.limits.timeout,
        },
      },
    ]
    if (outcome?.cold && outcome.initMs !== undefined)
      annotations.push({ key: 'initTime', value: outcome.initMs })
    // As in OpenWhisk, `start`/`duration` cover the run; the time queued for a container is `waitTime`.
    const runStart = outcome?.startedAt ?? start
    const record: ActivationRecord = {
      namespace,
      name: action.actionName,
      version: '0.0.1',
      subject: namespace,
      activationId,
      start: runStart,
      end,
      duration: end - runStart,
      response,
      logs,
      annotations,
      publish: false,
      ...(cause ? { cause } : {}),
    }
    try {
      if (response.status !== 'success' || storeSuccess()) this.deps.store.insert(record)
    } catch (err) {
      ctx.log(`could not store activation ${activationId}: ${(err as Error).message}`)
    }
    return record
  }
}

/** Maps what the container answered to the activation response (ActivationResponse.processRunResponseContent). */
function classify(outcome: RunOutcome, action: ActionSpec): ActivationRecord['response'] {
  switch (outcome.kind) {
    case 'timeout':
      return developerError(Messages.timedoutActivation(action.limits.timeout, !outcome.initialized))
    case 'oom':
      return developerError(Messages.memoryExhausted)
    case 'crash':
      return developerError(outcome.initialized ? Messages.abnormalRun : Messages.abnormalInitialization)
    case 'done':
      break
  }
  const json = outcome.json
  if (json === undefined) return developerError(Messages.invalidRunResponse(''))
  const size = Buffer.byteLength(json)
  if (size > INVOKER_LIMITS.payloadBytes) {
    // OpenWhisk appends the truncated response; we leave it out so a big payload is never echoed back.
    return developerError(Messages.truncatedResponse(size, INVOKER_LIMITS.payloadBytes))
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return developerError(Messages.invalidRunResponse(json.slice(0, 200)))
  }
  // Stricter choice: a top-level array or null is not a dictionary (older OpenWhisk rejects it too).
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return developerError(Messages.invalidRunResponse(json.slice(0, 200)))
  }
  const fields = parsed as Record<string, unknown>
  if (outcome.code !== 200) {
    return developerError(
      fields.error !== undefined ? fields.error : Messages.invalidRunResponse(json.slice(0, 200)),
    )
  }
  if (Object.prototype.hasOwnProperty.call(fields, 'error')) {
    // Only the `error` field survives an application error, as in OpenWhisk.
    return response('application error', { error: fields.error })
  }
  return response('success', fields)
}

function developerError(error: unknown): ActivationRecord['response'] {
  return response('action developer error', { error })
}

function response(status: ActivationStatus, result: Record<string, unknown>): ActivationRecord['response'] {
  return { status, statusCode: STATUS_CODES[status], success: status === 'success', result }
}

function stderrLines(text: string): string[] {
  const at = new Date().toISOString()
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => `${at} stderr: ${l}`)
}
