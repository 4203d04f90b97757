/**
 * The State API's routes as data: a path pattern under `/state` and one handler per HTTP method,
 * each implementing one aio-lib-state v5 call exactly as the client expects it
 * (@adobe/aio-lib-state lib/AdobeState.js):
 *
 * | call      | request                                   | answer                                   |
 * |-----------|-------------------------------------------|------------------------------------------|
 * | any       | HEAD   /containers/{ns}                   | 200, or 404 when no live key             |
 * | stats     | GET    /containers/{ns}                   | 200 {keys, bytesKeys, bytesValues}        |
 * | deleteAll | DELETE /containers/{ns}?matchData=glob    | 200 {keys: n}; matchData required         |
 * | list      | GET    /containers/{ns}/data?match&cursor | 200 {keys, cursor}: the matches among the |
 * |           |                                           | next 1,000 keys scanned; cursor 0 when done |
 * | get       | GET    /containers/{ns}/data/{key}        | 200 raw value + x-key-expires-ms; 404     |
 * | put       | PUT    /containers/{ns}/data/{key}?ttl    | 200; 413 over 1 MiB; 403 over the quota   |
 * | delete    | DELETE /containers/{ns}/data/{key}        | 200; 404 when missing                     |
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody, sendEmpty, sendJson, StackHttpError } from '../http-kit'
import type { CallCounters } from './counters'
import { MAX_VALUE_BYTES, parseCursor, parseKey, parseMatch, parseTtlSeconds } from './protocol'
import type { SqliteStore } from './sqlite-store'

/** One authenticated request, already matched to a route. */
export interface StateCall {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  namespace: string
  /** The raw (decoded) key segment of data routes; validated by the handler. */
  key?: string
  /** Headers every reply carries (`x-request-id`). */
  replyHeaders: Record<string, string>
}

/** What the handlers work with. */
export interface RouteDeps {
  store: SqliteStore
  counters: CallCounters
}

type Handler = (deps: RouteDeps, call: StateCall) => Promise<void>

/** A path under `/state` (captures: namespace, then key) and its handler per method. */
export interface StateRoute {
  pattern: RegExp
  methods: Readonly<Record<string, Handler>>
}

function requireKey(call: StateCall): string {
  return parseKey(call.key ?? '')
}

const getValue: Handler = async ({ store, counters }, call) => {
  const key = requireKey(call)
  const found = store.get(call.namespace, key)
  counters.count(call.namespace, 'gets')
  if (!found) throw new StackHttpError(404, 'key not found')
  call.res.writeHead(200, {
    ...call.replyHeaders,
    'content-type': 'application/octet-stream',
    'content-length': found.value.length,
    'x-key-expires-ms': String(found.expiresMs),
  })
  call.res.end(found.value)
}

const putValue: Handler = async ({ store, counters }, call) => {
  const key = requireKey(call)
  const ttl = parseTtlSeconds(call.url.searchParams.get('ttl'))
  // readBody keeps reading past the limit before answering 413, as the real service does.
  const value = await readBody(call.req, MAX_VALUE_BYTES)
  const expiresMs = store.put(call.namespace, key, value, ttl)
  counters.count(call.namespace, 'puts')
  sendEmpty(call.res, 200, { ...call.replyHeaders, 'x-key-expires-ms': String(expiresMs) })
}

const deleteValue: Handler = async ({ store, counters }, call) => {
  const key = requireKey(call)
  const deleted = store.delete(call.namespace, key)
  counters.count(call.namespace, 'deletes')
  if (!deleted) throw new StackHttpError(404, 'key not found')
  sendEmpty(call.res, 200, call.replyHeaders)
}

const deleteMatching: Handler = async ({ store, counters }, call) => {
  const raw = call.url.searchParams.get('matchData')
  // Without matchData the real service would wipe the whole container; require it instead.
  if (raw === null)
    throw new StackHttpError(400, 'matchData query parameter is required (use * to delete every key)')
  const keys = store.deleteAll(call.namespace, parseMatch(raw, 'matchData'))
  counters.count(call.namespace, 'deletes')
  sendJson(call.res, 200, { keys }, call.replyHeaders)
}

const anyKeys: Handler = async ({ store }, call) => {
  sendEmpty(call.res, store.any(call.namespace) ? 200 : 404, call.replyHeaders)
}

const containerStats: Handler = async ({ store }, call) => {
  sendJson(call.res, 200, store.stats(call.namespace), call.replyHeaders)
}

const listKeys: Handler = async ({ store, counters }, call) => {
  const { searchParams } = call.url
  const match = searchParams.get('match')
  const glob = match === null ? '*' : parseMatch(match, 'match')
  // countHint was removed from the v5 client and is ignored here as by the service.
  const page = store.list(call.namespace, glob, parseCursor(searchParams.get('cursor')))
  counters.count(call.namespace, 'lists')
  sendJson(call.res, 200, page, call.replyHeaders)
}

/** The routes, matched against the path after `/state`. */
export const STATE_ROUTES: readonly StateRoute[] = [
  {
    pattern: /^\/containers\/([^/]+)$/,
    methods: { HEAD: anyKeys, GET: containerStats, DELETE: deleteMatching },
  },
  { pattern: /^\/containers\/([^/]+)\/data$/, methods: { GET: listKeys } },
  // The key captures the rest of the path so a key with '/' gets the key-pattern 400, not a 404.
  {
    pattern: /^\/containers\/([^/]+)\/data\/(.*)$/,
    methods: { GET: getValue, PUT: putValue, DELETE: deleteValue },
  },
]
