/**
 * Field selection over the canonical event (`buildData`): a path resolves in the normalised
 * `fields` first, then in the whole entity `data`; and the publish params stay under the platform's
 * 1 MB limit (`fitForPublish`).
 */
import { buildData } from '../../../actions/lib/delivery/payload'
import { fitForPublish, MAX_PUBLISH_PARAMS_BYTES } from '../../../actions/lib/propagator'
import { aCanonicalEvent } from '../publisher/fixtures'

describe('buildData: fields first, then data', () => {
  const event = aCanonicalEvent({
    entityId: '9',
    entityType: 'customer-group',
    fields: { operation: 'save', name: 'Trade', taxClassId: '3' },
    data: {
      customer_group_id: '9',
      customer_group_code: 'Trade',
      tax_class_id: 3,
      tax_class_name: 'Retail Customer',
      name: 'shadowed by fields',
      comment: null,
      extension_attributes: { exclude_website_ids: [1] },
    },
  })
  test.each<[string[], Record<string, unknown>, string]>([
    [['name'], { name: 'Trade' }, 'a normalised field wins over a data field of the same path'],
    [
      ['tax_class_name', 'taxClassId'],
      { tax_class_name: 'Retail Customer', taxClassId: '3' },
      'both sources',
    ],
    [
      ['extension_attributes.exclude_website_ids'],
      { 'extension_attributes.exclude_website_ids': [1] },
      'nested',
    ],
    [['comment'], { comment: null }, 'a null Commerce sent is sent'],
    [['missing', 'id', 'type'], {}, 'absent paths left out; id/type not overridden'],
  ])('%j → %j (%s)', (fields, extra) => {
    expect(buildData(event, fields)).toEqual({ id: '9', type: 'customer-group', ...extra })
  })

  test('an event without data (another caller of publisher/publish) selects from fields only', () => {
    const bare = { ...event, data: undefined as unknown as Record<string, unknown> }
    expect(buildData(bare, ['taxClassId', 'tax_class_id'])).toEqual({
      id: '9',
      type: 'customer-group',
      taxClassId: '3',
    })
  })
})

describe('fitForPublish (FANOUT_MODE=action)', () => {
  test('an ordinary event is sent unchanged', () => {
    const event = aCanonicalEvent()
    expect(fitForPublish(event)).toEqual({ event })
  })

  test('an event over the params limit is sent without data, flagged, fields kept', () => {
    const event = aCanonicalEvent({ data: { blob: 'x'.repeat(MAX_PUBLISH_PARAMS_BYTES) } })
    const fitted = fitForPublish(event)
    expect(fitted).toEqual({
      event: { ...event, data: {}, dataOmitted: true },
      omittedBytes: expect.any(Number),
    })
    expect(fitted.omittedBytes).toBeGreaterThan(MAX_PUBLISH_PARAMS_BYTES)
    expect(Buffer.byteLength(JSON.stringify({ event: fitted.event }))).toBeLessThan(1024 * 1024)
  })
})
