/**
 * Activation records on SQLite (`<dataDir>/runtime.sqlite`), kept for a bounded time like Adobe
 * I/O Runtime's 7 days. Writes are synchronous (better-sqlite3) but one row per activation, so the
 * REST API can list/get a record as soon as the activation completes.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import type { ActivationRecord } from './types'

/** Adobe I/O Runtime keeps activation records 7 days. */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000

/** Filters of `GET …/activations`. */
export interface ActivationQuery {
  namespace: string
  /** `action` or `pkg/action`. */
  name?: string
  skip: number
  limit: number
  since?: number
  upto?: number
}

/** Storage of activation records. */
export interface ActivationStore {
  insert(record: ActivationRecord): void
  get(namespace: string, activationId: string): ActivationRecord | undefined
  list(query: ActivationQuery): ActivationRecord[]
  /** Deletes records older than the retention; returns how many. */
  purge(now?: number): number
  close(): void
}

/** Opens (creating if needed) the store in `dataDir`. */
export function openActivationStore(dataDir: string, retentionMs = RETENTION_MS): ActivationStore {
  const db = new Database(path.join(dataDir, 'runtime.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS activations (
      activation_id TEXT NOT NULL,
      namespace TEXT NOT NULL,
      name TEXT NOT NULL,
      path TEXT NOT NULL,
      start INTEGER NOT NULL,
      record TEXT NOT NULL,
      PRIMARY KEY (namespace, activation_id)
    );
    CREATE INDEX IF NOT EXISTS activations_by_start ON activations (namespace, start DESC);
  `)
  const insert = db.prepare(
    'INSERT OR REPLACE INTO activations (activation_id, namespace, name, path, start, record) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const get = db.prepare('SELECT record FROM activations WHERE namespace = ? AND activation_id = ?')
  const purge = db.prepare('DELETE FROM activations WHERE start < ?')

  return {
    insert(record) {
      const pathAnnotation = record.annotations.find((a) => a.key === 'path')?.value
      // path is "ns/pkg/action": keep "pkg/action" for the name filter.
      const actionPath =
        (typeof pathAnnotation === 'string' ? pathAnnotation : record.name).split('/').slice(1).join('/') ||
        record.name
      insert.run(
        record.activationId,
        record.namespace,
        record.name,
        actionPath,
        record.start,
        JSON.stringify(record),
      )
    },
    get(namespace, activationId) {
      const row = get.get(namespace, activationId) as { record: string } | undefined
      return row ? (JSON.parse(row.record) as ActivationRecord) : undefined
    },
    list(q) {
      const where: string[] = ['namespace = @namespace', 'start >= @cutoff']
      const args: Record<string, unknown> = {
        namespace: q.namespace,
        cutoff: Date.now() - retentionMs,
        limit: q.limit,
        skip: q.skip,
      }
      if (q.name) {
        // "pkg/action" matches the full path; a simple name matches the action's own name.
        where.push(q.name.includes('/') ? 'path = @name' : 'name = @name')
        args.name = q.name
      }
      if (q.since !== undefined) {
        where.push('start >= @since')
        args.since = q.since
      }
      if (q.upto !== undefined) {
        where.push('start <= @upto')
        args.upto = q.upto
      }
      const sql = `SELECT record FROM activations WHERE ${where.join(' AND ')} ORDER BY start DESC, rowid DESC LIMIT @limit OFFSET @skip`
      return (db.prepare(sql).all(args) as { record: string }[]).map(
        (r) => JSON.parse(r.record) as ActivationRecord,
      )
    },
    purge(now = Date.now()) {
      return purge.run(now - retentionMs).changes
    },
    close() {
      db.close()
    },
  }
}
