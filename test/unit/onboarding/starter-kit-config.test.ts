/**
 * A starter-kit config folder (test/fixtures/starter-kit-config: the starter kit's documented
 * layout, own values) loads as it is: onboarding reads it, and every action's module-load checks
 * (entity catalogue, ingestion's schema table, the entity pipelines, the consumer's route table)
 * accept its events.json, which lists the customer-group codes under `customer`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadOnboardingConfig, registrationsFileIn } from '../../../onboarding/config-loader'
import { createEventRegistry } from '../../../actions/lib/event-registry'
import { createRouteTable } from '../../../actions/lib/route-table'
import { loadEntityDefinitions } from '../../../actions/entities/catalog'
import { buildValueSchemas } from '../../../actions/entities/value-schemas'
import { createEntityPipeline, type PipelineDeps } from '../../../actions/lib/entity-pipeline'
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'

const DIR = path.resolve(__dirname, '../../fixtures/starter-kit-config')
const starterKitEvents = JSON.parse(fs.readFileSync(path.join(DIR, 'events.json'), 'utf8')) as unknown
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

describe('a starter-kit config folder', () => {
  test('onboarding loads it: docs_url accepted, registrations from starter-kit-registrations.json', () => {
    const config = loadOnboardingConfig(DIR)
    expect(config.providers).toEqual([
      {
        key: 'commerce',
        label: 'Storefront events (starter-kit layout)',
        description: 'Events Adobe Commerce sends about catalogue, customers, orders and stock',
        docs_url: null,
      },
      {
        key: 'backoffice',
        label: 'ERP events (starter-kit layout)',
        description: 'Events the ERP posts to the ingestion webhook',
        docs_url: 'https://erp.example.com/docs/events',
      },
    ])
    expect(config.registrations).toEqual({
      product: ['commerce', 'backoffice'],
      customer: ['commerce', 'backoffice'],
      order: ['commerce', 'backoffice'],
      stock: ['commerce', 'backoffice'],
    })
    // The `customer` registration gets the group codes too, as in the starter kit.
    expect(
      config.registry
        .byEntity('customer')
        .filter((d) => d.provider === 'commerce')
        .map((d) => d.code),
    ).toEqual([
      'com.adobe.commerce.observer.customer_save_commit_after',
      'com.adobe.commerce.observer.customer_delete_commit_after',
      'com.adobe.commerce.observer.customer_group_save_commit_after',
      'com.adobe.commerce.observer.customer_group_delete_commit_after',
    ])
  })

  test('customer-group codes listed under customer are handled by entities/customer-group', () => {
    const registry = createEventRegistry(starterKitEvents)
    expect(registry.entities()).toEqual(['product', 'customer', 'order', 'stock'])
    expect(registry.handlerEntities()).toEqual(['product', 'customer', 'customer-group', 'order', 'stock'])
    const routes = createRouteTable(registry)
    expect(
      Object.fromEntries(
        routes
          .all()
          .filter((r) => r.code.includes('customer'))
          .map((r) => [r.code, r.action]),
      ),
    ).toEqual({
      'com.adobe.commerce.observer.customer_save_commit_after': 'entities/customer',
      'com.adobe.commerce.observer.customer_delete_commit_after': 'entities/customer',
      'com.adobe.commerce.observer.customer_group_save_commit_after': 'entities/customer-group',
      'com.adobe.commerce.observer.customer_group_delete_commit_after': 'entities/customer-group',
      'be-observer.customer_create': 'entities/customer',
      'be-observer.customer_update': 'entities/customer',
      'be-observer.customer_delete': 'entities/customer',
      'be-observer.customer_group_create': 'entities/customer-group',
      'be-observer.customer_group_update': 'entities/customer-group',
      'be-observer.customer_group_delete': 'entities/customer-group',
    })
  })

  test('the module-load checks pass and every sample goes through its handler (200)', async () => {
    const registry = createEventRegistry(starterKitEvents)
    const definitions = loadEntityDefinitions(registry)
    expect(() =>
      buildValueSchemas(
        Object.fromEntries(Object.values(definitions).map((d) => [d.entity, d.schemas])),
        registry,
      ),
    ).not.toThrow()
    const pipelines = Object.fromEntries(
      Object.values(definitions).map((d) => [d.entity, createEntityPipeline(d, registry)]),
    )
    const seen: CanonicalEvent[] = []
    const deps: PipelineDeps = {
      propagator: { propagate: async (e) => (seen.push(e), { statusCode: 200, message: 'ok' }) },
      clock: { now: () => Date.parse('2026-03-01T00:00:00Z') },
      logger: silent,
    }
    const outcomes = []
    for (const def of registry.all()) {
      const res = await pipelines[def.handlerEntity].handle(
        { type: def.code, id: `evt-${def.code}`, data: def.sampleEventTemplate },
        deps,
      )
      outcomes.push([def.code, res.statusCode])
    }
    expect(outcomes).toEqual(registry.all().map((d) => [d.code, 200]))
    // Identities the starter kit's samples carry: `id`, a group code before Commerce has an id,
    // a stock item known by its product id.
    const idOf = (code: string) => seen.find((e) => e.type === code)?.entityId
    expect([
      idOf('com.adobe.commerce.observer.customer_save_commit_after'),
      idOf('com.adobe.commerce.observer.sales_order_save_commit_after'),
      idOf('be-observer.customer_create'),
      idOf('be-observer.customer_group_create'),
      idOf('com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after'),
    ]).toEqual(['77', '503', 'lin.okafor@example.org', 'ERP partners', '318'])
  })

  test('the actions load with it in place of onboarding/config/events.json', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../onboarding/config/events.json', () => starterKitEvents)
      // Each of these runs its registry checks at module load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const consumer = require('../../../actions/consumer/index') as { main: unknown }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const group = require('../../../actions/entities/customer-group/index') as { main: unknown }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const schemas = require('../../../actions/entities/value-schemas') as {
        valueSchemaFor(code: string): unknown
      }
      expect([typeof consumer.main, typeof group.main]).toEqual(['function', 'function'])
      expect(schemas.valueSchemaFor('be-observer.customer_group_create')).toBeDefined()
    })
    jest.dontMock('../../../onboarding/config/events.json')
  })

  test('both registrations files in one folder is an error naming them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skc-'))
    for (const f of fs.readdirSync(DIR)) fs.copyFileSync(path.join(DIR, f), path.join(dir, f))
    expect(registrationsFileIn(dir)).toBe(path.join(dir, 'starter-kit-registrations.json'))
    fs.copyFileSync(path.join(DIR, 'starter-kit-registrations.json'), path.join(dir, 'registrations.json'))
    expect(() => loadOnboardingConfig(dir)).toThrow(
      `${dir}: both registrations.json and starter-kit-registrations.json exist; keep one`,
    )
  })
})
