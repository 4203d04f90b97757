/**
 * `npm run bench:publish`: publisher throughput and latency. Prints one JSON object.
 *
 * - core: `publisher/publish`'s entry point driven in this process with the real
 *   `@adobe/aio-lib-state` client against a local stack (so the figure is the publisher's own
 *   cost: fan-out, signing, HTTP, one State write per delivery), for 1, 10 and 100 subscriptions
 *   of one local receiver; deliveries/s, per-event p50/p99, State calls per event (counted by the
 *   local State service);
 * - the same with an in-memory store instead of State, which isolates the publisher's own cost
 *   (build, sign, send, classify, record) from the local State service's;
 * - State alone: the latency of the delivery log's calls of a happy-path event (the dedupe point
 *   read of `dlv.<deliveryId>`, 1 put);
 * - baseline, same run, same receiver: a bare `fetch` loop POSTing the same body with the same
 *   concurrency (no signing, no State), and the ratio core/baseline;
 * - end to end: events/s and p50/p99 of `publisher/publish` invoked through the local runtime with
 *   the real `openwhisk` client (1 subscription).
 * Bounded: a fixed number of events per phase and a time cap per phase.
 */
import './with-state-ajv-memo'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import openwhisk from 'openwhisk'
import { startTestStack, clientEnv } from '../test/helpers/stack'
import type { CanonicalEvent } from '../actions/lib/canonical-event'
import type { Logger } from '../actions/lib/logger'
import { createMemoryStore, openStateStore, type KvStore } from '../actions/lib/kv-store'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const PHASE_CAP_MS = 12_000
const SCENARIOS = [
  { subscriptions: 1, events: 300 },
  { subscriptions: 10, events: 60 },
  { subscriptions: 100, events: 10 },
]
const E2E_EVENTS = 60
const CONCURRENCY = 10
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))
function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0
}
function event(i: number): CanonicalEvent {
  return {
    id: `bench-${process.pid}-${Date.now().toString(36)}-${i}`,
    type: 'be-observer.catalog_product_create',
    entity: 'product',
    entityId: `SKU-${i}`,
    entityType: 'product',
    fields: { sku: `SKU-${i}`, name: 'Bench Tee', price: 29 },
    receivedAt: new Date().toISOString(),
  }
}

async function startSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      n++
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
      res.end('ok')
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A bare fetch loop: `total` POSTs of `body` with `concurrency` in flight. */
async function bareFetch(
  url: string,
  body: string,
  total: number,
  concurrency: number,
): Promise<{ deliveriesPerSec: number; p50Ms: number; p99Ms: number }> {
  let next = 0
  const lat: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++
        const t = performance.now()
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await res.text()
        lat.push(performance.now() - t)
      }
    }),
  )
  const secs = (performance.now() - started) / 1000
  lat.sort((a, b) => a - b)
  return {
    deliveriesPerSec: round(total / secs),
    p50Ms: round(pct(lat, 50), 2),
    p99Ms: round(pct(lat, 99), 2),
  }
}

async function main(): Promise<void> {
  const stack = await startTestStack({
    env: { LOG_LEVEL: 'error', WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1' },
    config: { timeScale: 0.0001 },
  })
  const sink = await startSink()
  const ns = stack.config.namespace
  try {
    Object.assign(process.env, clientEnv(stack))
    const store = await openStateStore()
    const { main: publishAction } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
      require('../actions/publisher/publish') as typeof import('../actions/publisher/publish')
    const { main: subscriptionsAction } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
      require('../actions/admin/subscriptions') as typeof import('../actions/admin/subscriptions')
    const BENCH_ORG = 'BENCH@AdobeOrg'
    const { withRuntimeOverrides } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
      require('../actions/lib/delivery/action-deps') as typeof import('../actions/lib/delivery/action-deps')
    const publish = withRuntimeOverrides<{ statusCode: number; body: unknown }>(publishAction)
    const subscriptions = withRuntimeOverrides<{ statusCode?: number }>(subscriptionsAction)
    const inputs = {
      LOG_LEVEL: 'error',
      WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1',
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
    }
    const counted = (kv: KvStore) => {
      const c = { gets: 0, puts: 0, lists: 0 }
      const wrapped: KvStore = {
        get: (k) => (c.gets++, kv.get(k)),
        put: (k, v, t) => (c.puts++, kv.put(k, v, t)),
        delete: (k) => kv.delete(k),
        keys: (g, l) => (c.lists++, kv.keys(g, l)),
      }
      return { wrapped, c }
    }
    const memory = counted(createMemoryStore({ now: () => Date.now() }))
    const state = counted(store)

    const runScenario = async (
      kv: ReturnType<typeof counted>,
      subs: number,
      events: number,
      created: { n: number },
    ) => {
      const overrides = { store: kv.wrapped, logger: quiet, cache: new Map() }
      while (created.n < subs) {
        const res = await subscriptions(
          {
            ...inputs,
            __ow_method: 'post',
            __ow_path: '',
            // The admin API serves only the allowed org (ADMIN_ALLOWED_ORGS, default OAUTH_ORG_ID).
            ADMIN_ALLOWED_ORGS: BENCH_ORG,
            __ow_headers: { 'x-gw-ims-org-id': BENCH_ORG },
            name: `b${created.n}`,
            eventTypes: ['*'],
            url: sink.url,
            secret: SECRET,
          },
          overrides,
        )
        if (res.statusCode !== 201) throw new Error(`could not create a subscription: ${JSON.stringify(res)}`)
        created.n++
      }
      await publish({ ...inputs, event: event(-1) }, overrides) // warm the subscription cache and sockets
      Object.assign(kv.c, { gets: 0, puts: 0, lists: 0 })
      const before = sink.count()
      const lat: number[] = []
      const started = performance.now()
      let done = 0
      for (let i = 0; i < events && performance.now() - started < PHASE_CAP_MS; i++) {
        const t = performance.now()
        const res = await publish({ ...inputs, event: event(i) }, overrides)
        if (res.statusCode !== 200)
          throw new Error(`publish answered ${res.statusCode}: ${JSON.stringify(res.body).slice(0, 300)}`)
        lat.push(performance.now() - t)
        done++
      }
      const secs = (performance.now() - started) / 1000
      const deliveries = sink.count() - before
      lat.sort((a, b) => a - b)
      return {
        events: done,
        deliveries,
        deliveriesPerSec: round(deliveries / secs),
        eventP50Ms: round(pct(lat, 50), 2),
        eventP99Ms: round(pct(lat, 99), 2),
        stateWritesPerEvent: round(kv.c.puts / done, 2),
        stateValueReadsPerEvent: round(kv.c.gets / done, 2),
        stateListsPerEvent: round(kv.c.lists / done, 2),
      }
    }

    const core: Record<string, unknown>[] = []
    const memCreated = { n: 0 }
    const stateCreated = { n: 0 }
    for (const { subscriptions: subs, events } of SCENARIOS) {
      const withMemory = await runScenario(memory, subs, events, memCreated)
      stack.state.resetCounters()
      const withState = await runScenario(state, subs, events, stateCreated)
      const served = stack.state.counters(ns)
      const body = JSON.stringify({
        id: 'x',
        type: 'be-observer.catalog_product_create',
        timestamp: new Date().toISOString(),
        attempt: 1,
        data: { id: 'SKU-1', type: 'product' },
      })
      const baseline = await bareFetch(sink.url, body, withState.deliveries, subs === 1 ? 1 : CONCURRENCY)
      core.push({
        subscriptions: subs,
        withLocalState: { ...withState, stateCallsServed: served },
        withMemoryStore: withMemory,
        baselineBareFetch: baseline,
        ratioToBaseline: {
          withLocalState: round(withState.deliveriesPerSec / baseline.deliveriesPerSec, 3),
          withMemoryStore: round(withMemory.deliveriesPerSec / baseline.deliveriesPerSec, 3),
        },
      })
    }

    // The State calls of one happy-path event, alone (sequential, same sizes as a delivery record).
    const stateAlone = { putMs: [] as number[], getMs: [] as number[] }
    for (let i = 0; i < 50; i++) {
      let t = performance.now()
      await store.get(`dlv.bench-${i}.missing`)
      stateAlone.getMs.push(performance.now() - t)
      t = performance.now()
      await store.put(`dlv.bench.${i}`, 'v'.repeat(1200), 3600)
      stateAlone.putMs.push(performance.now() - t)
    }
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.delete(`dlv.bench.${i}`)))
    const median = (xs: number[]) =>
      round(
        pct(
          [...xs].sort((a, b) => a - b),
          50,
        ),
        2,
      )

    // End to end through the runtime, one subscription.
    await store.keys('sub.*').then((keys) => Promise.all(keys.slice(1).map((k) => store.delete(k))))
    const env = clientEnv(stack)
    const ow = openwhisk({
      apihost: env.__OW_API_HOST,
      api_key: env.__OW_API_KEY,
      namespace: env.__OW_NAMESPACE,
    })
    const invoke = (i: number) =>
      ow.actions.invoke({
        name: 'publisher/publish',
        blocking: true,
        result: true,
        params: { event: event(10_000 + i) },
      }) as Promise<{ statusCode: number }>
    await invoke(-1)
    stack.state.resetCounters()
    const lat: number[] = []
    const started = performance.now()
    let done = 0
    for (let i = 0; i < E2E_EVENTS && performance.now() - started < PHASE_CAP_MS; i++) {
      const t = performance.now()
      const res = await invoke(i)
      if (res.statusCode !== 200) throw new Error(`publish answered ${res.statusCode}`)
      lat.push(performance.now() - t)
      done++
    }
    const secs = (performance.now() - started) / 1000
    const c = stack.state.counters(ns)
    lat.sort((a, b) => a - b)

    console.log(
      JSON.stringify(
        {
          bench: 'publish',
          receiver: 'local Node http server on 127.0.0.1 answering 200 at once (keep-alive)',
          core,
          localStateAlone: {
            putP50Ms: median(stateAlone.putMs),
            getP50Ms: median(stateAlone.getMs),
            note: 'the delivery log makes 1 point read (dedupe) and 1 put per happy-path event',
          },
          endToEnd: {
            via: 'openwhisk client → local runtime → publisher/publish → receiver (1 subscription, sequential)',
            events: done,
            eventsPerSec: round(done / secs),
            p50Ms: round(pct(lat, 50), 2),
            p99Ms: round(pct(lat, 99), 2),
            stateWritesPerEvent: round(c.puts / done, 2),
            stateValueReadsPerEvent: round(c.gets / done, 2),
          },
        },
        null,
        2,
      ),
    )
  } finally {
    await sink.close()
    await stack.close()
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message)
  process.exit(1)
})
