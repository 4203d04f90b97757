/**
 * Local State service: the aio-lib-state v5 HTTP protocol on SQLite. (Placeholder: to be implemented.)
 */
import type { LocalService, StackContext } from '../service'

/** The State service as the stack sees it. */
export interface StateService extends LocalService {}

/** Creates the State service mounted at `/state`. */
export async function createStateService(_ctx: StackContext): Promise<StateService> {
  return { name: 'state', handle: async () => false, close: async () => undefined }
}
