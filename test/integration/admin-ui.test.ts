/**
 * The admin UI in real headless Chromium (Debian's chromium driven by playwright-core) against the
 * local stack, with a real receiver: create a webhook with two additional fields, see deliveries
 * carry them, a failing receiver's failed rows and error text, retry one row and the rest in bulk,
 * export to a JSON download, switch a webhook off, the secret shown once, event data as text,
 * a webhook's format, retry schedule and content filter edited through the form.
 * The listing comes from the index the sweeper keeps ("Freshness of the logs"): the test runs the
 * sweeper itself (as publisher-admin.test.ts does) instead of waiting for the minute alarm.
 * Every page is screenshotted into test-artifacts/admin-ui-*.png.
 */
import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from '../helpers/browser'
import { startReceiver, verifyWithLibrary, type Receiver, type Reply } from '../helpers/webhook-receiver'
import { waitFor } from '../helpers/wait-for'
import { anEvent, startPublisherStack, type PublisherStack } from './publisher-harness'

const T = 30_000 // generous waits: a loaded 2-core machine
const CODE = 'be-observer.catalog_product_create'

describe('admin UI in the browser', () => {
  let ps: PublisherStack
  let receiver: Receiver
  let browser: BrowserSession
  let page: Page
  let reply: Reply = { status: 200, body: 'ok' }
  let subId = ''
  let secret = ''

  beforeAll(async () => {
    ps = await startPublisherStack()
    receiver = await startReceiver({ script: () => reply })
    browser = await launchBrowser()
    page = browser.page
    page.setDefaultTimeout(T)
    await page.goto(`${ps.stack.baseUrl}/`)
    await page.getByRole('heading', { name: 'Commerce Event Hub' }).waitFor()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await receiver?.close()
    await ps?.close()
  })

  const tab = (name: string) => page.getByRole('tab', { name }).click()
  const deliveryRows = () => page.locator('table[aria-label="Deliveries"] tbody tr[data-id]')
  /** Publishes through publisher/publish and runs the sweeper so the listing shows the result. */
  const publishAndIndex = async (events: ReturnType<typeof anEvent>[]) => {
    for (const e of events) expect((await ps.publish(e)).statusCode).toBe(200)
    await ps.sweep()
  }
  const refreshLogs = async () => {
    await tab('Event logs')
    await page.getByRole('button', { name: 'Refresh' }).click()
  }
  const rowsWith = async (ids: string[], status: string) =>
    waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click()
        const found = await Promise.all(
          ids.map((id) => page.locator(`tr[data-id="${id}"] [data-status="${status}"]`).count()),
        )
        return found.every((n) => n === 1)
      },
      T,
      `rows ${ids.join(', ')} listed as ${status}`,
    )

  test('the root URL serves the UI and the local-only config', async () => {
    const html = await fetch(`${ps.stack.baseUrl}/`).then((r) => r.text())
    expect(html).toContain('<div id="root"></div>')
    const cfg = await fetch(`${ps.stack.baseUrl}/_local/ui-config.json`).then((r) => r.json())
    expect(cfg).toEqual({
      apiBase: `${ps.stack.baseUrl}/api/v1/web/${ps.stack.config.namespace}`,
      imsToken: ps.stack.config.imsToken,
      imsOrgId: ps.stack.config.imsOrgId,
      tracingUrl: `${ps.stack.baseUrl}/events/tracing`,
    })
    await page.getByText('No deliveries match').waitFor()
    await browser.screenshot('admin-ui-event-logs-empty')
  })

  test('create a webhook with two additional fields; the secret is shown once', async () => {
    await tab('Webhooks')
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const form = page.getByRole('form', { name: 'Add webhook' })
    await form.getByRole('textbox', { name: 'Name' }).fill('UI receiver')
    await form.getByRole('textbox', { name: 'URL' }).fill(receiver.url)
    await form.getByRole('checkbox', { name: CODE, exact: true }).check()
    await form.getByRole('checkbox', { name: 'name', exact: true }).check()
    await form.getByRole('checkbox', { name: 'price', exact: true }).check()
    // Reset puts back the opening values; fill again.
    await form.getByRole('button', { name: 'Reset' }).click()
    expect(await form.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('')
    await form.getByRole('textbox', { name: 'Name' }).fill('UI receiver')
    await form.getByRole('textbox', { name: 'URL' }).fill(receiver.url)
    await form.getByRole('checkbox', { name: CODE, exact: true }).check()
    await form.getByRole('checkbox', { name: 'name', exact: true }).check()
    await form.getByRole('checkbox', { name: 'price', exact: true }).check()
    await form.getByRole('button', { name: 'Create webhook' }).click()

    const secretBox = page.getByRole('textbox', { name: 'Secret' })
    await secretBox.waitFor()
    secret = await secretBox.inputValue()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/)
    await page.getByRole('button', { name: 'Copy secret' }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    await browser.screenshot('admin-ui-webhooks-secret-once')
    await page.getByRole('button', { name: 'Done' }).click()
    await secretBox.waitFor({ state: 'detached' })
    await page.reload()
    await tab('Webhooks')
    await page.locator('table[aria-label="Webhooks"] tbody tr[data-id]').first().waitFor()
    expect(await page.content()).not.toContain(secret)

    const list = await ps.admin('subscriptions', 'get')
    expect(list.json.items).toEqual([
      expect.objectContaining({
        name: 'UI receiver',
        eventTypes: [CODE],
        fields: ['name', 'price'],
        active: true,
      }),
    ])
    subId = list.json.items[0].id
    await browser.screenshot('admin-ui-webhooks')
  })

  test('events are delivered with those fields and listed as delivered', async () => {
    const events = [anEvent(), anEvent()]
    await publishAndIndex(events)
    await receiver.waitFor(2, T)
    for (const [i, e] of events.entries()) {
      const got = receiver.received[i]
      expect(got.json.data).toEqual({
        id: e.entityId,
        type: 'product',
        name: e.fields.name,
        price: e.fields.price,
      })
      expect(verifyWithLibrary([secret], got.body, got.headers)).toEqual([0])
    }
    await refreshLogs()
    await rowsWith(
      events.map((e) => `${e.id}.${subId}`),
      'delivered',
    )
    await browser.screenshot('admin-ui-event-logs')
  })

  test('a payload containing <script> is shown as text, never run', async () => {
    const nasty = '<script>window.__cehXss=1</script><img src=x onerror="window.__cehXss=2">'
    const e = anEvent({ fields: { sku: 'XSS-1', name: nasty, price: 1 } })
    await publishAndIndex([e])
    const id = `${e.id}.${subId}`
    await refreshLogs()
    await rowsWith([id], 'delivered')
    await page.getByRole('button', { name: `Details of ${id}` }).click()
    const payload = page.getByLabel('Payload sent')
    await payload.waitFor()
    expect(await payload.textContent()).toContain(JSON.stringify(nasty).slice(1, -1).replace(/\\"/g, '\\"'))
    expect(await page.locator('.ceh-detail script, .ceh-detail img').count()).toBe(0)
    expect(
      await page.evaluate(() => (globalThis as unknown as { __cehXss?: number }).__cehXss),
    ).toBeUndefined()
    await browser.screenshot('admin-ui-event-detail')
    await page.getByRole('button', { name: 'Close details' }).click()
  })

  test('a failing receiver: failed rows with the error; retry one row, then the rest in bulk', async () => {
    reply = { status: 400, body: 'receiver says no' }
    const before = receiver.received.length
    const events = [anEvent(), anEvent(), anEvent()]
    await publishAndIndex(events)
    await receiver.waitFor(before + 3, T)
    const ids = events.map((e) => `${e.id}.${subId}`)

    await tab('Event logs')
    await page.getByRole('button', { name: /Status/ }).click()
    await page.getByRole('option', { name: 'failed', exact: true }).click()
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await rowsWith(ids, 'failed')
    expect(await deliveryRows().count()).toBe(3)

    await page.getByRole('button', { name: `Details of ${ids[0]}` }).click()
    const detail = page.locator('.ceh-detail')
    await detail.getByText('receiver says no').first().waitFor()
    const record = (await ps.admin('logs', 'get', `/${ids[0]}`)).json
    expect(record.lastError).toEqual(expect.any(String))
    expect(await detail.locator('.ceh-last-error').textContent()).toBe(record.lastError)
    await browser.screenshot('admin-ui-event-logs-failed')

    reply = { status: 200, body: 'fixed' }
    await page.getByRole('button', { name: `Retry ${ids[0]}` }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Retried ${ids[0]}: delivered` })
      .waitFor()
    expect((await ps.admin('logs', 'get', `/${ids[0]}`)).json.status).toBe('delivered')

    await page.getByRole('button', { name: 'Retry all matching' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Retry all' }).click()
    await page.getByRole('status').filter({ hasText: 'Bulk retry done' }).waitFor()
    for (const id of ids)
      expect([id, (await ps.admin('logs', 'get', `/${id}`)).json.status]).toEqual([id, 'delivered'])
  })

  test('Export to JSON downloads every filtered delivery as a JSON file', async () => {
    await ps.sweep()
    await tab('Event logs')
    await page.getByRole('button', { name: /Status/ }).click()
    await page.getByRole('option', { name: 'Any', exact: true }).click()
    await page.getByRole('button', { name: 'Apply filters' }).click()
    const stored = await ps.records()
    await waitFor(async () => (await deliveryRows().count()) === stored.length, T, 'every delivery listed')
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: T }),
      page.getByRole('button', { name: 'Export to JSON' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^delivery-logs-.*\.json$/)
    const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'))
    expect(file.count).toBe(stored.length)
    expect(file.items.map((r: { id: string }) => r.id).sort()).toEqual(stored.map((s) => s.record.id).sort())
    for (const item of file.items) {
      const same = stored.find((s) => s.record.id === item.id)!.record
      expect(item).toEqual(same)
    }
    await page
      .getByRole('status')
      .filter({ hasText: `Exported ${stored.length} deliveries` })
      .waitFor()
  })

  test('a webhook switched off gets no delivery', async () => {
    await tab('Webhooks')
    const toggle = page.getByRole('switch', { name: 'Active: UI receiver' })
    await toggle.click()
    await waitFor(
      async () => (await ps.admin('subscriptions', 'get', `/${subId}`)).json.active === false,
      T,
      'the subscription inactive',
    )
    await page.getByRole('switch', { name: 'Active: UI receiver', checked: false }).waitFor()
    const before = receiver.received.length
    const recordsBefore = (await ps.records()).length
    const e = anEvent()
    expect((await ps.publish(e)).statusCode).toBe(200)
    expect(receiver.received.length).toBe(before)
    expect((await ps.records()).length).toBe(recordsBefore)
    expect((await ps.admin('logs', 'get', `/${e.id}.${subId}`)).status).toBe(404)
  })

  test('test send shows the receiver answer', async () => {
    await tab('Webhooks')
    const before = receiver.received.length
    await page.getByRole('button', { name: 'Send a test event to UI receiver' }).click()
    const result = page.getByRole('status', { name: 'Test result of UI receiver' })
    await result.waitFor()
    await waitFor(
      async () => /HTTP \d{3} in \d+ ms/.test((await result.textContent()) ?? ''),
      T,
      'the answer shown',
    )
    // The receiver really got the signed test event.
    expect(receiver.received.length).toBeGreaterThan(before)
  })

  test('API errors are shown in place', async () => {
    await tab('Webhooks')
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const form = page.getByRole('form', { name: 'Add webhook' })
    await form.getByRole('textbox', { name: 'Name' }).fill('Private')
    await form.getByRole('textbox', { name: 'URL' }).fill('https://10.0.0.1/hook')
    await form.getByRole('checkbox', { name: CODE, exact: true }).check()
    await form.getByRole('button', { name: 'Create webhook' }).click()
    const alert = page.locator('.ceh-error').filter({ hasText: 'The change was not saved' })
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/url/i)
    await browser.screenshot('admin-ui-webhooks-error')
    await form.getByRole('button', { name: 'Cancel' }).click()
  })

  test('format, retry schedule and filter: saved exactly, shown, reset, removed; a filter typo is the API error in place', async () => {
    const filter = { sku: ['OPT-1', 'OPT-2'], price: { exists: true } }
    await tab('Webhooks')
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const form = page.getByRole('form', { name: 'Add webhook' })
    await form.getByRole('textbox', { name: 'Name' }).fill('Options receiver')
    await form.getByRole('textbox', { name: 'URL' }).fill(receiver.url)
    await form.getByRole('checkbox', { name: CODE, exact: true }).check()
    await form.getByRole('button', { name: /Payload format/ }).click()
    await page.getByRole('option', { name: 'virto', exact: true }).click()
    await form.getByRole('textbox', { name: 'Retry schedule' }).fill('5s, 5m, 1h')
    await form.getByRole('textbox', { name: 'Retry jitter' }).fill('0.2')
    const filterBox = form.getByRole('textbox', { name: 'Content filter (JSON)' })
    // Text that is not JSON is refused in the field itself and nothing is sent.
    await filterBox.fill('{"sku": ')
    await form.getByText(/Not valid JSON/).waitFor()
    await filterBox.fill(JSON.stringify(filter, null, 2))
    await browser.screenshot('admin-ui-webhooks-options-form')
    await form.getByRole('button', { name: 'Create webhook' }).click()
    await page.getByRole('textbox', { name: 'Secret' }).waitFor()
    await page.getByRole('button', { name: 'Done' }).click()

    const created = (await ps.admin('subscriptions', 'get')).json.items.find(
      (s: { name: string }) => s.name === 'Options receiver',
    )
    const path = `/${created.id}`
    const saved = (await ps.admin('subscriptions', 'get', path)).json
    expect([saved.format, saved.retry, saved.filter]).toEqual([
      'virto',
      { schedule: ['5s', '5m', '1h'], jitter: 0.2 },
      filter,
    ])
    const cell = page.locator(`tr[data-id="${created.id}"] .ceh-options`)
    await cell.getByText('format: virto').waitFor()
    expect(await cell.locator('div').allTextContents()).toEqual([
      'format: virto',
      'retry: 5s, 5m, 1h ±0.2',
      `filter: ${JSON.stringify(filter)}`,
    ])

    // Edit: the form opens with the saved options; a filter path typo is the API's 400, in place.
    await page.getByRole('button', { name: 'Edit Options receiver' }).click()
    const edit = page.getByRole('form', { name: 'Edit webhook' })
    const schedule = edit.getByRole('textbox', { name: 'Retry schedule' })
    expect(await schedule.inputValue()).toBe('5s, 5m, 1h')
    expect(
      JSON.parse(await edit.getByRole('textbox', { name: 'Content filter (JSON)' }).inputValue()),
    ).toEqual(filter)
    await edit.getByRole('textbox', { name: 'Content filter (JSON)' }).fill('{"skuu": "OPT-1"}')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    const alert = page.locator('.ceh-error').filter({ hasText: 'The change was not saved' })
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/filter.*"skuu"/)
    await browser.screenshot('admin-ui-webhooks-options-error')
    expect((await ps.admin('subscriptions', 'get', path)).json.filter).toEqual(filter)

    // Reset puts the saved options back; emptied schedule and filter remove them (PATCH null).
    await schedule.fill('1m')
    await edit.getByRole('button', { name: 'Reset' }).click()
    expect(await schedule.inputValue()).toBe('5s, 5m, 1h')
    expect(await edit.getByRole('textbox', { name: 'Retry jitter' }).inputValue()).toBe('0.2')
    await schedule.fill('')
    await edit.getByRole('textbox', { name: 'Content filter (JSON)' }).fill('')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await edit.waitFor({ state: 'detached' })
    const after = (await ps.admin('subscriptions', 'get', path)).json
    expect([after.format, after.retry.default, after.filter]).toEqual(['virto', true, undefined])
    await cell.getByText('filter: none').waitFor()
  })

  test('Overview and Debug Tracing pages', async () => {
    await tab('Overview')
    const row = page.locator(`table[aria-label="Per subscription"] tr[data-id="${subId}"]`)
    await row.waitFor()
    expect(await row.textContent()).toMatch(/%/)
    await page.getByRole('img', { name: /Deliveries over time by status/ }).waitFor()
    await browser.screenshot('admin-ui-overview')
    await tab('Debug Tracing')
    await page.getByRole('button', { name: 'Refresh' }).waitFor()
    expect(await page.locator('.ceh-error').count()).toBe(0)
    await browser.screenshot('admin-ui-debug-tracing')
  })

  test('keyboard: the tabs move with the arrow keys; a narrow window still works', async () => {
    await page.getByRole('tab', { name: 'Event logs' }).click()
    await page.keyboard.press('ArrowRight')
    expect(await page.getByRole('tab', { name: 'Webhooks' }).getAttribute('aria-selected')).toBe('true')
    await page.setViewportSize({ width: 420, height: 900 })
    await page.keyboard.press('ArrowLeft')
    await deliveryRows().first().waitFor()
    await browser.screenshot('admin-ui-event-logs-narrow')
    await page.setViewportSize({ width: 1280, height: 900 })
  })
})
