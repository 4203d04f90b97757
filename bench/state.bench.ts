/**
 * `npm run bench:state`: throughput of the local State service through the real
 * @adobe/aio-lib-state client (put, get), the same calls as raw HTTP (no client library), and
 * the machine's ceiling measured in the same run: a bare Node http server answering every request
 * at once, driven with the same transport (node-fetch v2, which aio-lib-state uses) and the same
 * concurrency. The client is measured twice in the same run: as published (a new Ajv compile per
 * call) and with its `ajv` redirected to actions/lib/state-ajv-memo.js, the way action bundles get
 * it (the root webpack-config.js alias); this bench runs unbundled under ts-node, so it applies the
 * same redirect with the require hook local/state/ajv-memo-hook.ts. Then the cost of a full
 * listing (list calls, from the service's counters, and time) at 0, 10K and 100K keys in the
 * container, seeded in the exact stored format through the store's own put. Prints one JSON object.
 */
import http from 'node:http'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { AdobeState } from '@adobe/aio-lib-state'
import { startStack } from '../local/stack'
import { installStateAjvMemo, STATE_AJV_MEMO_PATH } from '../local/state/ajv-memo-hook'
import { openSqliteStore } from '../local/state/sqlite-store'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

/** The parts of node-fetch v2 used here (it ships no types). */
type NodeFetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; text(): Promise<string> }>
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFetch = require('node-fetch') as NodeFetch

const CONCURRENCY = 16
const PHASE_MS = 3_000
const WARMUP_MS = 400
const MAX_OPS_PER_PHASE = 50_000
const VALUE = 'v'.repeat(256)
/** Containers for the listing cost: namespace → keys seeded (3 of them match the listing's pattern). */
const LIST_SIZES: readonly { ns: string; auth: string; keys: number }[] = [
  { ns: '1111111-bench-empty', auth: '00000000-0000-4000-8000-000000000001:bench', keys: 0 },
  { ns: '2222222-bench-tenk', auth: '00000000-0000-4000-8000-000000000002:bench', keys: 10_000 },
  { ns: '3333333-bench-hundredk', auth: '00000000-0000-4000-8000-000000000003:bench', keys: 100_000 },
]
const STATE_LIB_FILES = /[\\/]node_modules[\\/]@adobe[\\/]aio-lib-state[\\/]/

interface PhaseResult {
  ops: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))

/** Runs `op(i)` from CONCURRENCY workers for PHASE_MS (after a warm-up), bounded in count too. */
async function phase(op: (i: number) => Promise<unknown>): Promise<PhaseResult> {
  let i = 0
  const warmEnd = Date.now() + WARMUP_MS
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < warmEnd) await op(i++)
    }),
  )
  const latencies: number[] = []
  const start = process.hrtime.bigint()
  const end = Date.now() + PHASE_MS
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end && latencies.length < MAX_OPS_PER_PHASE) {
        const t = process.hrtime.bigint()
        await op(i++)
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
      }
    }),
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  latencies.sort((a, b) => a - b)
  const pct = (p: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))], 2)
  return {
    ops: latencies.length,
    opsPerSec: round(latencies.length / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  }
}

/** The ceiling: a server that reads the body and answers 200 with a small JSON body. */
async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 })
      res.end('{}')
    })
  })
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

type StateLib = typeof import('@adobe/aio-lib-state')

/** A fresh copy of the library (its endpoint is read at load), with or without the Ajv memo. */
function loadStateLib(memo: boolean): StateLib {
  // Node also remembers "this folder's `ajv`" while the resolved module is cached: drop both Ajvs too.
  const stateLibDir = path.dirname(require.resolve('@adobe/aio-lib-state'))
  const ajvs = [require.resolve('ajv', { paths: [stateLibDir] }), STATE_AJV_MEMO_PATH]
  for (const file of Object.keys(require.cache))
    if (STATE_LIB_FILES.test(file) || ajvs.includes(file)) delete require.cache[file]
  if (memo) installStateAjvMemo()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@adobe/aio-lib-state') as StateLib
}

/** Seeds the listing containers through the store's own put (one transaction per container). */
function seedListContainers(dataDir: string): void {
  const store = openSqliteStore({ dataDir, maxKeysPerNamespace: 200_000, now: Date.now })
  const value = Buffer.from('x')
  try {
    for (const { ns, keys } of LIST_SIZES) {
      store.batch(() => {
        for (let i = 0; i < keys - 3; i++) store.put(ns, `dlv.${i}`, value, 3600)
        for (let i = 0; i < Math.min(3, keys); i++) store.put(ns, `needle.${i}`, value, 3600)
      })
    }
  } finally {
    store.close()
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-bench-state-'))
  const seedStart = Date.now()
  seedListContainers(dataDir)
  const seedMs = Date.now() - seedStart
  const namespaces = new Map(LIST_SIZES.map((c) => [c.ns, c.auth]))
  const stack = await startStack({ quiet: true, env: {}, config: { port: 0, dataDir, namespaces } })
  const bare = await bareServer()
  try {
    process.env.AIO_STATE_ENDPOINT = `${stack.baseUrl}/state` // read by the library when it loads
    const ns = stack.config.namespace
    const ow = { namespace: ns, auth: stack.config.auth }
    const plain: AdobeState = await loadStateLib(false).init({ ow })
    const memoLib = loadStateLib(true)
    const memo: AdobeState = await memoLib.init({ ow })
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { memoStats } = require(STATE_AJV_MEMO_PATH) as { memoStats(): { compiles: number; hits: number } }
    if (memoStats().compiles !== 1) throw new Error('the Ajv memo is not in use by the memoised client')
    const headers = { authorization: `Basic ${Buffer.from(stack.config.auth).toString('base64')}` }
    const dataUrl = (key: string): string => `${stack.baseUrl}/state/containers/${ns}/data/${key}`
    const expectStatus = async (p: ReturnType<NodeFetch>, status: number): Promise<void> => {
      const res = await p
      await res.text()
      if (res.status !== status) throw new Error(`unexpected status ${res.status}`)
    }

    const bareRoundTrip = await phase(() =>
      expectStatus(
        nodeFetch(`${bare.url}/state/containers/${ns}/data/k`, { method: 'PUT', headers, body: VALUE }),
        200,
      ),
    )
    const rawPut = await phase((i) =>
      expectStatus(nodeFetch(dataUrl(`bench.${i}`), { method: 'PUT', headers, body: VALUE }), 200),
    )
    const written = rawPut.ops
    const rawGet = await phase((i) =>
      expectStatus(nodeFetch(dataUrl(`bench.${i % written}`), { headers }), 200),
    )
    const clientGet = (state: AdobeState) => async (i: number) => {
      if ((await state.get(`bench.${i % written}`))?.value !== VALUE)
        throw new Error('get returned a wrong value')
    }
    const plainPut = await phase((i) => plain.put(`plain.${i}`, VALUE))
    const plainGet = await phase(clientGet(plain))
    const memoPut = await phase((i) => memo.put(`memo.${i}`, VALUE))
    const memoGet = await phase(clientGet(memo))

    const listing = []
    for (const { ns: listNs, auth, keys } of LIST_SIZES) {
      const state = await memoLib.init({ ow: { namespace: listNs, auth } })
      stack.state.resetCounters()
      const t = process.hrtime.bigint()
      const found: string[] = []
      for await (const page of state.list({ match: 'needle.*' })) found.push(...page.keys)
      const ms = Number(process.hrtime.bigint() - t) / 1e6
      if (found.length !== Math.min(3, keys)) throw new Error(`listing found ${found.length} needles`)
      listing.push({ keys, listCalls: stack.state.counters(listNs).lists, ms: round(ms) })
    }

    const ajvMemo = memoStats()
    if (ajvMemo.compiles > 4) throw new Error(`the Ajv memo compiled ${ajvMemo.compiles} times`)
    const vsBare = (n: number): number => round(n / bareRoundTrip.opsPerSec, 3)
    const vs = (n: number, base: PhaseResult): number => round(n / base.opsPerSec, 3)
    const result = {
      bench: 'state',
      node: process.version,
      cpus: os.cpus().length,
      loadAverage1m: round(os.loadavg()[0], 2),
      concurrency: CONCURRENCY,
      phaseMs: PHASE_MS,
      valueBytes: VALUE.length,
      sqlite: { journal: 'WAL', synchronous: 'NORMAL' },
      baseline: {
        bareHttpRoundTripsPerSec: bareRoundTrip.opsPerSec,
        p50Ms: bareRoundTrip.p50Ms,
        p99Ms: bareRoundTrip.p99Ms,
      },
      rawHttp: { put: rawPut, get: rawGet },
      client: { put: plainPut, get: plainGet },
      clientAjvMemo: { put: memoPut, get: memoGet },
      ajvMemo,
      listing,
      listingSeedMs: seedMs,
      ratios: {
        clientPutVsRawPut: { before: vs(plainPut.opsPerSec, rawPut), after: vs(memoPut.opsPerSec, rawPut) },
        clientGetVsRawGet: { before: vs(plainGet.opsPerSec, rawGet), after: vs(memoGet.opsPerSec, rawGet) },
        rawPutVsBare: vsBare(rawPut.opsPerSec),
        rawGetVsBare: vsBare(rawGet.opsPerSec),
        listCallsAt100kVs10k: round(listing[2].listCalls / listing[1].listCalls, 2),
      },
      notes:
        'client = real @adobe/aio-lib-state v5 as published (new Ajv + schema compile per call); ' +
        'clientAjvMemo = the same library with its ajv redirected to actions/lib/state-ajv-memo.js by a require hook that mirrors the webpack alias; ' +
        'before/after = client without/with the memo, each vs raw HTTP measured in this run. ' +
        'listing = one full client list({match}) of a container whose 3 keys match: calls = ceil(keys/1000) (scan semantics), at least 1. ' +
        'rawHttp = same requests without the library; baseline = bare Node http server, same transport (node-fetch v2) and concurrency. ' +
        'Server and clients share this machine.',
    }
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await bare.close()
    await stack.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(`bench:state failed: ${err.stack ?? err.message}`)
  process.exit(1)
})
