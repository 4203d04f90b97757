/**
 * The URL policy against every textual form of a private address, CR/LF and control characters,
 * host names resolving to private addresses at creation, and the sender's pinned, re-checked
 * connect — through the entry points the app uses (checkUrl / checkUrlAtCreation as the admin API
 * calls them, createSubscriptionAdmin, createFetchSender).
 */
import http from 'node:http'
import {
  canonicalIPv4,
  checkUrl,
  checkUrlAtCreation,
  embeddedIPv4,
  isNonPublicAddress,
  parseAllowlist,
} from '../../../actions/lib/delivery/url-policy'
import { createFetchSender, pinnedLookup } from '../../../actions/lib/delivery/http-sender'
import { createSubscriptionAdmin } from '../../../actions/lib/subscriptions/subscription-admin'
import { startReceiver } from '../../helpers/webhook-receiver'

const strict = { allowlist: [] }
const PRIVATE = 'url points to a private, loopback or link-local address'

describe('every IP form is normalized before the private/loopback check', () => {
  test.each([
    // IPv4 shorthand, hex, decimal, octal (WHATWG canonicalizes these in a URL host)
    'https://0x7f000001/x',
    'https://2130706433/x',
    'https://0177.0.0.1/x',
    'https://127.1/x',
    'https://0x7f.0.0.1/x',
    'https://10.1/x',
    'https://0xa9fea9fe/x', // 169.254.169.254
    // IPv4-mapped / -compatible / -translated IPv6
    'https://[::ffff:7f00:1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::127.0.0.1]/x',
    'https://[::7f00:1]/x',
    'https://[::ffff:0:7f00:1]/x',
    'https://[::ffff:0:10.0.0.1]/x',
    'https://[0:0:0:0:0:ffff:a9fe:a9fe]/x',
    // NAT64, 6to4, Teredo (client address is stored inverted)
    'https://[64:ff9b::7f00:1]/x',
    'https://[64:ff9b::10.0.0.1]/x',
    'https://[64:ff9b:1::1]/x',
    'https://[2002:7f00:1::]/x',
    'https://[2002:c0a8:101::1]/x',
    `https://[2001:0:4136:e378:8000:63bf:${(0xffff ^ 0x7f00).toString(16)}:${(0xffff ^ 1).toString(16)}]/x`,
    // plain IPv6 specials
    'https://[::1]/x',
    'https://[::]/x',
    'https://[fec0::1]/x',
  ])('%s is refused', (url) => {
    expect(checkUrl(url, strict)).toEqual({ ok: false, reason: expect.stringContaining(PRIVATE) })
  })

  test.each([
    'https://93.184.216.34/x',
    'https://[2606:4700::1111]/x',
    'https://[64:ff9b::5db8:d822]/x', // NAT64 of a public address
    'https://[2002:5db8:d822::1]/x', // 6to4 of a public address
    'https://hooks.example.com/x',
  ])('%s is allowed', (url) => {
    expect(checkUrl(url, strict).ok).toBe(true)
  })

  test.each([
    ['127.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['10.0x10.1', '10.16.0.1'],
    ['256.1.1.1', undefined],
    ['1.2.3.4.5', undefined],
    ['08.1.1.1', undefined],
    ['example.com', undefined],
  ])('canonicalIPv4(%s) = %s', (text, expected) => expect(canonicalIPv4(text)).toBe(expected))

  test('embedded IPv4 of each IPv6 form; bare loopback forms are judged directly', () => {
    expect(embeddedIPv4('::ffff:7f00:1')).toEqual(['127.0.0.1'])
    expect(embeddedIPv4('64:ff9b::a00:1')).toEqual(['10.0.0.1'])
    expect(embeddedIPv4('2002:a00:1::')).toEqual(['10.0.0.1'])
    expect(embeddedIPv4('2606:4700::1111')).toEqual([])
    expect(isNonPublicAddress('0x7f.1')).toBe(true)
    expect(isNonPublicAddress('::ffff:8.8.8.8')).toBe(false)
  })
})

describe('control characters', () => {
  test.each([
    'https://hooks.example.com/in\r\nX-Injected: 1',
    'https://hooks.example.com/in\n',
    'https://hooks.exa\tmple.com/in',
    'https://hooks.example.com/a b',
    'https://hooks.example.com/\u0000',
  ])('%j is refused before URL parsing (which would silently drop some of them)', (url) => {
    expect(checkUrl(url, strict)).toEqual({
      ok: false,
      reason: 'url must not contain spaces or control characters (CR, LF, tab, …)',
    })
  })
})

describe('creation resolves host names', () => {
  const policy = (addrs: Record<string, string[]>) => ({
    allowlist: parseAllowlist('https://internal.corp.example'),
    resolve: async (host: string) => {
      if (!addrs[host]) throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' })
      return addrs[host]
    },
  })
  const p = policy({
    'loop.example.com': ['127.0.0.1'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
    'v6loop.example.com': ['::ffff:127.0.0.1'],
    'public.example.com': ['93.184.216.34'],
    'internal.corp.example': ['10.0.0.1'],
  })

  test.each([
    ['https://loop.example.com/x', 'url resolves to a private'],
    ['https://mixed.example.com/x', 'url resolves to a private'],
    ['https://v6loop.example.com/x', 'url resolves to a private'],
    ['https://public.example.com/x', true],
    ['https://not-yet.example.com/x', true], // unresolvable now: accepted, deliveries fail as DNS errors
    ['https://internal.corp.example/x', true], // allow-listed: not resolved
  ])('%s', async (url, expected) => {
    const res = await checkUrlAtCreation(url, p)
    if (expected === true) expect(res.ok).toBe(true)
    else
      expect(res).toEqual({
        ok: false,
        reason: `${expected}, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)`,
      })
  })

  test('the admin core answers 400 naming the url; CR/LF in auth header values and usernames too', async () => {
    const admin = createSubscriptionAdmin({
      subscriptions: { save: async () => undefined } as never,
      logs: {} as never,
      clock: { now: () => 0, id: () => 'abc' } as never,
      urlPolicy: p,
      rotationOverlapMs: 0,
      isKnownEventType: () => true,
    })
    const base = { name: 'n', eventTypes: ['*'], url: 'https://public.example.com/x' }
    const err = (input: object) =>
      admin.create(input).then(
        () => undefined,
        (e: Error & { statusCode: number }) => [e.statusCode, e.message],
      )
    expect(await err({ ...base, url: 'https://loop.example.com/x' })).toEqual([
      400,
      'url: url resolves to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
    ])
    expect(await err({ ...base, url: 'https://public.example.com/x\r\nHost: evil' })).toEqual([
      400,
      'url: url must not contain spaces or control characters (CR, LF, tab, …)',
    ])
    for (const auth of [
      { type: 'header', name: 'x-key', value: 'a\r\nX-Evil: 1' },
      { type: 'header', name: 'x-key\r\nx-evil', value: 'a' },
      { type: 'bearer', token: 't\n' },
      { type: 'basic', username: 'u\u0000', password: 'p' },
    ]) {
      expect(await err({ ...base, auth })).toEqual([400, expect.stringMatching(/^invalid subscription/)])
    }
    expect(await err(base)).toBeUndefined()
  })
})

describe('the sender re-checks and pins the address it connects to', () => {
  test('a name resolving to loopback is not connected to; allow-listed loopback is', async () => {
    const rx = await startReceiver()
    try {
      let lookups = 0
      const send = createFetchSender({
        allowlist: parseAllowlist('http://127.0.0.1'),
        resolve: async () => (lookups++, ['127.0.0.1']),
      })
      const req = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000 }
      const refused = await send({ ...req, url: `https://rebind.example.com:${rx.port}/` })
      expect(refused).toEqual({
        durationMs: 0,
        error: 'not sent: url resolves to a private, loopback or link-local address',
        errorKind: 'policy',
      })
      const literal = await send({ ...req, url: `https://[::ffff:7f00:1]:${rx.port}/` })
      expect(literal.errorKind).toBe('policy')
      expect(lookups).toBe(1)
      const ok = await send({ ...req, url: `${rx.url}` })
      expect(ok.statusCode).toBe(200)
      expect(rx.received).toHaveLength(1)
    } finally {
      await rx.close()
    }
  })

  test('the pinned lookup connects to the checked address whatever the name', async () => {
    const rx = await startReceiver()
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(
          `http://name-that-does-not-resolve.invalid:${rx.port}/`,
          { method: 'POST', lookup: pinnedLookup('127.0.0.1', 4) },
          (res) => (res.resume(), resolve(res.statusCode)),
        )
        req.on('error', reject)
        req.end('{}')
      })
      expect(status).toBe(200)
    } finally {
      await rx.close()
    }
  })
})

test('a response body that never ends is a timeout (the attempt is bounded end to end)', async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('partial')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  try {
    const port = (server.address() as { port: number }).port
    const send = createFetchSender({ allowlist: parseAllowlist('http://127.0.0.1') })
    const res = await send({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}', timeoutMs: 300 })
    expect(res).toEqual({
      durationMs: expect.any(Number),
      error: 'timed out after 300 ms',
      errorKind: 'timeout',
    })
  } finally {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
})
