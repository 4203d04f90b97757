/** The echo guard: our change's echo is recognised by entity and written fields; real changes are not. */
import { createEchoGuard, echoKey } from '../../../actions/lib/commerce/echo-guard'
import { createMemoryStore } from '../../../actions/lib/kv-store'
import { entityDefinitions } from '../../../actions/entities/catalog'

const product = entityDefinitions.product.commerce!
const backoffice = product['be-observer.catalog_product_update'].echo!
const commerce = product['com.adobe.commerce.observer.catalog_product_save_commit_after'].echo!

function setup() {
  let now = 0
  const store = createMemoryStore({ now: () => now })
  return {
    store,
    guard: createEchoGuard(async () => store, 300),
    advance: (s: number) => void (now += s * 1000),
  }
}

const save = (value: Record<string, unknown>) => ({
  value: { entity_id: '9', sku: 'S1', updated_at: 'x', ...value },
  _metadata: {},
})

test.each([
  ['same values in Commerce’s representation', { name: 'Tee', price: '10.0000' }, 'bo-1'],
  ['a different price (a real change)', { name: 'Tee', price: '11.0000' }, undefined],
  ['a different name (a real change)', { name: 'Tee!', price: '10.0000' }, undefined],
  ['a written field missing from the event (cannot confirm)', { name: 'Tee' }, undefined],
])('%s → %s', async (_what, fields, expected) => {
  const { guard } = setup()
  await guard.mark('product', backoffice, { sku: 'S1', name: 'Tee', price: 10 }, 'bo-1')
  expect(await guard.echoOf('product', commerce, save(fields))).toBe(expected)
})

test('another entity, an expired window, or nothing written are never echoes', async () => {
  const { guard, store, advance } = setup()
  await guard.mark('product', backoffice, { sku: 'S1' }, 'bo-0') // only the SKU: nothing meaningful written
  expect(store.dump().size).toBe(0)
  await guard.mark('product', backoffice, { sku: 'S1', name: 'Tee', price: 10 }, 'bo-1')
  expect([...store.dump().keys()]).toEqual([echoKey('product', 'S1')])
  expect(
    await guard.echoOf('product', commerce, { value: { sku: 'S2', name: 'Tee', price: '10' } }),
  ).toBeUndefined()
  advance(301)
  expect(await guard.echoOf('product', commerce, save({ name: 'Tee', price: '10.0000' }))).toBeUndefined()
})
