/**
 * The State API at the HTTP level: what a client other than aio-lib-state (or a broken one) gets
 * for malformed requests. Every bad request is a 4xx with a JSON `{error}` naming the problem, and
 * the server keeps serving.
 */
import fs from 'node:fs'
import http from 'node:http'
import { startTestStack, type TestStack } from '../helpers/stack'

const OTHER_NS = '7654321-eventhub-other'
const OTHER_AUTH = '9f1c7d2e-0b6a-4c1e-8d3f-5a7b9c1d2e3f:other-local-key-0123456789abcdef'
const BAD_NS = 'not_a_state_namespace'
const BAD_NS_AUTH = '1b2c3d4e-0000-4000-8000-000000000001:bad-ns-key'
const MiB = 1024 * 1024

interface Reply {
  status: number
  headers: Headers
  text: string
}

let stack: TestStack
const basic = (auth: string): string => `Basic ${Buffer.from(auth).toString('base64')}`

/** One raw request; `auth` defaults to the app namespace's credential, `null` sends none. */
async function call(
  method: string,
  path: string,
  options: { auth?: string | null; authorization?: string; body?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {}
  const auth = options.auth === undefined ? stack.config.auth : options.auth
  if (options.authorization) headers.authorization = options.authorization
  else if (auth !== null) headers.authorization = basic(auth)
  if (options.body !== undefined) headers['content-type'] = 'application/octet-stream'
  const res = await fetch(`${stack.baseUrl}${path}`, { method, headers, body: options.body })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

const ns = (): string => stack.config.namespace
const data = (key: string, query = ''): string => `/state/containers/${ns()}/data/${key}${query}`

beforeAll(async () => {
  stack = await startTestStack({
    config: {
      namespaces: new Map([
        [OTHER_NS, OTHER_AUTH],
        [BAD_NS, BAD_NS_AUTH],
      ]),
    },
  })
})
afterAll(async () => {
  await stack.close()
  fs.rmSync(stack.dataDir, { recursive: true, force: true })
})
beforeEach(async () => {
  expect((await call('DELETE', `/state/containers/${ns()}?matchData=*`)).status).toBe(200)
  stack.state.resetCounters()
})

describe('State API raw HTTP', () => {
  it('a valid put answers 200 and get returns the raw body with x-key-expires-ms and x-request-id', async () => {
    const before = Date.now()
    expect((await call('PUT', data('good.key', '?ttl=60'), { body: 'raw value' })).status).toBe(200)
    const got = await call('GET', data('good.key'))
    expect({ status: got.status, text: got.text, type: got.headers.get('content-type') }).toEqual({
      status: 200,
      text: 'raw value',
      type: 'application/octet-stream',
    })
    const expires = Number(got.headers.get('x-key-expires-ms'))
    expect(expires).toBeGreaterThanOrEqual(before + 60_000)
    expect(expires).toBeLessThanOrEqual(Date.now() + 60_000)
    expect(got.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it.each([
    { problem: 'no Authorization header', auth: null, status: 401, error: /missing Basic credentials/ },
    {
      problem: 'a Bearer token',
      authorization: 'Bearer local-ims-token',
      status: 401,
      error: /missing Basic/,
    },
    {
      problem: 'an unknown uuid:key',
      auth: 'nobody:nothing',
      status: 401,
      error: /not valid for this namespace/,
    },
    { problem: 'another namespace’s credential', auth: OTHER_AUTH, status: 401, error: /not valid/ },
    {
      problem: 'an unknown namespace',
      path: '/state/containers/1111111-nobody/data/k',
      status: 401,
      error: /not valid/,
    },
    { problem: 'a key with ":"', path: 'data:some%3Akey', status: 400, error: /key must match/ },
    { problem: 'a key with "/"', path: 'data:some/key', status: 400, error: /key must match/ },
    { problem: 'an empty key', path: 'data:', status: 400, error: /key must match/ },
    { problem: 'a 1,025-character key', path: `data:${'k'.repeat(1025)}`, status: 400, error: /1 to 1024/ },
    { problem: 'broken percent-encoding', path: 'data:%E0%A4%A', status: 400, error: /percent-encoding/ },
    { problem: 'ttl=abc', path: 'data:k?ttl=abc', status: 400, error: /ttl must be a whole number/ },
    { problem: 'ttl=-1', path: 'data:k?ttl=-1', status: 400, error: /ttl must be a whole number/ },
    { problem: 'ttl=1.5', path: 'data:k?ttl=1.5', status: 400, error: /ttl must be a whole number/ },
    {
      problem: 'ttl over 365 days',
      path: 'data:k?ttl=31536001',
      status: 400,
      error: /ttl must be <= 365 days/,
    },
  ])('PUT with $problem → $status', async ({ auth, authorization, path, status, error }) => {
    const target = path === undefined ? data('k') : path.startsWith('data:') ? data(path.slice(5)) : path
    const reply = await call('PUT', target, { auth, authorization, body: 'v' })
    expect({ status: reply.status, body: JSON.parse(reply.text) }).toEqual({
      status,
      body: { error: expect.stringMatching(error) },
    })
    expect(stack.state.counters(ns()).puts).toBe(0)
  })

  it.each([
    {
      problem: 'deleteAll without matchData',
      method: 'DELETE',
      path: '',
      status: 400,
      error: /matchData query parameter is required/,
    },
    {
      problem: 'deleteAll with "?" in matchData',
      method: 'DELETE',
      path: '?matchData=a%3Fb',
      status: 400,
      error: /matchData must match/,
    },
    {
      problem: 'list with "[" in match',
      method: 'GET',
      path: '/data?match=a%5Bb',
      status: 400,
      error: /match must match/,
    },
    {
      problem: 'list with a non-numeric cursor',
      method: 'GET',
      path: '/data?cursor=next',
      status: 400,
      error: /cursor must be/,
    },
    {
      problem: 'POST on a key',
      method: 'POST',
      path: '/data/k',
      status: 405,
      error: /POST not allowed here \(allowed: GET, PUT, DELETE\)/,
    },
    {
      problem: 'PUT on the container',
      method: 'PUT',
      path: '',
      status: 405,
      error: /allowed: HEAD, GET, DELETE/,
    },
    {
      problem: 'an unknown route',
      method: 'GET',
      path: '/nothing',
      status: 404,
      error: /no State API route/,
    },
  ])('$problem → $status', async ({ method, path, status, error }) => {
    const reply = await call(method, `/state/containers/${ns()}${path}`)
    expect({ status: reply.status, body: JSON.parse(reply.text) }).toEqual({
      status,
      body: { error: expect.stringMatching(error) },
    })
  })

  it('a configured namespace the State service could never have is a 400 naming the pattern', async () => {
    const reply = await call('GET', `/state/containers/${BAD_NS}/data/k`, { auth: BAD_NS_AUTH })
    expect({ status: reply.status, body: JSON.parse(reply.text) }).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^namespace must match/) },
    })
  })

  it('a value over 1 MiB is read whole and answered 413; the server keeps serving', async () => {
    const reply = await call('PUT', data('too.big'), { body: 'x'.repeat(MiB + 1) })
    expect({ status: reply.status, body: JSON.parse(reply.text) }).toEqual({
      status: 413,
      body: { error: `request body of ${MiB + 1} bytes exceeds the limit of ${MiB} bytes` },
    })
    expect((await call('GET', data('too.big'))).status).toBe(404)
    expect((await call('PUT', data('small'), { body: 'ok' })).status).toBe(200)
  })

  it('a large body with bad credentials gets its 401, not a reset connection', async () => {
    const reply = await call('PUT', data('k'), { auth: null, body: 'x'.repeat(2 * MiB) })
    expect(reply.status).toBe(401)
  })

  it('any (HEAD) is 404 with no body when empty, 200 once a key exists; deleteAll of nothing is {keys:0}', async () => {
    const empty = await call('HEAD', `/state/containers/${ns()}`)
    expect({ status: empty.status, text: empty.text }).toEqual({ status: 404, text: '' })
    expect(JSON.parse((await call('DELETE', `/state/containers/${ns()}?matchData=none*`)).text)).toEqual({
      keys: 0,
    })
    await call('PUT', data('present'), { body: 'v' })
    expect((await call('HEAD', `/state/containers/${ns()}`)).status).toBe(200)
    expect((await call('HEAD', `/state/containers/${ns()}`, { auth: null })).status).toBe(401)
  })

  it('list hands out a numeric cursor per 1,000 scanned keys and the number 0 when the scan is done', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `cur.${String(i).padStart(4, '0')}`)
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => call('PUT', data(k), { body: 'v' })))
    }
    const first = JSON.parse(
      (await call('GET', `/state/containers/${ns()}/data?match=cur.*&countHint=5`)).text,
    )
    expect(first.keys).toHaveLength(1000)
    expect(typeof first.cursor).toBe('number')
    expect(first.cursor).toBeGreaterThan(0)
    const second = JSON.parse(
      (await call('GET', `/state/containers/${ns()}/data?match=cur.*&cursor=${first.cursor}`)).text,
    )
    expect(second).toEqual({ keys: [expect.stringMatching(/^cur\.\d{4}$/)], cursor: 0 })
    expect([...first.keys, ...second.keys].sort()).toEqual(keys)
    // The scan advances whether or not anything matched: an empty page with a cursor, then the end.
    const none = JSON.parse((await call('GET', `/state/containers/${ns()}/data?match=zzz*`)).text)
    expect(none).toEqual({ keys: [], cursor: first.cursor })
    const noneEnd = JSON.parse(
      (await call('GET', `/state/containers/${ns()}/data?match=zzz*&cursor=${none.cursor}`)).text,
    )
    expect(noneEnd).toEqual({ keys: [], cursor: 0 })
  }, 30_000)

  it('survives a client that disconnects in the middle of a body', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(`${stack.baseUrl}${data('aborted')}`, {
        method: 'PUT',
        headers: { authorization: basic(stack.config.auth), 'content-length': 10_000 },
      })
      req.on('error', () => resolve())
      req.write('x'.repeat(100), () => setTimeout(() => req.destroy(), 50))
      req.on('close', () => resolve())
    })
    expect((await call('GET', '/health', { auth: null })).status).toBe(200)
    expect((await call('GET', data('aborted'))).status).toBe(404)
    expect((await call('PUT', data('after.abort'), { body: 'fine' })).status).toBe(200)
  })
})
