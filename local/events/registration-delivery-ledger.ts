/**
 * The delivery ledger: what is due, and the bookkeeping of one attempt. Kept apart from the
 * engine's scheduling so the rules read in one place: an attempt's effects (delivery state, the
 * registration's health window and status, the Debug Tracing entry) are ONE transaction.
 *
 * The health window is stored as per-registration counters in buckets of 1/1440 of the window,
 * so an attempt costs one upsert and one short range sum however busy the registration is.
 */
import type { Clock } from '../../actions/lib/clock'
import type { EventsDb } from './db'
import {
  DELIVERY_POLICY,
  isRetryable,
  isSuccess,
  nextStatus,
  retryDelayMs,
} from './registration-delivery-policy'
import type { AttemptResult } from './registration-delivery-targets'
import type { RegistrationStatus } from './store'
import { trimBody, type DeliveryTrace, type TraceStore } from './trace-store'

/** A pending delivery ready to be attempted. */
export interface DueRow {
  delivery_id: string
  registration_id: string
  event_seq: number
  attempts: number
  first_at: number
  delivery_type: 'webhook' | 'webhook_batch' | 'journal'
  webhook_url: string | null
  runtime_action: string | null
  client_id: string
  event_id: string
  event_code: string
  provider_id: string
}

/** What one attempt was: its unit (one delivery, or a webhook_batch), request and result. */
export interface AttemptRecord {
  unit: DueRow[]
  attempt: number
  deliveryId: string
  started: number
  request: DeliveryTrace['request']
  result: AttemptResult
}

/** Emitted after every attempt (tests and the benchmark listen). */
export interface AttemptEvent {
  registrationId: string
  deliveryIds: string[]
  eventIds: string[]
  attempt: number
  statusCode: number
  outcome: DeliveryTrace['outcome']
  at: number
}

/** Creates the ledger over the bookkeeping connection. */
export function createDeliveryLedger(
  db: EventsDb,
  traces: TraceStore,
  clock: Clock,
  timeScale: number,
  log: (message: string) => void,
) {
  const scale = timeScale > 0 ? timeScale : 1
  const giveUpMs = DELIVERY_POLICY.giveUpAfterMs / scale
  const windowMs = DELIVERY_POLICY.statusWindowMs / scale
  const bucketMs = windowMs / 1440
  const PENDING = "d.state = 'pending' AND r.enabled = 1 AND r.status != 'DISABLED'"
  const FROM = 'FROM deliveries d JOIN registrations r ON r.registration_id = d.registration_id'
  const q = {
    due: db.prepare<[number, string, string, number], DueRow>(
      `SELECT d.delivery_id, d.registration_id, d.event_seq, d.attempts, d.first_at, r.delivery_type, r.webhook_url,
       r.runtime_action, r.client_id, e.event_id, e.event_code, e.provider_id
       ${FROM} JOIN events e ON e.seq = d.event_seq
       WHERE ${PENDING} AND d.next_at <= ? AND d.registration_id NOT IN (SELECT value FROM json_each(?))
       AND d.delivery_id NOT IN (SELECT value FROM json_each(?)) ORDER BY d.next_at LIMIT ?`,
    ),
    body: db.prepare<[number], { body: string }>('SELECT body FROM events WHERE seq = ?'),
    nextAt: db.prepare<[number], { at: number | null }>(
      `SELECT min(d.next_at) AS at ${FROM} WHERE ${PENDING} AND d.next_at > ?`,
    ),
    countDue: db.prepare<[number], { n: number }>(
      `SELECT count(*) AS n ${FROM} WHERE ${PENDING} AND d.next_at <= ?`,
    ),
    setDelivery: db.prepare(
      'UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?, finished_at = ? WHERE delivery_id = ?',
    ),
    status: db.prepare<[string], { status: RegistrationStatus }>(
      'SELECT status FROM registrations WHERE registration_id = ?',
    ),
    setStatus: db.prepare(
      'UPDATE registrations SET status = ?, status_changed_at = ? WHERE registration_id = ?',
    ),
    dropPending: db.prepare(
      "UPDATE deliveries SET state = 'dropped', finished_at = ? WHERE registration_id = ? AND state = 'pending'",
    ),
    addAttempt: db.prepare(
      `INSERT INTO attempts (registration_id, bucket, attempts, failures) VALUES (?, ?, 1, ?)
       ON CONFLICT (registration_id, bucket) DO UPDATE SET attempts = attempts + 1, failures = failures + excluded.failures`,
    ),
    window: db.prepare<[string, number], { attempts: number; failures: number }>(
      `SELECT coalesce(sum(attempts), 0) AS attempts, coalesce(sum(failures), 0) AS failures
       FROM attempts WHERE registration_id = ? AND bucket >= ?`,
    ),
    trimWindow: db.prepare('DELETE FROM attempts WHERE registration_id = ? AND bucket < ?'),
  }

  /** Updates the health window after an attempt and returns the registration's new status. */
  const updateHealth = (
    regId: string,
    current: RegistrationStatus,
    ok: boolean,
    exhausted: boolean,
    now: number,
  ) => {
    const oldestBucket = Math.floor((now - windowMs) / bucketMs) + 1
    q.addAttempt.run(regId, Math.floor(now / bucketMs), ok ? 0 : 1)
    q.trimWindow.run(regId, oldestBucket)
    const status = nextStatus(current, q.window.get(regId, oldestBucket)!, exhausted)
    if (status !== current) {
      q.setStatus.run(status, now, regId)
      if (status === 'DISABLED') q.dropPending.run(now, regId)
      log(`events: registration ${regId} is now ${status}`)
    }
  }

  return {
    /**
     * Due deliveries, oldest first, skipping registrations with a batch in flight and deliveries
     * in flight. Rows past the 24 h horizon (e.g. left while a registration was disabled) are
     * dropped instead of returned.
     */
    due(now: number, batching: Set<string>, inflight: Set<string>, limit: number): DueRow[] {
      const rows = q.due.all(now, JSON.stringify([...batching]), JSON.stringify([...inflight]), limit)
      return rows.filter((row) => {
        if (now - row.first_at <= giveUpMs) return true
        q.setDelivery.run('dropped', row.attempts, now, null, now, row.delivery_id)
        return false
      })
    },
    /** The stored CloudEvent of a delivery. */
    eventBody: (row: DueRow): Record<string, unknown> =>
      JSON.parse(q.body.get(row.event_seq)?.body ?? '{}') as Record<string, unknown>,
    /** When the next delivery after `now` falls due (undefined when none). */
    nextDueAt: (now: number): number | undefined => q.nextAt.get(now)?.at ?? undefined,
    /** How many deliveries are due by `until`. */
    countDue: (until: number): number => q.countDue.get(until)?.n ?? 0,
    /** Records an attempt; returns what happened, or undefined if the registration is gone. */
    record: db.transaction((a: AttemptRecord): AttemptEvent | undefined => {
      const now = clock.now()
      const regId = a.unit[0].registration_id
      const reg = q.status.get(regId)
      if (!reg) return undefined // deleted while in flight
      const code = a.result.statusCode
      const ok = isSuccess(code)
      const retry = !ok && isRetryable(code)
      const nextAt = now + retryDelayMs(a.attempt, scale)
      const exhausted = retry && a.unit.some((r) => nextAt - r.first_at > giveUpMs)
      const outcome: DeliveryTrace['outcome'] = ok
        ? 'delivered'
        : !retry
          ? 'failed'
          : exhausted
            ? 'dropped'
            : 'retry_scheduled'
      const again = outcome === 'retry_scheduled'
      for (const r of a.unit) {
        q.setDelivery.run(
          again ? 'pending' : outcome,
          a.attempt,
          again ? nextAt : now,
          code,
          again ? null : now,
          r.delivery_id,
        )
      }
      updateHealth(regId, reg.status, ok, exhausted, now)
      const trace: DeliveryTrace = {
        trace_id: clock.id(),
        delivery_id: a.deliveryId,
        event_ids: a.unit.map((r) => r.event_id),
        event_code: a.unit[0].event_code,
        provider_id: a.unit[0].provider_id,
        attempt: a.attempt,
        timestamp: new Date(a.started).toISOString(),
        duration_ms: now - a.started,
        request: a.request,
        response: {
          status_code: code,
          ...(a.result.headers ? { headers: a.result.headers } : {}),
          ...trimBody(a.result.body),
          ...(a.result.activationId ? { activation_id: a.result.activationId } : {}),
          ...(a.result.error ? { error: a.result.error } : {}),
        },
        outcome,
        ...(again ? { next_attempt_at: new Date(nextAt).toISOString() } : {}),
      }
      traces.add(regId, now, trace)
      return {
        registrationId: regId,
        deliveryIds: a.unit.map((r) => r.delivery_id),
        eventIds: trace.event_ids,
        attempt: a.attempt,
        statusCode: code,
        outcome,
        at: now,
      }
    }),
  }
}
