/**
 * Builders for publisher unit tests: valid by default, each test breaks one thing.
 */
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'
import type { Clock } from '../../../actions/lib/clock'
import { createMemoryStore, type KvStore } from '../../../actions/lib/kv-store'
import type { Logger } from '../../../actions/lib/logger'
import { withRuntimeOverrides, type RuntimeOverrides } from '../../../actions/lib/delivery/action-deps'
import { main as publishAction } from '../../../actions/publisher/publish'
import { main as sweeperAction } from '../../../actions/publisher/sweeper'
import { main as subscriptionsAction } from '../../../actions/admin/subscriptions'
import { main as logsAction } from '../../../actions/admin/logs'

/** A clock whose time only moves when told (sleep moves it too, instantly). */
export interface FakeClock extends Clock {
  advance(ms: number): void
  slept: number[]
}

/** Starts at real now so signatures made by it verify with standard libraries (5-minute tolerance). */
export function fakeClock(start = Date.now()): FakeClock {
  let t = start
  let n = 0
  const slept: number[] = []
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms)
      t += ms
    },
    id: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    advance: (ms) => {
      t += ms
    },
    slept,
  }
}

/** Counts calls like the local State service does. */
export interface CountingStore extends KvStore {
  counts: { gets: number; puts: number; deletes: number; lists: number }
  dump(): Map<string, string>
  reset(): void
}

/** A memory store (TTL on the fake clock) that counts calls. */
export function countingStore(clock: Pick<Clock, 'now'>): CountingStore {
  const inner = createMemoryStore(clock)
  const counts = { gets: 0, puts: 0, deletes: 0, lists: 0 }
  return {
    counts,
    dump: inner.dump,
    reset: () => Object.assign(counts, { gets: 0, puts: 0, deletes: 0, lists: 0 }),
    get: (k) => (counts.gets++, inner.get(k)),
    put: (k, v, ttl) => (counts.puts++, inner.put(k, v, ttl)),
    delete: (k) => (counts.deletes++, inner.delete(k)),
    keys: (g, l) => (counts.lists++, inner.keys(g, l)),
  }
}

/** A logger that keeps lines (to assert nothing secret is logged). */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (level: string) => (m: string, meta?: Record<string, unknown>) => {
    lines.push(`${level} ${m} ${meta ? JSON.stringify(meta) : ''}`)
  }
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') }
}

let seq = 0
/** A valid canonical event. */
export function aCanonicalEvent(overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  seq++
  return {
    id: `evt-${seq}-7d1f1c1e`,
    type: 'be-observer.catalog_product_create',
    entity: 'product',
    entityId: `SKU-${seq}`,
    entityType: 'product',
    fields: { sku: `SKU-${seq}`, name: 'Summer Tee', price: 29, description: 'Blue', stock: { qty: 5 } },
    data: { sku: `SKU-${seq}`, name: 'Summer Tee', price: 29, description: 'Blue' },
    receivedAt: new Date(Date.now()).toISOString(),
    ...overrides,
  }
}

/** Secrets used by the tests (valid whsec_ of 32 bytes). */
export const SECRET_A = `whsec_${Buffer.alloc(32, 1).toString('base64')}`
export const SECRET_B = `whsec_${Buffer.alloc(32, 2).toString('base64')}`

/** The workspace org of the unit-test actions (admin callers must send it as x-gw-ims-org-id). */
export const TEST_ORG = 'TESTORG@AdobeOrg'

/**
 * Action inputs with local receivers allowed and a short schedule, plus the org header the
 * platform passes to a require-adobe-auth web action (ignored by the non-web actions).
 */
export function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    LOG_LEVEL: 'error',
    OAUTH_ORG_ID: TEST_ORG,
    __ow_headers: { 'x-gw-ims-org-id': TEST_ORG },
    WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1',
    RETRY_SCHEDULE: '1s,1m,1h',
    RETRY_JITTER: '0',
    DELIVERY_TIMEOUT: '2s',
    INLINE_RETRY_MAX_DELAY: '0',
    ...overrides,
  }
}

/** Everything the action entry points accept as overrides, sharing one store and clock. */
export function harness(start?: number): {
  clock: FakeClock
  store: CountingStore
  logger: ReturnType<typeof captureLogger>
  overrides: RuntimeOverrides
} {
  const clock = fakeClock(start)
  const store = countingStore(clock)
  const logger = captureLogger()
  return { clock, store, logger, overrides: { clock, store, logger, random: () => 0.5, cache: new Map() } }
}

/** A non-web action's result (`{statusCode, body}`), read loosely by the assertions. */
type PublisherResult = { statusCode: number; body: any }
/** A web action's result. */
type AdminResult = { statusCode: number; body?: any; headers?: Record<string, string> }

/**
 * The four delivery actions as `(params, overrides)`: each call goes through the entry-point layer
 * with the harness's dependencies injected by `main.withDeps`.
 */
export const publish = withRuntimeOverrides<PublisherResult>(publishAction)
export const sweeper = withRuntimeOverrides<PublisherResult>(sweeperAction)
export const subscriptionsApi = withRuntimeOverrides<AdminResult>(subscriptionsAction)
export const logsApi = withRuntimeOverrides<AdminResult>(logsAction)
