import type { CanonicalEvent } from '../../../actions/lib/canonical-event'
import { buildData, resolveField } from '../../../actions/lib/delivery/payload'
import {
  buildBody,
  contentTypeOf,
  minimalBody,
  stampBody,
  type PayloadFormat,
} from '../../../actions/lib/delivery/payload-format'

const event: CanonicalEvent = {
  id: 'evt-1',
  type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
  entity: 'order',
  entityId: '1001',
  entityType: 'order',
  fields: { status: 'complete', grandTotal: 58, address: { city: 'Lyon' } },
  data: { entity_id: '1001', increment_id: '000000101', status: 'processing' },
  receivedAt: '2026-01-05T10:05:00.000Z',
}
const FIELDS = ['status', 'increment_id', 'address.city', 'missing']
const MSG = 'evt-1.sub-1'

describe('payload formats', () => {
  test('a path resolves in fields first, then in data', () => {
    expect(resolveField(event, 'status')).toBe('complete')
    expect(resolveField(event, 'increment_id')).toBe('000000101')
    expect(resolveField(event, 'address.city')).toBe('Lyon')
    expect(resolveField({ fields: {}, data: {} }, 'status')).toBeUndefined()
    expect(buildData(event, FIELDS)).toEqual({
      id: '1001',
      type: 'order',
      status: 'complete',
      increment_id: '000000101',
      'address.city': 'Lyon',
    })
  })

  test.each<[PayloadFormat, string, Record<string, unknown>]>([
    [
      'ids',
      'application/json',
      {
        id: 'evt-1',
        type: event.type,
        timestamp: event.receivedAt,
        attempt: 1,
        data: {
          id: '1001',
          type: 'order',
          status: 'complete',
          increment_id: '000000101',
          'address.city': 'Lyon',
        },
      },
    ],
    [
      'virto',
      'application/json',
      {
        EventId: event.type,
        Attempt: 1,
        EventBody: JSON.stringify([
          {
            objectId: '1001',
            objectType: 'order',
            status: 'complete',
            increment_id: '000000101',
            'address.city': 'Lyon',
          },
        ]),
      },
    ],
    [
      'cloudevents',
      'application/cloudevents+json',
      {
        specversion: '1.0',
        id: MSG,
        source: '/commerce-event-hub/order',
        type: event.type,
        subject: '1001',
        time: event.receivedAt,
        datacontenttype: 'application/json',
        eventid: 'evt-1',
        attempt: 1,
        data: {
          id: '1001',
          type: 'order',
          status: 'complete',
          increment_id: '000000101',
          'address.city': 'Lyon',
        },
      },
    ],
  ])('%s body and content type', (format, contentType, expected) => {
    expect(buildBody(format, event, FIELDS, MSG)).toEqual(expected)
    expect(contentTypeOf(format)).toBe(contentType)
  })

  test.each<[PayloadFormat, Record<string, unknown>]>([
    ['ids', { attempt: 3 }],
    ['virto', { Attempt: 3 }],
    ['cloudevents', { attempt: 3, id: `${MSG}.r1` }],
  ])(
    '%s: a later attempt is stamped with its number (and message id where the body has one)',
    (format, stamp) => {
      const body = buildBody(format, event, FIELDS, MSG)
      expect(stampBody(format, body, 3, `${MSG}.r1`)).toEqual({ ...body, ...stamp })
    },
  )

  test('a lost body is rebuilt with the ids only, in the same format', () => {
    const basis = {
      eventId: 'evt-1',
      eventType: event.type,
      entity: 'order',
      entityId: '1001',
      entityType: 'order',
      createdAt: 'T',
    }
    expect(minimalBody('virto', basis, MSG)).toEqual({
      EventId: event.type,
      Attempt: 1,
      EventBody: '[{"objectId":"1001","objectType":"order"}]',
    })
    expect(minimalBody('ids', basis, MSG)).toEqual({
      id: 'evt-1',
      type: event.type,
      timestamp: 'T',
      attempt: 1,
      data: { id: '1001', type: 'order' },
    })
  })
})
