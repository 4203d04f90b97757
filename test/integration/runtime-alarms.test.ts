/**
 * Alarm triggers and rules: interval, cron and once feeds fire their rules' action with the
 * trigger payload while the stack runs (time scale 600: one virtual minute = 100 ms); a trigger
 * past its stopDate never fires.
 */
import path from 'node:path'
import { owClient } from '../fixtures/apps/runtime/fixture-stack'
import { startTestStack, type TestStack } from '../helpers/stack'

const TIME_SCALE = 600
const VIRTUAL_MINUTE_MS = 60_000 / TIME_SCALE

let stack: TestStack

beforeAll(async () => {
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
  // 12 virtual minutes; the once date (5 virtual min after the test's Date.now()) falls inside.
  await new Promise((r) => setTimeout(r, 12 * VIRTUAL_MINUTE_MS))
  const records = await owClient(stack).activations.list({ name: 'timers/tick', docs: true, limit: 200 })
  const bySource = new Map<string, number>()
  for (const r of records) {
    const { source, TICK_INPUT } = r.response.result.params
    expect(TICK_INPUT).toBe('bound')
    bySource.set(source, (bySource.get(source) ?? 0) + 1)
  }
  // Lower bounds leave room for a loaded machine (timers slip, the last activations may still run).
  expect(bySource.get('interval')).toBeGreaterThanOrEqual(6)
  expect(bySource.get('interval')).toBeLessThanOrEqual(13)
  expect(bySource.get('cron')).toBeGreaterThanOrEqual(3)
  expect(bySource.get('cron')).toBeLessThanOrEqual(7)
  expect(bySource.get('once')).toBe(1)
  expect(bySource.has('expired')).toBe(false)
  expect(records.every((r: { cause?: string }) => /^[0-9a-f]{32}$/.test(r.cause ?? ''))).toBe(true)
})
