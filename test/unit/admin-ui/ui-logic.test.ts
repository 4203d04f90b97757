/**
 * The admin UI's pure logic (web-src/src/…): the event catalogue the webhook form offers, the
 * Event logs filters as an admin/logs query, and the Overview's figures. The pages themselves are
 * tested in the browser (test/integration/admin-ui.test.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { CATALOGUE, fieldsFor } from '../../../web-src/src/catalogue'
import { NO_FILTERS, toQuery } from '../../../web-src/src/pages/log-query'
import { bucketsOf, figuresOf } from '../../../web-src/src/pages/overview-data'
import type { DeliveryRecord, Subscription } from '../../../web-src/src/api/types'

const NOW = Date.parse('2026-03-01T12:00:00Z')

describe('event catalogue', () => {
  test('offers every code of events.json with its sample fields (id and type excluded)', () => {
    const events = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../onboarding/config/events.json'), 'utf8'),
    ) as Record<string, Record<string, Record<string, unknown>>>
    const codes = Object.values(events).flatMap((p) => Object.values(p).flatMap((c) => Object.keys(c)))
    expect(CATALOGUE.map((e) => e.code)).toEqual([...codes].sort())
    expect(fieldsFor(['be-observer.catalog_product_create'])).toEqual(['description', 'name', 'price', 'sku'])
    expect(fieldsFor(['be-observer.customer_delete'])).toEqual([])
    expect(fieldsFor(['be-observer.catalog_stock_update'])).toEqual([
      'outOfStock',
      'quantity',
      'sku',
      'source',
    ])
    expect(fieldsFor(['*'])).toEqual([...new Set(CATALOGUE.flatMap((e) => e.fields))].sort())
  })
})

describe('log filters → admin/logs query', () => {
  test.each([
    ['no filters', NO_FILTERS, { status: '', type: '', subscription: '', entityId: '', from: undefined }],
    [
      'problems and the last hour',
      { ...NO_FILTERS, status: 'problems', range: '1h' },
      {
        status: 'retrying,failed,dead',
        type: '',
        subscription: '',
        entityId: '',
        from: '2026-03-01T11:00:00.000Z',
      },
    ],
    [
      'one status, code, subscription, entity id (trimmed), 7 days',
      { status: 'failed', type: 'x.y', subscription: 'sub-1', range: '7d', entityId: ' SKU-1 ' },
      {
        status: 'failed',
        type: 'x.y',
        subscription: 'sub-1',
        entityId: 'SKU-1',
        from: '2026-02-22T12:00:00.000Z',
      },
    ],
  ])('%s', (_name, filters, query) => {
    expect(toQuery(filters, NOW)).toEqual(query)
  })
})

describe('overview figures', () => {
  const rec = (over: Partial<DeliveryRecord>): DeliveryRecord => ({
    id: 'e.s',
    eventId: 'e',
    eventType: 'x',
    entityId: '1',
    subscriptionId: 's1',
    url: 'https://example.com/',
    status: 'delivered',
    attempts: [
      { attempt: 1, at: '2026-03-01T11:00:00Z', durationMs: 10, trigger: 'publish', statusCode: 200 },
    ],
    payload: {},
    createdAt: '2026-03-01T11:00:00Z',
    updatedAt: '2026-03-01T11:00:00Z',
    ...over,
  })
  const sub = (id: string, stats: Subscription['stats']): Subscription => ({
    id,
    name: id.toUpperCase(),
    eventTypes: ['*'],
    url: 'https://example.com/',
    active: true,
    fields: [],
    createdAt: '',
    updatedAt: '',
    source: 'state',
    rotating: false,
    stats,
  })

  test('buckets deliveries by creation time and status', () => {
    const records = [
      rec({ createdAt: '2026-03-01T11:00:00Z' }),
      rec({ createdAt: '2026-03-01T11:00:30Z', status: 'failed' }),
      rec({ createdAt: '2026-03-01T11:59:00Z', status: 'dead' }),
    ]
    const b = bucketsOf(records, 2)
    expect(b.map((x) => x.counts)).toEqual([
      { pending: 0, delivered: 1, retrying: 0, failed: 1, dead: 0 },
      { pending: 0, delivered: 0, retrying: 0, failed: 0, dead: 1 },
    ])
    expect(bucketsOf([])).toEqual([])
  })

  test('success rate and backlog from the counters, latency from the sampled records', () => {
    const subs = [
      sub('s1', { delivered: 3, failed: 1, retrying: 2, dead: 0, pending: 1 }),
      sub('s2', { delivered: 0, failed: 0, retrying: 0, dead: 0, pending: 0 }),
    ]
    const durations = [5, 10, 20, 40]
    const records = durations.map((d) =>
      rec({
        attempts: [
          { attempt: 1, at: '', durationMs: 999, trigger: 'publish' },
          { attempt: 2, at: '', durationMs: d, trigger: 'sweeper' },
        ],
      }),
    )
    expect(figuresOf(subs, records)).toEqual([
      { id: 's1', name: 'S1', successRate: 0.75, backlog: 3, dead: 0, p50: 20, p95: 40, sampled: 4 },
      {
        id: 's2',
        name: 'S2',
        successRate: undefined,
        backlog: 0,
        dead: 0,
        p50: undefined,
        p95: undefined,
        sampled: 0,
      },
    ])
  })
})
