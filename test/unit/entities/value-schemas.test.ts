/**
 * valueSchemaFor / validateEventData: every code in events.json has a schema, every
 * sampleEventTemplate validates, forbidden keys are rejected anywhere, issues are reported by path.
 */
import { eventRegistry, createEventRegistry } from '../../../actions/lib/event-registry'
import { buildValueSchemas, validateEventData, valueSchemaFor } from '../../../actions/entities/value-schemas'
import { entityDefinitions } from '../../../actions/entities/catalog'
import { J } from '../../../actions/entities/schema-kit'

const definitions = eventRegistry.all().map((d) => [d.code, d] as const)

describe('valueSchemaFor', () => {
  test.each(definitions)('%s has a schema and its sampleEventTemplate validates', (code, def) => {
    const schema = valueSchemaFor(code)
    expect(schema).toBeDefined()
    const { error } = schema!.validate(def.sampleEventTemplate, { abortEarly: false })
    expect(error?.message).toBeUndefined()
    expect(validateEventData(code, def.sampleEventTemplate)).toEqual({
      ok: true,
      value: def.sampleEventTemplate,
    })
  })

  test.each(definitions)('%s rejects missing data', (code) => {
    expect(validateEventData(code, undefined)).toEqual({ ok: false, issues: ['data is required'] })
  })

  test('covers exactly the codes of events.json', () => {
    expect(eventRegistry.all().filter((d) => !valueSchemaFor(d.code))).toEqual([])
    expect(valueSchemaFor('be-observer.nope')).toBeUndefined()
    expect(validateEventData('be-observer.nope', {})).toEqual({
      ok: false,
      issues: ['unknown event code be-observer.nope'],
    })
  })
})

describe('forbidden keys', () => {
  const cases: [string, string, string, string][] = [
    // [code, JSON with the bad key, expected label of the issue, what the case shows]
    [
      'be-observer.catalog_product_create',
      '{"sku":"A","__proto__":{"admin":true}}',
      '__proto__',
      'top-level __proto__',
    ],
    [
      'be-observer.catalog_product_create',
      '{"sku":"A","extra":{"constructor":{"prototype":1}}}',
      'extra.constructor',
      'nested in an unknown key',
    ],
    [
      'be-observer.catalog_stock_update',
      '[{"sku":"A","quantity":1,"__proto__":{}}]',
      '[0].__proto__',
      'inside an array item',
    ],
    [
      'com.adobe.commerce.observer.customer_save_commit_after',
      '{"value":{"entity_id":"1","prototype":"x"}}',
      'value.prototype',
      'inside Commerce value',
    ],
    [
      'be-observer.sales_order_shipment_create',
      '{"orderId":"1","items":[{"orderItemId":"2","qty":1,"meta":[{"__proto__":1}]}]}',
      'items[0].meta[0].__proto__',
      'deep in arrays',
    ],
  ]
  test.each(cases)('%s rejects %s (%s: %s)', (code, json, label) => {
    expect(validateEventData(code, JSON.parse(json))).toEqual({
      ok: false,
      issues: [`${label} is a forbidden key`],
    })
    expect(valueSchemaFor(code)!.validate(JSON.parse(json)).error?.details[0].type).toMatch(
      /^(object|array)\.forbiddenKey$/,
    )
  })

  test('a harmless key named like a prototype member (toString) is allowed', () => {
    expect(validateEventData('be-observer.catalog_product_delete', { sku: 'A', toString: 'x' })).toEqual({
      ok: true,
      value: { sku: 'A', toString: 'x' },
    })
  })
})

describe('issues by path, never the payload', () => {
  test('every problem is listed, by path', () => {
    const result = validateEventData('be-observer.sales_order_shipment_create', {
      items: [{ orderItemId: 'X', qty: 0 }],
      tracks: [{ title: 'UPS' }],
      comment: { visibleOnFront: 'SECRET-ish string' },
    })
    expect(result).toEqual({
      ok: false,
      issues: [
        'orderId is required',
        'items[0].qty must be a positive number',
        'tracks[0].trackNumber is required',
        'comment.visibleOnFront must be a boolean',
      ],
    })
    expect(JSON.stringify(result)).not.toContain('SECRET')
  })

  test('pattern failures do not quote the value (joi does by default)', () => {
    const code = 'com.adobe.commerce.observer.catalog_product_save_commit_after'
    const result = validateEventData(code, { value: { sku: 'S', price: 'SECRET-1,5', status: 'SECRET' } })
    expect(result).toEqual({
      ok: false,
      issues: ['value.price must be a decimal number', 'value.status must be an integer'],
    })
  })
})

describe('buildValueSchemas', () => {
  const registry = createEventRegistry({
    product: {
      backoffice: {
        'be-observer.a': { sampleEventTemplate: {} },
        'be-observer.b': { sampleEventTemplate: {} },
      },
    },
  })

  test('names every mismatch with events.json', () => {
    expect(() =>
      buildValueSchemas(
        {
          product: { 'be-observer.a': J.object(), 'be-observer.zzz': J.object() },
          stock: { 'be-observer.b': J.object() },
        },
        registry,
      ),
    ).toThrow(
      'entity schemas do not match events.json: product/schemas.ts: be-observer.zzz is not in events.json; stock/schemas.ts: be-observer.b belongs to product in events.json',
    )
    expect(() => buildValueSchemas({ product: { 'be-observer.a': J.object() } }, registry)).toThrow(
      'entity schemas do not match events.json: be-observer.b (product) has no schema',
    )
  })

  test('the app table uses the entities\u2019 own schema objects', () => {
    for (const { entity, schemas } of Object.values(entityDefinitions)) {
      for (const [code, schema] of Object.entries(schemas)) {
        expect([entity, valueSchemaFor(code)]).toEqual([entity, schema])
        expect(valueSchemaFor(code)).toBe(schema)
      }
    }
  })
})
