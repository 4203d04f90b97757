/**
 * Time, ids and sleeping are injected into the core so tests are fast and deterministic.
 */
import { randomUUID } from 'node:crypto'

/** Source of time, ids and delays. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>
  /** A new unique id. */
  id(): string
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  id: () => randomUUID(),
}
