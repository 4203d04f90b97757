/**
 * Harness for the ingestion webhook integration tests: the app's own manifest on a test stack
 * (env drives `$VAR` substitution, as `.env` does for `npm start`), the real
 * `@adobe/aio-lib-events` client to onboard the `backoffice` provider and to read a journal
 * registration, the real `@adobe/aio-lib-state` client to inspect `idem.` keys, and plain
 * `fetch` to the web action URL. Builders are valid by default.
 */
import { randomUUID } from 'node:crypto'
import { startTestStack, type TestStack } from '../helpers/stack'
import { stateClient } from '../helpers/state-client'
import { signHeaders } from '../../actions/lib/webhook-signature'
import { eventRegistry } from '../../actions/lib/event-registry'
import { providerLabel } from '../../actions/lib/provider-resolver'
import type { StackConfig } from '../../local/stack-config'
export { waitFor } from '../helpers/wait-for'

/** The ingestion secret the tests configure, and a previous one (rotation). */
export const SECRET = 'whsec_' + Buffer.alloc(32, 21).toString('base64')
export const PREVIOUS_SECRET = 'whsec_' + Buffer.alloc(48, 42).toString('base64')

/** Developer Console coordinates of the test workspace; IO_CONSUMER_ID is what the action lists providers of. */
export const WS = {
  org: 'ingestion-test-org',
  project: 'ingestion-project',
  workspace: 'ingestion-workspace',
} as const
const API_KEY = 'ingestion-test-client'

/** The back-office event codes (what the provider must define). */
export const BACKOFFICE_CODES = eventRegistry.byProvider('backoffice').map((d) => d.code)

/** The `@adobe/aio-lib-events` client (untyped JS library). */

export type EventsClient = any

/** A running stack with the app and its clients. */
export interface IngestionStack {
  stack: TestStack
  /** `…/api/v1/web/<ns>/ingestion/webhook`. */
  url: string
  events: EventsClient
  close(): Promise<void>
}

/** Env for the app's `$VAR`s: hmac with SECRET and PREVIOUS_SECRET unless overridden. */
export function ingestionEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    INGESTION_AUTH: 'hmac',
    INGESTION_SECRET: SECRET,
    INGESTION_SECRETS_PREVIOUS: PREVIOUS_SECRET,
    IO_CONSUMER_ID: WS.org,
    OAUTH_CLIENT_ID: API_KEY,
    LOG_LEVEL: 'error',
    ...overrides,
  }
}

/** Starts the app's stack with `env` (see `ingestionEnv`). */
export async function startIngestionStack(
  env: NodeJS.ProcessEnv = ingestionEnv(),
  config: Partial<StackConfig> = {},
): Promise<IngestionStack> {
  const stack = await startTestStack({ env, config })
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { init } = require('@adobe/aio-lib-events')
    const events = await init(stack.config.imsOrgId, API_KEY, stack.config.imsToken, {
      eventsBaseURL: stack.baseUrl,
      eventsIngressURL: `${stack.baseUrl}/ingress`,
    })
    const url = `${stack.baseUrl}/api/v1/web/${stack.config.namespace}/ingestion/webhook`
    return { stack, url, events, close: () => stack.close() }
  } catch (err) {
    await stack.close()
    throw err
  }
}

/** What `npm run onboard` does for ingestion: the backoffice provider with its event codes. Returns its id. */
export async function onboardBackoffice(
  events: EventsClient,
  codes: string[] = BACKOFFICE_CODES,
): Promise<string> {
  const provider = await events.createProvider(WS.org, WS.project, WS.workspace, {
    label: providerLabel('backoffice'),
    description: 'back-office events',
  })
  for (const code of codes) {
    await events.createEventMetadataForProvider(WS.org, WS.project, WS.workspace, provider.id, {
      event_code: code,
      label: code,
      description: code,
    })
  }
  return provider.id as string
}

/** Adds one event code to a provider (onboarding a code later). */
export async function addEventCode(events: EventsClient, providerId: string, code: string): Promise<void> {
  await events.createEventMetadataForProvider(WS.org, WS.project, WS.workspace, providerId, {
    event_code: code,
    label: code,
    description: code,
  })
}

/** Creates a journal registration for `codes`; returns its journal URL. */
export async function journalFor(
  events: EventsClient,
  providerId: string,
  codes: string[] = BACKOFFICE_CODES,
): Promise<string> {
  const reg = await events.createRegistration(WS.org, WS.project, WS.workspace, {
    name: `journal-${randomUUID()}`,
    description: 'observes published back-office events',
    client_id: API_KEY,
    delivery_type: 'journal',
    events_of_interest: codes.map((event_code) => ({ provider_id: providerId, event_code })),
  })
  return reg.events_url as string
}

/** Every CloudEvent in a journal, oldest first. */
export async function journalEvents(
  events: EventsClient,
  journalUrl: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  let since: string | undefined
  for (let page = 0; page < 50; page++) {
    const res = await events.getEventsFromJournal(journalUrl, since ? { since, limit: 100 } : { limit: 100 })
    const batch = (res?.events ?? []) as { position: string; event: Record<string, unknown> }[]
    if (!batch.length) break
    out.push(...batch.map((e) => e.event))
    since = batch[batch.length - 1].position
  }
  return out
}

/** The `idem.` keys in the app namespace's State. */
export async function idemKeys(stack: TestStack): Promise<string[]> {
  const state = await stateClient(stack)
  const keys: string[] = []
  for await (const { keys: page } of state.list({ match: 'idem.*' })) keys.push(...page)
  return keys.sort()
}

/** A single-event body, valid by default. */
export function eventBody(
  uid = `uid-${randomUUID()}`,
  overrides: Record<string, unknown> = {},
): { data: Record<string, unknown> } {
  return {
    data: {
      uid,
      event: 'be-observer.catalog_product_create',
      value: { sku: `SKU-${uid}`, name: 'Summer Tee', price: 29, description: 'Blue' },
      ...overrides,
    },
  }
}

/** Standard Webhooks headers for `body` (defaults: SECRET, now). */
export function signed(
  body: string,
  opts: { secrets?: string[]; ts?: number; id?: string } = {},
): Record<string, string> {
  return {
    ...signHeaders(
      opts.secrets ?? [SECRET],
      opts.id ?? `msg_${randomUUID()}`,
      opts.ts ?? Math.floor(Date.now() / 1000),
      body,
    ),
  }
}

/** A response: status and parsed JSON body (or text). */
export interface Reply {
  status: number
  body: unknown
}

/** POSTs `body` (a string is sent as is) with `headers` (JSON content type unless given). */
export async function post(
  url: string,
  body: string | object,
  headers: Record<string, string> = {},
  query = '',
): Promise<Reply> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const res = await fetch(`${url}${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
    signal: AbortSignal.timeout(70_000),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed }
}

/** POSTs a body signed with SECRET (or `opts`). */
export function postSigned(
  url: string,
  body: string | object,
  opts: Parameters<typeof signed>[1] = {},
  query = '',
): Promise<Reply> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  return post(url, raw, signed(raw, opts), query)
}
