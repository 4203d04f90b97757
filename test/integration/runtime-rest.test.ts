/**
 * The OpenWhisk REST API of the local runtime through the real `openwhisk` npm client (and plain
 * fetch for malformed requests): invoke modes and status codes, action environment, activations
 * API, auth and limits.
 */
import { startFixtureStack, owClient, eventually, LOG_LINE } from '../fixtures/apps/runtime/fixture-stack'
import type { TestStack } from '../helpers/stack'

const OTHER_NS = '7654321-other'
const OTHER_KEY = '11111111-2222-3333-4444-555555555555:other-key'

let stack: TestStack
let ow: ReturnType<typeof owClient>

beforeAll(async () => {
  stack = await startFixtureStack({
    LOCAL_BLOCKING_WAIT_MS: '500',
    LOCAL_CONCURRENT_LIMIT: '3',
    LOCAL_NAMESPACES: `${OTHER_NS}=${OTHER_KEY}`,
  })
  ow = owClient(stack)
})
afterAll(async () => {
  await stack?.close()
})

function invokeUrl(name: string, query = 'blocking=true'): string {
  return `${stack.baseUrl}/api/v1/namespaces/_/actions/${name}?${query}`
}
const basic = (key: string): string => `Basic ${Buffer.from(key).toString('base64')}`

describe('invoke', () => {
  it('blocking: 200 with the activation record (without logs), merged params and substituted inputs', async () => {
    const record = await ow.actions.invoke({ name: 'fixture/echo', blocking: true, params: { a: 1 } })
    expect(record).toMatchObject({
      namespace: stack.config.namespace,
      name: 'echo',
      activationId: expect.stringMatching(/^[0-9a-f]{32}$/),
      logs: [],
      response: { status: 'success', success: true, statusCode: 0 },
    })
    expect(record.response.result.params).toEqual({
      PKG_PARAM: 'from-package',
      GREETING: 'hello bob',
      TOKEN: 'local-ims-token',
      a: 1,
    })
    expect(record.annotations).toEqual(
      expect.arrayContaining([
        { key: 'path', value: `${stack.config.namespace}/fixture/echo` },
        { key: 'kind', value: 'nodejs:22' },
      ]),
    )
    expect(record.end - record.start).toBe(record.duration)
  })

  it('gives the action the OpenWhisk environment', async () => {
    const record = await ow.actions.invoke({ name: 'fixture/echo', blocking: true })
    const env = record.response.result.env
    expect(env).toEqual({
      __OW_API_HOST: stack.baseUrl,
      __OW_API_KEY: stack.config.auth,
      __OW_NAMESPACE: stack.config.namespace,
      __OW_ACTION_NAME: `/${stack.config.namespace}/fixture/echo`,
      __OW_ACTION_VERSION: '0.0.1',
      __OW_ACTIVATION_ID: record.activationId,
      __OW_DEADLINE: String(record.start + 60_000),
      __OW_TRANSACTION_ID: expect.stringMatching(/^[0-9a-f]{32}$/),
      AIO_STATE_ENDPOINT: `${stack.baseUrl}/state`,
    })
  })

  it('lets an action call the runtime with openwhisk() and no configuration', async () => {
    const result = await ow.actions.invoke({ name: 'fixture/caller', blocking: true, result: true })
    expect(result.echoed.params).toMatchObject({ from: 'caller', GREETING: 'hello bob' })
  })

  it('result: true returns only the result', async () => {
    const result = await ow.actions.invoke({
      name: 'fixture/misbehave',
      blocking: true,
      result: true,
      params: { mode: 'ok' },
    })
    expect(result).toEqual({ body: { ok: true } })
  })

  it.each([
    ['application error', 'app-error', { error: { statusCode: 409, body: { error: 'conflict' } } }],
    ['action developer error', 'throw', { error: 'An error has occurred: Error: sync boom' }],
  ])('blocking %s: 502 with the record', async (status, mode, result) => {
    const err = await ow.actions
      .invoke({ name: 'fixture/misbehave', blocking: true, params: { mode } })
      .catch((e) => e)
    expect(err.statusCode).toBe(502)
    expect(err.error.response).toEqual({
      status,
      statusCode: status === 'application error' ? 1 : 2,
      success: false,
      result,
    })
  })

  it('non-blocking: 202 {activationId}; the record appears once done', async () => {
    const accepted = await ow.actions.invoke({
      name: 'fixture/misbehave',
      params: { mode: 'sleep', ms: 100 },
    })
    expect(Object.keys(accepted)).toEqual(['activationId'])
    const record = await eventually(() => ow.activations.get({ activationId: accepted.activationId }))
    expect(record.response.result).toEqual({ body: { slept: 100 } })
  })

  it('blocking past the wait: 202 {activationId} with the header', async () => {
    const res = await fetch(invokeUrl('fixture/misbehave'), {
      method: 'POST',
      headers: { authorization: basic(stack.config.auth), 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'sleep', ms: 1200 }),
    })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { activationId: string }
    expect(res.headers.get('x-openwhisk-activation-id')).toBe(body.activationId)
    const record = await eventually(() => ow.activations.get({ activationId: body.activationId }), 5000)
    expect(record.response.status).toBe('success')
  })

  it('answers 404 naming an unknown action', async () => {
    const err = await ow.actions.invoke({ name: 'fixture/nope', blocking: true }).catch((e) => e)
    expect(err.statusCode).toBe(404)
    expect(err.error.error).toBe("The requested resource 'fixture/nope' does not exist.")
  })

  it.each([
    ['malformed JSON with 400', '{"a":', 400, /^The request content was malformed/],
    ['a JSON array with 400', '[1]', 400, /must be a JSON object/],
    [
      'a body over 1 MB with 413',
      JSON.stringify({ x: 'y'.repeat(1024 * 1024) }),
      413,
      /^Request larger than allowed: \d+ > 1048576 bytes\.$/,
    ],
  ])('answers %s', async (_name, body, status, message) => {
    const res = await fetch(invokeUrl('fixture/echo'), {
      method: 'POST',
      headers: { authorization: basic(stack.config.auth), 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: string }).error).toMatch(message)
  })

  it('answers 429 past the namespace concurrency limit, and accepts again once activations finish', async () => {
    const running = await Promise.all(
      [1, 2, 3].map(() =>
        ow.actions.invoke({ name: 'fixture/misbehave', params: { mode: 'sleep', ms: 600 } }),
      ),
    )
    const err = await ow.actions.invoke({ name: 'fixture/echo', blocking: true }).catch((e) => e)
    expect(err.statusCode).toBe(429)
    expect(err.error.error).toBe('Too many concurrent requests in flight (count: 4, allowed: 3).')
    await eventually(async () => {
      const done = await Promise.all(running.map((r) => ow.activations.get({ activationId: r.activationId })))
      return done.length === 3 ? done : undefined
    })
    await expect(
      ow.actions.invoke({ name: 'fixture/echo', blocking: true, result: true }),
    ).resolves.toHaveProperty('params')
  })
})

describe('credentials and namespaces', () => {
  it('answers 401 to wrong or missing credentials', async () => {
    const err = await owClient(stack, 'nope:nope')
      .actions.list()
      .catch((e) => e)
    expect(err.statusCode).toBe(401)
    const res = await fetch(`${stack.baseUrl}/api/v1/namespaces/_/actions`)
    expect(res.status).toBe(401)
  })

  it('lists the caller namespace', async () => {
    await expect(ow.namespaces.list()).resolves.toEqual([stack.config.namespace])
    await expect(owClient(stack, OTHER_KEY).namespaces.list()).resolves.toEqual([OTHER_NS])
  })

  it('isolates namespaces: 403 on another namespace, no app actions in the other one', async () => {
    const other = owClient(stack, OTHER_KEY)
    const err = await other.actions
      .invoke({ name: `/${stack.config.namespace}/fixture/echo`, blocking: true })
      .catch((e) => e)
    expect(err.statusCode).toBe(403)
    await expect(other.actions.list()).resolves.toEqual([])
  })
})

describe('actions', () => {
  it('lists the manifest actions and gets one with its bound parameters', async () => {
    const list = await ow.actions.list({ limit: 100 })
    expect(list.map((a: { namespace: string; name: string }) => `${a.namespace}/${a.name}`)).toEqual(
      expect.arrayContaining([
        `${stack.config.namespace}/fixture/echo`,
        `${stack.config.namespace}/fixture/raw`,
      ]),
    )
    const action = await ow.actions.get({ name: 'fixture/final-web' })
    expect(action.parameters).toEqual([
      { key: 'PKG_PARAM', value: 'from-package' },
      { key: 'SECRET', value: 'from-manifest' },
    ])
    expect(action.annotations).toEqual(
      expect.arrayContaining([
        { key: 'final', value: true },
        { key: 'web-export', value: true },
        { key: 'raw-http', value: false },
      ]),
    )
  })
})

describe('activations', () => {
  let ids: string[]
  let since: number

  beforeAll(async () => {
    since = Date.now()
    ids = []
    for (const lines of [1, 2, 3]) {
      const r = await ow.actions.invoke({
        name: 'fixture/misbehave',
        blocking: true,
        params: { mode: 'logs', lines },
      })
      ids.push(r.activationId)
    }
  })

  it('lists newest first, filtered by name, with skip/limit and since/upto', async () => {
    const all = await ow.activations.list({ name: 'fixture/misbehave', since, limit: 10 })
    expect(all.slice(0, 3).map((a: { activationId: string }) => a.activationId)).toEqual([...ids].reverse())
    const page = await ow.activations.list({ name: 'fixture/misbehave', since, skip: 1, limit: 1 })
    expect(page.map((a: { activationId: string }) => a.activationId)).toEqual([ids[1]])
    const first = await ow.activations.get({ activationId: ids[0] })
    const upto = await ow.activations.list({ name: 'fixture/misbehave', since, upto: first.start })
    expect(upto.map((a: { activationId: string }) => a.activationId)).toContain(ids[0])
    expect(upto.map((a: { activationId: string }) => a.activationId)).not.toContain(ids[2])
    const none = await ow.activations.list({ name: 'fixture/echo', since: Date.now() + 60_000 })
    expect(none).toEqual([])
  })

  it('lists summaries without docs, full records with docs', async () => {
    const [summary] = await ow.activations.list({ name: 'fixture/misbehave', since, limit: 1 })
    expect(summary).not.toHaveProperty('logs')
    expect(summary).not.toHaveProperty('response')
    const [doc] = await ow.activations.list({ name: 'fixture/misbehave', since, limit: 1, docs: true })
    expect(doc.logs).toHaveLength(3)
  })

  it('gets the record, its logs in the OpenWhisk line format, and its result', async () => {
    const id = ids[1]
    const { logs } = await ow.activations.logs({ activationId: id })
    expect(logs).toHaveLength(2)
    logs.forEach((line: string, i: number) => {
      expect(line).toMatch(LOG_LINE)
      expect(line.endsWith(`stdout: line ${i}`)).toBe(true)
    })
    await expect(ow.activations.result({ activationId: id })).resolves.toEqual({
      status: 'success',
      statusCode: 0,
      success: true,
      result: {},
    })
    await expect(ow.activations.get({ activationId: id })).resolves.toMatchObject({ activationId: id, logs })
  })

  it.each([
    ['an unknown id with 404', '0123456789abcdef0123456789abcdef', 404],
    ['a malformed id with 400', 'not-an-id', 400],
  ])('answers %s', async (_name, id, status) => {
    const err = await ow.activations.get({ activationId: id }).catch((e) => e)
    expect(err.statusCode).toBe(status)
  })

  it.each([
    ['limit above 200', { limit: 201 }, "The value '201' is not in the range of 0 to 200 for activations."],
    ['a negative skip', { skip: -1 }, "The value '-1' is not greater than or equal to 0 for activations."],
    ['a bad since', { since: 'yesterday' }, 'Parameter is not a valid value for epoch seconds: yesterday'],
  ])('rejects %s with 400', async (_name, options, message) => {
    const err = await ow.activations.list(options as never).catch((e) => e)
    expect(err.statusCode).toBe(400)
    expect(err.error.error).toBe(message)
  })
})
