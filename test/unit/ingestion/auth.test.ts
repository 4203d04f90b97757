import { Webhook } from 'standardwebhooks'
import { checkAuthentication, safeEqual, configuredSecrets } from '../../../actions/ingestion/webhook/auth'
import { rawBodyOf } from '../../../actions/ingestion/webhook/request'
import { NOW_S, OLD_SECRET, SECRET, eventBody, rawParams, signedParams } from './fixtures'

const ctxOf = (params: Record<string, unknown>, now = NOW_S) => ({
  rawBody: rawBodyOf(params),
  nowSeconds: now,
})
const check = (params: Record<string, unknown>, now = NOW_S) =>
  checkAuthentication(params, ctxOf(params, now))
const body = JSON.stringify(eventBody())

describe('checkAuthentication: secure by default', () => {
  it.each([
    ['unset', {}],
    ['empty', { INGESTION_AUTH: '' }],
  ])('rejects every request when INGESTION_AUTH is %s, saying how to configure it', (_name, inputs) => {
    const res = check(rawParams(body, {}, inputs))
    expect(res).toEqual({
      success: false,
      message: expect.stringMatching(
        /^Ingestion authentication is not configured: set INGESTION_AUTH to hmac/,
      ),
    })
  })

  it('rejects an unknown strategy name as misconfigured, listing the valid ones', () => {
    const res = check(rawParams(body, {}, { INGESTION_AUTH: 'magic' }))
    expect(res).toEqual({
      success: false,
      message: expect.stringContaining('INGESTION_AUTH must be one of hmac, token, basic, none'),
    })
  })

  it('accepts anything only when INGESTION_AUTH=none is explicit', () => {
    expect(check(rawParams(body, {}, { INGESTION_AUTH: 'none' }))).toEqual({ success: true })
  })
})

describe('checkAuthentication: hmac (Standard Webhooks)', () => {
  it('accepts a valid signature', () => {
    expect(check(signedParams(body))).toEqual({ success: true })
  })

  it('accepts a signature made by the third-party standardwebhooks package', () => {
    const sig = new Webhook(SECRET).sign('msg_3p', new Date(NOW_S * 1000), body)
    const params = rawParams(
      body,
      { 'webhook-id': 'msg_3p', 'webhook-timestamp': String(NOW_S), 'webhook-signature': sig },
      { INGESTION_AUTH: 'hmac', INGESTION_SECRET: SECRET },
    )
    expect(check(params)).toEqual({ success: true })
  })

  it('verifies the raw bytes, not a re-serialisation (whitespace matters)', () => {
    const spaced = JSON.stringify(eventBody(), null, 2)
    const params = signedParams(spaced)
    expect(check(params)).toEqual({ success: true })
    params.__ow_body = Buffer.from(JSON.stringify(JSON.parse(spaced))).toString('base64')
    expect(check(params)).toEqual({
      success: false,
      message: 'Invalid webhook signature: webhook-signature does not match',
    })
  })

  it.each<[string, () => Record<string, unknown>, number, string]>([
    [
      'wrong secret',
      () => signedParams(body, { secrets: [OLD_SECRET] }),
      NOW_S,
      'webhook-signature does not match',
    ],
    ['stale timestamp', () => signedParams(body, { ts: NOW_S - 301 }), NOW_S, 'webhook-timestamp is too old'],
    [
      'future timestamp',
      () => signedParams(body, { ts: NOW_S + 301 }),
      NOW_S,
      'webhook-timestamp is in the future',
    ],
    [
      'tampered body',
      () => ({
        ...signedParams(body),
        __ow_body: Buffer.from(body.replace('SKU-1', 'SKU-2')).toString('base64'),
      }),
      NOW_S,
      'webhook-signature does not match',
    ],
    [
      'non-numeric timestamp',
      () => {
        const p = signedParams(body)
        ;(p.__ow_headers as Record<string, string>)['webhook-timestamp'] = 'yesterday'
        return p
      },
      NOW_S,
      'webhook-timestamp must be Unix seconds',
    ],
    [
      'no v1 signature',
      () => {
        const p = signedParams(body)
        ;(p.__ow_headers as Record<string, string>)['webhook-signature'] = 'v2,abc'
        return p
      },
      NOW_S,
      'webhook-signature has no v1 signature',
    ],
  ])('rejects %s', (_name, build, now, reason) => {
    expect(check(build(), now)).toEqual({ success: false, message: `Invalid webhook signature: ${reason}` })
  })

  it('accepts timestamps at the edge of the ±5 minute tolerance', () => {
    expect(check(signedParams(body, { ts: NOW_S - 300 }))).toEqual({ success: true })
    expect(check(signedParams(body, { ts: NOW_S + 300 }))).toEqual({ success: true })
  })

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'rejects a request missing %s, naming it',
    (header) => {
      const p = signedParams(body)
      delete (p.__ow_headers as Record<string, string>)[header]
      expect(check(p)).toEqual({
        success: false,
        message: `Invalid webhook signature: missing header(s): ${header}`,
      })
    },
  )

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'the previous secret in INGESTION_SECRETS_PREVIOUS',
      { INGESTION_SECRET: SECRET, INGESTION_SECRETS_PREVIOUS: OLD_SECRET },
      [OLD_SECRET],
    ],
    [
      'the second secret of a comma list in INGESTION_SECRET',
      { INGESTION_SECRET: `${SECRET},${OLD_SECRET}` },
      [OLD_SECRET],
    ],
    ['a sender signing with both old and new secrets', { INGESTION_SECRET: SECRET }, [OLD_SECRET, SECRET]],
  ])('supports rotation: accepts %s', (_name, inputs, signWith) => {
    expect(check(signedParams(body, { secrets: signWith, inputs }))).toEqual({ success: true })
  })

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no secret', { INGESTION_SECRET: '' }, /INGESTION_AUTH=hmac needs INGESTION_SECRET/],
    ['a secret that is not whsec_', { INGESTION_SECRET: 'hunter2' }, /must be whsec_ secrets/],
    ['an invalid previous secret', { INGESTION_SECRETS_PREVIOUS: 'whsec_short' }, /must be whsec_ secrets/],
  ])('fails closed with %s configured, without echoing it', (_name, inputs, message) => {
    const res = check(signedParams(body, { inputs }))
    expect(res).toEqual({ success: false, message: expect.stringMatching(message) })
    expect(JSON.stringify(res)).not.toContain('hunter2')
  })
})

describe('checkAuthentication: token', () => {
  const inputs = { INGESTION_AUTH: 'token', INGESTION_SECRET: 's3cret-token-value' }
  it.each<[string, Record<string, string>, Record<string, unknown>, { success: boolean; message?: string }]>([
    ['the default header', { 'x-webhook-token': 's3cret-token-value' }, {}, { success: true }],
    [
      'a configured header',
      { 'x-backoffice-key': 's3cret-token-value' },
      { INGESTION_TOKEN_HEADER: 'X-Backoffice-Key' },
      { success: true },
    ],
    [
      'Authorization: Bearer when the header is authorization',
      { authorization: 'Bearer s3cret-token-value' },
      { INGESTION_TOKEN_HEADER: 'authorization' },
      { success: true },
    ],
    [
      'a rotated previous token',
      { 'x-webhook-token': 'old-token' },
      { INGESTION_SECRETS_PREVIOUS: 'old-token' },
      { success: true },
    ],
    [
      'a wrong token',
      { 'x-webhook-token': 's3cret-token-valuE' },
      {},
      { success: false, message: 'Invalid token in header x-webhook-token' },
    ],
    [
      'a prefix of the token',
      { 'x-webhook-token': 's3cret' },
      {},
      { success: false, message: 'Invalid token in header x-webhook-token' },
    ],
    [
      'the token in another header',
      { 'x-other': 's3cret-token-value' },
      {},
      { success: false, message: 'Missing authentication header x-webhook-token' },
    ],
  ])('with %s', (_name, headers, extra, expected) => {
    expect(check(rawParams(body, headers, { ...inputs, ...extra }))).toEqual(expected)
  })

  it('fails closed without a configured token', () => {
    expect(check(rawParams(body, { 'x-webhook-token': '' }, { INGESTION_AUTH: 'token' }))).toEqual({
      success: false,
      message: expect.stringContaining('INGESTION_AUTH=token needs INGESTION_SECRET'),
    })
  })
})

describe('checkAuthentication: basic', () => {
  const inputs = {
    INGESTION_AUTH: 'basic',
    INGESTION_BASIC_USER: 'backoffice',
    INGESTION_BASIC_PASSWORD: 'pa:ss word',
  }
  const basic = (cred: string) => ({ authorization: `Basic ${Buffer.from(cred).toString('base64')}` })
  it.each<[string, Record<string, string>, { success: boolean; message?: string }]>([
    ['valid credentials (password containing a colon)', basic('backoffice:pa:ss word'), { success: true }],
    [
      'a lower-case scheme',
      { authorization: basic('backoffice:pa:ss word').authorization.replace('Basic', 'basic') },
      { success: true },
    ],
    [
      'a wrong password',
      basic('backoffice:pass word'),
      { success: false, message: 'Invalid Basic credentials' },
    ],
    ['a wrong user', basic('admin:pa:ss word'), { success: false, message: 'Invalid Basic credentials' }],
    ['no colon', basic('backoffice'), { success: false, message: 'Malformed Basic credentials' }],
    [
      'no Authorization header',
      {},
      { success: false, message: 'Missing Basic credentials (Authorization: Basic base64(user:password))' },
    ],
    [
      'a Bearer token',
      { authorization: 'Bearer x' },
      { success: false, message: 'Missing Basic credentials (Authorization: Basic base64(user:password))' },
    ],
  ])('with %s', (_name, headers, expected) => {
    expect(check(rawParams(body, headers, inputs))).toEqual(expected)
  })

  it('fails closed when the password is not configured', () => {
    const res = check(rawParams(body, basic('backoffice:x'), { ...inputs, INGESTION_BASIC_PASSWORD: '' }))
    expect(res).toEqual({
      success: false,
      message: expect.stringContaining(
        'INGESTION_AUTH=basic needs INGESTION_BASIC_USER and INGESTION_BASIC_PASSWORD',
      ),
    })
  })
})

describe('auth helpers', () => {
  it('safeEqual compares exactly, whatever the lengths', () => {
    expect([
      safeEqual('abc', 'abc'),
      safeEqual('abc', 'abd'),
      safeEqual('abc', 'abcd'),
      safeEqual('', ''),
    ]).toEqual([true, false, false, true])
  })

  it('configuredSecrets joins INGESTION_SECRET and INGESTION_SECRETS_PREVIOUS lists', () => {
    expect(configuredSecrets({ INGESTION_SECRET: 'a, b', INGESTION_SECRETS_PREVIOUS: 'c d,,' })).toEqual([
      'a',
      'b',
      'c',
      'd',
    ])
  })

  it('derives the raw body from params when no context is given (system clock)', () => {
    const ts = Math.floor(Date.now() / 1000)
    expect(checkAuthentication(signedParams(body, { ts }))).toEqual({ success: true })
  })
})
