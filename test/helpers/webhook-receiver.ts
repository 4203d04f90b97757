/**
 * A real HTTP endpoint on 127.0.0.1 for delivery tests: records every request, answers from a
 * script (status, headers, body, delay, or a dropped connection), and checks Standard Webhooks
 * signatures with the third-party `standardwebhooks` package — not the app's own code.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** How to answer one request. */
export interface Reply {
  status?: number
  headers?: Record<string, string>
  body?: string
  /** Wait before answering (a slow endpoint; longer than the publisher's timeout = a timeout). */
  delayMs?: number
  /** Destroy the socket instead of answering. */
  destroy?: boolean
}

/** One received request. */
export interface Received {
  /** Epoch ms when it arrived (real time). */
  at: number
  headers: http.IncomingHttpHeaders
  body: string
  json: any
  /** Secrets (by index in `secrets`) whose signature verified with `standardwebhooks`. */
  verifiedWith: number[]
}

/** A running receiver. */
export interface Receiver {
  url: string
  port: number
  received: Received[]
  /** Replaces the script: the nth request (0-based) gets `script(n)`. */
  setScript(script: (n: number, req: Received) => Reply): void
  /** Resolves when at least `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>
  close(): Promise<void>
}

/** Options: the secrets to verify with, and the script (default: always 200). */
export interface ReceiverOptions {
  secrets?: string[]
  script?: (n: number, req: Received) => Reply
  path?: string
}

/** Verifies with `standardwebhooks`; returns the indexes of the secrets that match. */
export function verifyWithLibrary(
  secrets: string[],
  body: string,
  headers: http.IncomingHttpHeaders,
): number[] {
  const h: Record<string, string> = {
    'webhook-id': String(headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(headers['webhook-signature'] ?? ''),
  }
  return secrets.flatMap((s, i) => {
    try {
      new Webhook(s).verify(body, h)
      return [i]
    } catch {
      return []
    }
  })
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  let script: (n: number, req: Received) => Reply = options.script ?? (() => ({ status: 200, body: 'ok' }))
  const received: Received[] = []
  const waiters: (() => void)[] = []
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const entry: Received = {
        at: Date.now(),
        headers: req.headers,
        body,
        json,
        verifiedWith: verifyWithLibrary(options.secrets ?? [], body, req.headers),
      }
      const n = received.length
      received.push(entry)
      waiters.splice(0).forEach((w) => w())
      const reply = script(n, entry)
      const answer = () => {
        if (reply.destroy) {
          req.socket.destroy()
          return
        }
        if (res.destroyed) return
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...(reply.headers ?? {}) })
        res.end(reply.body ?? '')
      }
      if (reply.delayMs) setTimeout(answer, reply.delayMs).unref()
      else answer()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.keepAliveTimeout = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/hook'}`,
    port,
    received,
    setScript: (s) => {
      script = s
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`receiver got ${received.length} of ${count} requests within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 50)
          waiters.push(() => {
            clearTimeout(t)
            resolve()
          })
        })
      }
      return received
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A port with nothing listening (bound then released), for connection-refused tests. */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A `startReceiver` whose receivers are all closed after each test. Call it at the top of a test
 * file (or in a describe block): it registers the `afterEach` hook there.
 */
export function receiverPool(): (options?: ReceiverOptions) => Promise<Receiver> {
  const open: Receiver[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()))
  })
  return async (options) => {
    const r = await startReceiver(options)
    open.push(r)
    return r
  }
}
