/**
 * Local I/O Events publishing (`/ingress`) and the Journaling API through the real client:
 * `publishEvent` statuses, CloudEvents validation, duplicates, throttling, and `getEventsFromJournal`.
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
  WS,
  type EventsClient,
} from '../fixtures/apps/events/harness'

describe('I/O Events ingress and journal', () => {
  let stack: TestStack
  let client: EventsClient
  let providerId: string
  let journalUrl: string

  beforeAll(async () => {
    stack = await startEventsStack()
    client = await eventsClient(stack)
    providerId = await createProvider(client, ['journal.wanted', 'nobody.wants'])
    const reg = await client.createRegistration(
      WS.org,
      WS.project,
      WS.workspace,
      registrationBody(providerId, ['journal.wanted'], {
        delivery_type: 'journal',
        runtime_action: undefined,
      }),
    )
    journalUrl = reg._links['rel:events'].href
  })
  afterAll(async () => {
    await stack.close()
  })

  const post = (body: string, headers: Record<string, string> = {}) =>
    rawFetch(stack, '/ingress', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/cloudevents+json', ...headers },
    })

  it('publishEvent resolves "OK" (200) when a registration wants the event and undefined (204) when none does', async () => {
    await expect(client.publishEvent(cloudEvent(providerId, 'journal.wanted'))).resolves.toBe('OK')
    await expect(client.publishEvent(cloudEvent(providerId, 'nobody.wants'))).resolves.toBeUndefined()
  })

  it.each([
    ['no specversion', { specversion: undefined }, '"specversion" must be "1.0"'],
    ['specversion 0.3', { specversion: '0.3' }, '"specversion" must be "1.0"'],
    ['no id', { id: undefined }, '"id" is required'],
    ['an empty type', { type: '' }, '"type" is required'],
    ['a source that is not urn:uuid', { source: 'https://example.com' }, 'must be urn:uuid:<provider id>'],
    [
      'an unknown provider',
      { source: 'urn:uuid:00000000-0000-0000-0000-000000000000' },
      'unknown provider 00000000-0000-0000-0000-000000000000',
    ],
    [
      'an event code the provider does not define',
      { type: 'no.such.code' },
      'event code no.such.code is not defined on provider',
    ],
    ['a malformed time', { time: 'yesterday' }, '"time" must be an RFC 3339 timestamp'],
    [
      'a non-JSON datacontenttype',
      { datacontenttype: 'text/plain' },
      'datacontenttype" must be application/json',
    ],
  ])('answers 400 for %s, naming the problem', async (_what, overrides, reason) => {
    const res = await post(JSON.stringify(cloudEvent(providerId, 'journal.wanted', {}, overrides)))
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toContain(reason)
  })

  it('rejects malformed bodies, wrong content types and missing credentials', async () => {
    expect((await post('{not json')).status).toBe(400)
    expect((await post('[]')).status).toBe(400)
    expect(
      (
        await post(JSON.stringify(cloudEvent(providerId, 'journal.wanted')), {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(415)
    const anonymous = await rawFetch(stack, '/ingress', {
      method: 'POST',
      auth: false,
      headers: {
        'content-type': 'application/cloudevents+json',
        authorization: `Bearer ${stack.config.imsToken}`,
      },
      body: JSON.stringify(cloudEvent(providerId, 'journal.wanted')),
    })
    expect(anonymous.status).toBe(401)
    await expect(
      client.publishEvent(cloudEvent(providerId, 'journal.wanted', {}, { specversion: '2.0' })),
    ).rejects.toThrow(/400/)
  })

  it('accepts a duplicate source+id but journals it once, and pages the journal with getEventsFromJournal', async () => {
    const start = await client.getEventsFromJournal(journalUrl, { latest: true })
    const since = start.events ? start.events[0].position : undefined
    const dup = cloudEvent(providerId, 'journal.wanted', { n: 0 })
    await expect(client.publishEvent(dup)).resolves.toBe('OK')
    await expect(client.publishEvent(dup)).resolves.toBe('OK')
    for (const n of [1, 2]) await client.publishEvent(cloudEvent(providerId, 'journal.wanted', { n }))

    const page1 = await client.getEventsFromJournal(journalUrl, { since, limit: 2 })
    expect(page1.events.map((e: { event: { data: unknown } }) => e.event.data)).toEqual([{ n: 0 }, { n: 1 }])
    expect(page1.events[0].event).toEqual({
      ...dup,
      time: expect.stringMatching(/Z$/),
      event_id: dup.id,
      recipient_client_id: API_KEY,
    })
    expect(page1._page).toEqual({ last: page1.events[1].position, count: 2 })
    expect(page1.link.next).toBe(`${journalUrl}?since=${page1.events[1].position}`)

    const page2 = await client.getEventsFromJournal(page1.link.next)
    expect(page2.events.map((e: { event: { data: unknown } }) => e.event.data)).toEqual([{ n: 2 }])

    const end = await client.getEventsFromJournal(page2.link.next)
    expect(end.events).toBeUndefined()
    expect(end.retryAfter).toBe(10_000)
    expect(end.link.next).toBe(page2.link.next)

    const latest = await client.getEventsFromJournal(journalUrl, { latest: true })
    expect(latest.events.map((e: { event: { data: unknown } }) => e.event.data)).toEqual([{ n: 2 }])
    await expect(client.getEventsFromJournal(journalUrl, { since: 'not-a-position' })).rejects.toThrow(/400/)
  })

  it('throttles past 3,000 requests per window per API key with 429 and Retry-After', async () => {
    // A stack whose time runs 10x slower: the 5 s window lasts 50 s, so 3,000 requests fit in one
    // window however loaded the machine is (at full speed, 600 req/s would be needed).
    const slow = await startEventsStack({ timeScale: 0.1 })
    try {
      const key = 'throttled-key'
      const statuses: number[] = []
      let retryAfter: string | null = null
      let firstThrottledAt = 0
      const started = Date.now()
      // Bursts of 100 until the first 429 (bounded: 9,000 requests or 120 s).
      while (!firstThrottledAt && statuses.length < 9000 && Date.now() - started < 120_000) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, () =>
            rawFetch(slow, '/ingress', {
              method: 'POST',
              body: '',
              headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': key },
            }).then(async (r) => {
              if (r.status === 429 && !firstThrottledAt) {
                firstThrottledAt = Date.now()
                retryAfter = r.headers.get('retry-after')
              }
              await r.arrayBuffer()
              return r.status
            }),
          ),
        )
        statuses.push(...batch)
      }
      expect(firstThrottledAt).toBeGreaterThan(0)
      const accepted = statuses.filter((s) => s !== 429).length
      // All within one (50 s) window: exactly 3,000 got through; older ones leave it otherwise.
      if (firstThrottledAt - started < 50_000) expect(accepted).toBe(3000)
      else expect(accepted).toBeGreaterThanOrEqual(3000)
      // Retry-After is real seconds until the oldest request leaves the window.
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(retryAfter)).toBeLessThanOrEqual(50)
    } finally {
      await slow.close()
    }
    expect((await post('', { 'x-api-key': 'another-key' })).status).toBe(400)
  }, 180_000)
})
