/**
 * Per-namespace counts of State data calls, so tests can check an app's State budget
 * (e.g. "a handful of writes per event, no reads of stored values").
 */

/** Data calls served for one namespace. */
export interface StateCallCounts {
  /** get calls answered 200 or 404 (a miss is still a read the app paid for). */
  gets: number
  /** put calls answered 200. */
  puts: number
  /** delete calls answered 200 or 404, plus deleteAll calls answered 200. */
  deletes: number
  /** list pages answered 200 (each client `list()` loop makes one call per page). */
  lists: number
}

/** Mutable counters behind `StateService.counters`. */
export interface CallCounters {
  count(namespace: string, kind: keyof StateCallCounts): void
  /** A copy: later calls do not change it. */
  get(namespace: string): StateCallCounts
  reset(): void
}

const zero = (): StateCallCounts => ({ gets: 0, puts: 0, deletes: 0, lists: 0 })

/** Creates empty counters. */
export function createCallCounters(): CallCounters {
  const byNamespace = new Map<string, StateCallCounts>()
  return {
    count(namespace, kind) {
      let c = byNamespace.get(namespace)
      if (!c) byNamespace.set(namespace, (c = zero()))
      c[kind] += 1
    },
    get: (namespace) => ({ ...(byNamespace.get(namespace) ?? zero()) }),
    reset: () => byNamespace.clear(),
  }
}
