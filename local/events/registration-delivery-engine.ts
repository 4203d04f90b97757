/**
 * I/O Events → registration delivery (not the app's webhook delivery in actions/lib/delivery):
 * delivers pending deliveries (one row per event × registration, written by ingress) to runtime
 * actions and webhooks with bounded concurrency; the ledger (registration-delivery-ledger.ts) applies I/O
 * Events' retry schedule and registration health and writes Debug Tracing.
 *
 * Why it is built this way:
 * - The schedule lives in SQLite (`deliveries.next_at`), not in timers, so pending retries survive
 *   a restart: on start the engine simply pumps whatever is due. One unref'd timer points at the
 *   next due row; it is cleared on close.
 * - A delivery stays `pending` while in flight; if the stack dies mid-attempt the event is
 *   delivered again after restart (at-least-once, as on Adobe). Results that arrive after close
 *   are discarded for the same reason.
 * - webhook_batch registrations have at most one POST in flight; events arriving meanwhile form
 *   the next batch (up to 100 events).
 */
import { EventEmitter } from 'node:events'
import type { RuntimeService } from '../runtime'
import type { EventsDeps } from './deps'
import { createDeliveryLedger, type AttemptEvent, type DueRow } from './registration-delivery-ledger'
import { deliverToAction, deliverToWebhook, type AttemptResult } from './registration-delivery-targets'
import { trimBody, type DeliveryTrace, type TraceStore } from './trace-store'

export type { AttemptEvent } from './registration-delivery-ledger'

/** Events per webhook_batch POST. */
const BATCH_MAX = 100

/** Creates the engine over the bookkeeping connection (`deps.db`); call `start()` once ready. */
export function createDeliveryEngine(
  deps: EventsDeps,
  runtime: RuntimeService,
  traces: TraceStore,
  options: { concurrency: number },
) {
  const { clock, config } = deps
  const ledger = createDeliveryLedger(deps.db, traces, clock, config.timeScale, deps.log)
  const emitter = new EventEmitter()
  const inflight = new Set<string>()
  const batching = new Set<string>()
  let running = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined

  const kick = (): void => {
    if (closed || immediate) return
    immediate = setImmediate(() => {
      immediate = undefined
      pump()
    })
  }

  const armTimer = (now: number): void => {
    if (timer) clearTimeout(timer)
    timer = undefined
    const at = ledger.nextDueAt(now)
    if (at === undefined || closed) return
    timer = setTimeout(
      () => {
        timer = undefined
        pump()
      },
      Math.min(Math.max(at - now, 0), 2 ** 31 - 1),
    )
    timer.unref()
  }

  /** Groups due rows into attempt units: one per delivery, or one batch per webhook_batch registration. */
  const unitsOf = (rows: DueRow[], free: number): DueRow[][] => {
    const units: DueRow[][] = []
    const batches = new Map<string, DueRow[]>()
    for (const row of rows) {
      const open = batches.get(row.registration_id)
      if (row.delivery_type === 'webhook_batch' && open) {
        if (open.length < BATCH_MAX) open.push(row)
        continue
      }
      if (units.length >= free) continue
      const unit = [row]
      units.push(unit)
      if (row.delivery_type === 'webhook_batch') batches.set(row.registration_id, unit)
    }
    return units
  }

  /**
   * Runs from timers and setImmediate, where a throw (e.g. SQLITE_BUSY) would be an uncaught
   * exception that takes the whole stack down: log it and look again a bit later instead.
   */
  function pump(): void {
    if (closed) return
    try {
      pumpDue()
    } catch (err) {
      deps.log(`events: delivery scheduling failed, retrying in 1 s: ${(err as Error).message}`)
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = undefined
        pump()
      }, 1000)
      timer.unref()
    }
  }

  /** Starts every due delivery the concurrency bound allows, then re-arms the timer. */
  function pumpDue(): void {
    const now = clock.now()
    const free = options.concurrency - running
    if (free > 0) {
      for (const unit of unitsOf(ledger.due(now, batching, inflight, free + BATCH_MAX), free)) {
        for (const r of unit) inflight.add(r.delivery_id)
        const batchOf = unit[0].delivery_type === 'webhook_batch' ? unit[0].registration_id : undefined
        if (batchOf) batching.add(batchOf)
        running++
        attempt(unit)
          .catch((err: Error) => deps.log(`events: delivery attempt failed unexpectedly: ${err.message}`))
          .finally(() => {
            for (const r of unit) inflight.delete(r.delivery_id)
            if (batchOf) batching.delete(batchOf)
            running--
            kick()
          })
      }
    }
    armTimer(now)
  }

  /** The event as the receiver gets it: the CloudEvent plus the ids I/O Events adds. */
  const payloadOf = (row: DueRow) => ({
    ...ledger.eventBody(row),
    event_id: row.event_id,
    recipient_client_id: row.client_id,
  })

  async function attempt(unit: DueRow[]): Promise<void> {
    const first = unit[0]
    const attemptNo = Math.max(...unit.map((r) => r.attempts)) + 1
    const single = unit.length === 1
    const deliveryId = single ? first.delivery_id : clock.id()
    const headers: Record<string, string> = {
      ...(single ? { 'x-adobe-event-code': first.event_code, 'x-adobe-event-id': first.event_id } : {}),
      'x-adobe-provider': `3rd_party_custom_events_${config.imsOrgId}_${first.provider_id}`,
      'x-adobe-delivery-id': deliveryId,
      'x-request-id': clock.id(),
      ...(attemptNo > 1 ? { 'x-adobe-retry-count': String(attemptNo - 1) } : {}),
    }
    const started = clock.now()
    let result: AttemptResult
    let request: DeliveryTrace['request']
    if (first.runtime_action) {
      const params = payloadOf(first)
      const body = trimBody(JSON.stringify(params))
      request = { target: 'runtime_action', action: first.runtime_action, method: 'POST', headers, ...body }
      result = await deliverToAction(runtime, first.runtime_action, { ...params, __adobe_headers: headers })
    } else {
      const sent = { 'content-type': 'application/json', 'user-agent': 'Adobe/1.0', ...headers }
      const body = JSON.stringify(
        first.delivery_type === 'webhook_batch' ? unit.map(payloadOf) : payloadOf(first),
      )
      request = {
        target: 'webhook',
        url: first.webhook_url!,
        method: 'POST',
        headers: sent,
        ...trimBody(body),
      }
      result = await deliverToWebhook(first.webhook_url!, sent, body)
    }
    if (closed) return // the stack is going down: leave it pending, it is delivered after restart
    const event = ledger.record({ unit, attempt: attemptNo, deliveryId, started, request, result })
    if (event) setImmediate(() => emitter.emit('attempt', event))
  }

  return {
    /** Resumes whatever is due (pending retries included) and arms the timer. */
    start: (): void => pump(),
    /** New deliveries were written: look at them now. */
    kick,
    /** Subscribes to attempt results. */
    onAttempt: (listener: (e: AttemptEvent) => void): (() => void) => {
      emitter.on('attempt', listener)
      return () => emitter.off('attempt', listener)
    },
    /** Resolves when nothing is in flight and nothing is due within `withinMs`. */
    async idle(withinMs = 1000, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (closed || (running === 0 && !immediate && ledger.countDue(clock.now() + withinMs) === 0)) return
        if (Date.now() > deadline) throw new Error(`events: deliveries still busy after ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    /** Stops scheduling; in-flight results are discarded (they stay pending in the database). */
    close(): void {
      closed = true
      if (timer) clearTimeout(timer)
      if (immediate) clearImmediate(immediate)
      timer = undefined
      immediate = undefined
      emitter.removeAllListeners()
    },
  }
}
