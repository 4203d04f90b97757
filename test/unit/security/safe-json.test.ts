/**
 * The shared safe JSON parse: prototype keys refused anywhere (or kept as plain fields on
 * emulated platform surfaces), nesting bounded without recursion, messages never quote the input.
 */
import { assertSafeJson, parseSafeJson, UnsafeJsonError } from '../../../actions/lib/safe-json'

function refusal(fn: () => unknown): { reason: string; message: string; paths: string[] } | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    if (!(err instanceof UnsafeJsonError)) throw err
    return { reason: err.reason, message: err.message, paths: err.paths }
  }
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)

describe('parseSafeJson', () => {
  test.each([
    ['{"a":1}', undefined],
    ['[1,{"b":[null]}]', undefined],
    [
      '{"__proto__":{"auth":{"type":"bearer"}}}',
      { reason: 'prototype-key', message: 'contains forbidden keys: __proto__', paths: ['__proto__'] },
    ],
    [
      '{"a":[{"constructor":{"prototype":{}}}]}',
      {
        reason: 'prototype-key',
        message: 'contains forbidden keys: a[0].constructor',
        paths: ['a[0].constructor'],
      },
    ],
    [
      '{"x":{"prototype":1},"y":{"__proto__":2}}',
      {
        reason: 'prototype-key',
        message: 'contains forbidden keys: y.__proto__, x.prototype',
        paths: ['y.__proto__', 'x.prototype'],
      },
    ],
    ['{"secret":"whsec_abc"', { reason: 'syntax', message: 'is not valid JSON', paths: [] }],
    [
      deep(33),
      { reason: 'depth', message: expect.stringMatching(/^nests deeper than 32 levels at \[0\]/), paths: [] },
    ],
    [deep(32), undefined],
  ])('%s', (text, expected) => {
    expect(refusal(() => parseSafeJson(text))).toEqual(expected)
  })

  test('100K-deep input is a depth error, not a stack overflow', () => {
    expect(refusal(() => parseSafeJson(deep(100_000), { maxDepth: 1000 }))?.reason).toBe('depth')
    expect(refusal(() => parseSafeJson(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`))?.reason).toBe(
      'depth',
    )
  })

  test('keep mode passes prototype keys through as own data properties (the platform does)', () => {
    const doc = parseSafeJson('{"__proto__":{"polluted":true}}', { prototypeKeys: 'keep' }) as Record<
      string,
      unknown
    >
    expect(Object.keys(doc)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(refusal(() => parseSafeJson(deep(1001), { maxDepth: 1000, prototypeKeys: 'keep' }))?.reason).toBe(
      'depth',
    )
  })

  test('assertSafeJson checks already parsed params', () => {
    expect(refusal(() => assertSafeJson(JSON.parse('{"ok":{"constructor":1}}')))?.paths).toEqual([
      'ok.constructor',
    ])
    expect(refusal(() => assertSafeJson({ ok: [1, 'x', null] }))).toBeUndefined()
  })
})
