/**
 * Commerce sync under failure and at-least-once delivery, through the real stack: a Commerce 400
 * is the handler's 400 and is not retried; a Commerce 503 (local fault hook) makes I/O Events
 * retry and the change is applied once; re-sent creates and repeated deletes succeed; the
 * two-way loop is broken (Commerce's echo of our change does not reach the back-office
 * subscriber, a later real Commerce change does).
 */
import { startReceiver } from '../fixtures/apps/events/harness'
import { generateSecret } from '../../actions/lib/webhook-signature'
import { registrationFor, startRoutingStack, type RoutingStack } from './routing-harness'
import { answer, commerce, commerceHook, outcomes, sendBackoffice } from './commerce-harness'
import { waitFor } from '../helpers/wait-for'

jest.setTimeout(600_000)

const SAVE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'

describe('Commerce failures, redelivery and loops', () => {
  let rs: RoutingStack
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  beforeAll(async () => {
    receiver = await startReceiver()
    rs = await startRoutingStack(
      {
        LOCAL_COMMERCE: 'integration',
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: generateSecret(),
        WEBHOOK_EVENTS: '*',
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
      },
      { timeScale: 120 }, // I/O Events' 1-minute first retry becomes 0.5 s
    )
  }, 180_000)
  afterAll(async () => {
    await rs?.close()
    await receiver?.close()
  })

  /** Event types (with the product name) the subscriber received for `sku`. */
  const deliveredFor = (sku: string) =>
    receiver.received
      .map((r) => JSON.parse(r.body) as { type: string; data: { id: string } })
      .filter((b) => b.data.id === sku)
      .map((b) => b.type)

  test('Commerce 400 → handler 400 with Commerce’s message, not retried, nothing delivered', async () => {
    const { traces } = await sendBackoffice(rs, 'be-observer.catalog_product_create', {
      sku: 'NO-NAME',
      price: 3,
    })
    expect(outcomes(traces)).toEqual([[1, 400, 'failed']])
    expect(answer(traces[0]).error.body.error).toBe(
      'Commerce POST V1/products failed (400): The "name" attribute value is empty. Set the attribute and try again.',
    )
    expect(deliveredFor('NO-NAME')).toEqual([])
  })

  test('Commerce 503 then 200 → retried by I/O Events, applied once', async () => {
    // Three 503s exhaust the client's in-activation attempts, so I/O Events must retry the event.
    await commerceHook(rs, 'POST', 'faults', { method: 'POST', path: 'V1/products', status: 503, count: 3 })
    const before = rs.stack.commerce.writes().length
    const { traces } = await sendBackoffice(
      rs,
      'be-observer.catalog_product_create',
      { sku: 'FLAKY', name: 'Flaky', price: 5 },
      2,
    )
    expect(outcomes(traces)).toEqual([
      [1, 502, 'retry_scheduled'],
      [2, 200, 'delivered'],
    ])
    expect(rs.stack.commerce.writes().slice(before)).toEqual(['POST V1/products'])
    expect((await commerce(rs, 'GET', 'V1/products/FLAKY')).body.name).toBe('Flaky')
  })

  test('a re-sent customer create updates the existing customer; a repeated delete succeeds', async () => {
    const value = { id: 'BO-9', email: 'redo@example.com', firstname: 'Re', lastname: 'Do' }
    const first = await sendBackoffice(rs, 'be-observer.customer_create', value)
    const again = await sendBackoffice(rs, 'be-observer.customer_create', { ...value, lastname: 'Done' })
    expect([outcomes(first.traces), outcomes(again.traces)]).toEqual([
      [[1, 200, 'delivered']],
      [[1, 200, 'delivered']],
    ])
    const found = await commerce(
      rs,
      'GET',
      'V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria[filter_groups][0][filters][0][value]=redo@example.com',
    )
    expect(found.body.items.map((c: any) => c.lastname)).toEqual(['Done'])
    const id = found.body.items[0].id
    expect(answer(again.traces[0]).body.response.message).toContain(
      `Commerce PUT V1/customers/${id} (already existed: updated)`,
    )

    await sendBackoffice(rs, 'be-observer.catalog_product_create', { sku: 'GONE', name: 'Gone', price: 1 })
    const del1 = await sendBackoffice(rs, 'be-observer.catalog_product_delete', { sku: 'GONE' })
    const del2 = await sendBackoffice(rs, 'be-observer.catalog_product_delete', { sku: 'GONE' })
    expect([outcomes(del1.traces), outcomes(del2.traces)]).toEqual([
      [[1, 200, 'delivered']],
      [[1, 200, 'delivered']],
    ])
    expect(answer(del2.traces[0]).body.response.message).toContain(
      'Commerce DELETE V1/products/GONE: already applied (not found)',
    )
  })

  test('two-way loop: our change’s echo is skipped, a later real Commerce change flows', async () => {
    const saves = registrationFor(rs, SAVE)
    const sent = await sendBackoffice(rs, 'be-observer.catalog_product_update', {
      sku: 'LOOP',
      name: 'Looped',
      price: 7,
    })
    expect(outcomes(sent.traces)).toEqual([[1, 200, 'delivered']])
    // Commerce emitted its save event for our change: the consumer acknowledges it as an echo.
    await rs.stack.commerce.eventsIdle()
    const echo = await waitFor(
      async () =>
        rs.stack.events.traces(saves).find((t) => String(t.response.body).includes(`echo of ${sent.id}`)),
      240_000,
      'the echo trace',
    )
    expect([echo.response.status_code, answer(echo).body.response.message]).toEqual([
      200,
      `skipped: echo of ${sent.id}`,
    ])

    // A merchant edits the product in Commerce: a real change, forwarded to the subscriber.
    expect(
      (await commerce(rs, 'PUT', 'V1/products/LOOP', { product: { sku: 'LOOP', name: 'Edited', price: 7 } }))
        .status,
    ).toBe(200)
    await rs.stack.commerce.eventsIdle()
    await waitFor(() => deliveredFor('LOOP').includes(SAVE), 240_000, 'the real change delivered')
    expect(deliveredFor('LOOP')).toEqual(['be-observer.catalog_product_update', SAVE])
  })
})
