/**
 * Alarm triggers and rules: interval, cron and once feeds fire their rules' action with the
 * trigger payload while the stack runs (time scale 600: one virtual minute = 100 ms); a trigger
 * past its stopDate never fires.
 */
import path from 'node:path'
import { owClient } from '../fixtures/apps/runtime/fixture-stack'
import { startTestStack, type TestStack } from '../helpers/stack'
import { waitFor } from '../helpers/wait-for'

const TIME_SCALE = 600
const VIRTUAL_MINUTE_MS = 60_000 / TIME_SCALE

let stack: TestStack
let stackStartedAt = 0

beforeAll(async () => {
  stackStartedAt = Date.now()
  stack = await startTestStack({
    manifestPath: path.resolve(__dirname, '../fixtures/apps/runtime/alarms/app.config.yaml'),
    // once: 5 virtual minutes after start-up.
    env: { ONCE_DATE: new Date(Date.now() + 5 * 60_000).toISOString() },
    config: { timeScale: TIME_SCALE },
  })
})
afterAll(async () => {
  await stack?.close()
})

it('fires interval, cron and once triggers through their rules with the trigger payload', async () => {
  // Waits on the condition (a loaded machine slips timers), then bounds the counts by the virtual
  // time that really passed: the once date (5 virtual minutes after the test's Date.now()) must have
  // fired exactly once, interval about once and cron about every other virtual minute.
  let records: { cause?: string; response: { result: { params: Record<string, unknown> } } }[] = []
  const bySource = new Map<string, number>()
  await waitFor(
    async () => {
      records = (await owClient(stack).activations.list({
        name: 'timers/tick',
        docs: true,
        limit: 200,
      })) as typeof records
      bySource.clear()
      for (const r of records) {
        const source = String(r.response.result.params.source)
        bySource.set(source, (bySource.get(source) ?? 0) + 1)
      }
      return (bySource.get('interval') ?? 0) >= 6 && (bySource.get('cron') ?? 0) >= 3 && bySource.has('once')
    },
    60_000,
    'interval ≥ 6, cron ≥ 3 and the once trigger',
  )
  // Virtual minutes since the stack started (an upper bound: its clock started during beforeAll).
  const virtualMinutes = (Date.now() - stackStartedAt) / VIRTUAL_MINUTE_MS
  expect(records.every((r) => r.response.result.params.TICK_INPUT === 'bound')).toBe(true)
  expect(bySource.get('interval')).toBeLessThanOrEqual(Math.ceil(virtualMinutes) + 1)
  expect(bySource.get('cron')).toBeLessThanOrEqual(Math.ceil(virtualMinutes / 2) + 1)
  expect(bySource.get('once')).toBe(1)
  expect(bySource.has('expired')).toBe(false)
  expect(records.every((r) => /^[0-9a-f]{32}$/.test(r.cause ?? ''))).toBe(true)
})
