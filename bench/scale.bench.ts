/**
 * `npm run bench:scale`: the delivery log at production size. Prints one JSON object.
 *
 * A local stack whose State service lists like Adobe's (a scan of 1,000 keys per call) holds three
 * namespaces: empty, 10K and 100K delivery records, seeded in the exact format the publisher writes
 * plus the index the sweeper builds (test/helpers/delivery-log-seed.ts: the app's own log store
 * over the stack's SQLite file). Measurements alternate between namespaces, so machine load hits
 * both sides of each ratio alike. All through the real `@adobe/aio-lib-state` client:
 * - publish: the publisher's core (`publishEvent`, 1 subscription — the default one from inputs,
 *   so the subscription store adds no State call and the figure is the delivery log's) at 0 keys
 *   vs 100K keys: p50 latency and State calls per event (counted by the State service);
 * - a filtered admin page (`status=failed&limit=50`, the admin core, cold: no warm cache) at 10K
 *   vs 100K records: p50 and State calls;
 * - export: the admin export core followed through pages of 50 full records at 10K and 100K;
 *   the most heap retained after a page (after a forced GC: run with --expose-gc, as the npm
 *   script does);
 * - one `publisher/sweeper` run through the local runtime at 100K records with new records to
 *   index: list calls (the log's scan and, until subscriptions move to one document, the
 *   subscription store's `sub.*` listing), records read, duration.
 */
import './with-state-ajv-memo'
import openwhisk from 'openwhisk'
import { clientEnv, startTestStack, type TestStack } from '../test/helpers/stack'
import { seedDeliveryLog } from '../test/helpers/delivery-log-seed'
import type { CanonicalEvent } from '../actions/lib/canonical-event'
import { createMemoryStore, fromAioState } from '../actions/lib/kv-store'
import { stateClient } from '../test/helpers/state-client'
import { publishEvent } from '../actions/lib/delivery/publish-event'
import { createFetchSender } from '../actions/lib/delivery/http-sender'
import { parseAllowlist } from '../actions/lib/delivery/url-policy'
import { createSubscriptionStore } from '../actions/lib/subscriptions/subscription-store'
import { createStateLogStore } from '../actions/lib/delivery-log/state-log-store'
import { createLogAdmin, parseLogQuery } from '../actions/lib/delivery-log/log-admin'
import { systemClock } from '../actions/lib/clock'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const EVENTS = 30
const PAGES = 6
const round = (n: number, digits = 2): number => Number(n.toFixed(digits))
const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }

function anEvent(i: number): CanonicalEvent {
  return {
    id: `scale-${process.pid}-${Date.now().toString(36)}-${i}`,
    type: 'be-observer.catalog_product_create',
    entity: 'product',
    entityId: `SKU-${i}`,
    entityType: 'product',
    fields: { sku: `SKU-${i}` },
    receivedAt: new Date().toISOString(),
  }
}

async function sink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200).end('ok'))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

async function main(): Promise<void> {
  const NS10K = '4242-scale10k'
  const NS0 = '4242-scaleempty'
  const stack: TestStack = await startTestStack({
    env: { LOG_LEVEL: 'error', WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1', INLINE_RETRY_MAX_DELAY: '0' },
    config: {
      timeScale: 0.0001,
      namespaces: new Map([
        [NS10K, '1b2c3d4e-0000-4000-8000-000000010000:scale-10k-key'],
        [NS0, '1b2c3d4e-0000-4000-8000-000000000000:scale-empty-key'],
      ]),
    },
  })
  const receiver = await sink()
  const ns = stack.config.namespace
  const env = clientEnv(stack)
  Object.assign(process.env, env)
  const ow = openwhisk({
    apihost: env.__OW_API_HOST,
    api_key: env.__OW_API_KEY,
    namespace: env.__OW_NAMESPACE,
  })
  const kv = async (namespace: string) => fromAioState(await stateClient(stack, namespace))
  const stores = { [NS0]: await kv(NS0), [NS10K]: await kv(NS10K), [ns]: await kv(ns) }
  const logsOf = (namespace: string) =>
    createStateLogStore({ store: stores[namespace], now: () => Date.now(), retentionSeconds: 30 * 86_400 })
  const adminOf = (namespace: string) =>
    createLogAdmin({
      logs: logsOf(namespace),
      subscriptions: undefined as never,
      clock: systemClock,
      retry: { delaysMs: [1000], jitter: 0 },
      random: Math.random,
      logger: quiet,
      send: undefined as never,
      urlPolicy: { allowlist: [] },
      timeoutMs: 1000,
    })
  try {
    // 10K in one namespace, 100K in the app's (where the sweeper action runs).
    const subIds = ['default', 'other-sub']
    await seedDeliveryLog({
      dataDir: stack.dataDir,
      namespace: NS10K,
      count: 10_000,
      subscriptionIds: subIds,
    })
    await seedDeliveryLog({ dataDir: stack.dataDir, namespace: ns, count: 100_000, subscriptionIds: subIds })

    // Publish core: the default subscription (from inputs, kept in memory) and the log on real State.
    const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`
    const send = createFetchSender()
    const publishOnce = async (namespace: string, i: number) => {
      const subscriptions = createSubscriptionStore({
        store: createMemoryStore(systemClock),
        now: () => Date.now(),
        defaultSubscription: { url: receiver.url, secrets: [secret], eventTypes: ['*'] },
      })
      const t = performance.now()
      const summary = await publishEvent(anEvent(i), {
        subscriptions,
        logs: logsOf(namespace),
        logger: quiet,
        retry: { delaysMs: [1000], jitter: 0 },
        random: Math.random,
        concurrency: 10,
        inlineRetryMaxDelayMs: 0,
        deadlineMs: Date.now() + 30_000,
        send,
        clock: systemClock,
        urlPolicy: { allowlist: parseAllowlist('http://127.0.0.1') },
        timeoutMs: 5_000,
      })
      const ms = performance.now() - t
      if (summary.deliveries[0]?.status !== 'delivered')
        throw new Error(`publish: ${JSON.stringify(summary)}`)
      return ms
    }
    const publishLat: Record<string, number[]> = { [NS0]: [], [ns]: [] }
    await publishOnce(NS0, -1)
    await publishOnce(ns, -2)
    stack.state.resetCounters()
    for (let i = 0; i < EVENTS; i++)
      for (const n of [NS0, ns]) publishLat[n].push(await publishOnce(n, i * 2 + (n === ns ? 1 : 0)))
    const perEvent = (n: string) => {
      const c = stack.state.counters(n)
      return {
        gets: c.gets / EVENTS,
        puts: c.puts / EVENTS,
        lists: c.lists / EVENTS,
        deletes: c.deletes / EVENTS,
      }
    }
    const publish = {
      at0Keys: { p50Ms: round(p50(publishLat[NS0])), stateCallsPerEvent: perEvent(NS0) },
      at100KKeys: { p50Ms: round(p50(publishLat[ns])), stateCallsPerEvent: perEvent(ns) },
    }

    // Filtered admin page, cold (a new log store per request: no warm cache), alternating.
    const pageLat: Record<string, number[]> = { [NS10K]: [], [ns]: [] }
    const pageCalls: Record<string, unknown> = {}
    for (let i = 0; i < 20; i++)
      for (const n of [NS10K, ns]) {
        stack.state.resetCounters()
        const t = performance.now()
        const res = await adminOf(n).list(parseLogQuery({ status: 'failed', limit: '50' }))
        pageLat[n].push(performance.now() - t)
        if (res.items.length !== 50) throw new Error(`admin page: ${res.items.length} items`)
        const c = stack.state.counters(n)
        pageCalls[n] = { gets: c.gets, lists: c.lists }
      }

    // Export: pages of 50 full records; heap retained after each page (after a GC when available).
    const exportRun = async (namespace: string) => {
      const admin = adminOf(namespace)
      global.gc?.()
      const base = process.memoryUsage().heapUsed
      let peak = 0
      let cursor: string | undefined
      let records = 0
      const t = performance.now()
      for (let page = 0; page < PAGES; page++) {
        const res = await admin.export(parseLogQuery({ limit: '50', ...(cursor ? { cursor } : {}) }))
        records += res.count
        global.gc?.()
        peak = Math.max(peak, process.memoryUsage().heapUsed - base)
        cursor = res.nextCursor
        if (!cursor) break
      }
      return { records, ms: round(performance.now() - t), retainedHeapGrowthMB: round(peak / 1e6, 3) }
    }
    // Twice each, alternating; the second pair counts (the first warms the client, the JIT and the GC).
    await exportRun(NS10K)
    await exportRun(ns)
    const export10k = await exportRun(NS10K)
    const export100k = await exportRun(ns)

    const sweepRun = async (label: string) => {
      stack.state.resetCounters()
      const t = performance.now()
      const res = (await ow.actions.invoke({
        name: 'publisher/sweeper',
        blocking: true,
        result: true,
        params: {},
      })) as any
      const ms = performance.now() - t
      const c = stack.state.counters(ns)
      return {
        label,
        ms: round(ms),
        lists: c.lists,
        gets: c.gets,
        puts: c.puts,
        indexed: res.body?.index?.indexed,
        recordsRead: res.body?.index?.recordsRead,
        keysScanned: res.body?.index?.keysScanned,
      }
    }
    const sweepFirst = await sweepRun(
      `first run: ${EVENTS + 1} new records, container cold (reads the id set)`,
    )
    for (let i = 0; i < 20; i++) await publishOnce(ns, 10_000 + i)
    const sweepWarm = await sweepRun('next run: 20 new records, warm container')

    console.log(
      JSON.stringify(
        {
          bench: 'scale',
          publish: {
            ...publish,
            latencyRatio100Kvs0: round(publish.at100KKeys.p50Ms / publish.at0Keys.p50Ms),
            goal: '≤ 1.2; 0 list calls per event',
          },
          adminFilteredPage: {
            query: 'status=failed&limit=50 (cold: no warm cache)',
            at10K: { p50Ms: round(p50(pageLat[NS10K])), stateCalls: pageCalls[NS10K] },
            at100K: { p50Ms: round(p50(pageLat[ns])), stateCalls: pageCalls[ns] },
            ratio100Kvs10K: round(p50(pageLat[ns]) / p50(pageLat[NS10K])),
            goal: '≤ 1.5, ≤ 5 State calls',
          },
          export: {
            at10K: export10k,
            at100K: export100k,
            memoryRatio100Kvs10K: round(
              Math.max(0.1, export100k.retainedHeapGrowthMB) / Math.max(0.1, export10k.retainedHeapGrowthMB),
            ),
            goal: '≤ 1.2',
            note: `${PAGES} pages × 50 full records; heap retained after each page${global.gc ? ' (after GC)' : ' (no GC available: noisy)'}, floor 0.1 MB`,
          },
          sweeperAt100K: {
            runs: [sweepFirst, sweepWarm],
            note: 'lists = the log scan (ceil(keys/1000)), once per run; subscriptions are one document (point read)',
          },
        },
        null,
        2,
      ),
    )
  } finally {
    await receiver.close()
    await stack.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
