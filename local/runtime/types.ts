/**
 * Shapes shared by the local runtime's modules and by other local services (re-exported from
 * `local/runtime/index.ts`).
 */
import type { LocalService } from '../service'

/** `response.status` values of an activation record. */
export type ActivationStatus =
  'success' | 'application error' | 'action developer error' | 'whisk internal error'

/** An OpenWhisk activation record, as the REST API returns it. */
export interface ActivationRecord {
  activationId: string
  namespace: string
  /** The action's own name (no package); the `path` annotation has `ns/pkg/action`. */
  name: string
  start: number
  end: number
  duration: number
  logs: string[]
  annotations: { key: string; value: unknown }[]
  response: {
    status: ActivationStatus
    success: boolean
    result: Record<string, unknown>
    /** 0 success, 1 application error, 2 action developer error, 3 whisk internal error. */
    statusCode?: number
  }
  version?: string
  subject?: string
  publish?: boolean
  /** Activation id of the trigger that caused this one (alarms). */
  cause?: string
}

/** Request to invoke an action inside the stack (used by the events service to deliver). */
export interface InvokeRequest {
  /** Namespace to run in; defaults to the app's namespace. */
  namespace?: string
  /** `package/action` (or `action` for the default package). */
  action: string
  params: Record<string, unknown>
}

/** The runtime as other services see it. */
export interface RuntimeService extends LocalService {
  /**
   * Runs the action to completion (no 60 s cut-off) and returns its activation record (with logs).
   * Rejects with a StackHttpError: 404 unknown action, 413 params over 1 MB, 429 namespace at its
   * concurrent-activation limit.
   */
  invoke(request: InvokeRequest): Promise<ActivationRecord>
}
