/**
 * Local Adobe I/O Events. (Placeholder: to be implemented.)
 */
import type { LocalService, StackContext } from '../service'
import type { RuntimeService } from '../runtime'

/** The events service as the stack sees it. */
export interface EventsService extends LocalService {}

/** Creates the I/O Events service mounted at `/events` and `/ingress`. */
export async function createEventsService(
  _ctx: StackContext,
  _deps: { runtime: RuntimeService },
): Promise<EventsService> {
  return { name: 'events', handle: async () => false, close: async () => undefined }
}
