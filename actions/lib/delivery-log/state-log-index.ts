/**
 * The delivery-log index of the State backend: documents written by ONE writer (the sweeper) so
 * that admin pages and due retries cost a few point reads whatever the size of the log.
 *
 *   idx.head      { v, at, seq, chains: {ok, pb}, due, health }       (~30 KB at 100K records)
 *   idx.p.<seq>   one segment: ≤ SEGMENT_MAX compact entries, oldest first (~170 KB when full)
 *   idx.d.<n>     scheduled deliveries [id, dueAt, subscriptionId], oldest due first
 *   idx.s.<p>     ids already indexed, as 8-character hashes, partitioned by the first one
 *   idx.lease     which run holds the indexing lease, until when
 *
 * Entries live in two chains of time-ordered segments: `ok` (delivered) and `pb` (pending,
 * retrying, failed, dead), so a filter on problem statuses reads only the small chain. Each
 * segment's meta in the head carries its creation-time range, expiry and facet counts
 * (subscription × status, event type): a query skips every segment that cannot match.
 * Segments cover disjoint creation-time ranges: an entry goes to the last segment whose `lo` is ≤
 * its creation time; a full tail starts a new segment, a full middle one splits in two.
 */
import type { DeliveryStatus } from './log-keys'
import type { LogEntry, LogFilter, SubscriptionLogStats } from './log-store'

/** Most entries of a segment page (≈170 B each, so a page stays far below 1 MB). */
export const SEGMENT_MAX = 1000
/** Most entries of a due page. */
export const DUE_PAGE_MAX = 5000
/** Partitions of the indexed-id set. */
export const SEEN_PARTITIONS = 64

/** A compact entry as stored (short field names: pages are read whole). */
export interface StoredEntry {
  i: string
  c: number
  u: number
  s: DeliveryStatus
  t: string
  b: string
  e?: string
  a: number
  h?: number
  d?: number
  /** When the record expires (its TTL): the entry is ignored after that. */
  x: number
  /** 1 for a test send: listed, but not part of the subscription's health (a failed test never disables it). */
  z?: 1
}

/** Meta of one segment, kept in the head. */
export interface SegmentMeta {
  k: number
  lo: number
  hi: number
  n: number
  x: number
  /** subscription → status → count */
  f: Record<string, Partial<Record<DeliveryStatus, number>>>
  /** event type → count */
  t: Record<string, number>
}

/** Per-subscription health, kept incrementally by the indexer. */
export interface HealthMeta {
  ok?: number
  bad?: number
  since?: number
  fid?: string
  /** The subscription's `updatedAt` (ms) the indexer last saw: failures before it do not count. */
  edit?: number
}

/** Chain names. */
export type Chain = 'ok' | 'pb'

/** The head document. */
export interface IndexHead {
  /** Unique per write (not a counter: after the index is deleted, a warm cache must not match a new head). */
  v: string
  at: number
  seq: number
  chains: Record<Chain, SegmentMeta[]>
  due: { k: number; lo: number; n: number }[]
  health: Record<string, HealthMeta>
}

/** Keys of the index documents. */
export const INDEX_KEYS = {
  head: 'idx.head',
  lease: 'idx.lease',
  page: (seq: number) => `idx.p.${seq}`,
  due: (n: number) => `idx.d.${n}`,
  seen: (p: number) => `idx.s.${p}`,
}

/** An index that has never been written. */
export function emptyHead(): IndexHead {
  return { v: '', at: 0, seq: 0, chains: { ok: [], pb: [] }, due: [], health: {} }
}

/** The chain an entry of this status lives in. */
const chainOf = (s: DeliveryStatus): Chain => (s === 'delivered' ? 'ok' : 'pb')

const FAILURES: ReadonlySet<DeliveryStatus> = new Set(['retrying', 'failed', 'dead'])

/** Entry as stored → entry as returned. */
export function toLogEntry(e: StoredEntry): LogEntry {
  return {
    id: e.i,
    createdAt: e.c,
    updatedAt: e.u,
    status: e.s,
    eventType: e.t,
    subscriptionId: e.b,
    ...(e.e !== undefined ? { entityId: e.e } : {}),
    attempts: e.a,
    ...(e.h !== undefined ? { lastHttpStatus: e.h } : {}),
    ...(e.d !== undefined ? { dueAt: e.d } : {}),
  }
}

/** Newest first: creation time, then id. */
export const newestFirst = (a: StoredEntry, b: StoredEntry): number =>
  b.c - a.c || (a.i < b.i ? 1 : a.i > b.i ? -1 : 0)

/** The segment of a chain an entry of creation time `c` belongs to (index into the chain). */
function segmentFor(chain: readonly SegmentMeta[], c: number): number {
  let at = -1
  for (let j = 0; j < chain.length; j++) if (chain[j].lo <= c) at = j
  return chain.length ? Math.max(0, at) : -1
}

function bump(seg: SegmentMeta, e: StoredEntry, by: 1 | -1): void {
  seg.n += by
  const f = (seg.f[e.b] ??= {})
  f[e.s] = (f[e.s] ?? 0) + by
  if (!f[e.s]) delete f[e.s]
  if (!Object.keys(f).length) delete seg.f[e.b]
  seg.t[e.t] = (seg.t[e.t] ?? 0) + by
  if (!seg.t[e.t]) delete seg.t[e.t]
}

/** Recomputes a segment's meta from its entries (after a split). */
function metaOf(k: number, entries: readonly StoredEntry[]): SegmentMeta {
  const seg: SegmentMeta = { k, lo: Infinity, hi: 0, n: 0, x: 0, f: {}, t: {} }
  for (const e of entries) {
    bump(seg, e, 1)
    seg.lo = Math.min(seg.lo, e.c)
    seg.hi = Math.max(seg.hi, e.c)
    seg.x = Math.max(seg.x, e.x)
  }
  return seg
}

/**
 * Edits a loaded index: entries go in and out of segment pages, facet counts and health follow.
 * Pages are loaded through `load` (the caller caches and counts them); `dirty` says what to write.
 */
export class IndexEditor {
  readonly pages = new Map<number, StoredEntry[]>()
  readonly dirty = new Set<number>()
  readonly removedPages = new Set<number>()

  constructor(
    readonly head: IndexHead,
    private readonly load: (seq: number) => Promise<StoredEntry[]>,
  ) {}

  private async page(seq: number): Promise<StoredEntry[]> {
    let p = this.pages.get(seq)
    if (!p) this.pages.set(seq, (p = await this.load(seq)))
    return p
  }

  /** Removes the entry of `id` created at `c` from whichever chain holds it; returns it. */
  async remove(id: string, c: number): Promise<StoredEntry | undefined> {
    for (const name of ['pb', 'ok'] as Chain[]) {
      const chain = this.head.chains[name]
      const j = segmentFor(chain, c)
      if (j < 0) continue
      const seg = chain[j]
      const page = await this.page(seg.k)
      const at = page.findIndex((e) => e.i === id)
      if (at < 0) continue
      const [old] = page.splice(at, 1)
      bump(seg, old, -1)
      this.dirty.add(seg.k)
      if (!page.length) {
        chain.splice(j, 1)
        this.removedPages.add(seg.k)
      }
      return old
    }
    return undefined
  }

  /**
   * Inserts or replaces the entry of `e.i` (idempotent: re-indexing a record is harmless).
   * `isNew`: the id is not in the indexed-id set, so only the target page can hold it (crash case).
   */
  async upsert(e: StoredEntry, isNew = false): Promise<void> {
    if (!isNew) await this.remove(e.i, e.c)
    const chain = this.head.chains[chainOf(e.s)]
    let j = segmentFor(chain, e.c)
    const tail = chain[chain.length - 1]
    if (j < 0 || (j === chain.length - 1 && tail.n >= SEGMENT_MAX && e.c > tail.hi)) {
      const seg = metaOf(this.head.seq++, [])
      chain.push(seg)
      this.pages.set(seg.k, [])
      j = chain.length - 1
    }
    const seg = chain[j]
    const page = await this.page(seg.k)
    if (isNew) {
      // A pass that died after writing the head but before the id set indexed this record already,
      // in this very page (same creation time and status): replace it rather than list it twice.
      const dup = page.findIndex((x) => x.i === e.i)
      if (dup >= 0) bump(seg, page.splice(dup, 1)[0], -1)
    }
    let at = page.length
    while (at > 0 && newestFirst(page[at - 1], e) > 0) at--
    page.splice(at, 0, e)
    bump(seg, e, 1)
    seg.lo = Math.min(seg.lo, e.c)
    seg.hi = Math.max(seg.hi, e.c)
    seg.x = Math.max(seg.x, e.x)
    this.dirty.add(seg.k)
    this.removedPages.delete(seg.k)
    if (page.length > SEGMENT_MAX) {
      const half = page.splice(Math.floor(page.length / 2))
      chain[j] = metaOf(seg.k, page)
      const next = metaOf(this.head.seq++, half)
      chain.splice(j + 1, 0, next)
      this.pages.set(next.k, half)
      this.dirty.add(next.k)
    }
    this.track(e)
  }

  private track(e: StoredEntry): void {
    if (e.z) return
    const h = (this.head.health[e.b] ??= {})
    if (e.s === 'delivered') {
      h.ok = Math.max(h.ok ?? 0, e.u)
      if (h.since !== undefined && h.since <= h.ok) delete h.since
    } else if (FAILURES.has(e.s)) {
      if ((h.bad ?? 0) <= e.u) {
        h.bad = e.u
        h.fid = e.i
      }
      if (e.c > Math.max(h.ok ?? 0, h.edit ?? 0)) h.since = Math.min(h.since ?? e.c, e.c)
    }
  }

  /** A subscription was edited (re-enabled, new URL): its failure period restarts. */
  noteEdit(subscriptionId: string, editedAt: number): void {
    const h = (this.head.health[subscriptionId] ??= {})
    if (h.edit === editedAt) return
    h.edit = editedAt
    if (h.since !== undefined && h.since <= editedAt) delete h.since
  }

  /** Drops segments whose every record has expired. */
  expire(nowMs: number): number {
    let dropped = 0
    for (const name of ['ok', 'pb'] as Chain[]) {
      this.head.chains[name] = this.head.chains[name].filter((seg) => {
        if (seg.x > nowMs) return true
        dropped += seg.n
        this.removedPages.add(seg.k)
        this.dirty.delete(seg.k)
        return false
      })
    }
    return dropped
  }
}

/** True when a segment may hold entries matching the filter (facets and time range). */
export function segmentMayMatch(seg: SegmentMeta, filter: LogFilter): boolean {
  if (filter.from !== undefined && seg.hi < filter.from) return false
  if (filter.to !== undefined && seg.lo > filter.to) return false
  if (filter.eventType !== undefined && !seg.t[filter.eventType]) return false
  return matchingCount(seg, filter) > 0
}

/** Entries of a segment matching the status and subscription parts of a filter (from facets). */
export function matchingCount(seg: SegmentMeta, filter: LogFilter): number {
  const subs =
    filter.subscriptionId !== undefined ? [seg.f[filter.subscriptionId] ?? {}] : Object.values(seg.f)
  let n = 0
  for (const bySub of subs)
    for (const [s, count] of Object.entries(bySub))
      if (!filter.status?.length || filter.status.includes(s as DeliveryStatus)) n += count ?? 0
  return n
}

/** True when a stored entry matches a filter and has not expired. */
export function entryMatches(e: StoredEntry, filter: LogFilter, nowMs: number): boolean {
  return (
    e.x > nowMs &&
    (!filter.status?.length || filter.status.includes(e.s)) &&
    (filter.eventType === undefined || e.t === filter.eventType) &&
    (filter.subscriptionId === undefined || e.b === filter.subscriptionId) &&
    (filter.entityId === undefined || e.e === filter.entityId) &&
    (filter.from === undefined || e.c >= filter.from) &&
    (filter.to === undefined || e.c <= filter.to)
  )
}

/** Chains that can hold entries of the filter's statuses. */
export function chainsFor(filter: LogFilter): Chain[] {
  if (!filter.status?.length) return ['ok', 'pb']
  const names = new Set(filter.status.map(chainOf))
  return (['ok', 'pb'] as Chain[]).filter((c) => names.has(c))
}

/** Subscription counters from the head. */
export function statsFromHead(head: IndexHead, subscriptionId: string): SubscriptionLogStats {
  const counts: SubscriptionLogStats['counts'] = { pending: 0, delivered: 0, retrying: 0, failed: 0, dead: 0 }
  for (const chain of Object.values(head.chains))
    for (const seg of chain)
      for (const [s, n] of Object.entries(seg.f[subscriptionId] ?? {})) counts[s as DeliveryStatus] += n ?? 0
  const h = head.health[subscriptionId] ?? {}
  return {
    counts,
    ...(h.ok ? { lastDeliveredAt: h.ok } : {}),
    ...(h.bad ? { lastFailureAt: h.bad } : {}),
    ...(h.since ? { failingSince: h.since } : {}),
    ...(h.fid ? { lastFailureId: h.fid } : {}),
  }
}
