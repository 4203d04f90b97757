/**
 * The local State service's call counters over HTTP (`/state/_local/counters`, an emulator-only,
 * loopback-only endpoint), for tests and benches whose stack runs in another process or that only
 * know its base URL. In-process stacks can also use `stack.state.counters()` directly.
 */
import type { StateCallCounts } from '../../local/state'

/** State data calls served for `namespace` since the stack started or the last reset. */
export async function stateCounters(baseUrl: string, namespace: string): Promise<StateCallCounts> {
  const res = await fetch(`${baseUrl}/state/_local/counters/${encodeURIComponent(namespace)}`)
  if (res.status !== 200) throw new Error(`State counters: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as StateCallCounts
}

/** Zeroes every namespace's State call counters. */
export async function resetStateCounters(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/state/_local/counters`, { method: 'DELETE' })
  if (res.status !== 204) throw new Error(`State counters reset: HTTP ${res.status} ${await res.text()}`)
}
