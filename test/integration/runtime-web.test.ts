/**
 * Web actions of the local runtime over plain HTTP: parameter merge, __ow_* context, final,
 * raw-http, response mapping, extensions, limits, require-adobe-auth, CORS and the 202 path.
 */
import { startFixtureStack, owClient, webUrl, eventually } from '../fixtures/apps/runtime/fixture-stack'
import type { TestStack } from '../helpers/stack'

const PARAMETERS_NOT_ALLOWED = 'Request defines parameters that are not allowed (e.g., reserved properties).'

let stack: TestStack

beforeAll(async () => {
  // Long enough that no quick action reaches it on a loaded machine (it would answer 202), short
  // enough for the 202 test below to wait it out.
  stack = await startFixtureStack({ LOCAL_BLOCKING_WAIT_MS: '4000' })
})
afterAll(async () => {
  await stack?.close()
})

async function call(
  actionAndRest: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(webUrl(stack, actionAndRest), { redirect: 'manual', ...init })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

function postJson(body: unknown, extra: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...extra },
    body: JSON.stringify(body),
  }
}

describe('request → params', () => {
  it('merges package → inputs → query → body (later wins) and adds __ow_method/__ow_headers/__ow_path', async () => {
    const r = await call(
      'open-web/some/rest?SECRET=from-query&x=1&q=only-query',
      postJson({ x: 2, y: [3] }, { 'x-Custom': 'v' }),
    )
    expect(r.status).toBe(200)
    const { __ow_headers: headers, ...params } = r.json.params
    expect(params).toEqual({
      PKG_PARAM: 'from-package',
      SECRET: 'from-query',
      x: 2,
      y: [3],
      q: 'only-query',
      __ow_method: 'post',
      __ow_path: '/some/rest',
    })
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'v' })
  })

  it('passes a non-object body of a non-raw action as __ow_body (text as is)', async () => {
    const r = await call('open-web', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'plain words',
    })
    expect(r.status).toBe(200)
    expect(r.json.params).toMatchObject({
      __ow_body: 'plain words',
      __ow_method: 'put',
      SECRET: 'from-manifest',
    })
  })

  it('parses form bodies into params', async () => {
    const r = await call('open-web', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two',
    })
    expect(r.json.params).toMatchObject({ a: '1', b: 'two' })
  })

  it('answers 400 to malformed JSON', async () => {
    const r = await call('open-web', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    })
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(/^The request content was malformed/)
  })

  it.each([
    ['query', '?__ow_method=get', undefined],
    ['JSON body', '', postJson({ __ow_headers: {} })],
    ['JSON body __ow_path', '', postJson({ __ow_path: '/x' })],
  ])('rejects __ow_* in the %s with 400', async (_where, query, init) => {
    const r = await call(`open-web${query}`, init)
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ error: PARAMETERS_NOT_ALLOWED, code: expect.any(String) })
  })
})

describe('final: true', () => {
  it('lets a request override inputs when the action is not final', async () => {
    const r = await call('open-web?SECRET=attacker')
    expect(r.json.params.SECRET).toBe('attacker')
  })

  it.each([
    ['query', '?SECRET=attacker', undefined],
    ['JSON body', '', postJson({ SECRET: 'attacker' })],
    [
      'form body',
      '',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'SECRET=attacker',
      },
    ],
    ['package param in the query', '?PKG_PARAM=attacker', undefined],
  ])('rejects an override through the %s with 400', async (_where, query, init) => {
    const r = await call(`final-web${query}`, init)
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ error: PARAMETERS_NOT_ALLOWED, code: expect.any(String) })
  })

  it('accepts requests that set other params and keeps the inputs', async () => {
    const r = await call('final-web?other=1', postJson({ more: true }))
    expect(r.status).toBe(200)
    expect(r.json.params).toMatchObject({
      SECRET: 'from-manifest',
      PKG_PARAM: 'from-package',
      other: '1',
      more: true,
    })
  })
})

describe('web: raw', () => {
  it('passes the raw query string and base64 of a JSON body, with inputs intact', async () => {
    const body = '{"SECRET":"attacker","n":1}'
    const r = await call('raw/p?SECRET=attacker&b=2', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(r.status).toBe(200)
    const { __ow_headers: _h, ...params } = r.json.params
    expect(params).toEqual({
      PKG_PARAM: 'from-package',
      SECRET: 'from-manifest',
      __ow_method: 'post',
      __ow_path: '/p',
      __ow_query: 'SECRET=attacker&b=2',
      __ow_body: Buffer.from(body).toString('base64'),
    })
  })

  it.each([
    ['text/plain', Buffer.from('hello text'), 'hello text'],
    ['application/octet-stream', Buffer.from([0, 1, 2, 255]), Buffer.from([0, 1, 2, 255]).toString('base64')],
    ['application/cloudevents+json', Buffer.from('{"a":1}'), Buffer.from('{"a":1}').toString('base64')],
  ])('encodes a %s body as OpenWhisk does', async (type, bytes, expected) => {
    const r = await call('raw', { method: 'POST', headers: { 'content-type': type }, body: bytes })
    expect(r.json.params.__ow_body).toBe(expected)
  })

  it('gives an empty __ow_body and __ow_query without body or query', async () => {
    const r = await call('raw')
    expect(r.json.params).toMatchObject({ __ow_body: '', __ow_query: '', __ow_method: 'get', __ow_path: '' })
  })
})

describe('response mapping (.http)', () => {
  it.each([
    [
      'statusCode, headers and a JSON body',
      { statusCode: 201, headers: { 'x-a': 'b' }, body: { ok: true } },
      201,
      'application/json',
      '{"ok":true}',
    ],
    ['a string body (text/html default, 200)', { body: 'hello' }, 200, 'text/html; charset=UTF-8', 'hello'],
    ['no body → 204', {}, 204, null, ''],
    ['a redirect', { statusCode: 302, headers: { location: '/elsewhere' } }, 302, null, ''],
    ['an array body as JSON', { body: [1, 2] }, 200, 'application/json', '[1,2]'],
    ['a numeric-string status code', { statusCode: '202', body: 'x' }, 202, 'text/html; charset=UTF-8', 'x'],
    [
      'a +json content type',
      { headers: { 'content-type': 'application/problem+json' }, body: { title: 't' } },
      200,
      'application/problem+json',
      '{\n  "title": "t"\n}',
    ],
  ])('maps %s', async (_name, response, status, contentType, text) => {
    const r = await call('http', postJson({ response }))
    expect({ status: r.status, type: r.headers.get('content-type'), text: r.text }).toEqual({
      status,
      type: contentType,
      text,
    })
    if (status === 201) expect(r.headers.get('x-a')).toBe('b')
    if (status === 302) expect(r.headers.get('location')).toBe('/elsewhere')
  })

  it('base64-decodes bodies of binary content types and repeats array header values', async () => {
    const r = await fetch(webUrl(stack, 'misbehave?mode=binary'))
    expect(r.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await r.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]))
    const c = await fetch(webUrl(stack, 'misbehave?mode=cookies'))
    expect(c.status).toBe(201)
    expect(c.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(c.headers.get('x-num')).toBe('7')
  })

  it.each([
    ['an invalid status code', { statusCode: 'abc' }, "Response is not valid 'message/http'."],
    [
      'a non-base64 binary body',
      { headers: { 'content-type': 'image/png' }, body: 'not base64!' },
      'Response type in header did not match generated content type.',
    ],
    [
      'an object body with a text content type',
      { headers: { 'content-type': 'text/plain' }, body: { a: 1 } },
      'Response type in header did not match generated content type.',
    ],
    ['a non-object header set', { headers: 'x' }, "Response is not valid 'message/http'."],
  ])('answers 400 for %s', async (_name, response, error) => {
    const r = await call('http', postJson({ response }))
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ error, code: expect.any(String) })
  })

  it('turns an application error {error:{statusCode, body}} into that response', async () => {
    const r = await call('misbehave?mode=app-error')
    expect(r.status).toBe(409)
    expect(r.json).toEqual({ error: 'conflict' })
  })

  it('answers 400 "There was an error processing your request." for a developer error', async () => {
    const r = await call('misbehave?mode=throw')
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ error: 'There was an error processing your request.', code: expect.any(String) })
  })
})

describe('extensions', () => {
  it.each([
    ['.json', { a: 1 }, 200, 'application/json', '{"a":1}'],
    ['.text', { body: 'plain' }, 200, 'text/plain; charset=UTF-8', 'plain'],
    ['.html', { html: '<p>hi</p>' }, 200, 'text/html; charset=UTF-8', '<p>hi</p>'],
  ])('%s projects the result', async (ext, response, status, type, text) => {
    const r = await call(`http${ext}`, postJson({ response }))
    expect({ status: r.status, type: r.headers.get('content-type'), text: r.text }).toEqual({
      status,
      type,
      text,
    })
  })

  it('.html rejects a non-string html field', async () => {
    const r = await call('http.html', postJson({ response: { html: 3 } }))
    expect(r.status).toBe(400)
    expect(r.json.error).toBe("Response is not valid 'text/html'.")
  })
})

describe('errors and limits', () => {
  it.each([
    ['an unknown action', `${'fixture/nope'}`],
    ['a non-web action', 'fixture/echo'],
  ])('answers 404 for %s', async (_name, path) => {
    const r = await fetch(`${stack.baseUrl}/api/v1/web/${stack.config.namespace}/${path}`)
    expect(r.status).toBe(404)
    expect(await r.json()).toEqual({
      error: 'The requested resource does not exist.',
      code: expect.any(String),
    })
  })

  it('answers 404 for another namespace', async () => {
    const r = await fetch(`${stack.baseUrl}/api/v1/web/9999999-other/fixture/http`)
    expect(r.status).toBe(404)
  })

  it('answers 413 to a request body over 1 MB', async () => {
    const body = JSON.stringify({ big: 'x'.repeat(1024 * 1024) })
    const r = await call('open-web', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(r.status).toBe(413)
    expect(r.json.error).toBe(`Request larger than allowed: ${Buffer.byteLength(body)} > 1048576 bytes.`)
  })

  it('fails a result over 1 MB as a developer error naming the size', async () => {
    const r = await call('misbehave?mode=big&bytes=1100000')
    expect(r.status).toBe(400)
    const id = r.headers.get('x-openwhisk-activation-id')!
    const record = await owClient(stack).activations.get({ activationId: id })
    expect(record.response).toMatchObject({
      status: 'action developer error',
      success: false,
      result: {
        error: expect.stringMatching(
          /^The action produced a response that exceeded the allowed length: \d+ > 1048576 bytes\.$/,
        ),
      },
    })
  })
})

describe('require-adobe-auth', () => {
  const ok = { authorization: 'Bearer local-ims-token', 'x-gw-ims-org-id': 'LOCALORG@AdobeOrg' }
  it.each([
    ['no Authorization header', { 'x-gw-ims-org-id': 'LOCALORG@AdobeOrg' }, /missing authorization header/],
    ['a wrong token', { ...ok, authorization: 'Bearer wrong' }, /invalid IMS access token/],
    ['Basic instead of Bearer', { ...ok, authorization: 'Basic abc' }, /missing authorization header/],
    ['no x-gw-ims-org-id', { authorization: ok.authorization }, /missing x-gw-ims-org-id header/],
  ])('answers 401 with %s', async (_name, headers, message) => {
    const r = await call('secured', { headers })
    expect(r.status).toBe(401)
    expect(r.json.error).toMatch(message)
  })

  it('runs the action with the configured token and an org header', async () => {
    const r = await call('secured', { headers: ok })
    expect(r.status).toBe(200)
    expect(r.json.params.__ow_headers['x-gw-ims-org-id']).toBe('LOCALORG@AdobeOrg')
  })
})

describe('CORS and OPTIONS', () => {
  it('answers OPTIONS itself with the OpenWhisk CORS headers, echoing requested headers', async () => {
    const r = await fetch(webUrl(stack, 'secured'), {
      method: 'OPTIONS',
      headers: { 'access-control-request-headers': 'x-one, x-two' },
    })
    expect(r.status).toBe(200)
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.headers.get('access-control-allow-methods')).toBe('OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH')
    expect(r.headers.get('access-control-allow-headers')).toBe('x-one, x-two')
  })

  it('adds CORS headers to action responses', async () => {
    const r = await call('http', postJson({ response: { body: 'x' } }))
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent',
    )
  })

  it('lets a web-custom-options action answer OPTIONS and adds no CORS headers', async () => {
    const r = await fetch(webUrl(stack, 'custom-options'), { method: 'OPTIONS' })
    expect(r.status).toBe(200)
    expect(r.headers.get('x-custom-options')).toBe('yes')
    expect(r.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('waiting for the result', () => {
  it('answers 202 with x-openwhisk-activation-id past the blocking wait; the activation completes later', async () => {
    // Its own stack with a short wait: the action (timeout 1.5 s) outlives the 400 ms wait.
    const short = await startFixtureStack({ LOCAL_BLOCKING_WAIT_MS: '400' })
    try {
      const res = await fetch(webUrl(short, 'misbehave?mode=sleep&ms=1000'))
      expect(res.status).toBe(202)
      expect(await res.json()).toEqual({ error: 'Response not yet ready.', code: expect.any(String) })
      const id = res.headers.get('x-openwhisk-activation-id')!
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      const record = await eventually(() => owClient(short).activations.get({ activationId: id }), 30_000)
      expect(record.response).toMatchObject({ status: 'success', result: { body: { slept: 1000 } } })
    } finally {
      await short.close()
    }
  })

  it('sets x-openwhisk-activation-id on completed responses too', async () => {
    const r = await call('misbehave?mode=ok')
    expect(r.headers.get('x-openwhisk-activation-id')).toMatch(/^[0-9a-f]{32}$/)
  })
})
