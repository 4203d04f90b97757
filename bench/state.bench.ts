/**
 * `npm run bench:state`: throughput of the local State service through the real
 * @adobe/aio-lib-state client (put, get, list), the same calls as raw HTTP (no client library), and
 * the machine's ceiling measured in the same run: a bare Node http server answering every request
 * at once, driven with the same transport (node-fetch v2, which aio-lib-state uses) and the same
 * concurrency. Prints one JSON object; bounded to well under 60 s.
 */
import http from 'node:http'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { AdobeState } from '@adobe/aio-lib-state'
import { startStack } from '../local/stack'

/** The parts of node-fetch v2 used here (it ships no types). */
type NodeFetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; text(): Promise<string> }>
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFetch = require('node-fetch') as NodeFetch

const CONCURRENCY = 16
const PHASE_MS = 3_500
const WARMUP_MS = 400
const MAX_OPS_PER_PHASE = 50_000
const VALUE = 'v'.repeat(256)
const LIST_KEYS = 5_000

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

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-bench-state-'))
  const stack = await startStack({ quiet: true, env: {}, config: { port: 0, dataDir } })
  const bare = await bareServer()
  try {
    process.env.AIO_STATE_ENDPOINT = `${stack.baseUrl}/state` // read by the library when it loads
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stateLib = require('@adobe/aio-lib-state') as typeof import('@adobe/aio-lib-state')
    const ns = stack.config.namespace
    const state: AdobeState = await stateLib.init({ ow: { namespace: ns, auth: stack.config.auth } })
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

    const clientPut = await phase((i) => state.put(`bench.${i}`, VALUE))
    const written = clientPut.ops
    const clientGet = await phase(async (i) => {
      if ((await state.get(`bench.${i % written}`))?.value !== VALUE)
        throw new Error('get returned a wrong value')
    })
    const rawPut = await phase((i) =>
      expectStatus(nodeFetch(dataUrl(`raw.${i}`), { method: 'PUT', headers, body: VALUE }), 200),
    )
    const rawGet = await phase((i) =>
      expectStatus(nodeFetch(dataUrl(`bench.${i % written}`), { headers }), 200),
    )

    // A fixed listing workload: 5,000 keys under one prefix = 5 pages per full client list() loop.
    for (let i = 0; i < LIST_KEYS; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          expectStatus(nodeFetch(dataUrl(`list.${i + j}`), { method: 'PUT', headers, body: 'x' }), 200),
        ),
      )
    }
    let pagesListed = 0
    const clientList = await phase(async () => {
      let keys = 0
      for await (const page of state.list({ match: 'list.*' })) {
        keys += page.keys.length
        pagesListed++
      }
      if (keys !== LIST_KEYS) throw new Error(`list returned ${keys} keys, expected ${LIST_KEYS}`)
    })
    const listPagesPerSec = round(clientList.opsPerSec * (LIST_KEYS / 1000))

    const ratio = (n: number): number => round(n / bareRoundTrip.opsPerSec, 3)
    const result = {
      bench: 'state',
      node: process.version,
      cpus: os.cpus().length,
      loadAverage1m: round(os.loadavg()[0], 2),
      concurrency: CONCURRENCY,
      phaseMs: PHASE_MS,
      valueBytes: VALUE.length,
      sqlite: { journal: 'WAL', synchronous: 'FULL' },
      baseline: {
        bareHttpRoundTripsPerSec: bareRoundTrip.opsPerSec,
        p50Ms: bareRoundTrip.p50Ms,
        p99Ms: bareRoundTrip.p99Ms,
      },
      client: {
        put: clientPut,
        get: clientGet,
        list: {
          fullListingsPerSec: clientList.opsPerSec,
          keysPerListing: LIST_KEYS,
          pagesPerSec: listPagesPerSec,
          p50Ms: clientList.p50Ms,
          p99Ms: clientList.p99Ms,
          pagesListed,
        },
      },
      rawHttp: { put: rawPut, get: rawGet },
      ratios: {
        clientPutVsBare: ratio(clientPut.opsPerSec),
        clientGetVsBare: ratio(clientGet.opsPerSec),
        clientListPagesVsBare: ratio(listPagesPerSec),
        rawPutVsBare: ratio(rawPut.opsPerSec),
        rawGetVsBare: ratio(rawGet.opsPerSec),
      },
      notes:
        'client = real @adobe/aio-lib-state v5 (it compiles an Ajv schema per call, so it is CPU-bound on the caller side); ' +
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
