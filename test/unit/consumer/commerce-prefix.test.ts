/**
 * The app prefix (`COMMERCE_EVENT_PREFIX`, the starter kit's EVENT_PREFIX): the code helpers, and
 * the consumer's core routing `com.adobe.commerce.<prefix>.observer.*` as the catalogue code while
 * unprefixed codes keep working.
 */
import {
  COMMERCE_EVENT_PREFIX_PATTERN,
  prefixedCommerceCode,
  unprefixCommerceCode,
} from '../../../actions/lib/commerce-event-code'
import { routeEvent, type RouterDeps } from '../../../actions/lib/event-router'
import { createRouteTable } from '../../../actions/lib/route-table'
import { eventRegistry } from '../../../actions/lib/event-registry'
import type { ActionInvoker } from '../../../actions/lib/action-invoker'
import { cloudEventParams, sampleData } from '../../fixtures/entity-events'

const SAVE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'

describe('prefixedCommerceCode / unprefixCommerceCode', () => {
  const cases: [string, string | undefined, string, string][] = [
    // [catalogue code, prefix, prefixed form, what the case shows]
    [SAVE, 'acme_app', 'com.adobe.commerce.acme_app.observer.catalog_product_save_commit_after', 'prefixed'],
    [SAVE, '', SAVE, 'empty prefix: unchanged'],
    [SAVE, undefined, SAVE, 'no prefix: unchanged'],
    ['be-observer.customer_create', 'acme_app', 'be-observer.customer_create', 'back-office codes never'],
  ]
  test.each(cases)('%s with %p → %s (%s)', (code, prefix, prefixed) => {
    expect(prefixedCommerceCode(code, prefix)).toBe(prefixed)
    expect(unprefixCommerceCode(prefixed, prefix)).toBe(code)
  })

  test('unprefixing leaves unprefixed codes and other prefixes alone', () => {
    expect(unprefixCommerceCode(SAVE, 'acme_app')).toBe(SAVE)
    expect(
      unprefixCommerceCode('com.adobe.commerce.other.observer.catalog_product_save_commit_after', 'acme_app'),
    ).toBe('com.adobe.commerce.other.observer.catalog_product_save_commit_after')
  })

  test.each([
    ['acme_app', true],
    ['App2', true],
    ['a.b', false],
    ['with space', false],
    ['', false],
  ])('prefix %p valid: %p', (prefix, valid) => {
    expect(COMMERCE_EVENT_PREFIX_PATTERN.test(prefix)).toBe(valid)
  })
})

describe('routing with a prefix', () => {
  function harness(commercePrefix?: string) {
    const calls: [string, Record<string, unknown>][] = []
    const invoker: ActionInvoker = {
      invoke: async (action, params) => (
        calls.push([action, params]),
        { statusCode: 200, body: { success: true, message: 'propagated' } }
      ),
    }
    const noop = () => undefined
    const deps: RouterDeps = {
      routes: createRouteTable(eventRegistry),
      invoker,
      clock: { now: () => Date.parse('2026-03-01T12:00:00Z') },
      logger: { debug: noop, info: noop, warn: noop, error: noop },
      commercePrefix,
    }
    return { deps, calls }
  }

  const commerceCodes = eventRegistry.byProvider('commerce').map((d) => [d.code, d.handlerEntity] as const)

  test.each(commerceCodes)(
    'prefixed %s → entities/%s, handled as the catalogue code',
    async (code, entity) => {
      const prefixed = prefixedCommerceCode(code, 'acme_app')
      const { deps, calls } = harness('acme_app')
      expect(await routeEvent(cloudEventParams(code, { type: prefixed, id: 'evt-7' }), deps)).toEqual({
        statusCode: 200,
        body: { type: prefixed, response: { success: true, message: 'propagated' } },
      })
      expect(calls).toEqual([
        [
          `entities/${entity}`,
          {
            type: code,
            id: 'evt-7',
            data: sampleData(code),
            correlationId: 'evt-7',
            receivedAt: '2026-03-01T12:00:00.000Z',
          },
        ],
      ])
    },
  )

  test('unprefixed codes keep working with a prefix set', async () => {
    const { deps, calls } = harness('acme_app')
    await routeEvent(cloudEventParams(SAVE), deps)
    expect(calls.map(([a, p]) => [a, p.type])).toEqual([['entities/product', SAVE]])
  })

  test('a prefixed code without the prefix configured is ignored (200), not an error', async () => {
    const prefixed = prefixedCommerceCode(SAVE, 'acme_app')
    const { deps, calls } = harness()
    expect(await routeEvent(cloudEventParams(SAVE, { type: prefixed }), deps)).toEqual({
      statusCode: 200,
      body: { type: prefixed, response: { success: true, message: `ignored: no handler for ${prefixed}` } },
    })
    expect(calls).toEqual([])
  })
})
