import {
  buildLogKey,
  decodeKeyPart,
  deliveryIdOf,
  encodeKeyPart,
  isDeliveryId,
  newestPerDelivery,
  parseLogKey,
} from '../../../actions/lib/delivery-log/log-keys'

describe('delivery log keys', () => {
  test.each([
    ['be-observer.catalog_product_create', 'be-observer_dcatalog_uproduct_ucreate'],
    ['3f9c1a7e-2b4d-4e8f-9a1b-0c2d3e4f5a6b', '3f9c1a7e-2b4d-4e8f-9a1b-0c2d3e4f5a6b'],
    ['a/b c', 'a_x002fb_x0020c'],
    ['é😀', '_x00e9_xd83d_xde00'],
  ])('encodeKeyPart(%p) = %p and decodes back', (raw, encoded) => {
    expect(encodeKeyPart(raw)).toBe(encoded)
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeKeyPart(encoded)).toBe(raw)
  })

  test('an underscore followed by escape-like text round-trips', () => {
    for (const raw of ['_x0041', '__', '_d_u', 'a._b']) expect(decodeKeyPart(encodeKeyPart(raw))).toBe(raw)
  })

  test('very long parts are hashed (stable, not decodable)', () => {
    const long = 'x'.repeat(300)
    expect(encodeKeyPart(long)).toMatch(/^_h[0-9a-f]{40}$/)
    expect(encodeKeyPart(long)).toBe(encodeKeyPart(long))
    expect(decodeKeyPart(encodeKeyPart(long))).toBeUndefined()
  })

  test('a key carries status, times, type, event and subscription, and parses back', () => {
    const key = buildLogKey({
      status: 'retrying',
      createdAt: 1_767_000_000_000,
      updatedAt: 1_767_000_001_000,
      dueAt: 1_767_000_300_000,
      eventType: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
      eventId: 'evt.1',
      subscriptionId: 'default',
    })
    expect(key).toBe(
      'dlv.retrying.1767000000000.1767000001000.1767000300000.com_dadobe_dcommerce_dobserver_dcatalog_uproduct_usave_ucommit_uafter.evt_d1.default',
    )
    expect(key).toMatch(/^[a-zA-Z0-9-_.]{1,1024}$/)
    expect(parseLogKey(key)).toEqual({
      key,
      id: 'evt_d1.default',
      status: 'retrying',
      createdAt: 1_767_000_000_000,
      updatedAt: 1_767_000_001_000,
      dueAt: 1_767_000_300_000,
      eventType: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
      eventId: 'evt.1',
      subscriptionId: 'default',
    })
    expect(deliveryIdOf('evt.1', 'default')).toBe('evt_d1.default')
    expect(isDeliveryId('evt_d1.default')).toBe(true)
    expect(isDeliveryId('evt*.default')).toBe(false)
  })

  test.each([
    'dlv.body.evt_d1.default',
    'dlv.unknown.1.2.3.a.b.c',
    'sub.default.1767000000000',
    'dlv.delivered.1767000000000',
  ])('%s is not a record key', (key) => expect(parseLogKey(key)).toBeUndefined())

  test('after a crash left two keys for one delivery, the most recently updated wins', () => {
    const k = (status: 'retrying' | 'delivered', updatedAt: number, dueAt = 0) =>
      parseLogKey(
        buildLogKey({
          status,
          createdAt: 1_000,
          updatedAt,
          dueAt,
          eventType: 't',
          eventId: 'e',
          subscriptionId: 's',
        }),
      )!
    const older = k('retrying', 2_000, 99_000)
    const newer = k('delivered', 3_000)
    expect(newestPerDelivery([older, newer])).toEqual({ current: [newer], stale: [older] })
    expect(newestPerDelivery([newer, older])).toEqual({ current: [newer], stale: [older] })
  })
})
