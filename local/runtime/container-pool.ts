/**
 * Local "containers": one worker thread per warm action instance, one activation at a time, kept
 * warm between activations and reaped when idle — the way the OpenWhisk invoker's container pool
 * behaves. A worker that times out, crashes, exits or runs out of memory is terminated and never
 * reused; the server thread is never affected.
 *
 * The pool is bounded like the invoker's (ContainerPool.scala: a fixed user-memory budget; when no
 * container fits, idle containers of other actions are removed, and if that is not enough the
 * activation is buffered until one is released): at most `maxContainers` live workers (warm and
 * busy together). Past the bound an activation waits in a FIFO queue; the time it waits is its
 * `waitTime`, and its time limit only starts once it runs. At most `maxStarting` containers load
 * their bundle at once, so a burst reuses containers that free up instead of cold-starting dozens
 * of workers together. Without these bounds a burst started one
 * thread per concurrent activation and kept every one warm (hundreds of threads, GBs of RSS, the
 * stack's own HTTP starved on a small machine).
 */
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Readable } from 'node:stream'

const WORKER_FILE = path.join(__dirname, 'activation-worker.js')
const MARKER = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX'

/** How one activation ended, from the container's point of view. */
export interface RunOutcome {
  kind: 'done' | 'timeout' | 'crash' | 'oom'
  /** Runtime /run (or /init) HTTP-like code: 200 ok, 500/502 error answers. */
  code?: number
  /** The JSON text the runtime answered (undefined when not serialisable). */
  json?: string
  /** True when the answer is the init failure. */
  init?: boolean
  /** ms spent loading the bundle (cold start only). */
  initMs?: number
  /** Set when the container was cold for this activation. */
  cold: boolean
  /** True when init had completed before the container died (crash/timeout classification). */
  initialized: boolean
  /** `<ISO time> stdout|stderr: line` entries. */
  logs: string[]
  /** False when the end markers never arrived (logs may be incomplete). */
  complete: boolean
  /** Uncaught error text of a crashed worker (logged as stderr). */
  crashError?: string
  /** ms the activation waited for a free container (OpenWhisk's `waitTime` annotation). */
  waitMs: number
  /** Epoch ms when it started running. */
  startedAt: number
}

/** What one activation needs from a container. */
export interface RunRequest {
  /** Pool key: the action's fully qualified name. */
  key: string
  bundlePath: string
  /** Env the worker starts with (module-load-time reads like AIO_STATE_ENDPOINT). */
  baseEnv: Record<string, string>
  /** Per-activation `__OW_*` values, made when the activation starts running (`__OW_DEADLINE`). */
  env: (startedAt: number) => Record<string, string>
  params: Record<string, unknown>
  timeoutMs: number
  memoryMb: number
  logLimitBytes: number
}

class Container {
  readonly worker: Worker
  dead = false
  initialized = false
  lastUsed = Date.now()
  /** Called once when the container stops "starting": its bundle loaded, it answered, or it died. */
  onStarted?: () => void
  private current?: {
    logs: string[]
    bytes: number
    truncated: boolean
    markers: number
    limit: number
    onMarkers?: () => void
  }
  private pendingLines: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' }
  private streamsEnded = 0
  private onEnded: (() => void)[] = []

  constructor(request: RunRequest) {
    this.worker = new Worker(WORKER_FILE, {
      workerData: { bundlePath: request.bundlePath },
      env: request.baseEnv,
      stdout: true,
      stderr: true,
      // Never inherit the server's flags (e.g. `-r ts-node/register` under `npm start`).
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: request.memoryMb, stackSizeMb: 4 },
    })
    this.capture(this.worker.stdout, 'stdout')
    this.capture(this.worker.stderr, 'stderr')
    this.worker.on('error', () => undefined)
    this.worker.on('exit', () => {
      this.started()
      this.dead = true
    })
  }

  /** Runs one activation; always resolves. */
  run(request: RunRequest, cold: boolean): Promise<Omit<RunOutcome, 'waitMs'>> {
    this.current = { logs: [], bytes: 0, truncated: false, markers: 0, limit: request.logLimitBytes }
    const current = this.current
    const startedAt = Date.now()
    return new Promise<Omit<RunOutcome, 'waitMs'>>((resolve) => {
      let settled = false
      let crashError: string | undefined
      let oom = false
      const finish = (
        outcome: Omit<RunOutcome, 'logs' | 'complete' | 'cold' | 'initialized' | 'waitMs' | 'startedAt'>,
      ): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.worker.off('message', onMessage)
        this.worker.off('error', onError)
        this.worker.off('exit', onExit)
        const seal = (): void => {
          this.current = undefined
          this.lastUsed = Date.now()
          resolve({
            ...outcome,
            cold,
            initialized: this.initialized,
            logs: current.logs,
            complete: current.markers >= 2,
            crashError,
            startedAt,
          })
        }
        if (outcome.kind === 'done') {
          // The result can overtake the console output; wait for both end markers (bounded).
          this.whenMarkers(current, 2000, seal)
        } else {
          // The worker is gone: take whatever output it flushed before dying.
          this.whenStreamsEnd(500, seal)
        }
      }
      const onMessage = (m: {
        type: string
        code: number
        json?: string
        init: boolean
        initMs?: number
      }): void => {
        if (m?.type === 'initialized') this.initialized = true
        // Loaded (or its init failed and it answered): no longer a cold start in progress.
        if (m?.type === 'initialized' || m?.type === 'done') this.started()
        if (m?.type !== 'done') return
        if (!m.init) this.initialized = true
        finish({ kind: 'done', code: m.code, json: m.json, init: m.init, initMs: m.initMs })
      }
      const onError = (err: Error & { code?: string }): void => {
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') oom = true
        crashError = err.stack ?? String(err)
      }
      const onExit = (): void => finish({ kind: oom ? 'oom' : 'crash' })
      const timer = setTimeout(() => {
        finish({ kind: 'timeout' })
        void this.worker.terminate()
      }, request.timeoutMs)
      this.worker.on('message', onMessage)
      this.worker.on('error', onError)
      this.worker.on('exit', onExit)
      this.worker.postMessage({ type: 'run', env: request.env(startedAt), params: request.params })
    })
  }

  /** Fires `onStarted` once. */
  started(): void {
    const f = this.onStarted
    this.onStarted = undefined
    f?.()
  }

  terminate(): Promise<number> {
    this.started()
    this.dead = true
    return this.worker.terminate()
  }

  private capture(stream: Readable, name: 'stdout' | 'stderr'): void {
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const text = this.pendingLines[name] + chunk
      const lines = text.split('\n')
      this.pendingLines[name] = lines.pop() ?? ''
      for (const line of lines) this.line(name, line)
    })
    stream.on('end', () => {
      if (this.pendingLines[name]) this.line(name, this.pendingLines[name])
      this.pendingLines[name] = ''
      this.streamsEnded++
      if (this.streamsEnded >= 2) for (const f of this.onEnded.splice(0)) f()
    })
  }

  /** Attributes one output line to the running activation (output between activations is dropped). */
  private line(stream: 'stdout' | 'stderr', line: string): void {
    const c = this.current
    if (!c) return
    if (line === MARKER) {
      c.markers++
      if (c.markers >= 2) c.onMarkers?.()
      return
    }
    if (c.truncated) return
    const entry = `${new Date().toISOString()} ${stream}: ${line}`
    c.bytes += Buffer.byteLength(entry)
    if (c.bytes > c.limit) {
      c.truncated = true
      c.logs.push(
        `${new Date().toISOString()} stderr: Logs were truncated because the total bytes size exceeds the limit of ${c.limit} bytes.`,
      )
      return
    }
    c.logs.push(entry)
  }

  private whenMarkers(c: NonNullable<Container['current']>, capMs: number, then: () => void): void {
    if (c.markers >= 2) return then()
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      clearTimeout(t)
      c.onMarkers = undefined
      then()
    }
    const t = setTimeout(once, capMs)
    c.onMarkers = once
  }

  private whenStreamsEnd(capMs: number, then: () => void): void {
    if (this.streamsEnded >= 2) return then()
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      clearTimeout(t)
      then()
    }
    const t = setTimeout(once, capMs)
    this.onEnded.push(once)
  }
}

/** Options of the pool. */
export interface PoolOptions {
  /** Idle time after which a warm container is terminated. */
  idleMs: number
  /** Live containers (warm + busy, every action together); past it activations queue. */
  maxContainers: number
  /**
   * Containers loading their bundle at once (default: twice the CPUs, at least 4). A burst then
   * waits a moment for containers that are warming up or finishing instead of cold-starting dozens
   * of workers at once, which on a small machine starves every thread, the stack's HTTP included.
   */
  maxStarting?: number
}

interface Waiter {
  request: RunRequest
  queuedAt: number
  grant: (container: Container, cold: boolean) => void
  refuse: (err: Error) => void
}

/** The set of warm containers, keyed by action, bounded in number. */
export class ContainerPool {
  private idle = new Map<string, Container[]>()
  private all = new Set<Container>()
  private queue: Waiter[] = []
  private starting = 0
  private readonly maxStarting: number
  private reaper: NodeJS.Timeout
  private closed = false

  constructor(private readonly options: PoolOptions) {
    this.maxStarting = options.maxStarting ?? Math.max(4, 2 * os.cpus().length)
    this.reaper = setInterval(() => this.reap(), Math.max(50, Math.min(options.idleMs / 2, 30_000)))
    this.reaper.unref()
  }

  /**
   * Runs one activation in a warm container of `request.key`, or a new (cold) one; waits for a
   * free slot when `maxContainers` are live and none of them is idle.
   */
  async run(request: RunRequest): Promise<RunOutcome> {
    if (this.closed) throw new Error('container pool is closed')
    const queuedAt = Date.now()
    const { container, cold } = await new Promise<{ container: Container; cold: boolean }>(
      (resolve, reject) => {
        this.queue.push({
          request,
          queuedAt,
          grant: (c, isCold) => resolve({ container: c, cold: isCold }),
          refuse: reject,
        })
        this.pump()
      },
    )
    const waitMs = Date.now() - queuedAt
    const outcome = await container.run(request, cold)
    // Only a container that answered normally is reused; an init failure leaves it unusable (as in OpenWhisk).
    if (outcome.kind === 'done' && !outcome.init && !container.dead && !this.closed) {
      const list = this.idle.get(request.key) ?? []
      list.push(container)
      this.idle.set(request.key, list)
    } else {
      this.all.delete(container)
      void container.terminate()
    }
    this.pump()
    return { ...outcome, waitMs }
  }

  /** Number of live containers (warm + busy). */
  get size(): number {
    return this.all.size
  }

  /** Activations waiting for a container. */
  get queued(): number {
    return this.queue.length
  }

  /** Terminates every container; queued activations are refused. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.reaper)
    for (const w of this.queue.splice(0)) w.refuse(new Error('container pool is closed'))
    const all = [...this.all]
    this.all.clear()
    this.idle.clear()
    await Promise.all(all.map((c) => c.terminate().catch(() => 0)))
  }

  /** Hands containers to queued activations, in order, while the bound allows. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const next = this.queue[0]
      const warm = this.takeIdle(next.request.key)
      if (warm) {
        this.queue.shift()
        next.grant(warm, false)
        continue
      }
      if (this.starting >= this.maxStarting) return
      if (this.all.size >= this.options.maxContainers && !this.evictOneIdle()) return
      this.queue.shift()
      next.grant(this.spawn(next.request), true)
    }
  }

  /** Terminates the least recently used idle container of any action; false when none is idle. */
  private evictOneIdle(): boolean {
    let oldest: { key: string; c: Container } | undefined
    for (const [key, list] of this.idle)
      for (const c of list) if (!oldest || c.lastUsed < oldest.c.lastUsed) oldest = { key, c }
    if (!oldest) return false
    const list = this.idle.get(oldest.key)!
    list.splice(list.indexOf(oldest.c), 1)
    if (list.length === 0) this.idle.delete(oldest.key)
    this.all.delete(oldest.c)
    void oldest.c.terminate()
    return true
  }

  private takeIdle(key: string): Container | undefined {
    const list = this.idle.get(key)
    while (list && list.length > 0) {
      // LIFO: the most recently used container is the warmest.
      const c = list.pop()!
      if (!c.dead) return c
      this.all.delete(c)
    }
    return undefined
  }

  private spawn(request: RunRequest): Container {
    const c = new Container(request)
    this.all.add(c)
    this.starting++
    c.onStarted = () => {
      this.starting--
      this.pump()
    }
    return c
  }

  private reap(): void {
    const cutoff = Date.now() - this.options.idleMs
    for (const [key, list] of this.idle) {
      const keep = list.filter((c) => !c.dead && c.lastUsed >= cutoff)
      for (const c of list) {
        if (!keep.includes(c)) {
          this.all.delete(c)
          void c.terminate()
        }
      }
      if (keep.length > 0) this.idle.set(key, keep)
      else this.idle.delete(key)
    }
    this.pump()
  }
}
