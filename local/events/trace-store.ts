/**
 * Debug Tracing: the last 100 delivery attempts per registration, kept 7 days, bodies trimmed to
 * 64 KB, exactly what the Developer Console's Debug Tracing tab shows.
 *
 * JSON served at `GET /events/{org}/{project}/{workspace}/registrations/{id}/tracing` (the
 * registration's `rel:trace` link) and `GET /events/tracing?registration=<id>` (both need
 * `Authorization: Bearer <token>`; the first also `x-api-key` and `x-ims-org-id`), `?limit=N` ≤ 100.
 * `GET /events/tracing` without `registration` answers `{"registrations": [<the object below>, …]}`
 * for every registration of the stack (what `npm run trace` and the admin UI list):
 *
 * ```
 * {
 *   "registration_id": "…", "name": "…", "status": "ACTIVE" | "UNSTABLE" | "DISABLED", "enabled": true,
 *   "delivery_type": "webhook", "runtime_action": "pkg/action" | undefined, "webhook_url": "…" | undefined,
 *   "traces": [                                  // newest first
 *     {
 *       "trace_id": "…",                         // one per attempt
 *       "delivery_id": "…",                      // same across retries of one event (x-adobe-delivery-id)
 *       "event_ids": ["…"],                      // CloudEvent ids (several for webhook_batch)
 *       "event_code": "…", "provider_id": "…",
 *       "attempt": 1,                            // 1 = first try; x-adobe-retry-count = attempt - 1
 *       "timestamp": "2026-01-05T10:00:00.000Z", "duration_ms": 12,
 *       "request":  { "target": "runtime_action" | "webhook", "action"?: "pkg/action", "url"?: "…",
 *                     "method": "POST", "headers": {…}, "body": "…", "body_truncated": false },
 *       "response": { "status_code": 200,        // HTTP code, or 601 client error / 602 network / 604 timeout
 *                     "headers"?: {…}, "body": "…", "body_truncated": false,
 *                     "activation_id"?: "…", "error"?: "why there was no HTTP answer" },
 *       "outcome": "delivered" | "retry_scheduled" | "failed" | "dropped",
 *       "next_attempt_at"?: "…"                  // when outcome is retry_scheduled
 *     }
 *   ]
 * }
 * ```
 * `failed` = a final (non-retried) status; `dropped` = retries exhausted after 24 h, or the
 * registration became DISABLED.
 */
import type { EventsDb } from './db'
import { TRACE_BODY_LIMIT } from './registration-delivery-targets'

/** One delivery attempt as Debug Tracing shows it. */
export interface DeliveryTrace {
  trace_id: string
  delivery_id: string
  event_ids: string[]
  event_code: string
  provider_id: string
  attempt: number
  timestamp: string
  duration_ms: number
  request: {
    target: 'runtime_action' | 'webhook'
    action?: string
    url?: string
    method: 'POST'
    headers: Record<string, string>
    body: string
    body_truncated: boolean
  }
  response: {
    status_code: number
    headers?: Record<string, string>
    body: string
    body_truncated: boolean
    activation_id?: string
    error?: string
  }
  outcome: 'delivered' | 'retry_scheduled' | 'failed' | 'dropped'
  next_attempt_at?: string
}

/** Traces kept per registration, and for how long. */
export const TRACE_POLICY = { perRegistration: 100, retentionMs: 7 * 24 * 3600_000 } as const

/** Trims a body to the 64 KB Debug Tracing keeps. */
export function trimBody(text: string): { body: string; body_truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= TRACE_BODY_LIMIT) return { body: text, body_truncated: false }
  return { body: bytes.subarray(0, TRACE_BODY_LIMIT).toString('utf8'), body_truncated: true }
}

/** Creates the trace store. */
export function createTraceStore(db: EventsDb) {
  const insert = db.prepare('INSERT INTO traces (registration_id, at, trace) VALUES (?, ?, ?)')
  const prune = db.prepare(
    `DELETE FROM traces WHERE registration_id = ? AND seq <= (
       SELECT seq FROM traces WHERE registration_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  )
  const list = db.prepare<[string, number, number], { trace: string }>(
    'SELECT trace FROM traces WHERE registration_id = ? AND at >= ? ORDER BY seq DESC LIMIT ?',
  )
  const expire = db.prepare('DELETE FROM traces WHERE at < ?')
  return {
    /** Stores a trace and keeps only the newest 100 of its registration (call inside a transaction). */
    add(registrationId: string, at: number, trace: DeliveryTrace): void {
      insert.run(registrationId, at, JSON.stringify(trace))
      prune.run(registrationId, registrationId, TRACE_POLICY.perRegistration)
    },
    /** Newest first, at most `limit` (≤ 100), none older than 7 days. */
    list(registrationId: string, now: number, limit: number = TRACE_POLICY.perRegistration): DeliveryTrace[] {
      const n = Math.min(Math.max(limit, 1), TRACE_POLICY.perRegistration)
      return list
        .all(registrationId, now - TRACE_POLICY.retentionMs, n)
        .map((r) => JSON.parse(r.trace) as DeliveryTrace)
    },
    /** Drops traces past retention. */
    expire(now: number): void {
      expire.run(now - TRACE_POLICY.retentionMs)
    },
  }
}

/** The trace store. */
export type TraceStore = ReturnType<typeof createTraceStore>
