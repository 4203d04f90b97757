/**
 * One indexing pass of the State backend (run by the sweeper, the index's single writer, while
 * it holds the sweeper lease).
 *
 * Cost per pass: ONE scan of `dlv.*` (ceil(keys / 1,000) list calls: 200 at the 200K-key quota,
 * well inside the ~1,000 list calls/min), a get of each record not indexed yet and of each change
 * note's record, the pages those records land in, and puts of what changed. In a warm container
 * the indexed-id set and the pages come from the cache, so a steady pass at 100K records reads
 * the head, the due pages and the new records only.
 *
 * Crash safety: documents are written pages first, head next, indexed-id set last. A pass that
 * dies midway leaves ids unmarked, so the next pass re-reads and re-inserts them (inserts are
 * idempotent); it never marks an id whose entry is not in the head.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { KvStore } from '../kv-store'
import { mapBounded } from '../bounded-concurrency'
import type { DeliveryRecord } from './delivery-record'
import { changeKey, DLV_PREFIX, parseDlvKey, recordKey } from './log-keys'
import type { IndexReport, SubscriptionEdit } from './log-store'
import {
  DUE_PAGE_MAX,
  IndexEditor,
  INDEX_KEYS,
  SEEN_PARTITIONS,
  type IndexHead,
  type StoredEntry,
} from './state-log-index'
import { entryOf, rememberDoc, type IndexCache } from './state-log-store'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const HASH_CHARS = 8
/** Records read in parallel. */
const READ_CONCURRENCY = 16
/** Default most records read per pass. */
const DEFAULT_MAX_READS = 5000

/** 48-bit id hash (collision odds at 200K ids ≈ 7 × 10⁻⁵: a collision leaves one record unindexed). */
function idHash(id: string): string {
  return createHash('sha1').update(id).digest('base64url').slice(0, HASH_CHARS)
}
const partitionOf = (hash: string): number => ALPHABET.indexOf(hash[0]) % SEEN_PARTITIONS

interface IndexerIo {
  store: KvStore
  cache: IndexCache
  retentionSeconds: number
  readHead(): Promise<IndexHead>
  readDoc(key: string): Promise<string | undefined>
}

type DueRow = [string, number, string]

/** Runs one pass; see the file comment. */
export async function refreshStateIndex(
  io: IndexerIo,
  opts: {
    nowMs: number
    updated?: DeliveryRecord[]
    subscriptions?: SubscriptionEdit[]
    maxReads?: number
    scan?: boolean
  },
): Promise<IndexReport> {
  const { store, cache, retentionSeconds } = io
  const nowMs = opts.nowMs
  const scan = opts.scan !== false
  const head = await io.readHead()
  const scanned = scan ? await store.keys(`${DLV_PREFIX}*`) : []
  const ids = new Set<string>()
  const notes = new Set<string>()
  for (const key of scanned) {
    const parsed = parseDlvKey(key)
    if (parsed) (parsed.note ? notes : ids).add(parsed.id)
  }

  // Indexed-id set: 64 partitions of concatenated hashes.
  const seenRaw = scan
    ? await Promise.all(
        Array.from({ length: SEEN_PARTITIONS }, (_, p) =>
          io.readDoc(INDEX_KEYS.seen(p)).then((r) => r ?? ''),
        ),
      )
    : []
  const seen = new Set<string>()
  for (const raw of seenRaw)
    for (let k = 0; k + HASH_CHARS <= raw.length; k += HASH_CHARS) seen.add(raw.slice(k, k + HASH_CHARS))

  const updated = new Map((opts.updated ?? []).map((r) => [r.id, r]))
  const hashes = new Map<string, string>()
  for (const id of ids) hashes.set(id, idHash(id))
  const wanted = [
    ...[...notes].filter((id) => !updated.has(id)),
    ...[...ids].filter((id) => !seen.has(hashes.get(id)!) && !updated.has(id) && !notes.has(id)),
  ]
  const maxReads = opts.maxReads ?? DEFAULT_MAX_READS
  const toRead = wanted.slice(0, maxReads)
  const read = await mapBounded(toRead, READ_CONCURRENCY, async (id) => {
    const raw = await store.get(recordKey(id))
    return raw === undefined ? undefined : (JSON.parse(raw) as DeliveryRecord)
  })
  const records = [...updated.values(), ...read.filter((r): r is DeliveryRecord => r !== undefined)]

  const editor = new IndexEditor(head, async (seq) => {
    const raw = await io.readDoc(INDEX_KEYS.page(seq))
    return raw ? (JSON.parse(raw) as StoredEntry[]) : []
  })
  for (const sub of opts.subscriptions ?? []) editor.noteEdit(sub.id, Date.parse(sub.updatedAt))

  const dueBefore: string[] = []
  const due = new Map<string, DueRow>()
  for (const page of head.due) {
    const raw = (await io.readDoc(INDEX_KEYS.due(page.k))) ?? '[]'
    dueBefore.push(raw)
    for (const row of JSON.parse(raw) as DueRow[]) due.set(row[0], row)
  }

  const indexedNow = new Set<string>()
  for (const record of records) {
    const entry = entryOf(record, retentionSeconds)
    // Not in the indexed-id set, no note, not the sweeper's own write: a new record, so the other
    // chain cannot hold it.
    const isNew =
      scan && !updated.has(record.id) && !notes.has(record.id) && !seen.has(hashes.get(record.id)!)
    await editor.upsert(entry, isNew)
    if (entry.d !== undefined) due.set(entry.i, [entry.i, entry.d, entry.b])
    else due.delete(entry.i)
    indexedNow.add(record.id)
  }
  const dropped = editor.expire(nowMs)
  // Scheduled deliveries whose record is gone (expired) leave the due list; `updated` ones were
  // written during this run, possibly after the scan, so they stay.
  if (scan) for (const id of due.keys()) if (!ids.has(id) && !updated.has(id)) due.delete(id)

  // Write: pages, due pages, head, then the indexed-id set (see the crash note above).
  const writes: [string, string][] = []
  for (const seq of editor.dirty)
    if (!editor.removedPages.has(seq))
      writes.push([INDEX_KEYS.page(seq), JSON.stringify(editor.pages.get(seq))])
  const dueRows = [...due.values()].sort((a, b) => a[1] - b[1])
  const duePages: string[] = []
  for (let k = 0; k < dueRows.length; k += DUE_PAGE_MAX)
    duePages.push(JSON.stringify(dueRows.slice(k, k + DUE_PAGE_MAX)))
  head.due = duePages.map((_, k) => ({
    k,
    lo: dueRows[k * DUE_PAGE_MAX][1],
    n: Math.min(DUE_PAGE_MAX, dueRows.length - k * DUE_PAGE_MAX),
  }))
  duePages.forEach((raw, k) => {
    if (dueBefore[k] !== raw) writes.push([INDEX_KEYS.due(k), raw])
  })
  // Pages and records expire with the log: an index document outlives the newest record it holds.
  const ttl = Math.min(365 * 86_400, retentionSeconds * 2 + 86_400)
  await mapBounded(writes, 8, ([key, raw]) => store.put(key, raw, ttl))
  head.v = `${nowMs.toString(36)}-${randomBytes(6).toString('base64url')}`
  head.at = nowMs
  await store.put(INDEX_KEYS.head, JSON.stringify(head), ttl)

  const partitions: string[][] = Array.from({ length: SEEN_PARTITIONS }, () => [])
  for (const id of ids) {
    const h = hashes.get(id)!
    if (seen.has(h) || indexedNow.has(id)) partitions[partitionOf(h)].push(h)
  }
  // An empty partition is stored as one space (State values are never empty).
  const seenAfter = scan ? partitions.map((list) => list.sort().join('') || ' ') : []
  await mapBounded(
    seenAfter.map((raw, p) => [p, raw] as const).filter(([p, raw]) => raw !== (seenRaw[p] || ' ')),
    8,
    ([p, raw]) => store.put(INDEX_KEYS.seen(p), raw, ttl),
  )
  const deletions = [
    ...[...editor.removedPages].map(INDEX_KEYS.page),
    ...dueBefore.slice(duePages.length).map((_, k) => INDEX_KEYS.due(duePages.length + k)),
    ...[...notes].filter((id) => indexedNow.has(id) || !ids.has(id)).map(changeKey),
  ]
  await mapBounded(deletions, 8, (key) => store.delete(key))

  // The container now holds exactly what it wrote: keep it warm for the next pass and readers.
  const seenBefore = new Map([...cache.docs].filter(([k]) => k.startsWith('idx.s.')))
  cache.v = head.v
  cache.docs.clear()
  for (const [key, raw] of writes) rememberDoc(cache, key, raw)
  duePages.forEach((raw, k) => cache.docs.set(INDEX_KEYS.due(k), raw))
  if (!scan)
    for (let p = 0; p < SEEN_PARTITIONS; p++) {
      const raw = seenBefore.get(INDEX_KEYS.seen(p))
      if (raw !== undefined) cache.docs.set(INDEX_KEYS.seen(p), raw)
    }
  seenAfter.forEach((raw, p) => cache.docs.set(INDEX_KEYS.seen(p), raw))
  return {
    ran: true,
    keysScanned: scanned.length,
    recordsRead: toRead.length,
    indexed: records.length,
    dropped,
    backlog: wanted.length - toRead.length,
    scanned: scan,
    indexedAt: nowMs,
  }
}
