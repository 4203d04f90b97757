import {
  bodyKey,
  changeKey,
  decodeKeyPart,
  deliveryIdOf,
  encodeKeyPart,
  isDeliveryId,
  parseDlvKey,
  recordKey,
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

  test('a record key is computed from the delivery id alone; notes and bodies sit beside it', () => {
    const id = deliveryIdOf('evt.1', 'default')
    expect(id).toBe('evt_d1.default')
    expect(isDeliveryId(id)).toBe(true)
    expect(isDeliveryId('evt*.default')).toBe(false)
    expect([recordKey(id), changeKey(id), bodyKey(id)]).toEqual([
      'dlv.evt_d1.default',
      'dlv.evt_d1.default.chg',
      'dlb.evt_d1.default',
    ])
    for (const key of [recordKey(id), changeKey(id), bodyKey(id)])
      expect(key).toMatch(/^[a-zA-Z0-9-_.]{1,1024}$/)
    expect(parseDlvKey(recordKey(id))).toEqual({ id, note: false })
    expect(parseDlvKey(changeKey(id))).toEqual({ id, note: true })
  })

  test.each(['dlb.evt_d1.default', 'dlv.evt_d1', 'sub.default.1767000000000', 'dlv.a.b.c.d', 'idx.head'])(
    '%s is neither a record nor a change note',
    (key) => expect(parseDlvKey(key)).toBeUndefined(),
  )
})
