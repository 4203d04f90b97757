/**
 * Commerce eventing onboarding against the local stack and its local Commerce, through the real
 * `@adobe/aio-lib-events` client and the app's Commerce REST client: the `commerce` provider is a
 * `dx_commerce_events` provider with the instance id; Commerce's eventing configuration and one
 * subscription per Commerce code are written once, not again on a re-run, drift is corrected, a
 * dry run writes nothing, and the app prefix renames codes and subscriptions. End to end: a product
 * changed through the local Commerce REST API reaches a webhook subscriber with exactly the fields
 * both subscriptions allow (Commerce's field list, then the webhook subscription's selection).
 */
import fs from 'node:fs'
import path from 'node:path'
import { startTestStack, tempDataDir, type TestStack } from '../helpers/stack'
import { waitFor } from '../helpers/wait-for'
import { connectLocal, type OnboardingConnection } from '../../onboarding/events-client'
import { localCommerce, type CommerceConnection } from '../../onboarding/commerce-connection'
import { onboard } from '../../onboarding/onboard'
import { DEFAULT_CONFIG_DIR } from '../../onboarding/config-loader'
import { reconcile, summarise, type Step } from '../../onboarding/reconcile'
import { loadOnboardingConfig } from '../../onboarding/config-loader'
import { loadCommerceSubscriptions } from '../../onboarding/commerce-subscriptions'
import { runOnboard } from '../../onboarding'
import { startRoutingStack, type RoutingStack } from './routing-harness'
import { commerce } from './commerce-harness'
import { connect } from './publisher-harness'
import { startReceiver, type Receiver } from '../helpers/webhook-receiver'

jest.setTimeout(300_000)

const config = loadOnboardingConfig()
const wanted = loadCommerceSubscriptions(DEFAULT_CONFIG_DIR, config.registry)
const PRODUCT_SAVE = 'observer.catalog_product_save_commit_after'

/** `GET|PUT|POST` on the local Commerce with the local IMS token. */
async function rest(stack: TestStack, method: string, p: string, body?: unknown) {
  const res = await fetch(`${stack.commerce.baseUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${stack.config.imsToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** Commerce eventing writes the local Commerce accepted so far. */
const eventingWrites = (stack: TestStack) =>
  stack.commerce.writes().filter((w) => w.includes(' V1/eventing/'))

const changed = (steps: Step[]) => steps.filter((s) => s.op !== 'unchanged')

describe('Commerce eventing onboarding (local stack, local Commerce)', () => {
  let stack: TestStack
  let conn: OnboardingConnection
  let local: CommerceConnection

  beforeAll(async () => {
    stack = await startTestStack()
    const env = { COMMERCE_INSTANCE_ID: 'store-a' }
    conn = await connectLocal(
      { baseUrl: stack.baseUrl, imsToken: stack.config.imsToken, imsOrgId: stack.config.imsOrgId },
      env,
    )
    local = localCommerce(stack.baseUrl, stack.config.imsToken, env)
  })
  afterAll(() => stack?.close())

  it('creates the commerce provider as dx_commerce_events with the instance id, and configures Commerce once', async () => {
    const first = await onboard(conn, local)
    const commerceSteps = first.steps.filter((s) => s.kind.startsWith('commerce'))
    expect(commerceSteps).toEqual([
      { kind: 'commerce-eventing', name: 'configuration', op: 'update' },
      ...wanted.map((s) => ({ kind: 'commerce-subscription', name: s.name, op: 'create' })),
    ])
    const providerId = first.providerIds.commerce!
    const provider = await conn.client.getAllProviders(conn.target.orgId)
    expect(
      provider._embedded.providers
        .filter((p: { id: string }) => p.id === providerId)
        .map((p: Record<string, unknown>) => [p.provider_metadata, p.instance_id]),
    ).toEqual([['dx_commerce_events', 'store-a']])

    // What Commerce now holds, read back through its own REST API.
    expect((await rest(stack, 'GET', 'V1/eventing/eventProvider')).body).toEqual([
      { provider_id: providerId, instance_id: 'store-a', workspace_configuration: '******' },
    ])
    const subs = (await rest(stack, 'GET', 'V1/eventing/getEventSubscriptions')).body as any[]
    expect(subs.map((s) => [s.name, s.provider_id, s.fields])).toEqual(
      wanted.map((s) => [s.name, providerId, s.fields]),
    )

    const writes = eventingWrites(stack).length
    expect(writes).toBe(1 + wanted.length)
    const second = await onboard(conn, local)
    expect(summarise(second.steps)).toEqual({
      create: 0,
      update: 0,
      unchanged: second.steps.length,
      delete: 0,
    })
    expect(eventingWrites(stack).length).toBe(writes) // a re-run writes nothing
  })

  it('corrects drift in Commerce; a dry run only plans it', async () => {
    const [a, b] = wanted
    // Someone edits Commerce: a field added to one subscription, another removed, the instance id changed.
    expect(
      (
        await rest(stack, 'PUT', `V1/eventing/eventSubscribe/${a.name}`, {
          event: { fields: [{ name: 'store_id' }] },
        })
      ).status,
    ).toBe(200)
    expect((await rest(stack, 'POST', `V1/eventing/eventUnsubscribe/${b.name}`)).status).toBe(200)
    expect(
      (await rest(stack, 'PUT', 'V1/eventing/updateConfiguration', { config: { instance_id: 'other' } }))
        .status,
    ).toBe(200)
    const expected = [
      { kind: 'commerce-eventing', name: 'configuration', op: 'update' },
      { kind: 'commerce-subscription', name: a.name, op: 'update' },
      { kind: 'commerce-subscription', name: b.name, op: 'create' },
    ]

    const writes = eventingWrites(stack).length
    const lines: string[] = []
    const code = await runOnboard(
      ['--url', stack.baseUrl, '--dry-run'],
      { COMMERCE_INSTANCE_ID: 'store-a' },
      (l) => lines.push(l),
    )
    expect(code).toBe(0)
    expect(lines.filter((l) => l.includes('would'))).toEqual([
      '  ~ commerce-eventing configuration: would update',
      `  ~ commerce-subscription ${a.name}: would update`,
      `  + commerce-subscription ${b.name}: would create`,
    ])
    expect(eventingWrites(stack).length).toBe(writes) // the dry run wrote nothing

    expect(changed((await onboard(conn, local)).steps)).toEqual(expected)
    // The removed field needed an unsubscribe and a subscribe (Commerce's update only merges).
    expect(eventingWrites(stack).slice(writes)).toEqual([
      'PUT V1/eventing/updateConfiguration',
      `POST V1/eventing/eventUnsubscribe/${a.name}`,
      'POST V1/eventing/eventSubscribe',
      'POST V1/eventing/eventSubscribe',
    ])
    const subs = (await rest(stack, 'GET', 'V1/eventing/getEventSubscriptions')).body as any[]
    expect(new Map(subs.map((s) => [s.name, s.fields]))).toEqual(
      new Map(wanted.map((s) => [s.name, s.fields])),
    )
    expect(changed((await onboard(conn, local)).steps)).toEqual([])
  })

  it('names where to find COMMERCE_INSTANCE_ID when it is missing', async () => {
    await expect(
      reconcile(conn.client, config, { ...conn.target, commerceInstanceId: undefined }),
    ).rejects.toThrow(
      /COMMERCE_INSTANCE_ID is missing — .*Adobe I\/O Events → General configuration → Adobe Commerce Instance ID/,
    )
  })

  it('prints usage for --help', async () => {
    const lines: string[] = []
    expect(await runOnboard(['--help'], {}, (l) => lines.push(l))).toBe(0)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Usage: npm run onboard -- \[options\]/)
    expect(lines[0]).toContain('commerce-event-subscribe.json')
  })

  it('with COMMERCE_EVENT_PREFIX, codes and subscriptions carry the prefix and Commerce sends the prefixed code', async () => {
    const env = { COMMERCE_INSTANCE_ID: 'store-a', COMMERCE_EVENT_PREFIX: 'shop1' }
    const prefixed = await connectLocal(
      { baseUrl: stack.baseUrl, imsToken: stack.config.imsToken, imsOrgId: stack.config.imsOrgId },
      env,
    )
    const result = await onboard(prefixed, localCommerce(stack.baseUrl, stack.config.imsToken, env), {
      prune: true,
    })
    const providerId = result.providerIds.commerce!
    const metadata = await conn.client.getAllEventMetadataForProvider(providerId)
    expect(metadata._embedded.eventmetadata.map((m: { event_code: string }) => m.event_code).sort()).toEqual(
      config.registry
        .byProvider('commerce')
        .map((d) => d.code.replace('com.adobe.commerce.', 'com.adobe.commerce.shop1.'))
        .sort(),
    )
    const subs = (await rest(stack, 'GET', 'V1/eventing/getEventSubscriptions')).body as any[]
    expect(subs.map((s) => [s.name, s.parent])).toEqual(wanted.map((s) => [`shop1.${s.name}`, s.name]))

    // A product saved in Commerce goes out under the prefixed code.
    const registration = (
      await conn.client.getAllRegistrationsForWorkspace(
        conn.target.orgId,
        conn.target.projectId,
        conn.target.workspaceId,
      )
    )._embedded.registrations.find((r: { name: string }) => r.name === 'event-hub-product-commerce')
    expect(
      (await rest(stack, 'PUT', 'V1/products/PREFIXED', { product: { sku: 'PREFIXED', name: 'P' } })).status,
    ).toBe(200)
    await stack.commerce.eventsIdle()
    const trace = await waitFor(
      () =>
        stack.events.traces(registration.registration_id).find((t) => t.request.body.includes('PREFIXED')),
      120_000,
      'the prefixed product event',
    )
    expect(trace.event_code).toBe(`com.adobe.commerce.shop1.${PRODUCT_SAVE}`)
  })
})

describe('Commerce → webhook subscriber, end to end (subscribed fields only)', () => {
  let rs: RoutingStack
  let receiver: Receiver
  let configDir: string

  beforeAll(async () => {
    // The app's config, with a product save subscription that sends only entity_id, sku and name.
    configDir = tempDataDir('ceh-config-')
    for (const f of fs.readdirSync(DEFAULT_CONFIG_DIR).filter((n) => n.endsWith('.json')))
      fs.copyFileSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(configDir, f))
    const subscribe = wanted.map(({ force: _f, ...event }) => ({
      event:
        event.name === PRODUCT_SAVE
          ? { ...event, fields: [{ name: 'entity_id' }, { name: 'sku' }, { name: 'name' }] }
          : event,
    }))
    fs.writeFileSync(path.join(configDir, 'commerce-event-subscribe.json'), JSON.stringify(subscribe))

    receiver = await startReceiver()
    rs = await startRoutingStack(
      {
        LOCAL_COMMERCE: 'integration',
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
        SUBSCRIPTION_CACHE_SECONDS: '0',
      },
      // Real time: the admin web action must answer within the platform's blocking wait.
      { timeScale: 1 },
    )
    const conn = await connectLocal({
      baseUrl: rs.stack.baseUrl,
      imsToken: rs.stack.config.imsToken,
      imsOrgId: rs.stack.config.imsOrgId,
    })
    const steps = (
      await onboard(conn, localCommerce(rs.stack.baseUrl, rs.stack.config.imsToken), { configDir })
    ).steps
    expect(changed(steps)).toEqual([{ kind: 'commerce-subscription', name: PRODUCT_SAVE, op: 'update' }])
  }, 180_000)
  afterAll(async () => {
    await rs?.close()
    await receiver?.close()
  })

  it('delivers a product changed through the Commerce REST API with exactly the fields both subscriptions allow', async () => {
    const admin = await connect(rs.stack)
    // The webhook subscription selects name, price and typeId; Commerce sends no price or type_id.
    await admin.subscribe({
      name: 'e2e',
      eventTypes: [`com.adobe.commerce.${PRODUCT_SAVE}`],
      url: receiver.url,
      fields: ['name', 'price', 'typeId'],
    })
    const saved = await commerce(rs, 'PUT', 'V1/products/E2E-1', {
      product: { sku: 'E2E-1', name: 'End to end', price: 12, type_id: 'simple' },
    })
    expect(saved.status).toBe(200)
    await rs.stack.commerce.eventsIdle()
    const [received] = await receiver.waitFor(1, 240_000)
    expect(received.json).toMatchObject({
      type: `com.adobe.commerce.${PRODUCT_SAVE}`,
      attempt: 1,
      data: { id: 'E2E-1', type: 'product', name: 'End to end' },
    })
    expect(Object.keys(received.json.data).sort()).toEqual(['id', 'name', 'type'])
  })
})
