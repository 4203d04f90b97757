/**
 * The consumer's core (`routeEvent`): routing from the registry, status propagation for Debug
 * Tracing and I/O Events retries, unknown codes, malformed events, the loop breaker (echo, fail
 * open), and the route table / manifest agreement.
 */
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { routeEvent, type RouterDeps } from '../../../actions/lib/event-router'
import { createRouteTable } from '../../../actions/lib/route-table'
import { eventRegistry } from '../../../actions/lib/event-registry'
import { createCanonicalFingerprinter, createLoopBreaker } from '../../../actions/lib/loop-breaker'
import { createMemoryStore } from '../../../actions/lib/kv-store'
import type { ActionInvoker, InvokeOutcome } from '../../../actions/lib/action-invoker'
import { entityDefinitions } from '../../../actions/entities/catalog'
import { cloudEventParams } from '../../fixtures/entity-events'

const routes = createRouteTable(eventRegistry)
const NOW = Date.parse('2026-03-01T12:00:00Z')
const CODE = 'be-observer.customer_update'

function harness(
  outcome: InvokeOutcome | ((action: string) => InvokeOutcome),
  extra: Partial<RouterDeps> = {},
) {
  const calls: [string, Record<string, unknown>][] = []
  const lines: [string, string, Record<string, unknown> | undefined][] = []
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push([level, message, meta])
  const invoker: ActionInvoker = {
    invoke: async (action, params) => (
      calls.push([action, params]),
      typeof outcome === 'function' ? outcome(action) : outcome
    ),
  }
  const deps: RouterDeps = {
    routes,
    invoker,
    clock: { now: () => NOW },
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    ...extra,
  }
  return { deps, calls, lines }
}

const ok: InvokeOutcome = {
  statusCode: 200,
  body: { success: true, message: 'propagated' },
  activationId: 'a1',
}

describe('routing', () => {
  test.each(eventRegistry.all().map((d) => [d.code, `entities/${d.entity}`] as const))(
    '%s → %s',
    async (code, action) => {
      const { deps, calls } = harness(ok)
      expect(await routeEvent(cloudEventParams(code, { id: 'evt-42' }), deps)).toEqual({
        statusCode: 200,
        body: { type: code, response: { success: true, message: 'propagated' } },
      })
      expect(calls).toEqual([
        [
          action,
          {
            type: code,
            id: 'evt-42',
            data: cloudEventParams(code).data,
            correlationId: 'evt-42',
            receivedAt: '2026-03-01T12:00:00.000Z',
          },
        ],
      ])
    },
  )

  test('the route table covers every events.json code, and each handler action is in the manifest', () => {
    const manifest = YAML.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../actions/entities/actions.config.yaml'), 'utf8'),
    )
    const declared = Object.keys(manifest).map((a) => `entities/${a}`)
    expect(routes.all().map((r) => r.code)).toEqual(eventRegistry.all().map((d) => d.code))
    expect([...new Set(routes.all().map((r) => r.action))].sort()).toEqual(declared.sort())
  })
})

describe('handler status → consumer response', () => {
  const cases: [string, InvokeOutcome, unknown][] = [
    [
      '201',
      { statusCode: 201, body: { success: true, message: 'created' } },
      { statusCode: 200, body: { type: CODE, response: { success: true, message: 'created' } } },
    ],
    [
      '200 with a non-object body',
      { statusCode: 200, body: 'fine' },
      { statusCode: 200, body: { type: CODE, response: { success: true, result: 'fine' } } },
    ],
    [
      '400',
      { statusCode: 400, body: { success: false, error: 'invalid data for x: id is required' } },
      { error: { statusCode: 400, body: { error: 'invalid data for x: id is required' } } },
    ],
    [
      '404',
      { statusCode: 404, body: { success: false, error: 'gone' } },
      { error: { statusCode: 404, body: { error: 'gone' } } },
    ],
    [
      '409 without error text',
      { statusCode: 409, body: {} },
      { error: { statusCode: 409, body: { error: 'handler failed with status 409' } } },
    ],
    [
      '429',
      { statusCode: 429, body: { success: false, error: 'throttled' } },
      { error: { statusCode: 429, body: { error: 'throttled' } } },
    ],
    [
      '500',
      { statusCode: 500, body: { success: false, error: 'Internal server error' } },
      { error: { statusCode: 500, body: { error: 'Internal server error' } } },
    ],
    [
      '503',
      { statusCode: 503, body: { success: false, error: 'propagation failed: x' } },
      { error: { statusCode: 503, body: { error: 'propagation failed: x' } } },
    ],
    [
      'invoke failure (not deployed)',
      { statusCode: 502, body: { error: 'action entities/customer is not deployed' }, failure: '404' },
      { error: { statusCode: 502, body: { error: 'action entities/customer is not deployed' } } },
    ],
    [
      'timeout',
      { statusCode: 504, body: { error: 'the action timed out' } },
      { error: { statusCode: 504, body: { error: 'the action timed out' } } },
    ],
    [
      '304 (nonsense) is treated as transient',
      { statusCode: 304, body: {} },
      { error: { statusCode: 502, body: { error: 'handler failed with status 502' } } },
    ],
  ]
  test.each(cases)('%s', async (_name, outcome, expected) => {
    const { deps } = harness(outcome)
    expect(await routeEvent(cloudEventParams(CODE), deps)).toEqual(expected)
  })

  test('log level follows retry semantics and names the attempt', async () => {
    const levels: string[] = []
    for (const statusCode of [200, 400, 503]) {
      const { deps, lines } = harness({ statusCode, body: {}, activationId: 'a9' })
      await routeEvent(cloudEventParams(CODE, { __adobe_headers: { 'x-adobe-retry-count': '2' } }), deps)
      levels.push(
        ...lines.map(([l, m, meta]) =>
          [l, m, meta?.statusCode, meta?.attempt, meta?.handler].map(String).join('|'),
        ),
      )
    }
    expect(levels).toEqual([
      'info|event handled|200|3|entities/customer',
      'warn|handler rejected the event; I/O Events will not retry|400|3|entities/customer',
      'error|handler failed; I/O Events will retry|503|3|entities/customer',
    ])
  })
})

describe('events nobody handles, malformed events', () => {
  test('unknown code → 200 ignored with a warning, no invoke', async () => {
    const { deps, calls, lines } = harness(ok)
    expect(await routeEvent(cloudEventParams('com.example.unknown'), deps)).toEqual({
      statusCode: 200,
      body: {
        type: 'com.example.unknown',
        response: { success: true, message: 'ignored: no handler for com.example.unknown' },
      },
    })
    expect(calls).toEqual([])
    expect(lines).toEqual([
      ['warn', 'ignored: no handler for com.example.unknown', { type: 'com.example.unknown', attempt: 1 }],
    ])
  })

  const malformed: [string, Record<string, unknown>, string][] = [
    ['no type', cloudEventParams(CODE, { type: undefined }), 'invalid event: type is required'],
    ['no id', cloudEventParams(CODE, { id: undefined }), 'invalid event: id is required'],
    ['type not a string', cloudEventParams(CODE, { type: ['x'] }), 'invalid event: type must be a string'],
    [
      'headers not an object',
      cloudEventParams(CODE, { __adobe_headers: 'x' }),
      'invalid event: __adobe_headers must be of type object',
    ],
  ]
  test.each(malformed)('%s → 400, no invoke', async (_name, params, error) => {
    const { deps, calls } = harness(ok)
    expect(await routeEvent(params, deps)).toEqual({ error: { statusCode: 400, body: { error } } })
    expect(calls).toEqual([])
  })
})

describe('loop breaker', () => {
  const SAVE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'
  const fingerprint = createCanonicalFingerprinter(Object.values(entityDefinitions))

  test('an echo is acknowledged as skipped without invoking the handler; redelivery is routed', async () => {
    const store = createMemoryStore({ now: () => NOW })
    const loopBreaker = createLoopBreaker({
      store: async () => store,
      fingerprint,
      config: { events: [SAVE], ttlSeconds: 300 },
    })
    const { deps, calls } = harness(ok, { loopBreaker })
    const first = await routeEvent(cloudEventParams(SAVE, { id: 'e1' }), deps)
    const again = await routeEvent(
      cloudEventParams(SAVE, { id: 'e1', __adobe_headers: { 'x-adobe-retry-count': '1' } }),
      deps,
    )
    const echo = await routeEvent(cloudEventParams(SAVE, { id: 'e2' }), deps)
    expect([first, again, echo]).toEqual([
      { statusCode: 200, body: { type: SAVE, response: { success: true, message: 'propagated' } } },
      { statusCode: 200, body: { type: SAVE, response: { success: true, message: 'propagated' } } },
      {
        statusCode: 200,
        body: {
          type: SAVE,
          response: {
            success: true,
            message: 'skipped: echo of the identical change of event e1 (loop breaker)',
          },
        },
      },
    ])
    expect(calls.map(([, p]) => p.id)).toEqual(['e1', 'e1'])
  })

  test('fails open when State is down: the event is routed and the outage logged', async () => {
    const loopBreaker = createLoopBreaker({
      store: async () => Promise.reject(new Error('ECONNREFUSED')),
      fingerprint,
      config: { events: ['*'], ttlSeconds: 300 },
    })
    const { deps, calls, lines } = harness(ok, { loopBreaker })
    expect(await routeEvent(cloudEventParams(SAVE), deps)).toEqual({
      statusCode: 200,
      body: { type: SAVE, response: { success: true, message: 'propagated' } },
    })
    expect(calls.length).toBe(1)
    expect(lines[0]).toEqual([
      'error',
      'loop breaker unavailable; routing anyway',
      { type: SAVE, error: 'ECONNREFUSED' },
    ])
  })
})
