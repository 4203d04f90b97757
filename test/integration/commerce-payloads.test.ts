/**
 * Real-shaped Commerce payloads (test/fixtures/commerce-payloads.ts: `_metadata`, extra fields,
 * numeric strings, nulls, `id`/`entity_id` variants, increment-id-only orders, SKU-less stock
 * items) for every Commerce code, through the local stack: I/O Events (real @adobe/aio-lib-events
 * client) → registration → event-hub/consumer → entities/<entity> → a real receiver. Each case is
 * published unprefixed and with the app prefix (`COMMERCE_EVENT_PREFIX`, delivered by a
 * registration of the prefixed codes); each is accepted (consumer 200, Debug Tracing 200), routed
 * to its handler, and delivered under its normalised identity.
 */
import { randomUUID } from 'node:crypto'
import { startReceiver } from '../fixtures/apps/events/harness'
import { generateSecret } from '../../actions/lib/webhook-signature'
import { eventRegistry } from '../../actions/lib/event-registry'
import { prefixedCommerceCode } from '../../actions/lib/commerce-event-code'
import { COMMERCE_PAYLOADS } from '../fixtures/commerce-payloads'
import {
  activation,
  cloudEvent,
  handlerActivationOf,
  publishAndWait,
  refreshRegistrations,
  registrationFor,
  startRoutingStack,
  tracesOf,
  WS,
  type RoutingStack,
} from './routing-harness'

const PREFIX = 'acme_app'
const UNPREFIXED_REGISTRATION = `commerce-payloads-unprefixed-${randomUUID().slice(0, 8)}`

describe('real-shaped Commerce payloads through the consumer', () => {
  let rs: RoutingStack
  let receiver: Awaited<ReturnType<typeof startReceiver>>

  beforeAll(async () => {
    receiver = await startReceiver()
    rs = await startRoutingStack(
      {
        COMMERCE_EVENT_PREFIX: PREFIX,
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: generateSecret(),
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
      },
      { timeScale: 1 },
    )
    // Onboarding with the prefix registered the prefixed codes (what the Commerce instance now
    // publishes). The unprefixed codes must keep working too (an instance onboarded before the
    // prefix was set): they get their own metadata and registration to the consumer here.
    const codes = eventRegistry.byProvider('commerce').map((d) => d.code)
    for (const code of codes)
      await rs.events.createEventMetadataForProvider(
        WS.consumerOrgId,
        WS.projectId,
        WS.workspaceId,
        rs.providerIds.commerce,
        { event_code: code, label: code, description: 'Commerce event without the app prefix' },
      )
    await rs.events.createRegistration(WS.consumerOrgId, WS.projectId, WS.workspaceId, {
      name: UNPREFIXED_REGISTRATION,
      description: 'unprefixed Commerce codes',
      client_id: 'local-api-key',
      delivery_type: 'webhook',
      runtime_action: 'event-hub/consumer',
      events_of_interest: codes.map((event_code) => ({ provider_id: rs.providerIds.commerce, event_code })),
    })
    await refreshRegistrations(rs)
  }, 180_000)
  afterAll(async () => {
    await rs?.close()
    await receiver?.close()
  })

  const sent = COMMERCE_PAYLOADS.flatMap((c) => [
    { c, type: c.code, registration: (r: RoutingStack) => r.registrations.get(UNPREFIXED_REGISTRATION)! },
    {
      c,
      type: prefixedCommerceCode(c.code, PREFIX),
      registration: (r: RoutingStack) => registrationFor(r, c.code),
    },
  ])

  test('every case: accepted, routed to its handler, delivered under the normalised identity', async () => {
    const events = sent.map((s) => ({ ...s, event: cloudEvent(rs, 'commerce', s.type, s.c.data) }))
    // A few at a time: each in-flight event needs its own warm containers.
    for (let i = 0; i < events.length; i += 4)
      await Promise.all(events.slice(i, i + 4).map(({ event }) => publishAndWait(rs, event)))

    const results = []
    for (const { c, type, registration, event } of events) {
      const traces = await tracesOf(rs, registration(rs), event.id)
      const consumer = await activation(rs, traces[0].response.activation_id!)
      const handler = await handlerActivationOf(rs, consumer)
      results.push({
        case: `${c.name} as ${type}`,
        trace: traces.map((t) => [t.attempt, t.response.status_code, t.outcome]),
        consumer: consumer.response.result,
        handler: handler.name,
      })
    }
    expect(results).toEqual(
      events.map(({ c, type }) => ({
        case: `${c.name} as ${type}`,
        trace: [[1, 200, 'delivered']],
        consumer: {
          statusCode: 200,
          body: {
            type,
            response: {
              success: true,
              // The handler knows the event by its catalogue code, the entity by its normalised id.
              message: expect.stringMatching(
                new RegExp(`^${c.code.replace(/\./g, '\\.')} for ${c.entityType} ${c.entityId}: `),
              ),
            },
          },
        },
        handler: eventRegistry.get(c.code)!.handlerEntity,
      })),
    )

    // The default subscription got each once, as the catalogue code and the normalised identity.
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { id: string })
    expect(events.map(({ event }) => bodies.filter((b) => b.id === event.id))).toEqual(
      events.map(({ c, event }) => [
        {
          id: event.id,
          type: c.code,
          timestamp: expect.any(String),
          attempt: 1,
          data: { id: c.entityId, type: c.entityType },
        },
      ]),
    )
  }, 300_000)
})
