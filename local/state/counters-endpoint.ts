/**
 * A local-only HTTP view of the State call counters, so tests and benches that run the stack in a
 * child process (or talk to it only over HTTP) can assert State budgets:
 *
 * | request                                   | answer                                          |
 * |-------------------------------------------|-------------------------------------------------|
 * | GET    /state/_local/counters/{namespace} | 200 {"gets":n,"puts":n,"deletes":n,"lists":n}   |
 * | DELETE /state/_local/counters             | 204, every namespace's counters reset to zero   |
 *
 * Adobe's State service has no such endpoint: it exists only in this emulator, for tests and
 * benches. It needs no credentials but answers only requests from a loopback address (403
 * otherwise), so a stack bound to another interface does not expose it to the network.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { sendEmpty, sendJson, StackHttpError } from '../http-kit'
import type { CallCounters } from './counters'
import { decodeSegment, parseNamespace } from './protocol'

/** Path prefix (under `/state`) of the emulator-only endpoints; `_` cannot start a namespace. */
export const LOCAL_PREFIX = '/_local/'

type LocalHandler = (counters: CallCounters, res: ServerResponse, rawNamespace?: string) => void

const ROUTES: readonly { pattern: RegExp; methods: Readonly<Record<string, LocalHandler>> }[] = [
  {
    pattern: /^\/_local\/counters\/([^/]+)$/,
    methods: {
      GET: (counters, res, raw) => {
        const namespace = parseNamespace(decodeSegment(raw ?? '', 'namespace'))
        sendJson(res, 200, counters.get(namespace))
      },
    },
  },
  {
    pattern: /^\/_local\/counters\/?$/,
    methods: {
      DELETE: (counters, res) => {
        counters.reset()
        sendEmpty(res, 204)
      },
    },
  },
]

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.x.y.z`). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  if (isIP(v4) === 4) return v4.startsWith('127.')
  return address === '::1'
}

/**
 * Serves one request under `/state/_local/`; `rest` is the path after `/state`. Throws a
 * StackHttpError (403 off-loopback, 404 unknown path, 405 wrong method, 400 bad namespace).
 */
export function serveLocalEndpoint(
  counters: CallCounters,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
): void {
  if (!isLoopback(req.socket.remoteAddress)) {
    throw new StackHttpError(403, 'local State endpoints answer loopback clients only')
  }
  const route = ROUTES.find((r) => r.pattern.test(rest))
  if (!route) throw new StackHttpError(404, `no local State endpoint for ${req.method} /state${rest}`)
  const handler = route.methods[req.method ?? '']
  if (!handler) {
    const allow = Object.keys(route.methods).join(', ')
    throw new StackHttpError(405, `method ${req.method} not allowed here (allowed: ${allow})`, { allow })
  }
  handler(counters, res, route.pattern.exec(rest)?.[1])
}
