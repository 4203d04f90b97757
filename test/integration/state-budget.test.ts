/**
 * The per-event State budget of the whole pipeline, counted by the local State service (which
 * lists like Adobe's: a scan of 1,000 keys per call), at 0 and at 100K keys in the container:
 * - ingestion: ≤ 1 get (uid dedupe) + ≤ 1 put, 0 list;
 * - consumer + entity handler with the in-process fan-out, one subscription, delivered first time:
 *   0 State calls of their own (no loop-breaker code), the fan-out 1 get (dedupe point read) + 1 put
 *   (the log record), 0 list; the subscriptions document comes from the warm container's cache.
 * The every-minute sweeper is kept out of the window with a tiny time scale.
 */
import { randomUUID } from 'node:crypto'
import { generateSecret } from '../../actions/lib/webhook-signature'
import { eventRegistry } from '../../actions/lib/event-registry'
import { seedDeliveryLog } from '../helpers/delivery-log-seed'
import { startReceiver, type Receiver } from '../helpers/webhook-receiver'
import { waitFor } from '../helpers/wait-for'
import { cloudEvent, startRoutingStack, waitForAttempts, type RoutingStack } from './routing-harness'
import {
  eventBody,
  ingestionEnv,
  onboardBackoffice,
  postSigned,
  startIngestionStack,
  type IngestionStack,
} from './ingestion-harness'

const CODE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'
const N = 4

describe('per-event State budget: consumer → entity handler → in-process fan-out', () => {
  let rs: RoutingStack
  let receiver: Receiver

  beforeAll(async () => {
    receiver = await startReceiver()
    rs = await startRoutingStack(
      {
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: generateSecret(),
        WEBHOOK_EVENTS: '*',
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
        LOOP_BREAKER_EVENTS: '',
        SUBSCRIPTION_CACHE_SECONDS: '300s',
        FANOUT_MODE: 'in-process',
      },
      { timeScale: 0.0001 },
    )
  })
  afterAll(async () => {
    await rs?.close()
    await receiver?.close()
  })

  async function route(): Promise<void> {
    const event = cloudEvent(rs, 'commerce', CODE, eventRegistry.get(CODE)!.sampleEventTemplate)
    expect(await rs.events.publishEvent(event)).toBe('OK')
    await waitForAttempts(rs, event.id)
  }

  test.each([
    ['an empty container', 0],
    ['100K delivery records in the container', 100_000],
  ])('with %s: 1 get + 1 put per event, no list', async (_name, seeded) => {
    if (seeded)
      await seedDeliveryLog({
        dataDir: rs.stack.dataDir,
        namespace: rs.stack.config.namespace,
        count: seeded,
        subscriptionIds: ['default'],
      })
    await route() // warms the consumer and entities/product containers (a cold one reads the subscriptions once)
    const received = receiver.received.length
    rs.stack.state.resetCounters()
    for (let i = 0; i < N; i++) await route()
    await waitFor(() => receiver.received.length >= received + N)
    expect(rs.stack.state.counters(rs.stack.config.namespace)).toEqual({
      gets: N,
      puts: N,
      deletes: 0,
      lists: 0,
    })
  })
})

describe('per-event State budget: ingestion webhook', () => {
  let is: IngestionStack

  beforeAll(async () => {
    is = await startIngestionStack(ingestionEnv(), { timeScale: 0.0001 })
    await onboardBackoffice(is.events)
  })
  afterAll(async () => {
    await is?.close()
  })

  test('≤ 1 get + ≤ 1 put per accepted event, no list; a duplicate uid is 1 get', async () => {
    const ns = is.stack.config.namespace
    expect((await postSigned(is.url, eventBody(`warm-${randomUUID()}`))).status).toBe(200)
    is.stack.state.resetCounters()
    for (let i = 0; i < N; i++)
      expect((await postSigned(is.url, eventBody(`uid-${randomUUID()}`))).status).toBe(200)
    expect(is.stack.state.counters(ns)).toEqual({ gets: N, puts: N, deletes: 0, lists: 0 })
    const uid = `dup-${randomUUID()}`
    expect((await postSigned(is.url, eventBody(uid))).status).toBe(200)
    is.stack.state.resetCounters()
    expect(await postSigned(is.url, eventBody(uid))).toMatchObject({ status: 200 })
    expect(is.stack.state.counters(ns)).toEqual({ gets: 1, puts: 0, deletes: 0, lists: 0 })
  })
})
