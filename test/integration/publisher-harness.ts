/**
 * Harness for the publisher integration tests: the app's own manifest on a test stack, the real
 * `openwhisk` client for publish/sweeper, the admin web actions over plain HTTP with the IMS
 * bearer token and org header, and the real `@adobe/aio-lib-state` client for inspection.
 */
import openwhisk from 'openwhisk'
import type { AdobeState } from '@adobe/aio-lib-state'
import type { CanonicalEvent } from '../../actions/lib/canonical-event'
import type { DeliveryRecord } from '../../actions/lib/delivery-log/delivery-record'
import { parseDlvKey } from '../../actions/lib/delivery-log/log-keys'
import { startTestStack, clientEnv, type TestStack } from '../helpers/stack'
import { stateClient } from '../helpers/state-client'
import type { StackConfig } from '../../local/stack-config'

/** The env every publisher test stack gets (`.env` equivalent): local receivers allowed, short schedule. */
export const PUBLISHER_ENV: NodeJS.ProcessEnv = {
  LOG_LEVEL: 'info',
  WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1',
  RETRY_SCHEDULE: '1s,1s',
  RETRY_JITTER: '0',
  DELIVERY_TIMEOUT: '2s',
  INLINE_RETRY_MAX_DELAY: '0',
  // Each test changes subscriptions and publishes at once: no warm-container staleness here (the
  // cached document and its State budget are tested with the default in their own stack).
  SUBSCRIPTION_CACHE_SECONDS: '0',
}

/** A stack plus its clients. */
export interface PublisherStack {
  stack: TestStack
  ow: ReturnType<typeof openwhisk>
  state: AdobeState
  /** Invokes publisher/publish (blocking, result) with `{event}` plus any param overrides. */
  publish(event: CanonicalEvent, params?: Record<string, unknown>): Promise<{ statusCode: number; body: any }>
  /** Invokes publisher/sweeper. */
  sweep(params?: Record<string, unknown>): Promise<{ statusCode: number; body: any }>
  /** Calls an admin web action (`subscriptions` or `logs`) with the IMS headers. */
  admin(
    action: 'subscriptions' | 'logs',
    method: string,
    path?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: any }>
  /** Creates a subscription through the admin API; returns its id and secret. */
  subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }>
  /** Every delivery record in State (read with the real client). */
  records(): Promise<{ key: string; record: DeliveryRecord }[]>
  /** Deletes every subscription, delivery record and index document (between tests). */
  clear(): Promise<void>
  close(): Promise<void>
}

/** Starts the app's stack with the publisher env (plus `env`). */
export async function startPublisherStack(
  env: NodeJS.ProcessEnv = {},
  config: Partial<StackConfig> = {},
): Promise<PublisherStack> {
  const stack = await startTestStack({ env: { ...PUBLISHER_ENV, ...env }, config })
  try {
    return await connect(stack)
  } catch (err) {
    await stack.close()
    throw err
  }
}

/** Clients for an already running stack. */
export async function connect(stack: TestStack): Promise<PublisherStack> {
  const env = clientEnv(stack)
  const ow = openwhisk({
    apihost: env.__OW_API_HOST,
    api_key: env.__OW_API_KEY,
    namespace: env.__OW_NAMESPACE,
  })
  const state = await stateClient(stack)
  const invoke = async (name: string, params: Record<string, unknown>) =>
    (await ow.actions.invoke({ name, blocking: true, result: true, params })) as unknown as {
      statusCode: number
      body: any
    }
  const admin: PublisherStack['admin'] = async (action, method, path = '', body, headers) => {
    const res = await fetch(`${stack.baseUrl}/api/v1/web/${stack.config.namespace}/admin/${action}${path}`, {
      method: method.toUpperCase(),
      headers: {
        authorization: `Bearer ${stack.config.imsToken}`,
        'x-gw-ims-org-id': stack.config.imsOrgId,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined }
  }
  const keys = async (match: string): Promise<string[]> => {
    const out: string[] = []
    for await (const { keys: page } of state.list({ match })) out.push(...page)
    return out
  }
  return {
    stack,
    ow,
    state,
    publish: (event, params = {}) => invoke('publisher/publish', { ...params, event }),
    sweep: (params = {}) => invoke('publisher/sweeper', params),
    admin,
    async subscribe(body) {
      const res = await admin('subscriptions', 'post', '', { name: 'test', eventTypes: ['*'], ...body })
      if (res.status !== 201) throw new Error(`subscribe answered ${res.status}: ${JSON.stringify(res.json)}`)
      return { id: res.json.subscription.id, secret: res.json.secret }
    },
    async records() {
      const out: { key: string; record: DeliveryRecord }[] = []
      for (const key of (await keys('dlv.*')).filter((k) => parseDlvKey(k)?.note === false)) {
        const got = await state.get(key)
        if (got) out.push({ key, record: JSON.parse(got.value) as DeliveryRecord })
      }
      return out
    },
    async clear() {
      await state.deleteAll({ match: 'sub.*' })
      await state.deleteAll({ match: 'dlv.*' })
      await state.deleteAll({ match: 'dlb.*' })
      await state.deleteAll({ match: 'idx.*' })
    },
    close: () => stack.close(),
  }
}

let seq = 0
/** A valid canonical event (unique id per call). */
export function anEvent(overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  seq++
  return {
    id: `${Date.now().toString(36)}-${seq}-4f1e`,
    type: 'be-observer.catalog_product_create',
    entity: 'product',
    entityId: `SKU-${seq}`,
    entityType: 'product',
    fields: { sku: `SKU-${seq}`, name: 'Summer Tee', price: 29 },
    data: { sku: `SKU-${seq}`, name: 'Summer Tee', price: 29 },
    receivedAt: new Date().toISOString(),
    ...overrides,
  }
}

/** Polls `fn` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
