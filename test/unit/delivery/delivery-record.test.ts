import {
  capRecord,
  displayUrl,
  MAX_RECORD_BYTES,
  scrub,
  TRUNCATION_MARKER,
  type DeliveryRecord,
} from '../../../actions/lib/delivery-log/delivery-record'
import { classifyAttempt } from '../../../actions/lib/delivery/outcome'
import { buildData } from '../../../actions/lib/delivery/payload'
import { aCanonicalEvent } from '../publisher/fixtures'

function aRecord(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: 'e1.s1',
    eventId: 'e1',
    eventType: 't',
    entity: 'product',
    entityId: 'SKU-1',
    entityType: 'product',
    subscriptionId: 's1',
    url: 'https://hooks.example.com/in',
    status: 'delivered',
    attempts: [
      { attempt: 1, at: '2026-01-01T00:00:00.000Z', statusCode: 200, durationMs: 5, trigger: 'publish' },
    ],
    payload: {
      id: 'e1',
      type: 't',
      timestamp: '2026-01-01T00:00:00.000Z',
      attempt: 1,
      data: { id: 'SKU-1', type: 'product' },
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    retryIndex: 0,
    ...overrides,
  }
}

describe('delivery record', () => {
  test('a record within 64 KB is stored as is', () => {
    const record = aRecord()
    expect(capRecord(record)).toEqual({ record })
  })

  test('an oversized payload is cut to an excerpt with a marker, and the full body is handed back to store apart', () => {
    const big = 'x'.repeat(MAX_RECORD_BYTES)
    const record = aRecord({
      payload: {
        id: 'e1',
        type: 't',
        timestamp: 'x',
        attempt: 1,
        data: { id: 'SKU-1', type: 'product', description: big },
      },
    })
    const { record: capped, fullBody } = capRecord(record)
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThanOrEqual(MAX_RECORD_BYTES)
    expect(capped.payloadTruncated).toBe(true)
    expect(typeof capped.payload === 'string' && capped.payload.endsWith(TRUNCATION_MARKER)).toBe(true)
    expect(fullBody).toBe(JSON.stringify(record.payload))
  })

  test('more than 25 attempts keeps the first 5 and the latest 20', () => {
    const attempts = Array.from({ length: 30 }, (_, i) => ({
      attempt: i + 1,
      at: 'x',
      statusCode: 500,
      durationMs: 1,
      trigger: 'sweeper' as const,
    }))
    const { record } = capRecord(aRecord({ attempts }))
    expect(record.attempts.map((a) => a.attempt)).toEqual([
      1,
      2,
      3,
      4,
      5,
      ...Array.from({ length: 20 }, (_, i) => i + 11),
    ])
    expect(record.attemptsOmitted).toBe(5)
  })

  test('secrets, auth values and signatures echoed by an endpoint are scrubbed', () => {
    const text =
      'authorization: Bearer abc.def-123 | basic: Basic dXNlcjpwdw== | whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB | sig v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= | x-api-key: my-custom-value'
    expect(scrub(text, ['my-custom-value'])).toBe(
      'authorization: [REDACTED] | basic: [REDACTED] | [REDACTED] | sig v1,[REDACTED] | x-api-key: [REDACTED]',
    )
  })

  test.each([
    ['https://h.example.com/in?token=s3cret&x=1', 'https://h.example.com/in?token=…&x=…'],
    ['https://h.example.com:8443/a/b', 'https://h.example.com:8443/a/b'],
    ['nope', '(invalid url)'],
  ])('displayUrl(%s) = %s', (raw, shown) => expect(displayUrl(raw)).toBe(shown))
})

describe('outcome classification', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  test.each([
    [
      { statusCode: 200, durationMs: 1 },
      { kind: 'delivered', reason: 'HTTP 200' },
    ],
    [
      { statusCode: 204, durationMs: 1 },
      { kind: 'delivered', reason: 'HTTP 204' },
    ],
    [
      { statusCode: 301, durationMs: 1 },
      { kind: 'failed', reason: 'HTTP 301' },
    ],
    [
      { statusCode: 400, durationMs: 1 },
      { kind: 'failed', reason: 'HTTP 400' },
    ],
    [
      { statusCode: 404, durationMs: 1 },
      { kind: 'failed', reason: 'HTTP 404' },
    ],
    [
      { statusCode: 410, durationMs: 1 },
      { kind: 'gone', reason: 'HTTP 410 Gone: the endpoint asked to stop deliveries' },
    ],
    [
      { statusCode: 429, durationMs: 1, retryAfter: '30' },
      { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 30_000 },
    ],
    [
      { statusCode: 500, durationMs: 1 },
      { kind: 'retry', reason: 'HTTP 500' },
    ],
    [
      { statusCode: 503, durationMs: 1, retryAfter: 'garbage' },
      { kind: 'retry', reason: 'HTTP 503' },
    ],
    [
      { durationMs: 1, error: 'timed out after 15000 ms', errorKind: 'timeout' },
      { kind: 'retry', reason: 'timed out after 15000 ms' },
    ],
    [
      { durationMs: 1, error: 'connection refused (ECONNREFUSED)', errorKind: 'connection' },
      { kind: 'retry', reason: 'connection refused (ECONNREFUSED)' },
    ],
    [
      { durationMs: 0, error: 'not sent: url resolves to a private…', errorKind: 'policy' },
      { kind: 'failed', reason: 'not sent: url resolves to a private…' },
    ],
  ] as const)('%j → %j', (result, outcome) => expect(classifyAttempt(result, now)).toEqual(outcome))
})

describe('payload data', () => {
  test('data is the entity id and type, plus up to 10 selected fields present on the event (dotted paths read nested values)', () => {
    const event = aCanonicalEvent({
      entityId: 'SKU-9',
      fields: { sku: 'SKU-9', price: 29, stock: { qty: 5 }, id: 'nope' },
    })
    expect(buildData(event, [])).toEqual({ id: 'SKU-9', type: 'product' })
    expect(buildData(event, ['price', 'stock.qty', 'missing', 'id'])).toEqual({
      id: 'SKU-9',
      type: 'product',
      price: 29,
      'stock.qty': 5,
    })
    const many = Array.from({ length: 12 }, (_, i) => `f${i}`)
    const wide = aCanonicalEvent({ fields: Object.fromEntries(many.map((f) => [f, 1])) })
    expect(Object.keys(buildData(wide, many))).toHaveLength(12) // id + type + 10
  })
})
