/**
 * `npm run bench:routing`: events/s and p50/p99 latency from `publishEvent()` (real
 * @adobe/aio-lib-events client) to "handler done" — I/O Events delivers to event-hub/consumer,
 * which routes to entities/<entity>, which propagates to publisher/publish (no subscription: the
 * publisher's fast path), and the consumer's result is recorded as the delivery attempt — against
 * the local events → action delivery rate of a trivial action (the events fixture's `echo`)
 * measured in the same run with the same closed-loop driver and concurrency.
 * Prints one JSON object; bounded by event count and time (under 60 s). BENCH_CONCURRENCY (default 8)
 * sets the number of events in flight.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { startStack, type Stack } from '../local/stack'
import {
  FIXTURE_MANIFEST,
  WS as FIXTURE_WS,
  createProvider,
  registrationBody,
} from '../test/fixtures/apps/events/harness'
import { loadOnboardingConfig } from '../onboarding/config-loader'
import { reconcile } from '../onboarding/reconcile'
import { connectLocal } from '../onboarding/events-client'
import { eventRegistry } from '../actions/lib/event-registry'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const PHASE_MS = 8_000
const MAX_EVENTS = 2_000
/**
 * Warm-up: every action needs CONCURRENCY warm containers (one activation each at a time), and
 * the app has 7 actions in the chain's rotation (consumer, 5 entities, publisher), so the warm-up
 * runs until that many events went through (or a time bound), like a production namespace at steady load.
 */
const WARMUP_EVENTS = CONCURRENCY * 12
const WARMUP_MS = 12_000

const CPU_PROBE_INVOKES = 60

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN

type EventsClient = any

interface PhaseResult {
  events: number
  eventsPerSec: number
  p50Ms: number
  p99Ms: number
  notDelivered: number
  /** CPU time of this process (server + every action's worker thread) per event: the cost the rate hides. */
  cpuMsPerEvent: number
}

/** Events client on a stack. */
async function eventsClient(stack: Stack): Promise<EventsClient> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { init } = require('@adobe/aio-lib-events')
  return init(stack.config.imsOrgId, 'local-api-key', stack.config.imsToken, {
    eventsBaseURL: stack.baseUrl,
    eventsIngressURL: `${stack.baseUrl}/ingress`,
  })
}

/**
 * Closed loop: CONCURRENCY workers each publish one event and wait for its delivery attempt
 * (= the action's result), until PHASE_MS or `max` events. `make(i)` builds the i-th CloudEvent.
 */
async function drive(
  stack: Stack,
  client: EventsClient,
  make: (i: number) => { id: string },
  max: number,
  phaseMs = PHASE_MS,
): Promise<PhaseResult> {
  const waiting = new Map<string, (ok: boolean) => void>()
  const off = stack.events.onAttempt((a) => {
    for (const id of a.eventIds) waiting.get(id)?.(a.outcome === 'delivered')
  })
  const latencies: number[] = []
  let notDelivered = 0
  let i = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  const end = start + phaseMs
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end && i < max) {
          const event = make(i++)
          const t = performance.now()
          const done = new Promise<boolean>((resolve) => waiting.set(event.id, resolve))
          await client.publishEvent(event)
          const ok = await Promise.race([
            done,
            new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref()),
          ])
          waiting.delete(event.id)
          if (ok) latencies.push(performance.now() - t)
          else notDelivered++
        }
      }),
    )
  } finally {
    off()
  }
  const elapsed = performance.now() - start
  const used = process.cpuUsage(cpu)
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    events: latencies.length,
    eventsPerSec: round((latencies.length / elapsed) * 1000),
    p50Ms: round(pct(sorted, 0.5), 2),
    p99Ms: round(pct(sorted, 0.99), 2),
    notDelivered,
    cpuMsPerEvent: round((used.user + used.system) / 1000 / Math.max(latencies.length, 1), 2),
  }
}

async function withStack<T>(
  manifestPath: string | undefined,
  env: NodeJS.ProcessEnv,
  run: (stack: Stack) => Promise<T>,
): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-bench-routing-'))
  const stack = await startStack({
    quiet: true,
    env,
    ...(manifestPath ? { manifestPath } : {}),
    config: { port: 0, dataDir, timeScale: 1 },
  })
  try {
    return await run(stack)
  } finally {
    await stack.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Baseline: events → a trivial action (the fixture's echo). */
function baseline(): Promise<PhaseResult> {
  return withStack(FIXTURE_MANIFEST, {}, async (stack) => {
    const client = await eventsClient(stack)
    const providerId = await createProvider(client, ['bench.event'])
    await client.createRegistration(
      FIXTURE_WS.org,
      FIXTURE_WS.project,
      FIXTURE_WS.workspace,
      registrationBody(providerId, ['bench.event'], { runtime_action: 'fixture/echo' }),
    )
    const make = () => ({
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:uuid:${providerId}`,
      type: 'bench.event',
      datacontenttype: 'application/json',
      data: { sku: 'X' },
    })
    await drive(stack, client, make, WARMUP_EVENTS, WARMUP_MS)
    return drive(stack, client, make, MAX_EVENTS)
  })
}

/** The app: events → consumer → entity handler → publisher, cycling through every code of events.json. */
/** p50 of the durations (ms) of the latest ≤ 200 activations of each action (where the time goes). */
async function activationP50s(stack: Stack): Promise<Record<string, number>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openwhisk = require('openwhisk') as (o: object) => {
    activations: { list(o: object): Promise<{ duration?: number }[]> }
  }
  const ow = openwhisk({
    apihost: stack.baseUrl,
    api_key: stack.config.auth,
    namespace: stack.config.namespace,
  })
  const out: Record<string, number> = {}
  for (const [label, names] of [
    ['consumer', ['event-hub/consumer']],
    ['entityHandler', eventRegistry.entities().map((e) => `entities/${e}`)],
    ['publisherPublish', ['publisher/publish']],
  ] as const) {
    const durations: number[] = []
    for (const name of names)
      for (const a of await ow.activations.list({ name, limit: 200, docs: true }))
        durations.push(a.duration ?? 0)
    out[label] = round(
      pct(
        durations.sort((a, b) => a - b),
        0.5,
      ),
      1,
    )
  }
  return out
}

/**
 * CPU per blocking REST invoke (server + action threads), one at a time, for each hop of the chain
 * on its own: tells which hop the chain's cost comes from (each line includes the hops below it).
 */
async function cpuPerHop(stack: Stack): Promise<Record<string, number>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openwhisk = require('openwhisk') as (o: object) => {
    actions: { invoke(o: object): Promise<unknown> }
  }
  const ow = openwhisk({
    apihost: stack.baseUrl,
    api_key: stack.config.auth,
    namespace: stack.config.namespace,
  })
  const type = 'be-observer.catalog_product_update'
  const data = eventRegistry.get(type)!.sampleEventTemplate
  let k = 0
  const event = () => ({
    id: `cpu-${k++}`,
    type,
    entity: 'product',
    entityId: 'S',
    entityType: 'product',
    fields: {},
    receivedAt: new Date().toISOString(),
  })
  const hops: [string, () => object][] = [
    ['publisher/publish', () => ({ name: 'publisher/publish', params: { event: event() } })],
    [
      'entities/product → publish',
      () => ({ name: 'entities/product', params: { type, id: `cpu-${k++}`, data } }),
    ],
    [
      'consumer → product → publish',
      () => ({ name: 'event-hub/consumer', params: { type, id: `cpu-${k++}`, data } }),
    ],
    [
      'consumer, unrouted code (no invoke)',
      () => ({ name: 'event-hub/consumer', params: { type: 'x.unrouted', id: `cpu-${k++}`, data: {} } }),
    ],
  ]
  const out: Record<string, number> = {}
  for (const [label, options] of hops) {
    for (let i = 0; i < 10; i++) await ow.actions.invoke({ ...options(), blocking: true })
    const cpu = process.cpuUsage()
    for (let i = 0; i < CPU_PROBE_INVOKES; i++) await ow.actions.invoke({ ...options(), blocking: true })
    const used = process.cpuUsage(cpu)
    out[label] = round((used.user + used.system) / 1000 / CPU_PROBE_INVOKES, 2)
  }
  return out
}

/** Activations, summed durations (what Runtime bills) per action, in [since, upto] (paged REST listing). */
async function activationTotals(
  stack: Stack,
  since: number,
  upto: number,
): Promise<{ activations: number; billedMs: number; byAction: Record<string, number> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openwhisk = require('openwhisk') as (o: object) => {
    activations: { list(o: object): Promise<{ name?: string; duration?: number }[]> }
  }
  const ow = openwhisk({
    apihost: stack.baseUrl,
    api_key: stack.config.auth,
    namespace: stack.config.namespace,
  })
  let activations = 0
  let billedMs = 0
  const byAction: Record<string, number> = {}
  for (let skip = 0; ; skip += 200) {
    const page = await ow.activations.list({ since, upto, limit: 200, skip, docs: true })
    for (const a of page) {
      activations++
      billedMs += a.duration ?? 0
      byAction[a.name ?? '?'] = (byAction[a.name ?? '?'] ?? 0) + 1
    }
    if (page.length < 200) break
  }
  return { activations, billedMs, byAction }
}

/** A receiver that answers 204 at once (the subscriber of the routing phase). */
async function startReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let n = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      n++
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

type FanoutMode = 'in-process' | 'action'

/**
 * The app: Commerce events (every commerce code of events.json, in turn) → consumer → entity
 * handler → webhook fan-out → delivered to a local receiver subscribed to every event (the
 * default subscription), with the fan-out in-process or as the publisher action.
 */
function routing(fanoutMode: FanoutMode): Promise<
  PhaseResult & {
    codes: number
    delivered: number
    perRoutedEvent: { activations: number; billedMs: number }
    activationsByAction: Record<string, number>
    activationDurationP50Ms: Record<string, number>
    cpuMsPerInvokeByHop?: Record<string, number>
  }
> {
  return startReceiver().then(async (receiver) => {
    const env = {
      LOG_LEVEL: 'warn',
      FANOUT_MODE: fanoutMode,
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      WEBHOOK_EVENTS: '*',
      WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
    }
    try {
      return await withStack(undefined, env, async (stack) => {
        const conn = await connectLocal({
          baseUrl: stack.baseUrl,
          imsToken: stack.config.imsToken,
          imsOrgId: stack.config.imsOrgId,
        })
        const client = conn.client as unknown as EventsClient
        const { providerIds } = await reconcile(conn.client, loadOnboardingConfig(), conn.target)
        const defs = eventRegistry.all().filter((d) => d.provider === 'commerce')
        const make = (i: number) => {
          const d = defs[i % defs.length]
          return {
            specversion: '1.0',
            id: randomUUID(),
            source: `urn:uuid:${providerIds[d.provider]}`,
            type: d.code,
            datacontenttype: 'application/json',
            data: d.sampleEventTemplate,
          }
        }
        await drive(stack, client, make, WARMUP_EVENTS, WARMUP_MS)
        const before = receiver.received()
        const since = Date.now()
        const result = await drive(stack, client, make, MAX_EVENTS)
        if (result.events === 0) throw new Error(`routing (${fanoutMode}): no event was delivered`)
        const totals = await activationTotals(stack, since, Date.now())
        const routed = Math.max(result.events + result.notDelivered, 1)
        return {
          ...result,
          codes: defs.length,
          delivered: receiver.received() - before,
          perRoutedEvent: {
            activations: round(totals.activations / routed, 2),
            billedMs: round(totals.billedMs / routed, 1),
          },
          activationsByAction: totals.byAction,
          activationDurationP50Ms: await activationP50s(stack),
          ...(fanoutMode === 'action' ? { cpuMsPerInvokeByHop: await cpuPerHop(stack) } : {}),
        }
      })
    } finally {
      await receiver.close()
    }
  })
}

async function main(): Promise<void> {
  const base = await baseline()
  const inProcess = await routing('in-process')
  const viaAction = await routing('action')
  console.log(
    JSON.stringify(
      {
        benchmark: 'routing',
        concurrency: CONCURRENCY,
        commerceEventToDelivered: inProcess,
        commerceEventToDeliveredFanoutAction: viaAction,
        baselineEventsToTrivialAction: base,
        ratioEventsPerSec: round(inProcess.eventsPerSec / base.eventsPerSec, 3),
        ratioEventsPerSecFanoutAction: round(viaAction.eventsPerSec / base.eventsPerSec, 3),
        ratioP50: round(inProcess.p50Ms / base.p50Ms, 2),
        note:
          'closed loop, same driver every phase: latency = publishEvent() call → delivery attempt recorded (the consumer returned after the handler delivered to the receiver); ' +
          'in-process: consumer → entities/<entity> (fan-out inside) = 2 blocking activations; action: consumer → entities/<entity> → publisher/publish = 3; baseline = 1 trivial action. ' +
          'perRoutedEvent.billedMs = sum of the durations of every activation in the phase / events (nested activations are billed each); cpuMsPerEvent = this process (server + all action threads)',
      },
      null,
      2,
    ),
  )
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message)
  process.exit(1)
})
