/**
 * Helpers for the Commerce sync tests: the app on a routing stack whose actions point at the local
 * Commerce (LOCAL_COMMERCE), back-office events published through the real I/O Events client, and
 * Commerce read back over its REST API (IMS bearer, as an admin tool would).
 */
import { randomUUID } from 'node:crypto'
import { cloudEvent, registrationFor, tracesOf, waitForAttempts, type RoutingStack } from './routing-harness'
import type { DeliveryTrace } from '../../local/events'
import { waitFor } from '../helpers/wait-for'

/** GET/POST/PUT/DELETE on the local Commerce REST API with the local IMS token; `{status, body}`. */
export async function commerce(rs: RoutingStack, method: string, path: string, body?: unknown) {
  const res = await fetch(`${rs.stack.commerce.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${rs.stack.config.imsToken}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

/** A local-only hook of the local Commerce (faults, orders). */
export async function commerceHook(rs: RoutingStack, method: string, hook: string, body?: unknown) {
  const res = await fetch(`${rs.stack.baseUrl}/commerce/_local/${hook}`, {
    method,
    headers: { authorization: `Bearer ${rs.stack.config.imsToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

/** Publishes a back-office event and answers its Debug Tracing entries once final (or `attempts` reached). */
export async function sendBackoffice(
  rs: RoutingStack,
  code: string,
  value: unknown,
  attempts = 1,
  /** Also wait through I/O Events retries (an overloaded machine can time an attempt out) until final. */
  final = false,
): Promise<{ id: string; traces: DeliveryTrace[] }> {
  const event = cloudEvent(rs, 'backoffice', code, value, randomUUID())
  const published = await rs.events.publishEvent(event)
  if (published !== 'OK') throw new Error(`publishEvent answered ${published}`)
  // Generous: the suite shares two CPUs with other work, and each event runs three actions.
  await waitForAttempts(rs, event.id, attempts, 240_000)
  if (final)
    await waitFor(
      () => (rs.attempts.get(event.id) ?? []).some((a) => a.outcome !== 'retry_scheduled'),
      240_000,
      'a final outcome',
    )
  return { id: event.id, traces: await tracesOf(rs, registrationFor(rs, code), event.id) }
}

/** `[attempt, status, outcome]` of each trace. */
export const outcomes = (traces: DeliveryTrace[]) =>
  traces.map((t) => [t.attempt, t.response.status_code, t.outcome])

/** The consumer's answer body (the handler response inside it) of a trace. */
export const answer = (t: DeliveryTrace) => JSON.parse(String(t.response.body))
