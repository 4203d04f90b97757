/**
 * `npm run bench:scale`: the delivery log at production size. Prints one JSON object.
 *
 * A local stack whose State service lists like Adobe's (a scan of 1,000 keys per call) is seeded
 * with 10K, then 100K delivery records in the exact format the publisher writes, plus the index
 * the sweeper builds (test/helpers/delivery-log-seed.ts: the app's own log store over the stack's
 * SQLite file). Then, measured in the same run:
 * - publish latency (p50, `publisher/publish` through the local runtime, 1 subscription, warm) at
 *   0 keys and at 100K keys, and the State calls per event (counted by the State service);
 * - a filtered admin page (`admin/logs?status=failed&limit=50`, web action over HTTP) at 10K and
 *   100K records, and its State calls;
 * - export memory: the export core followed through 10 pages of 50 full records, in this process
 *   over the real State client; peak heap growth at 10K and at 100K records;
 * - one sweeper run at 100K records with 200 records not yet indexed: list calls, records read,
 *   duration (warm container) — and a cold-container run (index documents read from State).
 * Bounded: fixed counts per phase.
 */
import openwhisk from 'openwhisk'
import { clientEnv, startTestStack, type TestStack } from '../test/helpers/stack'
import { seedDeliveryLog } from '../test/helpers/delivery-log-seed'
import type { CanonicalEvent } from '../actions/lib/canonical-event'
import { openStateStore } from '../actions/lib/kv-store'
import { createStateLogStore } from '../actions/lib/delivery-log/state-log-store'
import { createLogAdmin, parseLogQuery } from '../actions/lib/delivery-log/log-admin'
import { systemClock } from '../actions/lib/clock'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

const EVENTS = 30
const PAGES = 15
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
  const stack: TestStack = await startTestStack({
    env: { LOG_LEVEL: 'error', WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1', INLINE_RETRY_MAX_DELAY: '0' },
    config: { timeScale: 0.0001 },
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
  const web = async (action: string, query: string) => {
    const res = await fetch(`${stack.baseUrl}/api/v1/web/${ns}/admin/${action}${query}`, {
      headers: { authorization: `Bearer ${stack.config.imsToken}`, 'x-gw-ims-org-id': stack.config.imsOrgId },
    })
    return { status: res.status, json: (await res.json()) as any }
  }
  const post = async (body: unknown) => {
    const res = await fetch(`${stack.baseUrl}/api/v1/web/${ns}/admin/subscriptions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.config.imsToken}`,
        'x-gw-ims-org-id': stack.config.imsOrgId,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    })
    return (await res.json()) as any
  }
  try {
    const sub = (await post({ name: 'scale', eventTypes: ['*'], url: receiver.url })).subscription
      .id as string
    const other = (
      await post({ name: 'other', eventTypes: ['be-observer.customer_create'], url: receiver.url })
    ).subscription.id as string

    const publishRun = async () => {
      await ow.actions.invoke({
        name: 'publisher/publish',
        blocking: true,
        result: true,
        params: { event: anEvent(-1) },
      })
      const lat: number[] = []
      stack.state.resetCounters()
      for (let i = 0; i < EVENTS; i++) {
        const t = performance.now()
        const res = (await ow.actions.invoke({
          name: 'publisher/publish',
          blocking: true,
          result: true,
          params: { event: anEvent(i) },
        })) as any
        lat.push(performance.now() - t)
        if (res.body?.deliveries?.[0]?.status !== 'delivered')
          throw new Error(`publish: ${JSON.stringify(res)}`)
      }
      const c = stack.state.counters(ns)
      return {
        p50Ms: round(p50(lat)),
        perEvent: {
          gets: c.gets / EVENTS,
          puts: c.puts / EVENTS,
          lists: c.lists / EVENTS,
          deletes: c.deletes / EVENTS,
        },
      }
    }

    const pageRun = async () => {
      const lat: number[] = []
      let calls = { gets: 0, lists: 0 }
      for (let i = 0; i < 20; i++) {
        stack.state.resetCounters()
        const t = performance.now()
        const res = await web('logs', '?status=failed&limit=50')
        lat.push(performance.now() - t)
        if (res.status !== 200 || res.json.items.length !== 50) throw new Error(`admin page: ${res.status}`)
        const c = stack.state.counters(ns)
        calls = { gets: c.gets, lists: c.lists }
      }
      return { p50Ms: round(p50(lat)), stateCalls: calls }
    }

    const exportRun = async () => {
      const store = await openStateStore()
      const logs = createStateLogStore({ store, now: () => Date.now(), retentionSeconds: 30 * 86_400 })
      const admin = createLogAdmin({
        logs,
        subscriptions: undefined as never,
        clock: systemClock,
        retry: { delaysMs: [1000], jitter: 0 },
        random: Math.random,
        logger: quiet,
        send: undefined as never,
        urlPolicy: { allowlist: [] },
        timeoutMs: 1000,
      })
      const base = process.memoryUsage().heapUsed
      let peak = base
      let cursor: string | undefined
      let records = 0
      const t = performance.now()
      for (let page = 0; page < PAGES; page++) {
        const res = await admin.export(parseLogQuery({ limit: '50', ...(cursor ? { cursor } : {}) }))
        records += res.count
        peak = Math.max(peak, process.memoryUsage().heapUsed)
        cursor = res.nextCursor
        if (!cursor) break
      }
      return { records, ms: round(performance.now() - t), peakHeapGrowthMB: round((peak - base) / 1e6) }
    }

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

    const at0 = await publishRun()
    await stack.state.purgeExpired()
    // 10K
    await seedDeliveryLog({
      dataDir: stack.dataDir,
      namespace: ns,
      count: 10_000,
      subscriptionIds: [sub, other],
    })
    const page10k = await pageRun()
    if (global.gc) global.gc()
    const export10k = await exportRun()
    // 100K (the 10K are overwritten by the same ids; 90K more)
    await seedDeliveryLog({
      dataDir: stack.dataDir,
      namespace: ns,
      count: 100_000,
      subscriptionIds: [sub, other],
    })
    const page100k = await pageRun()
    if (global.gc) global.gc()
    const export100k = await exportRun()
    const at100k = await publishRun()
    // Sweeper at 100K: 200 records written since the last pass (the EVENTS above + more).
    for (let i = 0; i < 200 - EVENTS - 1; i++)
      await ow.actions.invoke({
        name: 'publisher/publish',
        blocking: true,
        result: true,
        params: { event: anEvent(1000 + i) },
      })
    const sweepCold = await sweepRun('first run at 100K (container may be cold): reads the indexed-id set')
    for (let i = 0; i < 20; i++)
      await ow.actions.invoke({
        name: 'publisher/publish',
        blocking: true,
        result: true,
        params: { event: anEvent(5000 + i) },
      })
    const sweepWarm = await sweepRun('next run, 20 new records (warm container)')

    console.log(
      JSON.stringify(
        {
          bench: 'scale',
          publish: {
            at0Keys: at0,
            at100KKeys: at100k,
            latencyRatio100Kvs0: round(at100k.p50Ms / at0.p50Ms),
            goal: '≤ 1.2',
            note: 'perEvent.lists are the subscription store listing sub.* (not the delivery log); the log makes 1 get + 1 put',
          },
          adminFilteredPage: {
            query: 'status=failed&limit=50',
            at10K: page10k,
            at100K: page100k,
            ratio100Kvs10K: round(page100k.p50Ms / page10k.p50Ms),
            goal: '≤ 1.5, ≤ 5 State calls',
          },
          export: {
            at10K: export10k,
            at100K: export100k,
            memoryRatio100Kvs10K: round(
              export100k.peakHeapGrowthMB / Math.max(0.01, export10k.peakHeapGrowthMB),
            ),
            goal: '≤ 1.2',
            note: `${PAGES} pages × 50 full records, in this process over the real State client; heap growth is approximate (no forced GC unless --expose-gc)`,
          },
          sweeperAt100K: [sweepCold, sweepWarm],
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
