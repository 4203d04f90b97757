/**
 * `npm run soak`: the chaos and soak suite. The whole app (`local/main.ts --no-demo`) runs as a child
 * process on loopback; back-office events are POSTed at a steady rate through the ingestion webhook
 * (hmac-signed, as a sender would, re-sending whatever was not acknowledged) and delivered to a
 * recording receiver subscribed to every event. Meanwhile the stack is killed with `kill -9` and
 * restarted on the same DATA_DIR, and the receiver answers 500, hangs past DELIVERY_TIMEOUT and
 * goes away (connection refused) for a while. Then a load step: a steady rate against a receiver
 * that takes `loadReceiverDelayMs` per request, counting 429s and the ingestion latency.
 *
 * Prints one JSON object. Bounded in time (every phase has a deadline) and in count (the event
 * numbers are fixed). Figures: acknowledged, delivered, duplicates by `webhook-id`+`attempt`,
 * lost (acknowledged and never delivered with a 2xx), delivery latency p50/p99, peak stack RSS,
 * `/health` p99. `test/integration/soak.test.ts` runs a shorter version and asserts the goals.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { signHeaders } from '../actions/lib/webhook-signature'
import { eventIdFor } from '../actions/ingestion/webhook/cloud-event'

const ROOT = path.resolve(__dirname, '..')
const INGESTION_SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
const RECEIVER_SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64')
const NAMESPACE = '1234567-soak'
const EVENT = 'be-observer.catalog_product_create'

/** What one run does; every duration in ms. */
export interface SoakOptions {
  /** Events of the chaos phase. */
  events: number
  /** Events per second of the chaos phase. */
  rate: number
  /** Time after the last event for deliveries to drain. */
  drainMs: number
  /** Load step: events per second, for `loadMs`, against a receiver taking `loadReceiverDelayMs`. */
  loadRate: number
  loadMs: number
  loadReceiverDelayMs: number
  /** Skip the chaos (kill -9, receiver faults) — a plain soak. */
  noChaos?: boolean
  /** Extra environment for the stack. */
  env?: Record<string, string>
  log?: (line: string) => void
}

export const FULL_SOAK: SoakOptions = {
  events: 600,
  rate: 5,
  drainMs: 120_000,
  loadRate: 20,
  loadMs: 60_000,
  loadReceiverDelayMs: 1000,
}

/** The JSON `npm run soak` prints. */
export interface SoakReport {
  chaos: {
    sent: number
    acknowledged: number
    delivered: number
    deliveries: number
    duplicates: number
    /**
     * Of `duplicates`, the copies whose first copy arrived before a kill -9 and this one after it:
     * a delivery in flight when the stack died (sent, its outcome not yet recorded) is sent again
     * with the same attempt number — at-least-once, bounded by what was in flight at the kill.
     */
    duplicatesAcrossKill: number
    duplicatePercent: number
    lost: number
    lostIds: string[]
    answers: Record<string, number>
    latencyMs: { p50: number; p99: number }
    kills: number
  }
  load: {
    sent: number
    acknowledged: number
    tooManyRequests: number
    answers: Record<string, number>
    ingestionMs: { p50: number; p99: number }
    delivered: number
  }
  peakRssMb: number
  health: { samples: number; p50Ms: number; p99Ms: number; maxMs: number }
  durationSeconds: number
}

const percentile = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b)
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]) : 0
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise((r) => srv.close(r))
  return port
}

type ReceiverMode = 'ok' | 'fail' | 'hang' | 'slow'

/** A recording receiver that can answer 500, hang, be slow, or go away and come back on its port. */
class Receiver {
  mode: ReceiverMode = 'ok'
  slowMs = 0
  /** event id → times of 2xx answers. */
  readonly deliveredAt = new Map<string, number>()
  readonly seen = new Map<string, number>()
  /** `webhook-id#attempt` → arrival time of each copy. */
  readonly seenAt = new Map<string, number[]>()
  deliveries = 0
  private server?: http.Server
  private sockets = new Set<net.Socket>()
  private hanging = new Set<http.ServerResponse>()
  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  async up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => void this.answer(req, res, Buffer.concat(chunks).toString('utf8')))
    })
    this.server.on('connection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r))
  }

  async down(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    for (const s of this.sockets) s.destroy()
    await new Promise((r) => server.close(r))
  }

  /** Ends every hung request (the peer has long timed out). */
  release(): void {
    for (const res of this.hanging) res.destroy()
    this.hanging.clear()
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    this.deliveries++
    const key = `${String(req.headers['webhook-id'])}#${safeAttempt(body)}`
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1)
    this.seenAt.set(key, [...(this.seenAt.get(key) ?? []), Date.now()])
    const mode = this.mode
    if (mode === 'fail') {
      res.writeHead(500).end('soak: failing')
      return
    }
    if (mode === 'hang') {
      this.hanging.add(res)
      return
    }
    if (mode === 'slow') await sleep(this.slowMs)
    const id = safeId(body)
    if (id && !this.deliveredAt.has(id)) this.deliveredAt.set(id, Date.now())
    res.writeHead(200).end('ok')
  }
}

function safeAttempt(body: string): string {
  try {
    return String((JSON.parse(body) as { attempt?: unknown }).attempt)
  } catch {
    return '?'
  }
}
function safeId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/** The app as a child process (`npm start --no-demo` without npm), restartable on the same data. */
class StackProcess {
  child?: ChildProcess
  peakRssKb = 0
  private rssTimer?: NodeJS.Timeout
  constructor(
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
    private readonly log: (l: string) => void,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(timeoutMs = 300_000): Promise<void> {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'local', 'main.ts'), '--no-demo'],
      { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.child = child
    let out = ''
    let ready = false
    // Only the tail is kept (for the error message); readiness is noticed as the output streams.
    const take = (d: Buffer): void => {
      out = (out + d.toString()).slice(-20_000)
      if (out.includes('commerce-event-hub is running on')) ready = true
    }
    child.stdout?.on('data', take)
    child.stderr?.on('data', take)
    const until = Date.now() + timeoutMs
    while (!ready) {
      if (child.exitCode !== null || Date.now() > until)
        throw new Error(`the stack did not start:\n${out.slice(-3000)}`)
      await sleep(100)
    }
    this.rssTimer = setInterval(() => this.sampleRss(), 250)
  }

  /** kill -9, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    clearInterval(this.rssTimer)
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    this.log('stack killed (SIGKILL)')
  }

  async stop(): Promise<void> {
    const child = this.child
    clearInterval(this.rssTimer)
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(t)
  }

  private sampleRss(): void {
    try {
      const status = fs.readFileSync(`/proc/${this.child?.pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      if (kb > this.peakRssKb) this.peakRssKb = kb
    } catch {
      // not Linux, or the process is gone
    }
  }
}

/** Polls `/health` every 200 ms while the stack is up; latencies of the answers. */
function healthProbe(stack: StackProcess): { stop(): void; samples: number[] } {
  const samples: number[] = []
  let running = true
  void (async () => {
    while (running) {
      const t = performance.now()
      try {
        const res = await fetch(`${stack.baseUrl}/health`, { signal: AbortSignal.timeout(30_000) })
        await res.text()
        if (res.ok) samples.push(performance.now() - t)
      } catch {
        // down (killed or restarting): not a latency sample
      }
      await sleep(200)
    }
  })()
  return {
    samples,
    stop: () => {
      running = false
    },
  }
}

/** Sends events with unique uids, re-sending what was not acknowledged (a real sender's loop). */
class Sender {
  readonly ackAt = new Map<string, number>()
  readonly answers: Record<string, number> = {}
  readonly latencies: number[] = []
  private pending: Promise<void>[] = []
  constructor(private readonly url: () => string) {}

  send(uid: string, until: number): void {
    this.pending.push(this.sendUntilAcknowledged(uid, until))
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending)
  }

  private async sendUntilAcknowledged(uid: string, until: number): Promise<void> {
    const body = JSON.stringify({
      data: { uid, event: EVENT, value: { sku: `SOAK-${uid.slice(-12)}`, name: 'Soak tee', price: 1 } },
    })
    // The first try is always made; re-sends only while `until` has not passed.
    for (let attempt = 0; attempt === 0 || Date.now() < until; attempt++) {
      const headers = {
        'content-type': 'application/json',
        ...signHeaders([INGESTION_SECRET], `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), body),
      }
      const t = performance.now()
      let status: string
      try {
        const res = await fetch(this.url(), {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(70_000),
        })
        await res.text()
        status = String(res.status)
        this.latencies.push(performance.now() - t)
      } catch {
        status = 'network'
      }
      this.answers[status] = (this.answers[status] ?? 0) + 1
      if (status === '200') {
        this.ackAt.set(uid, Date.now())
        return
      }
      // 202 (no answer within the platform's wait), 429, 5xx, network: re-send later, same uid.
      await sleep(Math.min(10_000, 500 * 2 ** attempt))
    }
  }
}

/** Every variable `.env.example` names (set or commented out). */
function knownVariables(): string[] {
  const text = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8')
  return [...text.matchAll(/^#?\s*([A-Za-z][A-Za-z0-9_]*)=/gm)].map((m) => m[1])
}

/** Runs the soak; resolves with the report. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((l: string) => process.stderr.write(`[soak] ${l}\n`))
  const started = Date.now()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-soak-'))
  const receiver = new Receiver(await freePort())
  await receiver.up()
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    // Hermetic: every variable the app knows is set (empty = unset), so neither the shell nor a
    // developer's .env (which `npm start` loads without overriding) changes the run.
    ...Object.fromEntries(knownVariables().map((k) => [k, ''])),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: dataDir,
    AIO_runtime_namespace: NAMESPACE,
    INGESTION_AUTH: 'hmac',
    INGESTION_SECRET,
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: RECEIVER_SECRET,
    WEBHOOK_EVENTS: '*',
    WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
    // Fast retries so receiver faults are retried within the run; the sweeper alarm every second.
    RETRY_SCHEDULE: '0s,2s,5s,10s,20s,30s,30s,30s,30s,30s',
    DELIVERY_TIMEOUT: '3s',
    LOCAL_TIME_SCALE: '60',
    LOG_LEVEL: 'warn',
    ...options.env,
  }
  const stack = new StackProcess(port, env, log)
  const url = (): string => `${stack.baseUrl}/api/v1/web/${NAMESPACE}/ingestion/webhook`
  let health: ReturnType<typeof healthProbe> | undefined
  try {
    log(`starting the stack on port ${port} (data in ${dataDir})`)
    await stack.start()
    health = healthProbe(stack)

    // Chaos phase.
    const sender = new Sender(url)
    const sendMs = (options.events / options.rate) * 1000
    const chaosEnd = started + sendMs + options.drainMs + 600_000
    const ids: string[] = []
    const at = (fraction: number): number => Date.now() + fraction * sendMs
    let kills = 0
    const killTimes: number[] = []
    const restart = async (): Promise<void> => {
      killTimes.push(Date.now())
      await stack.kill()
      kills++
      await stack.start()
      log('stack restarted on the same data')
    }
    const receiverMode = (mode: ReceiverMode) => async (): Promise<void> => {
      receiver.mode = mode
      if (mode === 'ok') receiver.release()
      log(`receiver: ${mode}`)
      return Promise.resolve()
    }
    /** The chaos plan, at fractions of the sending time. */
    const faults: { at: number; run: () => Promise<void> }[] = options.noChaos
      ? []
      : [
          { at: 0.15, run: receiverMode('fail') },
          { at: 0.25, run: receiverMode('ok') },
          { at: 0.35, run: restart },
          { at: 0.5, run: receiverMode('hang') },
          { at: 0.6, run: receiverMode('ok') },
          { at: 0.7, run: () => receiver.down().then(() => log('receiver: gone')) },
          { at: 0.8, run: () => receiver.up().then(() => log('receiver: back')) },
        ]
    const plan = faults.map((f) => ({ ...f, when: at(f.at) }))
    const chaos = (async () => {
      for (const f of plan) {
        await sleep(Math.max(0, f.when - Date.now()))
        await f.run()
      }
    })()
    const t0 = Date.now()
    for (let i = 0; i < options.events; i++) {
      await sleep(Math.max(0, t0 + (i * 1000) / options.rate - Date.now()))
      const uid = `soak-${i}-${randomUUID()}`
      ids.push(uid)
      sender.send(uid, chaosEnd)
    }
    await chaos
    await sender.settle()
    const drainUntil = Date.now() + options.drainMs
    const undelivered = (): string[] =>
      [...sender.ackAt.keys()].filter((uid) => !receiver.deliveredAt.has(eventIdFor(uid)))
    while (undelivered().length && Date.now() < drainUntil) await sleep(250)
    const deliveredIds = [...sender.ackAt.keys()].filter((uid) => receiver.deliveredAt.has(eventIdFor(uid)))
    const delays = deliveredIds.map(
      (uid) => receiver.deliveredAt.get(eventIdFor(uid))! - sender.ackAt.get(uid)!,
    )
    const duplicates = [...receiver.seen.values()].reduce((s, n) => s + n - 1, 0)
    const duplicatesAcrossKill = [...receiver.seenAt.values()].reduce(
      (sum, times) =>
        sum + times.slice(1).filter((t) => killTimes.some((k) => times[0] <= k && k <= t)).length,
      0,
    )
    const lostIds = undelivered()
    const chaosReport: SoakReport['chaos'] = {
      sent: ids.length,
      acknowledged: sender.ackAt.size,
      delivered: deliveredIds.length,
      deliveries: receiver.deliveries,
      duplicates,
      duplicatesAcrossKill,
      duplicatePercent: receiver.deliveries
        ? Number(((100 * duplicates) / receiver.deliveries).toFixed(2))
        : 0,
      lost: lostIds.length,
      lostIds: lostIds.slice(0, 10),
      answers: sender.answers,
      latencyMs: { p50: percentile(delays, 50), p99: percentile(delays, 99) },
      kills,
    }
    log(`chaos phase: ${JSON.stringify(chaosReport)}`)

    // Load step.
    receiver.mode = 'slow'
    receiver.slowMs = options.loadReceiverDelayMs
    const loadSender = new Sender(url)
    const loadCount = Math.round((options.loadRate * options.loadMs) / 1000)
    const loadIds: string[] = []
    const l0 = Date.now()
    // One try per event (no re-send): every answer counts, as a sender under load would see it.
    const loadEnd = l0 + options.loadMs + 90_000
    for (let i = 0; i < loadCount; i++) {
      await sleep(Math.max(0, l0 + (i * 1000) / options.loadRate - Date.now()))
      const uid = `load-${i}-${randomUUID()}`
      loadIds.push(uid)
      loadSender.send(uid, Math.min(loadEnd, Date.now() + 1))
    }
    await loadSender.settle()
    const loadReport: SoakReport['load'] = {
      sent: loadIds.length,
      acknowledged: loadSender.ackAt.size,
      tooManyRequests: loadSender.answers['429'] ?? 0,
      answers: loadSender.answers,
      ingestionMs: { p50: percentile(loadSender.latencies, 50), p99: percentile(loadSender.latencies, 99) },
      delivered: loadIds.filter((uid) => receiver.deliveredAt.has(eventIdFor(uid))).length,
    }
    log(`load step: ${JSON.stringify(loadReport)}`)
    health.stop()
    const h = health.samples
    return {
      chaos: chaosReport,
      load: loadReport,
      peakRssMb: Math.round(stack.peakRssKb / 1024),
      health: {
        samples: h.length,
        p50Ms: percentile(h, 50),
        p99Ms: percentile(h, 99),
        maxMs: Math.round(Math.max(0, ...h)),
      },
      durationSeconds: Math.round((Date.now() - started) / 1000),
    }
  } finally {
    health?.stop()
    receiver.release()
    await stack.stop()
    await receiver.down()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** `npm run soak [-- --events N --rate R --load-seconds S --no-chaos]`. */
function parseArgs(argv: string[]): SoakOptions {
  const o = { ...FULL_SOAK }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const n = Number(argv[i + 1])
    const need = (): number => {
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`)
      i++
      return n
    }
    if (a === '--events') o.events = Math.min(100_000, Math.round(need()))
    else if (a === '--rate') o.rate = need()
    else if (a === '--load-rate') o.loadRate = need()
    else if (a === '--load-seconds') o.loadMs = Math.min(600, need()) * 1000
    else if (a === '--no-chaos') o.noChaos = true
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run soak [-- --events N --rate R --load-rate R --load-seconds S --no-chaos]\nPrints one JSON report.',
      )
      process.exit(0)
    } else throw new Error(`unknown option ${a} (try --help)`)
  }
  return o
}

if (require.main === module) {
  runSoak(parseArgs(process.argv.slice(2))).then(
    (report) => console.log(JSON.stringify(report, null, 2)),
    (err: Error) => {
      console.error(err.stack ?? err.message)
      process.exit(1)
    },
  )
}
