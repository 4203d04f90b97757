/**
 * Local I/O Events delivery to webhook registrations (real HTTP receivers on 127.0.0.1 that fail
 * on purpose): headers and body, retry schedule, final codes, pseudo codes 602/604, batching,
 * registration health (ACTIVE → UNSTABLE → DISABLED → re-enabled), give-up after 24 h, and Debug
 * Tracing over HTTP. Time runs 600× (1 min = 100 ms) or 36,000× (24 h = 2.4 s).
 */
import type { TestStack } from '../helpers/stack'
import {
  API_KEY,
  cloudEvent,
  createProvider,
  errorOf,
  eventsClient,
  rawFetch,
  registrationBody,
  startEventsStack,
  startReceiver,
  waitFor,
  WS,
  type EventsClient,
  type Reply,
} from '../fixtures/apps/events/harness'
import type { DeliveryTrace } from '../../local/events'

type Receiver = Awaited<ReturnType<typeof startReceiver>>

describe('I/O Events webhook delivery (timeScale 600)', () => {
  let stack: TestStack
  let client: EventsClient
  let providerId: string
  const receivers: Receiver[] = []

  beforeAll(async () => {
    stack = await startEventsStack({ timeScale: 600 })
    client = await eventsClient(stack)
    providerId = await createProvider(client, ['hook.event'])
  })
  afterAll(async () => {
    await stack.close()
    await Promise.all(receivers.map((r) => r.close()))
  })

  /** A receiver plus a webhook registration pointing at it. */
  async function hook(reply: (n: number) => Reply | Promise<Reply>, overrides: Record<string, unknown> = {}) {
    const receiver = await startReceiver((_req, n) => reply(n))
    receivers.push(receiver)
    const reg = await client.createRegistration(
      WS.org,
      WS.project,
      WS.workspace,
      registrationBody(providerId, ['hook.event'], {
        runtime_action: undefined,
        webhook_url: receiver.url,
        ...overrides,
      }),
    )
    return { receiver, reg, id: reg.registration_id as string }
  }

  it('POSTs the event with I/O Events headers and traces the attempt', async () => {
    const { receiver, id } = await hook(() => ({ status: 200, body: 'thanks' }))
    const ce = cloudEvent(providerId, 'hook.event', { sku: 'A-1' })
    await client.publishEvent(ce)
    await waitFor(() => receiver.received.length === 1, 5000, 'delivery')
    const got = receiver.received[0]
    expect(JSON.parse(got.body)).toEqual({
      ...ce,
      time: expect.any(String),
      event_id: ce.id,
      recipient_client_id: API_KEY,
    })
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'x-adobe-event-id': ce.id,
      'x-adobe-event-code': 'hook.event',
      'x-adobe-provider': `3rd_party_custom_events_${stack.config.imsOrgId}_${providerId}`,
      'x-adobe-delivery-id': expect.any(String),
      'x-request-id': expect.any(String),
    })
    expect(got.headers['x-adobe-retry-count']).toBeUndefined()

    await stack.events.idle()
    const [trace] = stack.events.traces(id)
    expect(trace).toEqual<DeliveryTrace>({
      trace_id: expect.any(String),
      delivery_id: got.headers['x-adobe-delivery-id'] as string,
      event_ids: [ce.id],
      event_code: 'hook.event',
      provider_id: providerId,
      attempt: 1,
      timestamp: expect.any(String),
      duration_ms: expect.any(Number),
      request: {
        target: 'webhook',
        url: receiver.url,
        method: 'POST',
        headers: expect.objectContaining({ 'x-adobe-event-id': ce.id, 'user-agent': 'Adobe/1.0' }),
        body: got.body,
        body_truncated: false,
      },
      response: {
        status_code: 200,
        headers: expect.objectContaining({ 'content-type': 'text/plain' }),
        body: 'thanks',
        body_truncated: false,
      },
      outcome: 'delivered',
    })
  })

  it('retries 500 after 1 and 2 (scaled) minutes with x-adobe-retry-count, keeping the delivery id', async () => {
    const { receiver, id } = await hook((n) => (n < 3 ? { status: 500, body: 'down' } : { status: 200 }))
    await client.publishEvent(cloudEvent(providerId, 'hook.event'))
    await waitFor(() => receiver.received.length === 3, 5000, 'three attempts')
    const [a, b, c] = receiver.received
    expect([a, b, c].map((r) => r.headers['x-adobe-retry-count'])).toEqual([undefined, '1', '2'])
    expect(new Set([a, b, c].map((r) => r.headers['x-adobe-delivery-id'])).size).toBe(1)
    expect(new Set([a, b, c].map((r) => r.headers['x-request-id'])).size).toBe(3)
    expect(b.at - a.at).toBeGreaterThanOrEqual(90) // 1 min / 600
    expect(c.at - b.at).toBeGreaterThanOrEqual(190) // 2 min / 600
    await stack.events.idle()
    const traces = stack.events.traces(id)
    expect(traces.map((t) => [t.attempt, t.response.status_code, t.outcome])).toEqual([
      [3, 200, 'delivered'],
      [2, 500, 'retry_scheduled'],
      [1, 500, 'retry_scheduled'],
    ])
    expect(traces[1].next_attempt_at).toEqual(expect.any(String))
    expect(traces[2].response.body).toBe('down')
  })

  it.each([
    [400, false],
    [404, false],
    [505, false],
    [301, false],
    [429, true],
    [503, true],
  ])('status %i: retried=%s', async (status, retried) => {
    const { receiver, id } = await hook((n) => (n === 1 ? { status } : { status: 200 }))
    await client.publishEvent(cloudEvent(providerId, 'hook.event'))
    await waitFor(() => receiver.received.length >= 1, 5000, 'first attempt')
    await stack.events.idle({ withinMs: 500 })
    expect(receiver.received).toHaveLength(retried ? 2 : 1)
    expect(stack.events.traces(id).map((t) => t.outcome)).toEqual(
      retried ? ['delivered', 'retry_scheduled'] : ['failed'],
    )
  })

  it('records 602 when the webhook is unreachable and retries it', async () => {
    const { receiver, id } = await hook(() => ({ status: 200 }))
    await receiver.close()
    await client.publishEvent(cloudEvent(providerId, 'hook.event'))
    const trace = await waitFor(() => stack.events.traces(id)[0], 5000, 'trace')
    expect(trace.response).toMatchObject({
      status_code: 602,
      error: expect.stringContaining('connection failed'),
    })
    expect(trace.outcome).toBe('retry_scheduled')
    await client.deleteRegistration(WS.org, WS.project, WS.workspace, id)
  })

  it('records 604 when the webhook does not answer within 10 s', async () => {
    const { id } = await hook(() => 'hang')
    await client.publishEvent(cloudEvent(providerId, 'hook.event'))
    const trace = await waitFor(() => stack.events.traces(id)[0], 15_000, 'timeout trace')
    expect(trace.response).toMatchObject({ status_code: 604, error: 'no answer within 10000 ms' })
    expect(trace.duration_ms).toBeGreaterThanOrEqual(10_000)
    expect(trace.outcome).toBe('retry_scheduled')
    await client.deleteRegistration(WS.org, WS.project, WS.workspace, id)
  }, 30_000)

  it('webhook_batch POSTs arrays; events arriving while a batch is in flight form the next batch', async () => {
    const { receiver } = await hook(
      async (n) => {
        if (n === 1) await new Promise((r) => setTimeout(r, 300))
        return { status: 200 }
      },
      { delivery_type: 'webhook_batch' },
    )
    const events = [1, 2, 3].map((n) => cloudEvent(providerId, 'hook.event', { n }))
    for (const e of events) await client.publishEvent(e)
    await waitFor(() => receiver.received.length === 2, 5000, 'two batches')
    await stack.events.idle()
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { id: string }[])
    expect(bodies.map((b) => b.map((e) => e.id))).toEqual([[events[0].id], [events[1].id, events[2].id]])
    expect(receiver.received[1].headers['x-adobe-event-id']).toBeUndefined()
  })

  it('serves the traces over HTTP at rel:trace and /events/tracing', async () => {
    const { reg, id } = await hook(() => ({ status: 200 }))
    await client.publishEvent(cloudEvent(providerId, 'hook.event'))
    await waitFor(() => stack.events.traces(id).length === 1, 5000, 'trace')
    const viaLink = await rawFetch(stack, new URL(reg._links['rel:trace'].href).pathname)
    const body = (await viaLink.json()) as { traces: DeliveryTrace[] }
    expect(body).toEqual({
      registration_id: id,
      name: reg.name,
      status: 'ACTIVE',
      enabled: true,
      delivery_type: 'webhook',
      webhook_url: reg.webhook_url,
      traces: stack.events.traces(id),
    })
    const short = await fetch(`${stack.baseUrl}/events/tracing?registration=${id}&limit=1`, {
      headers: { authorization: `Bearer ${stack.config.imsToken}` },
    })
    expect(((await short.json()) as { traces: unknown[] }).traces).toEqual(body.traces)
    expect((await fetch(`${stack.baseUrl}/events/tracing?registration=${id}`)).status).toBe(401)
    const everything = (await (await rawFetch(stack, '/events/tracing?limit=1')).json()) as {
      registrations: { registration_id: string }[]
    }
    expect(everything.registrations.find((r) => r.registration_id === id)).toEqual({
      ...body,
      traces: body.traces.slice(0, 1),
    })
    const badLimit = await rawFetch(stack, `/events/tracing?registration=${id}&limit=0`)
    expect(badLimit.status).toBe(400)
    expect(await errorOf(badLimit)).toContain('limit')
    expect((await rawFetch(stack, '/events/tracing?registration=nope')).status).toBe(404)
  })
})

describe('I/O Events registration health and give-up (timeScale 36000: 24 h = 2.4 s)', () => {
  let stack: TestStack
  let client: EventsClient
  let providerId: string
  let receiver: Receiver
  let failing = true

  beforeAll(async () => {
    stack = await startEventsStack({ timeScale: 36_000 })
    client = await eventsClient(stack)
    providerId = await createProvider(client, ['health.event'])
    receiver = await startReceiver(() => (failing ? { status: 500 } : { status: 200 }))
  })
  afterAll(async () => {
    await stack.close()
    await receiver.close()
  })

  const status = async (id: string) =>
    (await client.getRegistration(WS.org, WS.project, WS.workspace, id)).status as string

  it('goes UNSTABLE after 10 failing attempts, DISABLED when an event exhausts 24 h, and ACTIVE again when re-enabled', async () => {
    const body = registrationBody(providerId, ['health.event'], {
      runtime_action: undefined,
      webhook_url: receiver.url,
    })
    const reg = await client.createRegistration(WS.org, WS.project, WS.workspace, body)
    const id = reg.registration_id as string
    for (let i = 0; i < 2; i++) await client.publishEvent(cloudEvent(providerId, 'health.event'))

    await waitFor(() => receiver.received.length >= 10, 5000, '10 attempts')
    await waitFor(async () => (await status(id)) === 'UNSTABLE', 2000, 'UNSTABLE')
    await waitFor(async () => (await status(id)) === 'DISABLED', 10_000, 'DISABLED')
    expect((await client.getRegistration(WS.org, WS.project, WS.workspace, id)).webhook_status).toBe(
      'disabled',
    )

    await stack.events.idle()
    const attempts = receiver.received.length
    const traces = stack.events.traces(id)
    expect(attempts).toBeGreaterThan(100) // ~100 attempts per event in 24 h
    expect(traces).toHaveLength(100) // Debug Tracing keeps the last 100
    expect(traces.filter((t) => t.outcome === 'dropped').length).toBeGreaterThanOrEqual(1)

    // DISABLED: nobody wants new events, nothing more is attempted.
    await expect(client.publishEvent(cloudEvent(providerId, 'health.event'))).resolves.toBeUndefined()
    await stack.events.idle()
    expect(receiver.received.length).toBe(attempts)

    failing = false
    const revived = await client.updateRegistration(WS.org, WS.project, WS.workspace, id, {
      ...body,
      enabled: true,
    })
    expect(revived).toMatchObject({ status: 'ACTIVE', webhook_status: 'verified', enabled: true })
    await expect(client.publishEvent(cloudEvent(providerId, 'health.event'))).resolves.toBe('OK')
    await stack.events.idle()
    expect(stack.events.traces(id)[0].outcome).toBe('delivered')
  }, 40_000)

  it('an UNSTABLE registration becomes ACTIVE once at least 20% of the window succeeds', async () => {
    failing = false
    let calls = 0
    const flaky = await startReceiver(() => (++calls <= 11 ? { status: 502 } : { status: 200 }))
    try {
      const reg = await client.createRegistration(
        WS.org,
        WS.project,
        WS.workspace,
        registrationBody(providerId, ['health.event'], { runtime_action: undefined, webhook_url: flaky.url }),
      )
      const id = reg.registration_id as string
      await client.publishEvent(cloudEvent(providerId, 'health.event'))
      await waitFor(() => stack.events.traces(id)[0]?.outcome === 'delivered', 5000, 'eventual delivery')
      expect(await status(id)).toBe('UNSTABLE') // 11 of 12 failed
      for (let i = 0; i < 2; i++) await client.publishEvent(cloudEvent(providerId, 'health.event'))
      await stack.events.idle()
      expect(await status(id)).toBe('ACTIVE') // 11 of 14 failed: under 80%
    } finally {
      await flaky.close()
    }
  })
})
