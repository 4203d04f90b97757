/**
 * Local OpenWhisk runtime. (Placeholder: to be implemented.)
 */
import type { LocalService, StackContext } from '../service'

/** An OpenWhisk activation record, as the REST API returns it. */
export interface ActivationRecord {
  activationId: string
  namespace: string
  name: string
  start: number
  end: number
  duration: number
  logs: string[]
  annotations: { key: string; value: unknown }[]
  response: {
    status: 'success' | 'application error' | 'action developer error' | 'whisk internal error'
    success: boolean
    result: Record<string, unknown>
  }
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
  /** Runs the action to completion (no 60 s cut-off) and returns its activation record. */
  invoke(request: InvokeRequest): Promise<ActivationRecord>
}

/** Creates the runtime service mounted at `/api/v1`. */
export async function createRuntimeService(_ctx: StackContext): Promise<RuntimeService> {
  return {
    name: 'runtime',
    handle: async () => false,
    invoke: async () => {
      throw new Error('runtime not implemented yet')
    },
    close: async () => undefined,
  }
}
