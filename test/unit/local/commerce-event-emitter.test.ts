/** What the local Commerce sends for a subscription: its fields only, when its rules hold. */
import { rulesPass, selectFields } from '../../../local/commerce/event-emitter'

const product = {
  entity_id: '7',
  sku: 'A',
  name: 'Tee',
  price: '10.0000',
  extension: { size: 'M', color: 'red' },
}

describe('local Commerce event fields', () => {
  it.each([
    [[{ name: 'sku' }, { name: 'name' }], { sku: 'A', name: 'Tee' }],
    [[{ name: 'sku' }, { name: 'missing' }], { sku: 'A' }],
    [[{ name: 'extension.size' }], { extension: { size: 'M' } }],
    [[{ name: '*' }], product],
    [[{ name: 'sku' }, { name: 'store', source: 'context_store.get_store.get_id' }], { sku: 'A' }],
  ])('selects %j', (fields, expected) => {
    expect(selectFields(product, fields)).toEqual(expected)
  })

  it.each([
    [[], true],
    [[{ field: 'sku', operator: 'equal', value: 'A' }], true],
    [[{ field: 'sku', operator: 'equal', value: 'B' }], false],
    [[{ field: 'sku', operator: 'in', value: 'B, A' }], true],
    [[{ field: 'price', operator: 'greaterThan', value: '5' }], true],
    [[{ field: 'price', operator: 'lessThan', value: '5' }], false],
    [[{ field: 'name', operator: 'regex', value: '/^t/i' }], true],
    [[{ field: 'extension', operator: 'equal', value: '[object Object]' }], false],
    [[{ field: 'sku', operator: 'unknown', value: 'A' }], false],
    [
      [
        { field: 'sku', operator: 'equal', value: 'A' },
        { field: 'price', operator: 'lessThan', value: '5' },
      ],
      false,
    ],
  ])('rules %j → %s', (rules, expected) => {
    expect(rulesPass(product, rules)).toBe(expected)
  })
})
