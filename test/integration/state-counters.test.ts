/**
 * The emulator-only counters endpoint (`/state/_local/counters`): State calls made through the
 * real @adobe/aio-lib-state client are counted per namespace and operation and read back over
 * HTTP, the way tests and benches of a child-process stack assert State budgets.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import type { AdobeState } from '@adobe/aio-lib-state'
import { isLoopback } from '../../local/state/counters-endpoint'
import { startTestStack, type TestStack } from '../helpers/stack'
import { stateClient } from '../helpers/state-client'
import { resetStateCounters, stateCounters } from '../helpers/state-counters'

const OTHER_NS = '7654321-eventhub-other'
const OTHER_AUTH = '9f1c7d2e-0b6a-4c1e-8d3f-5a7b9c1d2e3f:other-local-key-0123456789abcdef'
const ZERO = { gets: 0, puts: 0, deletes: 0, lists: 0 }

/** A non-loopback IPv4 address of this machine, if it has one. */
const externalV4 = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address

/** One raw request from `localAddress` to `host:port`. */
function rawRequest(options: {
  host: string
  port: number
  localAddress?: string
  method: string
  path: string
}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('State counters endpoint', () => {
  let stack: TestStack
  let state: AdobeState
  let other: AdobeState

  beforeAll(async () => {
    // Bound to every interface so the loopback-only rule can be checked from a non-loopback address.
    stack = await startTestStack({
      config: { host: '0.0.0.0', namespaces: new Map([[OTHER_NS, OTHER_AUTH]]) },
    })
    state = await stateClient(stack)
    other = await stateClient(stack, OTHER_NS)
  })
  afterAll(async () => {
    await stack.close()
    fs.rmSync(stack.dataDir, { recursive: true, force: true })
  })
  beforeEach(() => resetStateCounters(stack.baseUrl))

  it('counts each operation of the real client per namespace', async () => {
    await state.put('a.1', 'one')
    await state.put('a.2', 'two')
    await state.get('a.1')
    await state.get('missing') // a miss is still a get
    await state.delete('a.2')
    for await (const page of state.list({ match: 'a.*' })) expect(page.keys).toEqual(['a.1'])
    await other.put('b.1', 'x')

    expect(await stateCounters(stack.baseUrl, stack.config.namespace)).toEqual({
      gets: 2,
      puts: 2,
      deletes: 1,
      lists: 1,
    })
    expect(await stateCounters(stack.baseUrl, OTHER_NS)).toEqual({ ...ZERO, puts: 1 })
    // The HTTP view and the in-process view are the same counters.
    expect(stack.state.counters(stack.config.namespace)).toEqual({ gets: 2, puts: 2, deletes: 1, lists: 1 })
  })

  it('DELETE resets every namespace to zero with 204', async () => {
    await state.put('k', 'v')
    await other.get('k')
    const res = await fetch(`${stack.baseUrl}/state/_local/counters`, { method: 'DELETE' })
    expect({ status: res.status, text: await res.text() }).toEqual({ status: 204, text: '' })
    expect(await stateCounters(stack.baseUrl, stack.config.namespace)).toEqual(ZERO)
    expect(await stateCounters(stack.baseUrl, OTHER_NS)).toEqual(ZERO)
  })

  it('reading counters is not itself a State call and needs no credentials', async () => {
    await stateCounters(stack.baseUrl, stack.config.namespace)
    expect(await stateCounters(stack.baseUrl, stack.config.namespace)).toEqual(ZERO)
  })

  it.each([
    {
      what: 'a namespace that is not a State namespace',
      method: 'GET',
      path: 'counters/not_a_ns',
      status: 400,
    },
    { what: 'bad percent-encoding', method: 'GET', path: 'counters/%E0%A4%A', status: 400 },
    { what: 'PUT on a namespace', method: 'PUT', path: `counters/${'1234567-eventhub-local'}`, status: 405 },
    { what: 'GET on the collection', method: 'GET', path: 'counters', status: 405 },
    { what: 'an unknown local endpoint', method: 'GET', path: 'nothing', status: 404 },
  ])('$what is a $status with a JSON error', async ({ method, path, status }) => {
    const res = await fetch(`${stack.baseUrl}/state/_local/${path}`, { method })
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual({ error: expect.any(String) })
  })

  const fromNetwork = externalV4 ? it : it.skip
  fromNetwork('answers 403 to a client that is not on loopback', async () => {
    const target = { host: externalV4 as string, port: stack.port, localAddress: externalV4 }
    const got = await rawRequest({
      ...target,
      method: 'GET',
      path: `/state/_local/counters/${stack.config.namespace}`,
    })
    expect(got).toEqual({
      status: 403,
      text: JSON.stringify({ error: 'local State endpoints answer loopback clients only' }),
    })
    expect((await rawRequest({ ...target, method: 'DELETE', path: '/state/_local/counters' })).status).toBe(
      403,
    )
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:192.0.2.2', false],
    ['10.0.0.1', false],
    ['fe80::1', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected)
  })
})
