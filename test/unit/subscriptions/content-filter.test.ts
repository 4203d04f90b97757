import {
  contentFilterSchema,
  passesFilter,
  type ContentFilter,
} from '../../../actions/lib/subscriptions/content-filter'

const event = {
  fields: { status: 'complete', total: 58, notify: false, nested: { code: 'A' } },
  data: { increment_id: '000000101', status: 'processing', nothing: null },
}

describe('content filters', () => {
  test.each<[string, ContentFilter | undefined, boolean]>([
    ['no filter', undefined, true],
    ['equality', { status: 'complete' }, true],
    ['equality fails', { status: 'closed' }, false],
    ['fields win over data for the same path', { status: 'processing' }, false],
    ['falls back to data', { increment_id: '000000101' }, true],
    ['one-of', { status: ['complete', 'closed'] }, true],
    ['one-of fails', { status: ['closed', 'canceled'] }, false],
    ['no type coercion', { total: '58' }, false],
    ['number', { total: 58 }, true],
    ['boolean', { notify: false }, true],
    ['null equals a null value', { nothing: null }, true],
    ['null does not match an absent path', { absent: null }, false],
    ['dotted path', { 'nested.code': 'A' }, true],
    ['exists', { increment_id: { exists: true } }, true],
    ['exists fails', { absent: { exists: true } }, false],
    ['not exists', { absent: { exists: false } }, true],
    ['all conditions must hold', { status: 'complete', total: 1 }, false],
  ])('%s', (_name, filter, expected) => {
    expect(passesFilter(filter, event)).toBe(expected)
  })

  test.each([
    [{}, 'empty'],
    [{ 'bad path!': 'x' }, 'path syntax'],
    [{ status: [] }, 'empty one-of'],
    [{ status: { equals: 'x' } }, 'unknown operator'],
    [{ status: [{ a: 1 }] }, 'non-scalar in one-of'],
    [Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, 1])), 'more than 10 paths'],
  ])('schema refuses %j (%s)', (filter, _why) => {
    expect(contentFilterSchema.validate(filter).error).toBeDefined()
  })

  test('schema accepts the documented forms', () => {
    const filter = { status: ['complete', 'closed'], notify: false, increment_id: { exists: true }, x: null }
    expect(contentFilterSchema.validate(filter)).toEqual({ value: filter })
  })
})
