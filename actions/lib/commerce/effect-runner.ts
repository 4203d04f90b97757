/**
 * Runs an entity's declared Commerce effect for one event (the pipeline's Commerce step):
 * back-office codes → the declared REST call, with at-least-once handling (404 on a delete,
 * "already exists" on a create) and an echo mark; Commerce codes → the echo check.
 *
 * Status semantics (they reach I/O Events and Debug Tracing through the consumer): Commerce 2xx →
 * applied (the pipeline goes on to the subscribers); Commerce 4xx → the same 4xx with Commerce's
 * message, never retried; 429 → 503, 5xx → 502, timeout → 504, network → 502, so I/O Events retries.
 */
import type { Logger } from '../logger'
import type { CommerceClient, CommerceResponse } from './commerce-client'
import { fillPath, type CommerceCall, type CommerceEffect, type EventValue } from './effect-declaration'
import type { EchoGuard } from './echo-guard'

/** What the Commerce step decided. */
export type EffectOutcome =
  | {
      kind: 'applied'
      message: string
      /** The id Commerce assigned to a created entity (effects declaring `assignedId`). */
      assignedId?: string
    }
  /** An echo of our own change: answered 200 and not propagated. */
  | { kind: 'skipped'; message: string }
  | { kind: 'failed'; statusCode: number; message: string }

/** The event as the Commerce step sees it. */
export interface EffectEvent {
  id: string
  type: string
  entity: string
  /** The validated event data. */
  value: EventValue
}

/** The pipeline's Commerce dependency. */
export interface CommerceEffects {
  apply(effect: CommerceEffect, event: EffectEvent): Promise<EffectOutcome>
}

/** The handler status for a failed Commerce call. */
function handlerStatus(commerceStatus: number): number {
  if (commerceStatus === 429) return 503
  if (commerceStatus === 504) return 504
  if (commerceStatus >= 500) return 502
  if (commerceStatus >= 400) return commerceStatus
  return 502 // 1xx/3xx: not a Commerce answer we understand; retryable
}

const ok = (r: CommerceResponse): boolean => r.status >= 200 && r.status < 300

/** Creates the Commerce step. */
export function createCommerceEffects(deps: {
  client: CommerceClient
  echo: EchoGuard
  logger: Logger
}): CommerceEffects {
  const { client, echo, logger } = deps

  const send = (call: CommerceCall, value: EventValue): Promise<CommerceResponse> => {
    const path = fillPath(call.path, call.params?.(value))
    return client.request(call.method, path, call.body?.(value))
  }
  const label = (call: CommerceCall, value: EventValue): string =>
    `${call.method} ${fillPath(call.path, call.params?.(value))}`

  const failed = (what: string, r: CommerceResponse): EffectOutcome => {
    const statusCode = handlerStatus(r.status)
    const message = `Commerce ${what} failed (${r.status}): ${r.message ?? 'no message'}`
    if (statusCode >= 500)
      logger.error('commerce call failed; I/O Events will retry', {
        call: what,
        status: r.status,
        message: r.message,
        attempts: r.attempts,
      })
    else logger.warn('commerce rejected the change', { call: what, status: r.status, message: r.message })
    return { kind: 'failed', statusCode, message }
  }

  async function run(effect: CommerceEffect, call: CommerceCall, event: EffectEvent): Promise<EffectOutcome> {
    const what = label(call, event.value)
    let r = await send(call, event.value)
    if (r.status === 404 && effect.missingIsApplied) {
      logger.info('commerce: already applied (target gone)', { call: what })
      return { kind: 'applied', message: `Commerce ${what}: already applied (not found)` }
    }
    const exists = effect.onExists
    if (r.status === 400 && exists && exists.when.test(r.message ?? '')) {
      // A redelivered (or re-sent) create: the entity exists, so the change becomes an update.
      const found = await send(exists.lookup, event.value)
      if (!ok(found)) return failed(label(exists.lookup, event.value), found)
      const id = exists.id(found.body)
      if (id === undefined) return failed(what, r)
      const withId: Record<string, unknown> = { ...(event.value as Record<string, unknown>), id }
      const update = label(exists.then, withId)
      r = await send(exists.then, withId)
      if (!ok(r)) return failed(update, r)
      logger.info('commerce: create of an existing entity applied as an update', { call: update })
      return {
        kind: 'applied',
        message: `Commerce ${update} (already existed: updated)`,
        ...(effect.assignedId && { assignedId: String(id) }),
      }
    }
    if (!ok(r)) return failed(what, r)
    logger.info('commerce change applied', { call: what, status: r.status, attempts: r.attempts })
    const assigned = effect.assignedId?.(r.body)
    return {
      kind: 'applied',
      message: `Commerce ${what} ${r.status}`,
      ...(assigned !== undefined && assigned !== null && assigned !== '' && { assignedId: String(assigned) }),
    }
  }

  return {
    async apply(effect, event) {
      if (!effect.call) {
        if (!effect.echo) return { kind: 'applied', message: 'no Commerce effect' }
        const of = await echo.echoOf(event.entity, effect.echo, event.value)
        if (!of) return { kind: 'applied', message: 'not an echo' }
        logger.info('echo of a change we applied to Commerce: skipped', { echoOf: of, type: event.type })
        return { kind: 'skipped', message: `skipped: echo of ${of}` }
      }
      const out = await run(effect, effect.call, event)
      if (out.kind === 'applied' && effect.echo)
        await echo.mark(event.entity, effect.echo, event.value, event.id)
      return out
    },
  }
}
