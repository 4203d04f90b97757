/**
 * `npm run bench:ingestion`: hmac-authenticated ingestion requests through the local stack
 * (web action → Standard Webhooks check → joi → idem. read in State → I/O Events ingress publish
 * into a journal registration → idem. write) against the baseline measured in the same run on the
 * same stack: a bare raw web action that answers at once. Same client (fetch), same concurrency,
 * alternating rounds so machine noise hits both alike. Every ingestion request carries a new uid,
 * so each one really publishes. Prints one JSON object; bounded to well under 60 s.
 */
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { startTestStack, type TestStack } from '../test/helpers/stack'
import { stateClient } from '../test/helpers/state-client'
import { signHeaders } from '../actions/lib/webhook-signature'
import { eventRegistry } from '../actions/lib/event-registry'
import { providerLabel } from '../actions/lib/provider-resolver'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const MANIFEST = path.join(__dirname, '..', 'test', 'fixtures', 'apps', 'ingestion-bench', 'app.config.yaml')
const SECRET = 'whsec_' + Buffer.alloc(32, 5).toString('base64')
const WS = { org: 'bench-org', project: 'bench-project', workspace: 'bench-workspace' }
const CONCURRENCY = 8
const ROUNDS = 3
const ROUND_MS = 3_000
const WARMUP_MS = 2_500
const MAX_REQUESTS_PER_ROUND = 20_000

interface Figures {
  requests: number
  errors: number
  reqPerSec: number
  p50Ms: number
  p99Ms: number
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0

/** Drives `send` from CONCURRENCY workers for `ms`; returns latencies, errors and elapsed time. */
async function drive(send: () => Promise<number>, ms: number) {
  const latencies: number[] = []
  let errors = 0
  const started = process.hrtime.bigint()
  const end = Date.now() + ms
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end && latencies.length < MAX_REQUESTS_PER_ROUND) {
        const t = process.hrtime.bigint()
        const status = await send()
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
        if (status !== 200) errors++
      }
    }),
  )
  return { latencies, errors, seconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

function figures(runs: Awaited<ReturnType<typeof drive>>[]): Figures {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b)
  const seconds = runs.reduce((s, r) => s + r.seconds, 0)
  return {
    requests: latencies.length,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    reqPerSec: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  }
}

async function onboard(stack: TestStack): Promise<{ events: any; providerId: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { init } = require('@adobe/aio-lib-events')
  const events = await init(stack.config.imsOrgId, 'bench-client', stack.config.imsToken, {
    eventsBaseURL: stack.baseUrl,
    eventsIngressURL: `${stack.baseUrl}/ingress`,
  })
  const provider = await events.createProvider(WS.org, WS.project, WS.workspace, {
    label: providerLabel('backoffice'),
    description: 'bench',
  })
  const code = 'be-observer.catalog_product_create'
  await events.createEventMetadataForProvider(WS.org, WS.project, WS.workspace, provider.id, {
    event_code: code,
    label: code,
    description: code,
  })
  await events.createRegistration(WS.org, WS.project, WS.workspace, {
    name: 'bench journal',
    description: 'stores every published event',
    client_id: 'bench-client',
    delivery_type: 'journal',
    events_of_interest: [{ provider_id: provider.id, event_code: code }],
  })
  return { events, providerId: provider.id }
}

/** p50 of `n` sequential calls of `op` (ms). */
async function p50Of(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const lat: number[] = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    await op(i)
    lat.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return round(
    percentile(
      lat.sort((a, b) => a - b),
      50,
    ),
    2,
  )
}

async function main(): Promise<void> {
  const env = {
    INGESTION_AUTH: 'hmac',
    INGESTION_SECRET: SECRET,
    IO_CONSUMER_ID: WS.org,
    OAUTH_CLIENT_ID: 'bench-client',
    LOG_LEVEL: 'error',
  }
  const stack = await startTestStack({ manifestPath: MANIFEST, env })
  try {
    // The State client first: aio-lib-events loads aio-lib-state too, and it reads its endpoint at load.
    const state = await stateClient(stack)
    const { events, providerId } = await onboard(stack)
    const web = `${stack.baseUrl}/api/v1/web/${stack.config.namespace}`
    const sample = eventRegistry.get('be-observer.catalog_product_create')!.sampleEventTemplate as Record<
      string,
      unknown
    >

    const ingestion = async (): Promise<number> => {
      const uid = randomUUID()
      const body = JSON.stringify({
        data: { uid, event: 'be-observer.catalog_product_create', value: { ...sample, sku: `SKU-${uid}` } },
      })
      const headers = signHeaders([SECRET], `msg_${uid}`, Math.floor(Date.now() / 1000), body)
      const res = await fetch(`${web}/ingestion/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
      await res.arrayBuffer()
      return res.status
    }
    const bareBody = JSON.stringify({
      data: { uid: 'bare', event: 'be-observer.catalog_product_create', value: sample },
    })
    const bare = async (): Promise<number> => {
      const res = await fetch(`${web}/bench/bare`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bareBody,
      })
      await res.arrayBuffer()
      return res.status
    }

    // Warm both at full concurrency: one warm container per concurrent activation (cold starts
    // load the bundle), each with its provider id, token and State client cached.
    for (const [name, send] of [
      ['ingestion', ingestion],
      ['bare', bare],
    ] as const) {
      const warm = await drive(send, WARMUP_MS)
      if (warm.errors) throw new Error(`warm-up of ${name} failed: ${warm.errors} non-200 answers`)
    }
    const ingestionRuns = []
    const bareRuns = []
    for (let r = 0; r < ROUNDS; r++) {
      bareRuns.push(await drive(bare, ROUND_MS))
      ingestionRuns.push(await drive(ingestion, ROUND_MS))
    }
    // What one ingested event costs in dependency calls, each measured alone (sequential, same clients
    // the action uses): the idem. read and write through aio-lib-state, and the publish to ingress.
    const breakdown = {
      stateGetP50Ms: await p50Of(100, (i) => state.get(`idem.u.bench-${i}`)),
      statePutP50Ms: await p50Of(100, (i) => state.put(`idem.u.bench-${i}`, '{}', { ttl: 86400 })),
      publishP50Ms: await p50Of(100, (i) =>
        events.publishEvent({
          specversion: '1.0',
          id: `bench-${i}`,
          source: `urn:uuid:${providerId}`,
          type: 'be-observer.catalog_product_create',
          datacontenttype: 'application/json',
          data: sample,
        }),
      ),
    }
    const ing = figures(ingestionRuns)
    const base = figures(bareRuns)
    console.log(
      JSON.stringify(
        {
          benchmark: 'ingestion',
          what: 'hmac-signed single-event POSTs to ingestion/webhook through the local stack, each a new uid published to I/O Events (journal registration)',
          concurrency: CONCURRENCY,
          durationMsPerTarget: ROUNDS * ROUND_MS,
          ingestion: ing,
          baseline: { what: 'bare raw web action on the same stack (answers at once)', ...base },
          ratio: {
            reqPerSec: round(ing.reqPerSec / base.reqPerSec, 3),
            p50: round(ing.p50Ms / base.p50Ms, 2),
            p99: round(ing.p99Ms / base.p99Ms, 2),
          },
          dependencyCallsAtConcurrency1: {
            ...breakdown,
            note: 'each ingested event = 1 State get + 1 ingress publish + 1 State put; @adobe/aio-lib-state v5 compiles an ajv schema on every call, which dominates its cost',
          },
          node: process.version,
        },
        null,
        2,
      ),
    )
  } finally {
    await stack.close()
  }
}

main().catch((err: Error) => {
  console.error(`bench:ingestion failed: ${err.stack ?? err.message}`)
  process.exit(1)
})
