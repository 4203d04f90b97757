/**
 * `npm run bench:events`: the local I/O Events pipeline end to end — `publishEvent()` of the real
 * `@adobe/aio-lib-events` client → `/ingress` (fsynced) → delivery engine → Runtime action (the
 * fixture `echo`) → Debug Tracing — against the runtime's bare invoke rate of the same action with
 * the same concurrency, measured in the same run (the ceiling the events layer sits on).
 * Prints one JSON object; bounded by event count and time (well under 60 s).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startStack } from '../local/stack'
import {
  FIXTURE_MANIFEST,
  WS,
  createProvider,
  cloudEvent,
  registrationBody,
} from '../test/fixtures/apps/events/harness'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const CONCURRENCY = 32 // the delivery engine's default bound
const PHASE_MS = 8_000
const MAX_EVENTS = 4_000
const WARMUP = 200
const API_KEYS = 8

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN

function summary(latencies: number[], elapsedMs: number) {
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    count: latencies.length,
    perSec: round((latencies.length / elapsedMs) * 1000),
    p50Ms: round(pct(sorted, 0.5), 2),
    p99Ms: round(pct(sorted, 0.99), 2),
  }
}

/** Runs `op` from CONCURRENCY workers until PHASE_MS or `max` ops; returns per-op latencies. */
async function drive(
  op: (i: number) => Promise<void>,
  max: number,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = []
  let i = 0
  const start = performance.now()
  const end = start + PHASE_MS
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end && i < max) {
        const t = performance.now()
        await op(i++)
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { latencies, elapsedMs: performance.now() - start }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-bench-events-'))
  const stack = await startStack({
    quiet: true,
    env: {},
    manifestPath: FIXTURE_MANIFEST,
    config: { port: 0, dataDir, timeScale: 1 },
  })
  try {
    // Ingress allows 3,000 publishes / 5 s per API key (as on Adobe): spread the publishers over
    // several keys so the benchmark measures the pipeline, not the throttle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { init } = require('@adobe/aio-lib-events')
    const clients = await Promise.all(
      Array.from({ length: API_KEYS }, (_, k) =>
        init(stack.config.imsOrgId, `bench-key-${k}`, stack.config.imsToken, {
          eventsBaseURL: stack.baseUrl,
          eventsIngressURL: `${stack.baseUrl}/ingress`,
        }),
      ),
    )
    const client = clients[0]

    // Baseline: bare runtime invokes of the same action (warm containers first).
    const params = { specversion: '1.0', id: 'x', source: 'urn:uuid:x', type: 'bench.event', data: { n: 1 } }
    await drive(() => stack.runtime.invoke({ action: 'fixture/echo', params }).then(() => undefined), WARMUP)
    const bare = await drive(
      () => stack.runtime.invoke({ action: 'fixture/echo', params }).then(() => undefined),
      MAX_EVENTS,
    )

    // Events: publish → delivered to the action.
    const providerId = await createProvider(client, ['bench.event'])
    const reg = await client.createRegistration(
      WS.org,
      WS.project,
      WS.workspace,
      registrationBody(providerId, ['bench.event'], { runtime_action: 'fixture/echo' }),
    )
    const published = new Map<string, number>()
    const delivered = new Map<string, number>()
    let failures = 0
    stack.events.onAttempt((a) => {
      if (a.registrationId !== reg.registration_id) return
      if (a.outcome !== 'delivered') failures++
      for (const id of a.eventIds) delivered.set(id, performance.now())
    })
    const start = performance.now()
    const ingress = await drive(async (i) => {
      const e = cloudEvent(providerId, 'bench.event', { n: i })
      published.set(e.id, performance.now())
      await clients[i % API_KEYS].publishEvent(e)
    }, MAX_EVENTS)
    await stack.events.idle({ withinMs: 0, timeoutMs: 40_000 })
    await new Promise((r) => setImmediate(r))
    const lastDelivered = Math.max(...delivered.values())
    const endToEnd = [...published]
      .filter(([id]) => delivered.has(id))
      .map(([id, t]) => delivered.get(id)! - t)
    const pipeline = summary(endToEnd, lastDelivered - start)
    const invoke = summary(bare.latencies, bare.elapsedMs)

    console.log(
      JSON.stringify(
        {
          benchmark: 'events',
          concurrency: CONCURRENCY,
          apiKeys: API_KEYS,
          published: published.size,
          delivered: delivered.size,
          nonDeliveredAttempts: failures,
          publishToDelivered: { eventsPerSec: pipeline.perSec, p50Ms: pipeline.p50Ms, p99Ms: pipeline.p99Ms },
          ingressAck: summary(ingress.latencies, ingress.elapsedMs),
          baselineBareInvoke: {
            invokesPerSec: invoke.perSec,
            p50Ms: invoke.p50Ms,
            p99Ms: invoke.p99Ms,
            count: invoke.count,
          },
          ratioDeliveredToBareInvoke: round(pipeline.perSec / invoke.perSec, 3),
          note: 'events/s = delivered events / (last delivery - first publish); latency = publishEvent() call → delivery recorded',
        },
        null,
        2,
      ),
    )
  } finally {
    await stack.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message)
  process.exit(1)
})
