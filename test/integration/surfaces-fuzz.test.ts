/**
 * A bounded, seeded fuzz of the emulator's HTTP surfaces WITH valid credentials, so requests get
 * past authentication into the handlers: State, I/O Events management, ingress, the runtime REST
 * API and the Commerce REST API. Like the unauthenticated fuzz in security.test.ts: no 5xx (bar
 * OpenWhisk's documented 502 for a failed blocking invoke), no known secret in any answer, the
 * stack still up.
 */
import { startTestStack, type TestStack } from '../helpers/stack'

let stack: TestStack

beforeAll(async () => {
  stack = await startTestStack({ env: { LOCAL_COMMERCE: 'integration' } })
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

const SEED = 20261203
const COUNT = 400

test(`${COUNT} authenticated odd requests to State, I/O Events, ingress, runtime REST and Commerce REST: no 5xx, no secret, stack up`, async () => {
  const rand = rng(SEED)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]
  const ns = stack.config.namespace
  const key = stack.config.namespaces.get(ns)!
  const basic = `Basic ${Buffer.from(key).toString('base64')}`
  const bearer = `Bearer ${stack.config.imsToken}`
  const known = [key.split(':')[1]]
  const ims = { authorization: bearer, 'x-api-key': 'fuzz-key', 'x-ims-org-id': stack.config.imsOrgId }
  const odd = [
    '',
    'x',
    '%00',
    '..%2f..',
    'a'.repeat(1100),
    '%E0%A4%A',
    'ü',
    '__proto__',
    '-1',
    '99999999999999999999',
  ]
  const ws =
    pick(['local-consumer', 'x', '%2e%2e']) +
    '/' +
    pick(['local-project', 'p']) +
    '/' +
    pick(['local-workspace', 'w'])

  const surfaces: { name: string; headers: Record<string, string>; path: () => string }[] = [
    {
      name: 'state',
      headers: { authorization: basic },
      path: () =>
        `/state/containers/${pick([ns, 'other'])}${pick(['', '/data', `/data/${pick(['k', 'idx.lease', ...odd])}`])}${pick(['', '?limit=-1', '?cursor=%00', '?match=*', '?match=' + 'a'.repeat(2000)])}`,
    },
    {
      name: 'events',
      headers: ims,
      path: () =>
        `/events/${pick([
          'providers/' + pick(odd),
          'providers/' + pick(odd) + '/eventmetadata',
          pick(['local-consumer', ...odd]) + '/providers',
          ws + '/providers',
          ws + '/registrations',
          ws + '/registrations/' + pick(odd),
          ws + '/registrations/' + pick(odd) + '/tracing',
          'tracing?registration=' + pick(odd),
          'organizations/' + pick(odd) + '/integrations/w/x',
        ])}${pick(['', '?limit=-5', '?page=99999999999999999999'])}`,
    },
    { name: 'ingress', headers: { authorization: bearer, 'x-api-key': 'fuzz-key' }, path: () => '/ingress' },
    {
      name: 'runtime',
      headers: { authorization: basic },
      path: () =>
        `/api/v1/namespaces/${pick(['_', ns])}/${pick([
          'activations?skip=' + pick(odd),
          'activations?limit=' + pick(odd),
          'activations/' + pick(odd),
          'activations/' + pick(odd) + '/logs',
          'actions/' +
            pick(['ingestion/webhook', 'admin/subscriptions', ...odd]) +
            '?blocking=' +
            pick(['true', 'x']),
          'actions?limit=' + pick(odd),
        ])}`,
    },
    {
      name: 'commerce',
      headers: { authorization: bearer },
      path: () =>
        `/commerce/rest/${pick(['', 'default/', 'all/'])}V1/${pick([
          'products',
          'products/' + pick(odd),
          'customers/search?searchCriteria[pageSize]=' + pick(odd),
          'customers/' + pick(odd),
          'customerGroups/' + pick(odd),
          'orders/' + pick(odd),
          'inventory/source-items',
          'products?searchCriteria[filterGroups][0][filters][0][field]=' + pick(odd),
        ])}`,
    },
  ]
  const jsonValues = [null, true, 0, -1, 1e308, '', 'x', '\u0000', [], {}, 'a'.repeat(300)]
  const keys = [
    'id',
    'sku',
    'product',
    'items',
    'source',
    'type',
    'specversion',
    'data',
    '__proto__',
    'constructor',
    '',
  ]
  const randomJson = (depth = 0): unknown => {
    const r = rand()
    if (depth > 3 || r < 0.4) return pick(jsonValues)
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(depth + 1))
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 5) }, () => [pick(keys), randomJson(depth + 1)]),
    )
  }
  const bodies = [
    () => JSON.stringify(randomJson()),
    () => JSON.stringify({ product: { sku: pick(odd), name: 'n', price: pick(jsonValues) } }),
    () =>
      JSON.stringify({
        specversion: '1.0',
        id: pick(odd),
        source: `urn:uuid:${pick(odd)}`,
        type: pick(odd),
        data: randomJson(),
      }),
    () => `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    () => pick(['', 'null', '[]', '{', '\u0000', '{"__proto__":{"x":1}}']),
  ]

  const failures: string[] = []
  const families: Record<string, number> = {}
  for (let i = 0; i < COUNT; i++) {
    const surface = pick(surfaces)
    const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'])
    const path = surface.path()
    const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)()
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: {
        ...surface.headers,
        'content-type': pick(['application/json', 'application/cloudevents+json', 'text/plain']),
      },
      body,
      signal: AbortSignal.timeout(60_000),
    }).catch((e: Error) => e)
    if (res instanceof Error) {
      failures.push(`#${i} ${method} ${path.slice(0, 120)}: ${res.message}`)
      continue
    }
    const text = await res.text()
    const family = `${String(res.status)[0]}xx`
    families[family] = (families[family] ?? 0) + 1
    const invokeFailure = res.status === 502 && path.includes('/actions/')
    if (res.status >= 500 && !invokeFailure)
      failures.push(
        `#${i} ${surface.name} ${method} ${path.slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`,
      )
    for (const s of known) if (text.includes(s)) failures.push(`#${i} ${surface.name} leaked a secret`)
  }
  expect(failures).toEqual([])
  expect(families['2xx']).toBeGreaterThan(10)
  expect(families['4xx']).toBeGreaterThan(100)
  expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200)
}, 300_000)

describe('I/O Events management: the local token is bound to the local org', () => {
  const headers = (org?: string): Record<string, string> => ({
    authorization: `Bearer ${stack.config.imsToken}`,
    'x-api-key': 'k',
    ...(org === undefined ? {} : { 'x-ims-org-id': org }),
  })
  it.each([
    ['GET', '/events/local-consumer/providers'],
    ['GET', '/events/local-consumer/local-project/local-workspace/registrations'],
    ['POST', '/events/local-consumer/local-project/local-workspace/providers'],
    ['DELETE', '/events/local-consumer/local-project/local-workspace/registrations/x'],
  ])('%s %s: 403 for another org, 401 without one, never reaching the handler', async (method, path) => {
    const other = await fetch(`${stack.baseUrl}${path}`, { method, headers: headers('OTHER@AdobeOrg') })
    expect(other.status).toBe(403)
    expect(await other.json()).toEqual({
      error: 'x-ims-org-id does not match the organization of the access token',
    })
    const none = await fetch(`${stack.baseUrl}${path}`, { method, headers: headers() })
    expect(none.status).toBe(401)
    const own = await fetch(`${stack.baseUrl}${path}`, { method, headers: headers(stack.config.imsOrgId) })
    expect([200, 201, 204, 400, 404]).toContain(own.status)
  })
})
