/**
 * The ActionInvoker over the real `openwhisk` client, against a loopback HTTP server that answers
 * like the OpenWhisk REST API (200 record, 502 record for application errors, 202 after the
 * blocking wait, 404/429, closed port), plus the record → outcome mapping table.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import openwhisk from 'openwhisk'
import {
  createOpenWhiskInvoker,
  outcomeFromActivation,
  type ActivationRecordLike,
  type InvokeOutcome,
} from '../../../actions/lib/action-invoker'

const record = (result: unknown, status = 'success', success = true): ActivationRecordLike => ({
  activationId: 'act-1',
  response: { status, success, result },
})

describe('outcomeFromActivation', () => {
  const cases: [string, ActivationRecordLike | undefined, InvokeOutcome][] = [
    [
      'handler success',
      record({ statusCode: 200, body: { success: true, message: 'ok' } }),
      { statusCode: 200, body: { success: true, message: 'ok' }, activationId: 'act-1' },
    ],
    [
      'handler 400 as a normal result',
      record({ statusCode: 400, body: { success: false, error: 'bad' } }),
      { statusCode: 400, body: { success: false, error: 'bad' }, activationId: 'act-1' },
    ],
    [
      'handler 503',
      record({ statusCode: 503, body: { success: false, error: 'x' } }),
      { statusCode: 503, body: { success: false, error: 'x' }, activationId: 'act-1' },
    ],
    [
      'application error with status',
      record({ error: { statusCode: 409, body: { error: 'dup' } } }, 'application error', false),
      { statusCode: 409, body: { error: 'dup' }, activationId: 'act-1' },
    ],
    [
      'crash',
      record({ error: 'TypeError: x is not a function' }, 'action developer error', false),
      {
        statusCode: 502,
        body: { error: 'the action failed' },
        activationId: 'act-1',
        failure: 'action developer error: TypeError: x is not a function',
      },
    ],
    [
      'time limit',
      record(
        { error: 'The action exceeded its time limits of 60000 milliseconds.' },
        'action developer error',
        false,
      ),
      {
        statusCode: 504,
        body: { error: 'the action timed out' },
        activationId: 'act-1',
        failure: 'action developer error: The action exceeded its time limits of 60000 milliseconds.',
      },
    ],
    [
      'failed without result',
      record(undefined, 'whisk internal error', false),
      {
        statusCode: 502,
        body: { error: 'the action failed' },
        activationId: 'act-1',
        failure: 'whisk internal error without a result',
      },
    ],
    [
      'plain result',
      record({ hello: 'world' }),
      { statusCode: 200, body: { hello: 'world' }, activationId: 'act-1' },
    ],
    [
      'statusCode out of range is not a status',
      record({ statusCode: 42 }),
      { statusCode: 200, body: { statusCode: 42 }, activationId: 'act-1' },
    ],
    [
      'no response (202 after the blocking wait)',
      { activationId: 'act-2' },
      {
        statusCode: 504,
        body: { error: 'the action did not finish within the blocking wait' },
        activationId: 'act-2',
        failure: 'no response in activation record (202)',
      },
    ],
  ]
  test.each(cases)('%s', (_name, rec, expected) => {
    expect(outcomeFromActivation(rec)).toEqual(expected)
  })
})

describe('createOpenWhiskInvoker with the real openwhisk client', () => {
  let server: http.Server
  let baseUrl: string
  let reply: (res: http.ServerResponse) => void
  const requests: { method?: string; url?: string; body: unknown; auth?: string }[] = []

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          body: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
          auth: req.headers.authorization,
        })
        reply(res)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  })
  beforeEach(() => void (requests.length = 0))

  const json = (status: number, body: unknown) => (res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const invoker = () =>
    createOpenWhiskInvoker(
      openwhisk({
        apihost: baseUrl,
        api_key: 'uuid:key',
        namespace: '1234567-ns',
      }),
    )

  const cases: [string, (res: http.ServerResponse) => void, InvokeOutcome][] = [
    [
      '200 record',
      json(200, record({ statusCode: 201, body: { success: true, message: 'm' } })),
      { statusCode: 201, body: { success: true, message: 'm' }, activationId: 'act-1' },
    ],
    [
      '502 record (application error)',
      json(502, record({ error: { statusCode: 422, body: { error: 'nope' } } }, 'application error', false)),
      { statusCode: 422, body: { error: 'nope' }, activationId: 'act-1' },
    ],
    [
      '202 (still running)',
      json(202, { activationId: 'act-3' }),
      {
        statusCode: 504,
        body: { error: 'the action did not finish within the blocking wait' },
        activationId: 'act-3',
        failure: 'no response in activation record (202)',
      },
    ],
  ]
  test.each(cases)('%s', async (_name, handler, expected) => {
    reply = handler
    expect(await invoker().invoke('entities/product', { type: 't', id: 'i' })).toEqual(expected)
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/v1/namespaces/1234567-ns/actions/entities/product?blocking=true',
        body: { type: 't', id: 'i' },
        auth: `Basic ${Buffer.from('uuid:key').toString('base64')}`,
      },
    ])
  })

  test('404 (not deployed) → 502; 429 → 429; 401 → 502', async () => {
    const out: [number, unknown][] = []
    for (const [status, body] of [
      [404, { error: 'The requested resource does not exist.' }],
      [429, { error: 'Too many concurrent requests in flight' }],
      [401, { error: 'The supplied authentication is invalid' }],
    ] as const) {
      reply = json(status, body)
      const o = await invoker().invoke('entities/order', {})
      out.push([o.statusCode, o.body])
      expect(o.failure).toContain(`Returned HTTP ${status}`)
    }
    expect(out).toEqual([
      [502, { error: 'action entities/order is not deployed' }],
      [429, { error: 'entities/order is throttled' }],
      [502, { error: 'invoking entities/order failed' }],
    ])
  })

  test('connection refused → 503', async () => {
    const dead = http.createServer()
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()))
    const port = (dead.address() as AddressInfo).port
    await new Promise<void>((r) => dead.close(() => r()))
    const inv = createOpenWhiskInvoker(
      openwhisk({
        apihost: `http://127.0.0.1:${port}`,
        api_key: 'u:k',
        namespace: 'ns',
      }),
    )
    const o = await inv.invoke('entities/stock', {})
    expect([o.statusCode, o.body]).toEqual([503, { error: 'invoking entities/stock failed' }])
    expect(o.failure).toMatch(/ECONNREFUSED/)
  })
})
