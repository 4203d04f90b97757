/**
 * The ingestion webhook when its dependencies are not there: the backoffice provider missing
 * (clear 500 "run npm run onboard", fixed by onboarding without a restart), an event code not
 * onboarded on the provider (ingress refuses it: that item is retryable, the others publish), and
 * I/O Events down (503, nothing half-published; the caller's retry publishes each event once).
 */
import { eventIdFor } from '../../actions/ingestion/webhook/cloud-event'
import { idempotencyKey } from '../../actions/lib/idempotency-store'
import {
  BACKOFFICE_CODES,
  addEventCode,
  eventBody,
  idemKeys,
  ingestionEnv,
  journalEvents,
  journalFor,
  onboardBackoffice,
  postSigned,
  startIngestionStack,
  type IngestionStack,
} from './ingestion-harness'

const published = (
  type = 'be-observer.catalog_product_create',
  message = 'Event published successfully',
) => ({ status: 200, body: { type, response: { success: true, message } } })
const ids = async (app: IngestionStack, journal: string) =>
  (await journalEvents(app.events, journal)).map((e) => e.id as string)

describe('ingestion when the backoffice provider or an event code is not onboarded', () => {
  let app: IngestionStack
  beforeAll(async () => {
    app = await startIngestionStack(ingestionEnv())
  })
  afterAll(async () => {
    await app?.close()
  })

  it('answers 500 "run npm run onboard" until the provider exists, then publishes without a restart', async () => {
    expect(await postSigned(app.url, eventBody('np-1'))).toEqual({
      status: 500,
      body: {
        error:
          'The I/O Events provider "Back-office events (commerce-event-hub)" (backoffice) does not exist in this organization: run npm run onboard',
      },
    })
    expect(await idemKeys(app.stack)).toEqual([])
    const LATE = 'be-observer.sales_order_status_update'
    const providerId = await onboardBackoffice(
      app.events,
      BACKOFFICE_CODES.filter((c) => c !== LATE),
    )
    const journal = await journalFor(app.events, providerId, ['be-observer.catalog_product_create'])
    expect(await postSigned(app.url, eventBody('np-1'))).toEqual(published())
    expect(await ids(app, journal)).toEqual([eventIdFor('np-1')])

    // An event code missing on the provider: ingress refuses that event (400 → our retryable 500), the rest publish.
    const batch = {
      data: [
        eventBody('late-1').data,
        { uid: 'late-2', event: LATE, value: { id: 'O-1', status: 'complete' } },
      ],
    }
    const first = await postSigned(app.url, batch)
    expect(first).toEqual({
      status: 500,
      body: {
        error: '1 of 2 events failed: re-send the batch; published items will be ignored as duplicates',
        items: [
          {
            index: 0,
            uid: 'late-1',
            statusCode: 200,
            type: 'be-observer.catalog_product_create',
            response: { success: true, message: 'Event published successfully' },
          },
          {
            index: 1,
            uid: 'late-2',
            statusCode: 500,
            type: LATE,
            error: 'Publishing to Adobe I/O Events failed (ingress answered 400); retry later',
          },
        ],
      },
    })
    expect(await idemKeys(app.stack)).toEqual([idempotencyKey('late-1'), idempotencyKey('np-1')].sort())
    await addEventCode(app.events, providerId, LATE)
    const second = await postSigned(app.url, batch)
    expect(second).toEqual({
      status: 200,
      body: {
        type: 'batch',
        response: [
          {
            index: 0,
            uid: 'late-1',
            statusCode: 200,
            type: 'be-observer.catalog_product_create',
            response: { success: true, message: 'Duplicate ignored' },
          },
          {
            index: 1,
            uid: 'late-2',
            statusCode: 200,
            type: LATE,
            response: {
              success: true,
              message: `Event published successfully, but no I/O Events registration consumes ${LATE} yet (ingress answered 204): it was not delivered anywhere`,
            },
          },
        ],
      },
    })
    expect(await ids(app, journal)).toEqual([eventIdFor('np-1'), eventIdFor('late-1')])
  })
})

describe('ingestion when I/O Events is down', () => {
  it('answers 503, publishes and remembers nothing; after recovery the re-sent batch publishes each event once', async () => {
    let app = await startIngestionStack(ingestionEnv())
    try {
      const providerId = await onboardBackoffice(app.events)
      const journal = await journalFor(app.events, providerId)
      expect(await postSigned(app.url, eventBody('warm-1'))).toEqual(published())

      await app.stack.events.close() // the events part of the stack stops answering properly (500s)
      const batch = { data: [eventBody('down-1').data, eventBody('down-2').data] }
      const res = (await postSigned(app.url, batch)) as {
        status: number
        body: { error: string; items: { statusCode: number; error: string }[] }
      }
      expect(res.status).toBe(503)
      expect(res.body.error).toBe(
        '2 of 2 events failed: re-send the batch; published items will be ignored as duplicates',
      )
      expect(res.body.items.map((i) => [i.statusCode, i.error])).toEqual([
        [503, 'Publishing to Adobe I/O Events failed (ingress answered 500); retry later'],
        [503, 'Publishing to Adobe I/O Events failed (ingress answered 500); retry later'],
      ])
      expect(await idemKeys(app.stack)).toEqual([idempotencyKey('warm-1')])

      // Recovery: the same data (events, state) on a restarted stack.
      const dataDir = app.stack.dataDir
      await app.close()
      app = await startIngestionStack(ingestionEnv(), { dataDir })
      expect(await ids(app, journal.replace(/^http:\/\/127\.0\.0\.1:\d+/, app.stack.baseUrl))).toEqual([
        eventIdFor('warm-1'),
      ])
      const retry = (await postSigned(app.url, batch)) as {
        status: number
        body: { response: { response: { message: string } }[] }
      }
      expect([retry.status, ...retry.body.response.map((r) => r.response.message)]).toEqual([
        200,
        'Event published successfully',
        'Event published successfully',
      ])
      const again = (await postSigned(app.url, batch)) as {
        status: number
        body: { response: { response: { message: string } }[] }
      }
      expect([again.status, ...again.body.response.map((r) => r.response.message)]).toEqual([
        200,
        'Duplicate ignored',
        'Duplicate ignored',
      ])
      const journalNow = journal.replace(/^http:\/\/127\.0\.0\.1:\d+/, app.stack.baseUrl)
      expect((await ids(app, journalNow)).sort()).toEqual(
        [eventIdFor('warm-1'), eventIdFor('down-1'), eventIdFor('down-2')].sort(),
      )
    } finally {
      await app.close()
    }
  })
})
