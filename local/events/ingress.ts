/**
 * `POST /ingress`: I/O Events publishing (https://eventsingress.adobe.io), what
 * `@adobe/aio-lib-events` `publishEvent()` calls through `eventsIngressURL`.
 *
 * - Content-Type must be `application/cloudevents+json` (415 otherwise); body ≤ 1 MB (413; Adobe does
 *   not publish its limit, 1 MB is what a Runtime action can receive as params).
 * - CloudEvents 1.0: `specversion` "1.0", non-empty `id`, `source` = `urn:uuid:<provider id>` of an
 *   existing provider, `type` = an event code defined on that provider; optional `time` (RFC 3339)
 *   and `datacontenttype` (only application/json is accepted, as documented). 400 names the problem.
 * - 3,000 requests / 5 s per `x-api-key` → 429 with `Retry-After`.
 * - 200 `OK` when at least one enabled registration wants the event, 204 when none does.
 * - `source` + `id` already seen: accepted (same status) but not fanned out again.
 * - Durability: the event, its deliveries and journal entries are committed (fsynced) in one
 *   transaction before the reply is written.
 */
import { parseJson, readBody, sendEmpty, StackHttpError } from '../http-kit'
import type { EventsDeps } from './deps'
import { createRateLimiter } from './rate-limiter'
import type { RouteContext } from './router'

/** Ingress limits. */
const INGRESS_POLICY = { maxBytes: 1024 * 1024, throttleLimit: 3000, throttleWindowMs: 5000 } as const

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i
const SOURCE = /^urn:uuid:(.+)$/

/** A validated CloudEvent. */
export interface CloudEvent {
  specversion: '1.0'
  id: string
  source: string
  type: string
  [attribute: string]: unknown
}

/** Validates a CloudEvents 1.0 JSON body (structure only; provider checks are the caller's). */
function validateCloudEvent(body: unknown): CloudEvent {
  if (body === undefined) throw new StackHttpError(400, 'empty body: a CloudEvent JSON object is required')
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new StackHttpError(400, 'the body must be a single CloudEvent JSON object')
  }
  const ce = body as Record<string, unknown>
  const nonEmpty = (name: string) => {
    if (typeof ce[name] !== 'string' || ce[name].trim() === '') {
      throw new StackHttpError(
        400,
        `CloudEvent attribute "${name}" is required and must be a non-empty string`,
      )
    }
  }
  if (ce.specversion !== '1.0')
    throw new StackHttpError(400, 'CloudEvent attribute "specversion" must be "1.0"')
  for (const name of ['id', 'source', 'type']) nonEmpty(name)
  if (
    ce.time !== undefined &&
    (typeof ce.time !== 'string' || !RFC3339.test(ce.time) || Number.isNaN(Date.parse(ce.time)))
  ) {
    throw new StackHttpError(400, 'CloudEvent attribute "time" must be an RFC 3339 timestamp')
  }
  if (
    ce.datacontenttype !== undefined &&
    !(typeof ce.datacontenttype === 'string' && /^application\/json\s*(;.*)?$/i.test(ce.datacontenttype))
  ) {
    throw new StackHttpError(400, 'CloudEvent attribute "datacontenttype" must be application/json')
  }
  if (ce.data_base64 !== undefined)
    throw new StackHttpError(400, 'data_base64 is not accepted: send JSON in "data"')
  for (const name of ['subject', 'dataschema']) {
    if (ce[name] !== undefined && typeof ce[name] !== 'string') {
      throw new StackHttpError(400, `CloudEvent attribute "${name}" must be a string`)
    }
  }
  return ce as CloudEvent
}

/** Builds the ingress handler; `onAccepted` wakes the delivery engine. */
export function createIngress(deps: EventsDeps, onAccepted: () => void) {
  const { db, store, clock } = deps
  // The window follows the stack's time scale like every other emulated duration: a scaled-up
  // test stack (fast retries) barely throttles, and a test of the throttle itself slows the
  // window (scale < 1) so that it does not depend on how fast the machine can send 3,000 requests.
  const scale = deps.config.timeScale > 0 ? deps.config.timeScale : 1
  const limiter = createRateLimiter(
    INGRESS_POLICY.throttleLimit,
    INGRESS_POLICY.throttleWindowMs / scale,
    () => clock.now(),
  )
  const q = {
    insertEvent: db.prepare(
      `INSERT OR IGNORE INTO events (source, event_id, provider_id, event_code, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    wanting: db.prepare<[string, string], { registration_id: string; delivery_type: string }>(
      `SELECT r.registration_id, r.delivery_type FROM registration_events re
       JOIN registrations r ON r.registration_id = re.registration_id
       WHERE re.provider_id = ? AND re.event_code = ? AND r.enabled = 1 AND r.status != 'DISABLED'`,
    ),
    journal: db.prepare('INSERT INTO journal (registration_id, event_seq, at) VALUES (?, ?, ?)'),
    delivery: db.prepare(
      `INSERT INTO deliveries (delivery_id, registration_id, event_seq, state, attempts, first_at, next_at)
       VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
    ),
  }

  /** Stores the event and fans it out; returns whether any registration wants it. */
  const acceptOne = (ce: CloudEvent, providerId: string, now: number): boolean => {
    const regs = q.wanting.all(providerId, ce.type)
    const stored = { ...ce, time: ce.time ?? new Date(now).toISOString() }
    const res = q.insertEvent.run(ce.source, ce.id, providerId, ce.type, JSON.stringify(stored), now)
    if (res.changes === 0) return regs.length > 0 // duplicate source+id: already fanned out
    const seq = Number(res.lastInsertRowid)
    for (const r of regs) {
      q.journal.run(r.registration_id, seq, now)
      if (r.delivery_type !== 'journal') q.delivery.run(clock.id(), r.registration_id, seq, now, now)
    }
    return regs.length > 0
  }

  /**
   * Group commit: publishes that arrive in the same event-loop turn share one transaction, hence
   * one fsync, and each is answered only after that commit. Throughput scales with concurrency
   * while every acknowledgement stays durable.
   */
  type Pending = {
    ce: CloudEvent
    providerId: string
    resolve: (wanted: boolean) => void
    reject: (e: unknown) => void
  }
  let queue: Pending[] = []
  const commit = db.transaction((items: Pending[], now: number) =>
    items.map((it) => acceptOne(it.ce, it.providerId, now)),
  )
  const flush = (): void => {
    const items = queue
    queue = []
    try {
      const wanted = commit(items, clock.now())
      items.forEach((it, i) => it.resolve(wanted[i]))
    } catch (err) {
      for (const it of items) it.reject(err)
    }
  }
  const accept = (ce: CloudEvent, providerId: string): Promise<boolean> =>
    new Promise((resolve, reject) => {
      if (queue.push({ ce, providerId, resolve, reject }) === 1) setImmediate(flush)
    })

  return async ({ req, res, apiKey }: RouteContext): Promise<void> => {
    const decision = limiter.check(apiKey)
    if (!decision.allowed) {
      req.resume()
      throw new StackHttpError(429, 'too many requests: 3,000 per 5 seconds per API key', {
        'retry-after': String(decision.retryAfterSeconds),
      })
    }
    const type = String(req.headers['content-type'] ?? '')
    if (!/^application\/cloudevents\+json\s*(;.*)?$/i.test(type)) {
      req.resume()
      throw new StackHttpError(415, 'Content-Type must be application/cloudevents+json')
    }
    // The event's data is the provider's opaque payload: I/O Events accepts and delivers any JSON,
    // prototype-named keys included, so they are kept (as own fields); nesting is bounded.
    const body = await readBody(req, INGRESS_POLICY.maxBytes)
    const ce = validateCloudEvent(parseJson(body, { prototypeKeys: 'keep' }))
    const providerId = SOURCE.exec(ce.source)?.[1]
    if (!providerId) throw new StackHttpError(400, 'CloudEvent "source" must be urn:uuid:<provider id>')
    if (!store.provider(providerId))
      throw new StackHttpError(400, `unknown provider ${providerId} in "source"`)
    if (!store.metadata(providerId, ce.type)) {
      throw new StackHttpError(400, `event code ${ce.type} is not defined on provider ${providerId}`)
    }
    const wanted = await accept(ce, providerId)
    if (!wanted) return sendEmpty(res, 204)
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
    res.end('OK')
    onAccepted()
  }
}
