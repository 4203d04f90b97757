/**
 * The ingestion core: validated back-office events → deduplicated → published to the
 * `backoffice` I/O Events provider. Platform-agnostic: everything it touches is injected.
 *
 * Per event: already published within 24 h (an `idem.` key) → "Duplicate ignored"; otherwise
 * publish the CloudEvent, then remember the uid. The key is written only after ingress accepted
 * the event, so a failed publish is retried by the caller and never half-done. In a batch every
 * item is independent: valid items are published even when others are invalid, and the outcome
 * of each is reported.
 *
 * Time: the request never meets the platform's 60 s web-action wait (past it the caller gets a
 * 202 and nothing tells it whether the event was published). With a `budget`, a step starts only
 * when it can finish in time; an event that could not be published answers 503 with Retry-After,
 * and was not published at all.
 */
import type { Clock } from '../../lib/clock'
import { mapBounded } from '../../lib/bounded-concurrency'
import { HttpError, UpstreamError, ValidationError, causeChain } from '../../lib/errors'
import type { IdempotencyStore } from '../../lib/idempotency-store'
import type { IoEventsIngressClient, PublishOutcome } from '../../lib/io-events-ingress-client'
import type { Logger } from '../../lib/logger'
import type { ProviderResolver } from '../../lib/provider-resolver'
import { buildCloudEvent, eventIdFor } from './cloud-event'
import { validateRequest, type ValidationDeps, type ValidEvent } from './validate'

/** Everything the core needs. */
export interface IngestDeps extends ValidationDeps {
  idempotency: IdempotencyStore
  publisher: Pick<IoEventsIngressClient, 'publish'>
  providers: ProviderResolver
  clock: Pick<Clock, 'now'>
  logger: Logger
  /** Parallel publishes within a batch (default 25: 100 items × 8–10 s worst case stays under 60 s). */
  concurrency?: number
  /**
   * The request's time budget: `until` (epoch ms) by which every started step has finished, and
   * `publishMs`, the longest one publish can take (the ingress client's timeout). A publish is only
   * started when it can finish before `until`; the others answer 503 "retry" and are not published
   * (default: no bound, for scripts and unit tests that do not care).
   */
  budget?: { until: number; publishMs: number }
}

/** 503 of an event the request had no time left to publish (answered with Retry-After). */
export class OutOfTimeError extends HttpError {
  constructor() {
    super(
      503,
      'Not published: the request ran out of time before this event could be published; re-send it (nothing was published for it)',
    )
    this.expose = true
  }
}

/** A handled event: published, published without a consumer, or recognised as a duplicate. */
export interface HandledOutcome {
  index: number
  uid: string
  type: string
  eventId: string
  status: PublishOutcome | 'duplicate'
}

/** An event that was not published; `error.statusCode` says whether retrying can help. */
export interface FailedOutcome {
  index: number
  uid?: string
  type?: string
  status: 'failed'
  error: HttpError
}

/** Outcome of one event of the request. */
export type ItemOutcome = HandledOutcome | FailedOutcome

/** Outcome of a request, one entry per event in request order. */
export interface IngestResult {
  batch: boolean
  outcomes: ItemOutcome[]
}

/** Any thrown value as an HttpError (unknown failures of a dependency are retryable 503s). */
function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err
  const e = new UpstreamError('Publishing to Adobe I/O Events failed; retry later', 503, err)
  e.expose = true
  return e
}

/**
 * Ingests one request body (already parsed JSON, already authenticated).
 * @throws ValidationError when the envelope is invalid, or a single event is invalid
 * @throws HttpError (exposed 500) when the backoffice provider does not exist
 */
export async function ingest(doc: unknown, deps: IngestDeps): Promise<IngestResult> {
  const parsed = validateRequest(doc, deps)
  const envelope = parsed.invalid.find((i) => i.index < 0)
  if (envelope) throw new ValidationError(`Invalid request: ${envelope.issues.join('; ')}`, envelope.issues)
  if (!parsed.batch && parsed.invalid.length) {
    const issues = parsed.invalid[0].issues
    throw new ValidationError(`Invalid event: ${issues.join('; ')}`, issues)
  }

  const outcomes = new Map<number, ItemOutcome>()
  for (const bad of parsed.invalid) {
    outcomes.set(bad.index, {
      index: bad.index,
      uid: bad.uid,
      type: bad.type,
      status: 'failed',
      error: new ValidationError(bad.issues.join('; '), bad.issues),
    })
  }

  // The same uid twice in one request is one event: only its first occurrence is processed.
  const firstByUid = new Map<string, ValidEvent>()
  const repeats: ValidEvent[] = []
  for (const ev of parsed.valid) {
    if (firstByUid.has(ev.uid)) repeats.push(ev)
    else firstByUid.set(ev.uid, ev)
  }

  const concurrency = deps.concurrency ?? 25
  const budget = deps.budget
  /** True when a step that takes up to `ms` can still finish within the budget. */
  const fits = (ms: number): boolean => !budget || deps.clock.now() + ms <= budget.until
  const outOfTime = (ev: ValidEvent): void => {
    outcomes.set(ev.index, {
      index: ev.index,
      uid: ev.uid,
      type: ev.type,
      status: 'failed',
      error: new OutOfTimeError(),
    })
  }
  const toPublish: ValidEvent[] = []
  await mapBounded([...firstByUid.values()], concurrency, async (ev) => {
    if (!fits(budget?.publishMs ?? 0)) return outOfTime(ev)
    let seen = false
    try {
      seen = (await deps.idempotency.get(ev.uid)) !== undefined
    } catch (err) {
      // Best effort: State being down must not stop ingestion; the deterministic id protects consumers.
      deps.logger.warn('idempotency check failed; publishing anyway', { uid: ev.uid, error: String(err) })
    }
    if (seen)
      outcomes.set(ev.index, {
        index: ev.index,
        uid: ev.uid,
        type: ev.type,
        eventId: eventIdFor(ev.uid),
        status: 'duplicate',
      })
    else toPublish.push(ev)
  })

  if (toPublish.length) {
    if (!fits(budget?.publishMs ?? 0)) {
      for (const ev of toPublish) outOfTime(ev)
      toPublish.length = 0
    }
    const providerId = toPublish.length ? await deps.providers.resolve('backoffice') : ''
    await mapBounded(toPublish, concurrency, async (ev) => {
      // Never start a publish that could outlive the budget: it would be answered 503 while it
      // may still reach I/O Events (the caller's re-send would then publish the same id twice).
      if (!fits(budget?.publishMs ?? 0)) return outOfTime(ev)
      const now = deps.clock.now()
      const cloudEvent = buildCloudEvent({ uid: ev.uid, type: ev.type, value: ev.value, providerId, now })
      let status: PublishOutcome
      try {
        status = await deps.publisher.publish(cloudEvent)
      } catch (err) {
        const error = asHttpError(err)
        deps.logger.error('publish failed', {
          uid: ev.uid,
          type: ev.type,
          eventId: cloudEvent.id,
          error: causeChain(error).join(' <- '),
        })
        outcomes.set(ev.index, { index: ev.index, uid: ev.uid, type: ev.type, status: 'failed', error })
        return
      }
      outcomes.set(ev.index, { index: ev.index, uid: ev.uid, type: ev.type, eventId: cloudEvent.id, status })
      try {
        await deps.idempotency.remember(ev.uid, { id: cloudEvent.id, type: ev.type, at: now })
      } catch (err) {
        // Published already: reporting a failure would make the caller re-send a delivered event.
        deps.logger.warn(
          'could not record the published uid; a re-send would publish it again (same event id)',
          {
            uid: ev.uid,
            error: String(err),
          },
        )
      }
    })
  }

  for (const ev of repeats) {
    const first = outcomes.get(firstByUid.get(ev.uid)!.index)!
    outcomes.set(
      ev.index,
      first.status === 'failed'
        ? { ...first, index: ev.index, type: ev.type }
        : { index: ev.index, uid: ev.uid, type: ev.type, eventId: first.eventId, status: 'duplicate' },
    )
  }
  return { batch: parsed.batch, outcomes: [...outcomes.values()].sort((a, b) => a.index - b.index) }
}
