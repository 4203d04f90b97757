/**
 * Durable storage of the local Commerce (`<DATA_DIR>/commerce.sqlite`): one row per entity
 * (`kind`, `id`) holding its REST representation as JSON, plus id sequences. WAL with
 * `synchronous=FULL` like the other local services: a change Commerce acknowledged survives a crash.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

/** Entity kinds the local Commerce keeps (and its eventing configuration, providers and subscriptions). */
export type Kind =
  | 'product'
  | 'customer'
  | 'group'
  | 'order'
  | 'shipment'
  | 'source_item'
  | 'eventing_config'
  | 'event_provider'
  | 'event_subscription'

/** A JSON document. */
export type Doc = Record<string, unknown>

/** The local Commerce's storage. */
export interface CommerceStore {
  get(kind: Kind, id: string): Doc | undefined
  put(kind: Kind, id: string, doc: Doc): void
  delete(kind: Kind, id: string): boolean
  all(kind: Kind): Doc[]
  /** Next integer id of a kind (1, 2, …), never reused. */
  nextId(kind: Kind): number
  /** Runs `fn` in one transaction. */
  tx<T>(fn: () => T): T
  close(): void
}

/** Opens (or creates) the store; `seed` runs once, when the database is new. */
export function openCommerceStore(dataDir: string, seed: (s: CommerceStore) => void): CommerceStore {
  fs.mkdirSync(dataDir, { recursive: true })
  const db = new Database(path.join(dataDir, 'commerce.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS entities (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id));
    CREATE TABLE IF NOT EXISTS sequences (kind TEXT PRIMARY KEY, last INTEGER NOT NULL);
  `)
  const q = {
    get: db.prepare<[string, string], { body: string }>(
      'SELECT body FROM entities WHERE kind = ? AND id = ?',
    ),
    put: db.prepare(
      'INSERT INTO entities (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body',
    ),
    del: db.prepare('DELETE FROM entities WHERE kind = ? AND id = ?'),
    all: db.prepare<[string], { body: string }>('SELECT body FROM entities WHERE kind = ? ORDER BY rowid'),
    seq: db.prepare<[string], { last: number }>(
      'INSERT INTO sequences (kind, last) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET last = last + 1 RETURNING last',
    ),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sequences'),
  }
  const store: CommerceStore = {
    get: (kind, id) => {
      const row = q.get.get(kind, id)
      return row ? (JSON.parse(row.body) as Doc) : undefined
    },
    put: (kind, id, doc) => void q.put.run(kind, id, JSON.stringify(doc)),
    delete: (kind, id) => q.del.run(kind, id).changes > 0,
    all: (kind) => q.all.all(kind).map((r) => JSON.parse(r.body) as Doc),
    nextId: (kind) => q.seq.get(kind)!.last,
    tx: (fn) => db.transaction(fn)(),
    close: () => db.close(),
  }
  if (q.count.get()!.n === 0) store.tx(() => seed(store))
  return store
}
