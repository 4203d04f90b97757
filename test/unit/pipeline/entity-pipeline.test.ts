/**
 * The shared entity pipeline: envelope checks, status mapping of the propagation outcome,
 * registry consistency checks, logging, the publisher propagator and the action adapter.
 */
import {
  createEntityHandler,
  createEntityPipeline,
  type PipelineDeps,
} from '../../../actions/lib/entity-pipeline'
import {
  createPublisherPropagator,
  type PropagationOutcome,
  type Propagator,
} from '../../../actions/lib/propagator'
import type { ActionInvoker, InvokeOutcome } from '../../../actions/lib/action-invoker'
import { createEventRegistry } from '../../../actions/lib/event-registry'
import { entityDefinitions } from '../../../actions/entities/catalog'
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'
import { J } from '../../../actions/entities/schema-kit'
import { handlerParams } from '../../fixtures/entity-events'

const CODE = 'be-observer.catalog_product_update'
const product = createEntityPipeline(entityDefinitions.product)

/** A logger that records [level, message, meta]. */
function capturingLogger() {
  const lines: [string, string, Record<string, unknown> | undefined][] = []
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push([level, message, meta])
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

function deps(propagate: Propagator['propagate']) {
  const log = capturingLogger()
  const d: PipelineDeps = {
    propagator: { propagate },
    clock: { now: () => Date.parse('2026-02-01T00:00:00Z') },
    logger: log.logger,
  }
  return { deps: d, lines: log.lines }
}

const answer = (outcome: PropagationOutcome) => async () => outcome

describe('propagation outcome → handler response', () => {
  const cases: [string, PropagationOutcome, unknown][] = [
    [
      '200',
      { statusCode: 200, message: 'queued' },
      { statusCode: 200, body: { success: true, message: `${CODE} for product PRODUCT_SKU: queued` } },
    ],
    [
      '202',
      { statusCode: 202, message: 'accepted' },
      { statusCode: 200, body: { success: true, message: `${CODE} for product PRODUCT_SKU: accepted` } },
    ],
    [
      '400',
      { statusCode: 400, message: 'event.fields too big' },
      { statusCode: 400, body: { success: false, error: 'propagation failed: event.fields too big' } },
    ],
    [
      '404',
      { statusCode: 404, message: 'no such thing' },
      { statusCode: 404, body: { success: false, error: 'propagation failed: no such thing' } },
    ],
    [
      '429',
      { statusCode: 429, message: 'throttled' },
      { statusCode: 429, body: { success: false, error: 'propagation failed: throttled' } },
    ],
    [
      '500',
      { statusCode: 500, message: 'Internal server error' },
      { statusCode: 500, body: { success: false, error: 'propagation failed: Internal server error' } },
    ],
    [
      '503',
      { statusCode: 503, message: 'state unavailable' },
      { statusCode: 503, body: { success: false, error: 'propagation failed: state unavailable' } },
    ],
    [
      '302 (nonsense)',
      { statusCode: 302, message: 'moved' },
      { statusCode: 502, body: { success: false, error: 'propagation failed: moved' } },
    ],
  ]
  test.each(cases)('publisher %s', async (_name, outcome, expected) => {
    const { deps: d } = deps(answer(outcome))
    expect(await product.handle(handlerParams(CODE), d)).toEqual(expected)
  })

  test('a propagator that throws → 500 without details', async () => {
    const { deps: d, lines } = deps(async () => {
      throw new Error('socket hang up at 10.0.0.1')
    })
    expect(await product.handle(handlerParams(CODE), d)).toEqual({
      statusCode: 500,
      body: { success: false, error: 'Internal server error' },
    })
    expect(lines.map(([level, message]) => [level, message])).toEqual([['error', 'entity handler failed']])
  })

  test('logs: info on success, warn on 4xx, error on 5xx, with type, entity id and status', async () => {
    const levels: string[][] = []
    for (const statusCode of [200, 409, 503]) {
      const { deps: d, lines } = deps(answer({ statusCode, message: 'm', detail: 'activation a1' }))
      await product.handle(handlerParams(CODE), d)
      levels.push(lines.map(([level, message, meta]) => `${level}|${message}|${JSON.stringify(meta)}`))
    }
    const meta = (s: number) =>
      JSON.stringify({ type: CODE, entityId: 'PRODUCT_SKU', statusCode: s, detail: 'activation a1' })
    expect(levels).toEqual([
      [`info|event propagated|${meta(200)}`],
      [`warn|propagation rejected|${meta(409)}`],
      [`error|propagation failed; I/O Events will retry|${meta(503)}`],
    ])
  })
})

describe('what reaches the propagator', () => {
  test('the whole canonical event; receivedAt from the clock when the consumer did not pass it', async () => {
    const seen: CanonicalEvent[] = []
    const { deps: d } = deps(async (e) => (seen.push(e), { statusCode: 200, message: 'ok' }))
    await product.handle(handlerParams(CODE, { receivedAt: undefined, id: 'evt-9' }), d)
    expect(seen).toEqual([
      {
        id: 'evt-9',
        type: CODE,
        entity: 'product',
        entityId: 'PRODUCT_SKU',
        entityType: 'product',
        fields: {
          operation: 'update',
          sku: 'PRODUCT_SKU',
          name: 'Product SKU updated',
          price: 2,
          description: 'Product SKU description updated',
        },
        data: {
          sku: 'PRODUCT_SKU',
          name: 'Product SKU updated',
          price: 2,
          description: 'Product SKU description updated',
        },
        receivedAt: '2026-02-01T00:00:00.000Z',
      },
    ])
  })
})

describe('rejected before propagation (400)', () => {
  const never = async (): Promise<PropagationOutcome> => {
    throw new Error('must not propagate')
  }
  const cases: [string, Record<string, unknown>, string][] = [
    ['no type', handlerParams(CODE, { type: undefined }), 'invalid event: type is required'],
    [
      'no id, bad receivedAt',
      handlerParams(CODE, { id: undefined, receivedAt: 'yesterday' }),
      'invalid event: id is required; receivedAt must be in iso format',
    ],
    ['numeric id', handlerParams(CODE, { id: 7 }), 'invalid event: id must be a string'],
    [
      'another entity\u2019s code',
      handlerParams('be-observer.customer_create'),
      'event type be-observer.customer_create is not handled by entities/product',
    ],
    [
      'unknown code',
      handlerParams(CODE, { type: 'be-observer.nope' }),
      'event type be-observer.nope is not handled by entities/product',
    ],
    ['no data', handlerParams(CODE, { data: undefined }), `invalid data for ${CODE}: data is required`],
    [
      'data not an object',
      handlerParams(CODE, { data: 'sku=1' }),
      `invalid data for ${CODE}: data must be of type object`,
    ],
  ]
  test.each(cases)('%s', async (_name, params, error) => {
    const { deps: d } = deps(never)
    expect(await product.handle(params, d)).toEqual({ statusCode: 400, body: { success: false, error } })
  })

  test('at most 10 issues are listed, the rest counted', async () => {
    const code = 'be-observer.catalog_stock_update'
    const data = Array.from({ length: 12 }, () => ({ quantity: 1 }))
    const { deps: d } = deps(never)
    const res = await createEntityPipeline(entityDefinitions.stock).handle(handlerParams(code, { data }), d)
    const listed = Array.from({ length: 10 }, (_, i) => `[${i}].sku is required`).join('; ')
    expect(res).toEqual({
      statusCode: 400,
      body: { success: false, error: `invalid data for ${code}: ${listed} (and 2 more)` },
    })
  })
})

describe('createEntityPipeline checks the definition against events.json', () => {
  const registry = createEventRegistry({
    widget: {
      backoffice: {
        'be-observer.widget_a': { sampleEventTemplate: {} },
        'be-observer.widget_b': { sampleEventTemplate: {} },
      },
    },
  })
  const t = () => ({ entityId: 'x', fields: {} })

  test('names every missing or stray schema and transform', () => {
    expect(() =>
      createEntityPipeline(
        {
          entity: 'widget',
          schemas: { 'be-observer.widget_a': J.object(), 'be-observer.widget_z': J.object() },
          transforms: { 'be-observer.widget_b': t },
        },
        registry,
      ),
    ).toThrow(
      'entities/widget: be-observer.widget_b has no schema; be-observer.widget_a has no transform; be-observer.widget_z is not a widget event in events.json',
    )
  })

  test('an entity missing from events.json', () => {
    expect(() => createEntityPipeline({ entity: 'gadget', schemas: {}, transforms: {} }, registry)).toThrow(
      'entities/gadget: entity gadget is not in events.json',
    )
  })

  test('every app entity is consistent', () => {
    expect(Object.values(entityDefinitions).map((d) => createEntityPipeline(d).entity)).toEqual([
      'product',
      'customer',
      'customer-group',
      'order',
      'stock',
    ])
  })
})

describe('createPublisherPropagator', () => {
  const event = {
    id: 'e1',
    type: CODE,
    entity: 'product',
    entityId: 'S',
    entityType: 'product',
    fields: {},
    data: {},
    receivedAt: '2026-01-01T00:00:00.000Z',
  }
  function fakeInvoker(outcome: InvokeOutcome) {
    const calls: [string, Record<string, unknown>][] = []
    const invoker: ActionInvoker = {
      invoke: async (action, params) => (calls.push([action, params]), outcome),
    }
    return { invoker, calls }
  }
  const cases: [string, InvokeOutcome, PropagationOutcome][] = [
    [
      'success message',
      { statusCode: 200, body: { success: true, message: 'queued 2 deliveries' }, activationId: 'a1' },
      { statusCode: 200, message: 'queued 2 deliveries', detail: 'activation a1' },
    ],
    [
      'success without message',
      { statusCode: 200, body: {} },
      { statusCode: 200, message: 'published', detail: undefined },
    ],
    [
      '4xx error',
      { statusCode: 400, body: { success: false, error: 'event.type is required' } },
      { statusCode: 400, message: 'event.type is required', detail: undefined },
    ],
    [
      '5xx without body',
      { statusCode: 500, body: undefined, activationId: 'a2' },
      { statusCode: 500, message: 'publisher/publish answered 500', detail: 'activation a2' },
    ],
    [
      'invoke failure',
      {
        statusCode: 502,
        body: { error: 'action publisher/publish is not deployed' },
        failure: 'invoke publisher/publish: 404',
      },
      {
        statusCode: 502,
        message: 'action publisher/publish is not deployed',
        detail: 'invoke publisher/publish: 404',
      },
    ],
  ]
  test.each(cases)('%s', async (_name, outcome, expected) => {
    const { invoker, calls } = fakeInvoker(outcome)
    expect(await createPublisherPropagator(invoker).propagate(event)).toEqual(expected)
    expect(calls).toEqual([['publisher/publish', { event }]])
  })

  test('the action name is configurable', async () => {
    const { invoker, calls } = fakeInvoker({ statusCode: 200, body: {} })
    await createPublisherPropagator(invoker, 'other/publish').propagate(event)
    expect(calls.map(([a]) => a)).toEqual(['other/publish'])
  })
})

describe('createEntityHandler (the action adapter)', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  test('without the Runtime environment (no State credentials) the in-process fan-out answers 503, so I/O Events retries', async () => {
    for (const k of ['__OW_API_HOST', '__OW_API_KEY', '__OW_NAMESPACE']) delete process.env[k]
    const main = createEntityHandler(entityDefinitions.product)
    expect(await main(handlerParams(CODE))).toEqual({
      statusCode: 503,
      body: { success: false, error: 'propagation failed: Internal server error' },
    })
  })

  test('with FANOUT_MODE=action and no Runtime environment it answers 500 (no invoker), not a crash', async () => {
    for (const k of ['__OW_API_HOST', '__OW_API_KEY', '__OW_NAMESPACE']) delete process.env[k]
    const main = createEntityHandler(entityDefinitions.product)
    expect(await main({ ...handlerParams(CODE), FANOUT_MODE: 'action' })).toEqual({
      statusCode: 500,
      body: { success: false, error: 'Internal server error' },
    })
  })

  test('an unknown FANOUT_MODE is a configuration error (500)', async () => {
    const main = createEntityHandler(entityDefinitions.product)
    expect(await main({ ...handlerParams(CODE), FANOUT_MODE: 'sideways' })).toEqual({
      statusCode: 500,
      body: { success: false, error: 'Internal server error' },
    })
  })

  test('a malformed input is a configuration error (500), named in logs only', async () => {
    const main = createEntityHandler(entityDefinitions.product)
    expect(await main({ ...handlerParams(CODE), LOG_LEVEL: 'loud' })).toEqual({
      statusCode: 500,
      body: { success: false, error: 'Internal server error' },
    })
  })
})
