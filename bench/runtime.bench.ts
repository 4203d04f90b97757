/**
 * `npm run bench:runtime`: throughput of the local OpenWhisk runtime for a trivial action —
 * web-action requests/s and blocking REST invokes/s — against the ceiling of a bare Node HTTP
 * server answering the same JSON on the same machine in the same run (same client, keep-alive,
 * same concurrency), plus the cold-start (bundle load) time of each of the app's bundles.
 * Prints one JSON object; bounded by time (well under 60 s).
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { startStack, type Stack } from '../local/stack'
import { buildApp } from '../local/runtime/build-app'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const ROOT = path.resolve(__dirname, '..')
const FIXTURE = path.join(ROOT, 'test/fixtures/apps/runtime/app.config.yaml')
const CONCURRENCY = 8
const PHASE_MS = 4_000
const WARMUP_MS = 1_000

const round = (n: number, digits = 1): number => Number(n.toFixed(digits))
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN

interface Target {
  method: string
  url: URL
  headers: Record<string, string>
  body?: string
  expect: number
}

/** One keep-alive request; resolves with its status. */
function request(agent: http.Agent, t: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(t.url, { method: t.method, headers: t.headers, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(t.body)
  })
}

/** Closed loop: CONCURRENCY clients send back-to-back requests for `ms`. */
async function drive(
  t: Target,
  ms: number,
): Promise<{ perSec: number; p50Ms: number; p99Ms: number; count: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const latencies: number[] = []
  let errors = 0
  const start = performance.now()
  const end = start + ms
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const s = performance.now()
        const status = await request(agent, t).catch(() => 0)
        if (status !== t.expect) errors++
        latencies.push(performance.now() - s)
      }
    }),
  )
  const elapsed = performance.now() - start
  agent.destroy()
  const sorted = latencies.sort((a, b) => a - b)
  return {
    perSec: round((latencies.length / elapsed) * 1000),
    p50Ms: round(pct(sorted, 0.5), 2),
    p99Ms: round(pct(sorted, 0.99), 2),
    count: latencies.length,
    errors,
  }
}

async function measure(t: Target): Promise<Awaited<ReturnType<typeof drive>>> {
  await drive(t, WARMUP_MS) // spawns and warms the containers
  return drive(t, PHASE_MS)
}

/** Cold start of every app bundle: the first activation in a fresh container (initTime = bundle load). */
async function coldStarts(dataDir: string): Promise<Record<string, unknown>> {
  const builds = await buildApp(path.join(ROOT, 'app.config.yaml'), ROOT)
  const stack = await startStack({
    quiet: true,
    env: {},
    config: { port: 0, dataDir: path.join(dataDir, 'app') },
  })
  const out: Record<string, unknown> = {}
  try {
    for (const b of builds) {
      if (!b.ok) {
        out[b.name] = { error: b.error }
        continue
      }
      const record = await stack.runtime.invoke({ action: b.name, params: {} })
      out[b.name] = {
        bundleKb: round(fs.statSync(b.bundlePath).size / 1024),
        loadMs: record.annotations.find((a) => a.key === 'initTime')?.value,
        coldActivationMs: record.duration,
      }
    }
  } finally {
    await stack.close()
  }
  return out
}

async function main(): Promise<void> {
  const started = performance.now()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-bench-runtime-'))
  await buildApp(FIXTURE, ROOT)
  const payload = JSON.stringify({ body: { ok: true } })
  const bare = http.createServer((req, res) => {
    req.resume()
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
        .end(payload),
    )
  })
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()))
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`
  let stack: Stack | undefined
  try {
    stack = await startStack({ quiet: true, env: {}, manifestPath: FIXTURE, config: { port: 0, dataDir } })
    const ns = stack.config.namespace
    const baseline = await measure({
      method: 'GET',
      url: new URL(`${bareUrl}/x?mode=ok`),
      headers: {},
      expect: 200,
    })
    const web = await measure({
      method: 'GET',
      url: new URL(`${stack.baseUrl}/api/v1/web/${ns}/fixture/misbehave?mode=ok`),
      headers: {},
      expect: 200,
    })
    const invoke = await measure({
      method: 'POST',
      url: new URL(`${stack.baseUrl}/api/v1/namespaces/_/actions/fixture/misbehave?blocking=true`),
      headers: {
        authorization: `Basic ${Buffer.from(stack.config.auth).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ mode: 'ok' }),
      expect: 200,
    })
    await stack.close()
    stack = undefined
    const cold = await coldStarts(dataDir)
    console.log(
      JSON.stringify(
        {
          bench: 'runtime',
          machine: { cpus: os.cpus().length, node: process.version },
          concurrency: CONCURRENCY,
          phaseMs: PHASE_MS,
          baseline: { what: 'bare Node http server, same JSON answer', ...baseline },
          webAction: {
            what: 'GET /api/v1/web/…/fixture/misbehave?mode=ok',
            ...web,
            ratioToBaseline: round(web.perSec / baseline.perSec, 3),
          },
          blockingInvoke: {
            what: 'POST …/actions/fixture/misbehave?blocking=true',
            ...invoke,
            ratioToBaseline: round(invoke.perSec / baseline.perSec, 3),
          },
          coldStart: cold,
          totalMs: Math.round(performance.now() - started),
        },
        null,
        2,
      ),
    )
  } finally {
    await stack?.close()
    await new Promise((r) => bare.close(r))
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message)
  process.exit(1)
})
