/**
 * Harness for the routing integration tests and the routing benchmark: the app's own manifest on
 * a test stack (env drives `$VAR` substitution as `.env` does), onboarding through the project's
 * own `reconcile` with the real `@adobe/aio-lib-events` client, publishing CloudEvents, Debug
 * Tracing over HTTP, and activations through the real `openwhisk` client.
 */
import { randomUUID } from 'node:crypto'
import openwhisk from 'openwhisk'
import { startTestStack, type TestStack } from '../helpers/stack'
import { onboard } from '../../onboarding/onboard'
import { localCommerce } from '../../onboarding/commerce-connection'
import { connectLocal } from '../../onboarding/events-client'
import { localWorkspace } from '../../local/stack-config'
import { eventRegistry, type ProviderKey } from '../../actions/lib/event-registry'
import type { AttemptEvent, DeliveryTrace } from '../../local/events'
import type { StackConfig } from '../../local/stack-config'

/** Developer Console coordinates of the onboarded workspace. */
/** The local workspace the stack's actions and onboarding share. */
export const WS = localWorkspace({})
export const API_KEY = WS.apiKey

/** The `@adobe/aio-lib-events` client (untyped JS library). */

export type EventsClient = any

/** An activation record as the REST API returns it. */
export interface Activation {
  activationId: string
  name: string
  logs: string[]
  response: { status: string; success: boolean; result: Record<string, unknown> }
}

/** A stack with the app onboarded and its clients. */
export interface RoutingStack {
  stack: TestStack
  events: EventsClient
  ow: ReturnType<typeof openwhisk>
  providerIds: Record<ProviderKey, string>
  /** Registration ids by name (`event-hub-<entity>-<provider>`, plus any the test adds). */
  registrations: Map<string, string>
  /** Delivery attempts seen so far, by event id (one listener for the whole stack). */
  attempts: Map<string, AttemptEvent[]>
  close(): Promise<void>
}

/**
 * Starts the app's stack with `env` and onboards providers, metadata and consumer registrations,
 * and the local Commerce's eventing (so it sends the subscribed Commerce events), as `npm start` does.
 */
export async function startRoutingStack(
  env: NodeJS.ProcessEnv = {},
  config: Partial<StackConfig> = {},
): Promise<RoutingStack> {
  const stack = await startTestStack({
    env: { LOG_LEVEL: 'info', ...env },
    config: { timeScale: 120, ...config },
  })
  try {
    const conn = await connectLocal(
      { baseUrl: stack.baseUrl, imsToken: stack.config.imsToken, imsOrgId: stack.config.imsOrgId },
      env,
    )
    const events = conn.client as any
    const result = await onboard(conn, localCommerce(stack.baseUrl, stack.config.imsToken, env))
    const ow = openwhisk({
      apihost: stack.baseUrl,
      api_key: stack.config.auth,
      namespace: stack.config.namespace,
    })
    const attempts = new Map<string, AttemptEvent[]>()
    const off = stack.events.onAttempt((a) => {
      for (const id of a.eventIds) attempts.set(id, [...(attempts.get(id) ?? []), a])
    })
    const rs: RoutingStack = {
      stack,
      events,
      ow,
      providerIds: result.providerIds as Record<ProviderKey, string>,
      registrations: new Map(),
      attempts,
      close: async () => {
        off()
        await stack.close()
      },
    }
    await refreshRegistrations(rs)
    return rs
  } catch (err) {
    await stack.close()
    throw err
  }
}

/** Re-reads the workspace's registrations (after a test creates one). */
export async function refreshRegistrations(rs: RoutingStack): Promise<void> {
  const all = await rs.events.getAllRegistrationsForWorkspace(WS.consumerOrgId, WS.projectId, WS.workspaceId)
  for (const r of all._embedded?.registrations ?? []) rs.registrations.set(r.name, r.registration_id)
}

/** The onboarded registration that receives `code`. */
export function registrationFor(rs: RoutingStack, code: string): string {
  const def = eventRegistry.get(code)
  if (!def) throw new Error(`unknown code ${code}`)
  const id = rs.registrations.get(`event-hub-${def.entity}-${def.provider}`)
  if (!id) throw new Error(`no registration for ${code}`)
  return id
}

/** A CloudEvent from `provider`, valid by default. */
export function cloudEvent(
  rs: RoutingStack,
  provider: ProviderKey,
  type: string,
  data: unknown,
  id = randomUUID(),
) {
  return {
    specversion: '1.0',
    id,
    source: `urn:uuid:${rs.providerIds[provider]}`,
    type,
    datacontenttype: 'application/json',
    data,
  }
}

/** Waits until `eventId` has `attempts` attempts, or a final outcome, on its registration. */
export async function waitForAttempts(
  rs: RoutingStack,
  eventId: string,
  attempts = 1,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const seen = rs.attempts.get(eventId) ?? []
    if (seen.length >= attempts || seen.some((a) => a.outcome !== 'retry_scheduled')) return
    if (Date.now() > deadline)
      throw new Error(`event ${eventId}: ${seen.length} attempt(s) after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Publishes with the real client and waits for the delivery attempts. */
export async function publishAndWait(rs: RoutingStack, event: { id: string }, attempts = 1): Promise<void> {
  const answer = await rs.events.publishEvent(event)
  if (answer !== 'OK')
    throw new Error(
      `publishEvent answered ${answer} (no registration wants ${JSON.stringify(event).slice(0, 80)})`,
    )
  await waitForAttempts(rs, event.id, attempts)
}

/** Debug Tracing entries of `eventId`, oldest attempt first, read over HTTP like the Console does. */
export async function tracesOf(
  rs: RoutingStack,
  registrationId: string,
  eventId: string,
): Promise<DeliveryTrace[]> {
  const res = await fetch(`${rs.stack.baseUrl}/events/tracing?registration=${registrationId}`, {
    headers: { authorization: `Bearer ${rs.stack.config.imsToken}` },
  })
  if (res.status !== 200) throw new Error(`tracing answered ${res.status}`)
  const body = (await res.json()) as { traces: DeliveryTrace[] }
  return body.traces.filter((t) => t.event_ids.includes(eventId)).reverse()
}

/** An activation record by id (logs included). */
export async function activation(rs: RoutingStack, activationId: string): Promise<Activation> {
  return (await rs.ow.activations.get({ name: activationId })) as unknown as Activation
}

/** The handler activation the consumer logged for this event (its `activationId` log field). */
export async function handlerActivationOf(rs: RoutingStack, consumer: Activation): Promise<Activation> {
  const ids = consumer.logs
    .map((l) => /"activationId":"([0-9a-f]+)"/.exec(l)?.[1])
    .filter(Boolean) as string[]
  if (ids.length !== 1)
    throw new Error(`consumer ${consumer.activationId} logged ${ids.length} handler activation ids`)
  return activation(rs, ids[0])
}

/** Activations of `action` (`pkg/name`) whose logs mention `needle` (the correlation id), newest first. */
export async function activationsMentioning(
  rs: RoutingStack,
  action: string,
  needle: string,
  limit = 200,
): Promise<Activation[]> {
  const list = (await rs.ow.activations.list({ name: action, limit, docs: true })) as unknown as Activation[]
  return list.filter((a) => (a.logs ?? []).some((l) => l.includes(needle)))
}
