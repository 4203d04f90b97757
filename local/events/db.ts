/**
 * SQLite persistence of the local I/O Events service (one file, `<DATA_DIR>/events.sqlite`).
 *
 * Why these settings: an event acknowledged by `/ingress` must survive `kill -9` and a power cut, so
 * the database runs in WAL mode with `synchronous=FULL` (every commit is fsynced before the HTTP
 * reply is written). Deliveries, traces and the journal live in the same file so that the ingress
 * fan-out (event + its deliveries + its journal entries) is ONE transaction: either the publisher
 * got 200 and everything downstream exists, or nothing does.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

/** An open events database. */
export type EventsDb = Database.Database

const SCHEMA = `
CREATE TABLE IF NOT EXISTS providers (
  id TEXT PRIMARY KEY,
  consumer_org TEXT NOT NULL,
  project TEXT NOT NULL,
  workspace TEXT NOT NULL,
  label TEXT NOT NULL,
  description TEXT,
  docs_url TEXT,
  instance_id TEXT,
  provider_metadata TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS providers_label ON providers (consumer_org, label);

CREATE TABLE IF NOT EXISTS event_metadata (
  provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  event_code TEXT NOT NULL,
  label TEXT NOT NULL,
  description TEXT NOT NULL,
  sample_event_template TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (provider_id, event_code)
);

CREATE TABLE IF NOT EXISTS registrations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  registration_id TEXT NOT NULL UNIQUE,
  consumer_org TEXT NOT NULL,
  project TEXT NOT NULL,
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  client_id TEXT NOT NULL,
  delivery_type TEXT NOT NULL,
  webhook_url TEXT,
  runtime_action TEXT,
  enabled INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS registrations_name ON registrations (consumer_org, project, workspace, name);

CREATE TABLE IF NOT EXISTS registration_events (
  registration_id TEXT NOT NULL REFERENCES registrations (registration_id) ON DELETE CASCADE,
  provider_id TEXT NOT NULL,
  event_code TEXT NOT NULL,
  PRIMARY KEY (registration_id, provider_id, event_code)
);
CREATE INDEX IF NOT EXISTS registration_events_code ON registration_events (provider_id, event_code);

CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  event_code TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (source, event_id)
);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);

CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations (registration_id) ON DELETE CASCADE,
  event_seq INTEGER NOT NULL REFERENCES events (seq),
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  first_at INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  last_status INTEGER,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE INDEX IF NOT EXISTS deliveries_registration ON deliveries (registration_id, state);

CREATE TABLE IF NOT EXISTS attempts (
  registration_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  PRIMARY KEY (registration_id, bucket)
);

CREATE TABLE IF NOT EXISTS traces (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  registration_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  trace TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_registration ON traces (registration_id, seq);

CREATE TABLE IF NOT EXISTS journal (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  registration_id TEXT NOT NULL,
  event_seq INTEGER NOT NULL REFERENCES events (seq),
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_registration ON journal (registration_id, position);
`

/**
 * Opens (creating if needed) the events database under `dataDir`.
 * - `durable` (default): `synchronous=FULL`, every commit is fsynced — for ingress and management,
 *   where an acknowledged write must survive a power cut.
 * - `bookkeeping`: `synchronous=NORMAL` on a second connection to the same file, for delivery
 *   attempts and traces. Losing the last attempt records in a power cut only means those
 *   deliveries are attempted again (at-least-once, as on Adobe), and it saves an fsync per attempt.
 */
export function openEventsDb(dataDir: string, mode: 'durable' | 'bookkeeping' = 'durable'): EventsDb {
  fs.mkdirSync(dataDir, { recursive: true })
  const db = new Database(path.join(dataDir, 'events.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${mode === 'durable' ? 'FULL' : 'NORMAL'}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  if (mode === 'durable') {
    db.exec(SCHEMA)
    // A DATA_DIR from before provider types were kept: add the column (its rows are custom providers).
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(providers)').all()
    if (!columns.some((c) => c.name === 'provider_metadata'))
      db.exec('ALTER TABLE providers ADD COLUMN provider_metadata TEXT')
  }
  return db
}
