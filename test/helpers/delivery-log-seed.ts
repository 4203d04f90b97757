/**
 * Seeds a local stack's State with delivery records in the exact format the app writes
 * (`dlv.<deliveryId>` → DeliveryRecord JSON) and, optionally, the index the sweeper would build
 * from them — by running the app's own State log store over a direct SQLite connection to the
 * stack's `state.sqlite`, so 100K records take seconds instead of 100K HTTP puts.
 *
 * Emulator-only shortcut for tests and benches: rows written here bypass the service's in-memory
 * quota count (irrelevant below the 200K quota) and its call counters (by design: seeding is not
 * the traffic under test).
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import type { KvStore } from '../../actions/lib/kv-store'
import type { DeliveryRecord } from '../../actions/lib/delivery-log/delivery-record'
import { deliveryIdOf, type DeliveryStatus } from '../../actions/lib/delivery-log/log-keys'
import { createStateLogStore } from '../../actions/lib/delivery-log/state-log-store'

/** Event types the seeded records use (the first is the most common). */
export const SEED_TYPES = [
  'be-observer.catalog_product_update',
  'be-observer.catalog_product_create',
  'be-observer.customer_update',
  'be-observer.customer_create',
]

/** Status of the n-th seeded record: 94 % delivered, 3 % failed, 2 % dead, 1 % retrying (due in a day). */
function statusOf(n: number): DeliveryStatus {
  const m = n % 100
  return m < 3 ? 'failed' : m < 5 ? 'dead' : m === 5 ? 'retrying' : 'delivered'
}

/** The n-th seeded record, created `createdAt` (valid by default, like the publisher writes it). */
export function aSeedRecord(
  n: number,
  createdAt: number,
  subscriptionIds: readonly string[],
): DeliveryRecord {
  const status = statusOf(n)
  const at = new Date(createdAt).toISOString()
  const eventId = `seed-${n.toString(36)}-${createdAt.toString(36)}`
  const sub = subscriptionIds[n % subscriptionIds.length]
  const type = SEED_TYPES[n % 7 === 0 ? 1 + (n % 3) : 0]
  const code = status === 'delivered' ? 200 : 500
  return {
    id: deliveryIdOf(eventId, sub),
    eventId,
    eventType: type,
    entity: 'product',
    entityId: `SKU-${n % 5000}`,
    entityType: 'product',
    subscriptionId: sub,
    url: 'https://hooks.example.com/in',
    status,
    attempts: [{ attempt: 1, at, statusCode: code, durationMs: 12, trigger: 'publish' }],
    payload: {
      id: eventId,
      type,
      timestamp: at,
      attempt: 1,
      data: { id: `SKU-${n % 5000}`, type: 'product' },
    },
    createdAt: at,
    updatedAt: at,
    ...(status === 'retrying' ? { nextAttemptAt: new Date(createdAt + 86_400_000).toISOString() } : {}),
    ...(status === 'delivered' ? {} : { lastError: `HTTP ${code}` }),
    retryIndex: status === 'retrying' ? 3 : 0,
  }
}

/** A KvStore straight on the stack's SQLite file (same table and semantics as the State service). */
function sqliteKv(dataDir: string, namespace: string, now: () => number): KvStore & { close(): void } {
  const db = new Database(path.join(dataDir, 'state.sqlite'))
  db.pragma('busy_timeout = 5000')
  const get = db.prepare<[string, string, number], { value: Buffer }>(
    'SELECT value FROM kv WHERE ns = ? AND key = ? AND expires > ?',
  )
  const upsert = db.prepare(
    `INSERT INTO kv (ns, key, value, expires) VALUES (?, ?, ?, ?)
     ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
  )
  const del = db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?')
  const keys = db.prepare<[string, string, number], { key: string }>(
    'SELECT key FROM kv WHERE ns = ? AND key GLOB ? AND expires > ? ORDER BY id',
  )
  return {
    get: async (key) => get.get(namespace, key, now())?.value.toString('utf8'),
    put: async (key, value, ttl = 86_400) =>
      void upsert.run(namespace, key, Buffer.from(value), now() + ttl * 1000),
    delete: async (key) => void del.run(namespace, key),
    keys: async (glob) => keys.all(namespace, glob, now()).map((r) => r.key),
    close: () => db.close(),
  }
}

/** Options of `seedDeliveryLog`. */
export interface SeedOptions {
  dataDir: string
  namespace: string
  count: number
  subscriptionIds: readonly string[]
  /** Records are created evenly over the `spanMs` before now (default 7 days). */
  spanMs?: number
  /** Also build the index the sweeper would build (default true). */
  index?: boolean
  retentionDays?: number
}

/** Writes `count` records (one transaction) and the index; returns the records' ids, oldest first. */
export async function seedDeliveryLog(options: SeedOptions): Promise<string[]> {
  const now = Date.now()
  const span = options.spanMs ?? 7 * 86_400_000
  const retentionSeconds = (options.retentionDays ?? 30) * 86_400
  const kv = sqliteKv(options.dataDir, options.namespace, () => now)
  const db = new Database(path.join(options.dataDir, 'state.sqlite'))
  db.pragma('busy_timeout = 5000')
  const upsert = db.prepare(
    `INSERT INTO kv (ns, key, value, expires) VALUES (?, ?, ?, ?)
     ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
  )
  const ids: string[] = []
  const expires = now + retentionSeconds * 1000
  db.transaction(() => {
    for (let n = 0; n < options.count; n++) {
      const record = aSeedRecord(
        n,
        now - span + Math.floor((n * span) / options.count),
        options.subscriptionIds,
      )
      upsert.run(options.namespace, `dlv.${record.id}`, Buffer.from(JSON.stringify(record)), expires)
      ids.push(record.id)
    }
  })()
  db.close()
  try {
    if (options.index !== false) {
      const logs = createStateLogStore({ store: kv, now: () => now, retentionSeconds })
      await logs.refreshIndex({ nowMs: now, maxReads: Infinity })
    }
  } finally {
    kv.close()
  }
  return ids
}
