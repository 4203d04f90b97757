/** The Commerce client: auth headers, retries on 429/5xx/network within the deadline, Retry-After, no secrets in logs. */
import {
  createCommerceClient,
  integrationAuth,
  type CommerceAuth,
} from '../../../actions/lib/commerce/commerce-client'

function fakeClock(start = 1_000_000) {
  let now = start
  const slept: number[] = []
  return { slept, clock: { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) } }
}

function logs() {
  const lines: string[] = []
  const log = (level: string) => (m: string, meta?: Record<string, unknown>) =>
    lines.push(`${level}|${m}|${JSON.stringify(meta)}`)
  return {
    lines,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } as never,
  }
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error

function fakeFetch(answers: Answer[]) {
  const seen: { url: string; method: string; headers: Record<string, string>; body?: string }[] = []
  const f = (async (url: string, init: RequestInit) => {
    seen.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body as string,
    })
    const a = answers.shift()!
    if (a instanceof Error) throw a
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: a.headers,
    })
  }) as unknown as typeof fetch
  return { seen, f }
}

const bearer: CommerceAuth = { mode: 'ims', headers: async () => ({ authorization: 'Bearer secret-token' }) }

test('503 then 200: retried after Retry-After, one logical call', async () => {
  const { clock, slept } = fakeClock()
  const { lines, logger } = logs()
  const { seen, f } = fakeFetch([
    {
      status: 503,
      body: { message: 'Maintenance %1', parameters: ['mode'] },
      headers: { 'retry-after': '2' },
    },
    { status: 200, body: { sku: 'S' } },
  ])
  const client = createCommerceClient({
    baseUrl: 'https://store.example.com/rest/',
    auth: bearer,
    clock,
    logger,
    fetch: f,
    deadline: 1_000_000 + 60_000,
  })
  expect(await client.request('PUT', 'V1/products/S', { product: { sku: 'S' } })).toEqual({
    status: 200,
    body: { sku: 'S' },
    message: undefined,
    attempts: 2,
  })
  expect(slept).toEqual([2000])
  expect(seen.map((s) => [s.method, s.url, s.body, s.headers['content-type']])).toEqual([
    ['PUT', 'https://store.example.com/rest/V1/products/S', '{"product":{"sku":"S"}}', 'application/json'],
    ['PUT', 'https://store.example.com/rest/V1/products/S', '{"product":{"sku":"S"}}', 'application/json'],
  ])
  expect(lines).toEqual([
    'warn|commerce call failed; retrying|{"method":"PUT","path":"V1/products/S","status":503,"message":"Maintenance mode","delayMs":2000}',
  ])
  expect(lines.join()).not.toContain('secret-token')
})

test('a 400 is not retried and carries the filled message', async () => {
  const { clock } = fakeClock()
  const { f, seen } = fakeFetch([
    { status: 400, body: { message: 'The "%1" attribute value is empty.', parameters: ['name'] } },
  ])
  const client = createCommerceClient({
    baseUrl: 'http://x/rest',
    auth: bearer,
    clock,
    logger: logs().logger,
    fetch: f,
  })
  const out = await client.request('POST', 'V1/products', {})
  expect([out.status, out.message, out.attempts, seen.length]).toEqual([
    400,
    'The "name" attribute value is empty.',
    1,
    1,
  ])
})

test('no retry when the activation has no time left: the 5xx goes back (I/O Events retries)', async () => {
  const { clock, slept } = fakeClock()
  const { f } = fakeFetch([
    { status: 500, body: { message: 'Internal Error. Details are available in Magento log file.' } },
  ])
  const client = createCommerceClient({
    baseUrl: 'http://x/rest',
    auth: bearer,
    clock,
    logger: logs().logger,
    fetch: f,
    timeoutMs: 5000,
    deadline: 1_000_000 + 6000,
  })
  const out = await client.request('GET', 'V1/products/S')
  expect([out.status, out.attempts, slept]).toEqual([500, 1, []])
})

test('network errors are retried with backoff, then reported as 502', async () => {
  const { clock, slept } = fakeClock()
  const { f } = fakeFetch([
    new TypeError('fetch failed'),
    new TypeError('fetch failed'),
    new TypeError('fetch failed'),
  ])
  const client = createCommerceClient({
    baseUrl: 'http://x/rest',
    auth: bearer,
    clock,
    logger: logs().logger,
    fetch: f,
    backoffMs: 100,
  })
  const out = await client.request('GET', 'V1/products/S')
  expect([out.status, out.message, out.attempts, slept]).toEqual([
    502,
    'Commerce unreachable: fetch failed',
    3,
    [100, 200],
  ])
})

test('integration auth signs each request with OAuth 1.0a HMAC-SHA256', async () => {
  const { clock } = fakeClock()
  const { f, seen } = fakeFetch([{ status: 200, body: {} }])
  const auth = integrationAuth(
    { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' },
    () => 1_700_000_000_000,
  )
  const client = createCommerceClient({
    baseUrl: 'http://x/rest/',
    auth,
    clock,
    logger: logs().logger,
    fetch: f,
  })
  await client.request('GET', 'V1/products/S')
  expect(seen[0].headers.authorization).toMatch(
    /^OAuth oauth_consumer_key="ck",oauth_nonce="[0-9a-f]{32}",oauth_signature_method="HMAC-SHA256",oauth_timestamp="1700000000",oauth_token="at",oauth_version="1.0",oauth_signature="[A-Za-z0-9%]+"$/,
  )
})
