/**
 * Local I/O Events delivery to Runtime actions of the fixture app (echo, status-on-demand, slow,
 * crash) through the stack's real runtime: params and `__adobe_headers`, how each activation
 * outcome is read (statusCode, application error, developer error, timeout, unknown action),
 * retries with `x-adobe-retry-count`, and Debug Tracing. Time runs 600× (1 min = 100 ms).
 */
import type { TestStack } from '../helpers/stack'
import {
  API_KEY,
  cloudEvent,
  createProvider,
  eventsClient,
  registrationBody,
  startEventsStack,
  waitFor,
  WS,
  type EventsClient,
} from '../fixtures/apps/events/harness'
import type { DeliveryTrace } from '../../local/events'

describe('I/O Events delivery to runtime actions (timeScale 600)', () => {
  let stack: TestStack
  let client: EventsClient

  beforeAll(async () => {
    stack = await startEventsStack({ timeScale: 600 })
    client = await eventsClient(stack)
  })
  afterAll(async () => {
    await stack.close()
  })

  /** A provider with one code and a registration delivering it to `action`. */
  async function subscribe(action: string) {
    const code = `runtime.${action.replace('/', '.')}`
    const providerId = await createProvider(client, [code])
    const reg = await client.createRegistration(
      WS.org,
      WS.project,
      WS.workspace,
      registrationBody(providerId, [code], { runtime_action: action }),
    )
    const id = reg.registration_id as string
    const publish = (data: unknown) => {
      const ce = cloudEvent(providerId, code, data)
      return client.publishEvent(ce).then(() => ce)
    }
    const stop = () => client.deleteRegistration(WS.org, WS.project, WS.workspace, id)
    return { id, providerId, code, publish, stop }
  }

  const oldestFirst = (id: string) => [...stack.events.traces(id)].reverse()

  it('invokes the action with the CloudEvent fields as params plus __adobe_headers', async () => {
    const sub = await subscribe('fixture/echo')
    const ce = await sub.publish({ sku: 'SKU-9', qty: 2 })
    const trace = await waitFor(() => stack.events.traces(sub.id)[0], 20_000, 'echo delivery')
    expect(trace.outcome).toBe('delivered')
    expect(trace.response).toMatchObject({
      status_code: 200,
      activation_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    })
    const { body } = JSON.parse(trace.response.body) as { body: { received: Record<string, unknown> } }
    expect(body.received).toEqual({
      ...ce,
      time: expect.any(String),
      event_id: ce.id,
      recipient_client_id: API_KEY,
      __adobe_headers: {
        'x-adobe-event-id': ce.id,
        'x-adobe-event-code': sub.code,
        'x-adobe-provider': `3rd_party_custom_events_${stack.config.imsOrgId}_${sub.providerId}`,
        'x-adobe-delivery-id': trace.delivery_id,
        'x-request-id': expect.any(String),
      },
    })
    expect(trace.request).toEqual<DeliveryTrace['request']>({
      target: 'runtime_action',
      action: 'fixture/echo',
      method: 'POST',
      headers: body.received.__adobe_headers as Record<string, string>,
      body: expect.any(String),
      body_truncated: false,
    })
    await sub.stop()
  })

  it.each([
    ['a 500 statusCode', { status: 500 }, 500, true],
    ['a 429 statusCode', { status: 429 }, 429, true],
    ['an application error with statusCode 503', { status: 503, form: 'error' }, 503, true],
    ['a 400 statusCode', { status: 400 }, 400, false],
    ['an application error with statusCode 404', { status: 404, form: 'error' }, 404, false],
  ])('reads %s (%j) as %i, retried=%s', async (_what, data, code, retried) => {
    const sub = await subscribe('fixture/status')
    await sub.publish(data)
    const traces = await waitFor(
      () => {
        const t = oldestFirst(sub.id)
        return t.length >= (retried ? 2 : 1) ? t : undefined
      },
      20_000,
      'attempts',
    )
    if (!retried) {
      await stack.events.idle({ withinMs: 500 })
      expect(stack.events.traces(sub.id)).toHaveLength(1) // a final status is not retried
    }
    await sub.stop()
    expect(traces[0].response.status_code).toBe(code)
    expect(traces[0].outcome).toBe(retried ? 'retry_scheduled' : 'failed')
    if (retried) {
      const second = JSON.parse(traces[1].request.body) as Record<string, unknown>
      expect(traces[1].request.headers['x-adobe-retry-count']).toBe('1')
      expect(second.id).toBe(JSON.parse(traces[0].request.body).id)
    }
  })

  it('retries on the schedule until the action recovers, and the action sees x-adobe-retry-count', async () => {
    const sub = await subscribe('fixture/status')
    await sub.publish({ status: 500, succeedFromRetry: 2 })
    await waitFor(() => stack.events.traces(sub.id)[0]?.outcome === 'delivered', 20_000, 'recovery')
    const traces = oldestFirst(sub.id)
    expect(traces.map((t) => [t.attempt, t.response.status_code, t.outcome])).toEqual([
      [1, 500, 'retry_scheduled'],
      [2, 500, 'retry_scheduled'],
      [3, 200, 'delivered'],
    ])
    expect(JSON.parse(traces[2].response.body)).toEqual({
      statusCode: 200,
      body: { attempt: 3, status: 200 },
    })
    expect(Date.parse(traces[1].timestamp) - Date.parse(traces[0].timestamp)).toBeGreaterThanOrEqual(90)
    await sub.stop()
  })

  it.each([
    ['an action that exceeds its time limit', 'fixture/slow', 604],
    ['an action that throws', 'fixture/crash', 502],
  ])('records %s (%s) as %i and retries it', async (_what, action, code) => {
    const sub = await subscribe(action)
    await sub.publish({ sleepMs: 5000 })
    const trace = await waitFor(() => stack.events.traces(sub.id)[0], 20_000, 'attempt')
    await sub.stop()
    expect(trace.response.status_code).toBe(code)
    expect(trace.outcome).toBe('retry_scheduled')
    expect(trace.response.activation_id).toEqual(expect.any(String))
  })

  it('records an unknown action as 404, not retried', async () => {
    const sub = await subscribe('fixture/missing')
    await sub.publish({})
    const trace = await waitFor(() => stack.events.traces(sub.id)[0], 20_000, 'attempt')
    expect(trace.response.status_code).toBe(404)
    expect(trace.outcome).toBe('failed')
    await sub.stop()
  })
})
