/** The local Commerce's route table types. */
import type { CommerceStore } from './store'

/** What a route handler gets. */
export interface RouteContext {
  /** Decoded path captures. */
  params: string[]
  query: URLSearchParams
  body: unknown
  store: CommerceStore
  now: () => number
  /** Queues a Commerce event (`<event>` of `com.adobe.commerce.observer.<event>`) with its `data.value`. */
  emit(event: string, value: Record<string, unknown>): void
}

/** One REST endpoint; `path` matches what follows `/rest/[<store code>/]`. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: RegExp
  /** Returns the JSON response body (status 200). */
  handler(c: RouteContext): unknown
}
