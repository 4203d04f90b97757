/**
 * The delivery log as the publisher, sweeper and admin code see it: records and queries, never
 * storage keys. The State backend (state-log-store.ts) is one implementation; another one (for
 * example App Builder's document database, `@adobe/aio-lib-db`, beyond the State key quota) can
 * be added behind this interface without touching its callers.
 *
 * Consistency contract every backend keeps:
 * - `get` and `write` are point operations on one delivery id and are immediately consistent;
 * - `query`, `due` and `subscriptionStats` may lag writes by up to one indexing interval (the
 *   result says when it was indexed); `refreshIndex` is called by ONE writer, the sweeper.
 */
import type { DeliveryRecord } from './delivery-record'
import type { DeliveryStatus } from './log-keys'

/** Who writes a record: decides whether the index must be told (only the indexer's own writes are known to it). */
export type WriteOrigin = 'publish' | 'sweeper' | 'admin'

/** Filter of a query; every field optional. Times are epoch ms on `createdAt`, inclusive. */
export interface LogFilter {
  status?: DeliveryStatus[]
  eventType?: string
  subscriptionId?: string
  entityId?: string
  from?: number
  to?: number
}

/** One row of a query: what the index holds about a delivery (no payload, no attempts detail). */
export interface LogEntry {
  id: string
  createdAt: number
  updatedAt: number
  status: DeliveryStatus
  eventType: string
  subscriptionId: string
  entityId?: string
  attempts: number
  lastHttpStatus?: number
  /** Due time of the next automatic attempt (pending/retrying). */
  dueAt?: number
}

/** One page of a query, newest first. */
export interface LogPage {
  items: LogEntry[]
  /** Opaque; pass it back to get the next page. Absent on the last page. */
  nextCursor?: string
  /** Records written up to this time (epoch ms) are in the index; 0 when nothing was indexed yet. */
  indexedAt: number
  /** Matching records in the index when it can be told without reading pages (single facet filter). */
  total?: number
}

/** A delivery due for an automatic attempt. */
export interface DueDelivery {
  id: string
  subscriptionId: string
  dueAt: number
}

/** Per-subscription counters from the index (exact within the retention, as fresh as the index). */
export interface SubscriptionLogStats {
  counts: Record<DeliveryStatus, number>
  lastDeliveredAt?: number
  lastFailureAt?: number
  /** Since when every delivery has failed (created after the last success and the last edit). */
  failingSince?: number
  /** The most recent failing delivery (to show its error). */
  lastFailureId?: string
}

/** What one indexing pass did. */
export interface IndexReport {
  /** False when another run holds the indexing lease: nothing was done. */
  ran: boolean
  /** False for a pass that only applied `updated` records. */
  scanned: boolean
  keysScanned: number
  recordsRead: number
  indexed: number
  /** Entries whose record is gone (expired or deleted). */
  dropped: number
  /** New records left for the next pass (read budget reached). */
  backlog: number
  indexedAt: number
}

/** Subscription facts the indexer uses to keep health since the last edit. */
export interface SubscriptionEdit {
  id: string
  updatedAt: string
}

/** The delivery log. */
export interface DeliveryLogStore {
  /** The record of a delivery id, or undefined (a truncated payload's full body: `readBody`). */
  get(deliveryId: string): Promise<DeliveryRecord | undefined>
  /** Writes the record (overwrites the previous state of the same delivery id). */
  write(record: DeliveryRecord, origin: WriteOrigin): Promise<void>
  /** The full body of a truncated record, when still stored. */
  readBody(record: DeliveryRecord): Promise<string | undefined>
  /** Newest-first page of entries matching `filter`, from the index. */
  query(filter: LogFilter, limit: number, cursor?: string): Promise<LogPage>
  /** A cursor resuming a query right after `entry` (for callers that stop mid-page, like export). */
  cursorAfter(entry: LogEntry): string
  /** Deliveries due at `nowMs` (oldest due first), from the index. */
  due(nowMs: number, limit: number): Promise<DueDelivery[]>
  /** Counters of one subscription, from the index. */
  subscriptionStats(subscriptionId: string): Promise<SubscriptionLogStats>
  /**
   * Brings the index up to date (single writer: the sweeper). `updated` are records the caller
   * wrote with origin `sweeper` since the last pass, applied without re-reading them.
   */
  refreshIndex(options: {
    nowMs: number
    updated?: DeliveryRecord[]
    subscriptions?: SubscriptionEdit[]
    /** Most records read per pass (bounds the pass after a burst; the rest waits for the next). */
    maxReads?: number
    /** False: apply `updated` only, without the scan (the sweeper's second pass of a run). */
    scan?: boolean
  }): Promise<IndexReport>
  /**
   * Takes the sweeper's lease for `ttlMs` unless another owner holds an unexpired one, with the
   * next fencing token (generation). Where the backend has no conditional write (State) it puts,
   * waits for `settle` (long enough for a competitor's put that raced it to land), then re-reads:
   * the last writer wins and the other learns it lost. Undefined when not acquired.
   */
  acquireLease(
    owner: string,
    nowMs: number,
    ttlMs: number,
    settle: () => Promise<void>,
  ): Promise<Lease | undefined>
  /** The lease as stored now (the fencing check before each send and write). */
  readLease(): Promise<Lease | undefined>
  /** Gives the lease back (only when `owner` still holds it). */
  releaseLease(owner: string): Promise<void>
}

/** The sweeper's lease: who holds it, its fencing token (grows with every acquisition), until when. */
export interface Lease {
  owner: string
  token: number
  until: number
}

/** Thrown by `query` for a cursor it did not issue (a 400 for the caller). */
export class BadCursorError extends Error {}
