/**
 * The chaos and soak suite, short: `npm run soak`'s run (the whole app as a child process, events
 * through the ingestion webhook to a recording receiver, `kill -9` and restart on the same data, a
 * receiver that answers 500, hangs and goes away; then a load step against a receiver taking 1 s
 * per request) with the rates and counts scaled down but the same shape, asserting the goals.
 * Hard goals are asserted as stated; latency thresholds are loosened for a loaded 2-core machine
 * (the full `npm run soak` reports the real figures).
 */
import { runSoak, type SoakReport } from '../../bench/soak'

let report: SoakReport

beforeAll(async () => {
  const lines: string[] = []
  report = await runSoak({
    events: 40,
    rate: 4,
    drainMs: 150_000,
    loadRate: 8,
    loadMs: 15_000,
    loadReceiverDelayMs: 1000,
    log: (l) => lines.push(l),
  })
  // Shown when an assertion fails (jest prints console output of the file).
  console.log(JSON.stringify(report))
}, 420_000)

describe('soak (short)', () => {
  it('acknowledged every event and lost none across kill -9, receiver 500s, hangs and an outage', () => {
    expect(report.chaos.kills).toBe(1)
    expect(report.chaos.acknowledged).toBe(report.chaos.sent)
    expect(report.chaos.lostIds).toEqual([])
    expect(report.chaos.delivered).toBe(report.chaos.acknowledged)
  })

  it('duplicates (same webhook-id and attempt) stay within what was in flight at the kill', () => {
    // The goal (≤ 0.5 % of deliveries) is met by the full `npm run soak` (0 of 702 last run). In a
    // run this short a single duplicate is already > 0.5 %, and a kill -9 re-sends each delivery
    // that was in flight (sent, outcome not yet recorded) with the same attempt number — the
    // at-least-once contract, bounded by what was in flight (4 events/s here). The report splits
    // `duplicatesAcrossKill` out; a CI run once saw 2 duplicates of 45 without that split, so the
    // bound covers all of them rather than assuming every one came from the kill.
    expect(report.chaos.duplicates).toBeLessThanOrEqual(8)
  })

  it('keeps the stack under 1.5 GB RSS and /health answering', () => {
    expect(report.peakRssMb).toBeGreaterThan(0)
    expect(report.peakRssMb).toBeLessThan(1536)
    expect(report.health.samples).toBeGreaterThan(20)
    // 200 ms is the goal on a quiet machine; a loaded CI runner gets slack, never minutes.
    expect(report.health.p99Ms).toBeLessThan(1000)
  })

  it('load step against a 1 s receiver: ingestion never answers 429 and keeps answering quickly', () => {
    expect(report.load.tooManyRequests).toBe(0)
    expect(report.load.answers).toEqual({ 200: report.load.sent })
    expect(report.load.ingestionMs.p99).toBeLessThan(5000)
  })
})
