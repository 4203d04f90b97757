/**
 * The publishing building blocks: IMS token provider (against a mock IMS over real HTTP, through
 * the real @adobe/aio-lib-ims), I/O Events publisher (the real @adobe/aio-lib-events against a
 * small HTTP server playing ingress/management), provider resolver, idempotency keys, event ids.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  clearTokenCache,
  createAccessTokenProvider,
  imsClientCredentialsExchange,
  type OAuthCredentials,
} from '../../../actions/lib/ims-token'
import { createIngressClient, statusOfEventsError } from '../../../actions/lib/io-events-ingress-client'
import {
  clearProviderCache,
  createProviderResolver,
  providerLabel,
} from '../../../actions/lib/provider-resolver'
import {
  IDEMPOTENCY_TTL_SECONDS,
  createIdempotencyStore,
  idempotencyKey,
} from '../../../actions/lib/idempotency-store'
import { createMemoryStore } from '../../../actions/lib/kv-store'
import { HttpError, UpstreamError, describeError } from '../../../actions/lib/errors'
import { eventIdFor, uuidV5 } from '../../../actions/ingestion/webhook/cloud-event'

interface Recorded {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

/** A real HTTP server on 127.0.0.1 whose answers the test scripts. */
async function server(
  handler: (r: Recorded) => { status: number; body?: unknown; headers?: Record<string, string> },
) {
  const requests: Recorded[] = []
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const rec = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    requests.push(rec)
    const out = handler(rec)
    const payload =
      out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body)
    res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) })
    res.end(payload)
  }
  const srv = http.createServer((req, res) => void answer(req, res))
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
  return { url, requests, close: () => new Promise<void>((r) => srv.close(() => r())) }
}

const jwt = (claims: Record<string, unknown>) =>
  ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.')

const creds: OAuthCredentials = {
  clientId: 'client-1',
  clientSecret: 'p8e-secret',
  orgId: 'ORG@AdobeOrg',
  scopes: ['openid', 'adobeio_api'],
}

describe('access token provider', () => {
  beforeEach(() => clearTokenCache())

  it('returns a static token as is', async () => {
    await expect(createAccessTokenProvider({ staticToken: 'tok', oauth: creds }).getToken()).resolves.toBe(
      'tok',
    )
  })

  it('refuses to start without any token source', () => {
    expect(() => createAccessTokenProvider({})).toThrow(
      'no access token source: set IO_EVENTS_ACCESS_TOKEN or OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and OAUTH_ORG_ID',
    )
  })

  it('exchanges OAuth credentials with IMS (real aio-lib-ims, mock IMS) and caches the token until shortly before expiry', async () => {
    const now = { t: 1_760_000_000_000 }
    let issued = 0
    const ims = await server((r) => {
      issued++
      const ok =
        r.url === '/ims/token/v2' &&
        r.body.includes('p8e-secret') &&
        r.body.includes('client_credentials') &&
        r.body.includes('openid,adobeio_api')
      return ok
        ? {
            status: 200,
            body: {
              access_token: jwt({ created_at: String(now.t), expires_in: String(3600_000), n: issued }),
              token_type: 'bearer',
              expires_in: 3600,
            },
          }
        : { status: 400, body: { error: 'invalid_client' } }
    })
    try {
      const clock = { now: () => now.t }
      const provider = createAccessTokenProvider(
        { oauth: creds },
        { clock, exchange: imsClientCredentialsExchange(clock, ims.url) },
      )
      const [a, b] = await Promise.all([provider.getToken(), provider.getToken()])
      expect(a).toBe(b)
      expect(issued).toBe(1)
      now.t += 54 * 60_000 // 6 min before expiry: still cached
      expect(await provider.getToken()).toBe(a)
      now.t += 2 * 60_000 // 4 min before expiry: refreshed
      const c = await provider.getToken()
      expect(c).not.toBe(a)
      expect(issued).toBe(2)
    } finally {
      await ims.close()
    }
  })

  it('turns an IMS refusal into a 503 that does not expose the IMS answer', async () => {
    const ims = await server(() => ({
      status: 401,
      body: { error: 'invalid_client', error_description: 'p8e-secret is wrong' },
    }))
    try {
      const provider = createAccessTokenProvider(
        { oauth: creds },
        { exchange: imsClientCredentialsExchange(undefined, ims.url) },
      )
      const err = await provider.getToken().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UpstreamError)
      expect(describeError(err)).toEqual({ statusCode: 503, message: 'Internal server error' })
    } finally {
      await ims.close()
    }
  })
})

describe('I/O Events publisher (real aio-lib-events over HTTP)', () => {
  const event = {
    specversion: '1.0' as const,
    id: 'id-1',
    source: 'urn:uuid:p',
    type: 'be-observer.x',
    datacontenttype: 'application/json' as const,
    data: { a: 1 },
  }

  it.each<[string, number, string | Error]>([
    ['200 → delivered', 200, 'delivered'],
    ['204 → no-registration', 204, 'no-registration'],
  ])('publishes with the token, api key and CloudEvents content type: %s', async (_n, status, expected) => {
    const ingress = await server(() => ({ status, body: status === 200 ? 'OK' : undefined }))
    try {
      const pub = createIngressClient(
        { imsOrgId: 'ORG', apiKey: 'key-1', ingressUrl: `${ingress.url}/ingress` },
        { getToken: async () => 'tok-1' },
      )
      await expect(pub.publish(event)).resolves.toBe(expected)
      expect(ingress.requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          url: '/ingress',
          body: JSON.stringify(event),
          headers: expect.objectContaining({
            authorization: 'Bearer tok-1',
            'x-api-key': 'key-1',
            'content-type': 'application/cloudevents+json',
          }),
        }),
      ])
    } finally {
      await ingress.close()
    }
  })

  it.each<[number, number]>([
    [500, 503],
    [503, 503],
    [429, 503],
    [401, 503],
    [400, 500],
  ])('maps ingress %i to a retryable exposed %i', async (status, expected) => {
    const ingress = await server(() => ({ status, body: { error: 'x' } }))
    try {
      const pub = createIngressClient(
        { imsOrgId: 'ORG', apiKey: 'k', ingressUrl: ingress.url },
        { getToken: async () => 't' },
      )
      const err = (await pub.publish(event).catch((e: unknown) => e)) as HttpError
      expect(describeError(err)).toEqual({
        statusCode: expected,
        message: `Publishing to Adobe I/O Events failed (ingress answered ${status}); retry later`,
      })
    } finally {
      await ingress.close()
    }
  })

  it('maps an unreachable ingress to 503', async () => {
    const ingress = await server(() => ({ status: 200 }))
    await ingress.close()
    const pub = createIngressClient(
      { imsOrgId: 'ORG', apiKey: 'k', ingressUrl: ingress.url },
      { getToken: async () => 't' },
    )
    const err = await pub.publish(event).catch((e: unknown) => e)
    expect(describeError(err)).toEqual({
      statusCode: 503,
      message: 'Publishing to Adobe I/O Events failed (ingress unreachable); retry later',
    })
  })

  it('lists providers from the management API with org and api key headers', async () => {
    const providers = [{ id: 'p1', label: 'L1' }]
    const mgmt = await server(() => ({ status: 200, body: { _embedded: { providers } } }))
    try {
      const pub = createIngressClient(
        { imsOrgId: 'ORG@AdobeOrg', apiKey: 'k', baseUrl: `${mgmt.url}/` },
        { getToken: async () => 't' },
      )
      expect(await pub.listProviders('consumer-9')).toEqual(providers)
      expect(mgmt.requests[0]).toMatchObject({
        method: 'GET',
        url: '/events/consumer-9/providers',
        headers: { 'x-ims-org-id': 'ORG@AdobeOrg', 'x-api-key': 'k' },
      })
    } finally {
      await mgmt.close()
    }
  })

  it('reads the status out of aio-lib-events error messages', () => {
    expect([
      statusOfEventsError(
        new Error('[EventsSDK:ERROR_PUBLISH_EVENT] Error: 503 - Service Unavailable (http://x)'),
      ),
      statusOfEventsError(new Error('ECONNREFUSED')),
    ]).toEqual([503, undefined])
  })
})

describe('provider resolver', () => {
  beforeEach(() => clearProviderCache())

  it('picks the provider whose label is the backoffice label of providers.json, and caches it', async () => {
    let calls = 0
    const list = async () => {
      calls++
      return [
        { id: 'c', label: providerLabel('commerce') },
        { id: 'b', label: providerLabel('backoffice') },
      ]
    }
    const r = createProviderResolver('org', list)
    expect([
      await r.resolve('backoffice'),
      await r.resolve('backoffice'),
      await createProviderResolver('org', list).resolve('backoffice'),
    ]).toEqual(['b', 'b', 'b'])
    expect(calls).toBe(1)
  })

  it('does not cache a missing provider: onboarding in between fixes the next request', async () => {
    let providers: { id: string; label: string }[] = []
    const r = createProviderResolver('org', async () => providers)
    const err = await r.resolve('backoffice').catch((e: unknown) => e)
    expect(describeError(err)).toEqual({
      statusCode: 500,
      message: expect.stringMatching(/does not exist in this organization: run npm run onboard$/),
    })
    providers = [{ id: 'b2', label: providerLabel('backoffice') }]
    expect(await r.resolve('backoffice')).toBe('b2')
  })
})

describe('idempotency store and event ids', () => {
  it('writes idem. keys with a 24 h TTL', async () => {
    const clock = {
      t: 0,
      now() {
        return this.t
      },
    }
    const kv = createMemoryStore(clock)
    const store = createIdempotencyStore(kv)
    await store.remember('u-1', { id: 'e', type: 't', at: 1 })
    expect(await store.get('u-1')).toEqual({ id: 'e', type: 't', at: 1 })
    clock.t = IDEMPOTENCY_TTL_SECONDS * 1000
    expect(await store.get('u-1')).toBeUndefined()
  })

  it.each([
    ['abc-123_X.y', 'idem.u.abc-123_X.y'],
    ['a/b', expect.stringMatching(/^idem\.h\.[0-9a-f]{64}$/)],
    ['ü', expect.stringMatching(/^idem\.h\.[0-9a-f]{64}$/)],
  ])('key of uid %s', (uid, key) => {
    expect(idempotencyKey(uid)).toEqual(key)
  })

  it('uuidV5 matches the RFC 4122 reference vector, and event ids are stable per uid', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
    expect(eventIdFor('u1')).toBe(eventIdFor('u1'))
    expect(eventIdFor('u1')).not.toBe(eventIdFor('u2'))
  })
})
