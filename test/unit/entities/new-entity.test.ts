/**
 * Adding an entity is one folder plus one events.json entry: the fixture entity `widget`
 * (test/fixtures/entities/widget: schemas.ts, transform.ts, definition.ts, and its events.json
 * object) joins the app's catalogue and is routed through the shared pipeline exactly like the
 * app's own entities, and ingestion's schema table accepts it.
 */
import appCatalogue from '../../../onboarding/config/events.json'
import widgetEvents from '../../fixtures/entities/widget/events.json'
import { definition as widget } from '../../fixtures/entities/widget/definition'
import { createEventRegistry } from '../../../actions/lib/event-registry'
import { createEntityPipeline, type PipelineDeps } from '../../../actions/lib/entity-pipeline'
import { entityDefinitions, loadEntityDefinitions } from '../../../actions/entities/catalog'
import { buildValueSchemas } from '../../../actions/entities/value-schemas'
import type { CanonicalEvent } from '../../../actions/lib/canonical-event'

const registry = createEventRegistry({ ...appCatalogue, ...widgetEvents }, 'fixture events.json')
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

function deps() {
  const propagated: CanonicalEvent[] = []
  const d: PipelineDeps = {
    propagator: { propagate: async (e) => (propagated.push(e), { statusCode: 200, message: 'queued' }) },
    clock: { now: () => Date.parse('2026-02-01T00:00:00Z') },
    logger: silent,
  }
  return { propagated, deps: d }
}

const sample = (code: string) => structuredClone(registry.get(code)!.sampleEventTemplate)

describe('a new entity: one folder + one events.json entry', () => {
  const pipeline = createEntityPipeline(widget, registry)

  test.each([
    [
      'be-observer.widget_update',
      { entityId: 'W-1', fields: { operation: 'update', label: 'Blue widget', parts: ['P-1x2'] } },
    ],
    [
      'com.adobe.commerce.observer.widget_save_commit_after',
      { entityId: '12', fields: { operation: 'save', commerceId: '12', label: 'Blue widget', size: 3 } },
    ],
  ])('%s is validated, transformed and propagated', async (code, change) => {
    const { propagated, deps: d } = deps()
    const res = await pipeline.handle({ type: code, id: 'evt-1', data: sample(code) }, d)
    expect(res).toEqual({
      statusCode: 200,
      body: { success: true, message: `${code} for widget ${change.entityId}: queued` },
    })
    expect(propagated).toEqual([
      {
        id: 'evt-1',
        type: code,
        entity: 'widget',
        entityType: 'widget',
        entityId: change.entityId,
        fields: change.fields,
        // The whole entity as sent: the back-office value, Commerce's `value`.
        data: code.startsWith('be-observer.')
          ? sample(code)
          : (sample(code) as { value: Record<string, unknown> }).value,
        receivedAt: '2026-02-01T00:00:00.000Z',
      },
    ])
  })

  test('its schema rejects bad data with a 400 before the transform runs', async () => {
    const { propagated, deps: d } = deps()
    const data = { code: 'W-1', parts: [{ sku: 'P-1', qty: 0 }] }
    const res = await pipeline.handle({ type: 'be-observer.widget_update', id: 'evt-2', data }, d)
    expect(res).toEqual({
      statusCode: 400,
      body: {
        success: false,
        error: 'invalid data for be-observer.widget_update: parts[0].qty must be a positive number',
      },
    })
    expect(propagated).toEqual([])
  })

  test("ingestion's schema table takes it with the app's entities", () => {
    const byEntity = Object.fromEntries(
      [...Object.values(entityDefinitions), widget].map((d) => [d.entity, d.schemas]),
    )
    const table = buildValueSchemas(byEntity, registry)
    expect(table.get('be-observer.widget_update')).toBe(widget.schemas['be-observer.widget_update'])
    expect(table.size).toBe(registry.all().length)
  })

  test('without its events.json entry the pipeline refuses to load', () => {
    expect(() => createEntityPipeline(widget, createEventRegistry(appCatalogue))).toThrow(
      'entities/widget: entity widget is not in events.json; be-observer.widget_update is not a widget event in events.json; com.adobe.commerce.observer.widget_save_commit_after is not a widget event in events.json',
    )
  })

  test('the app finds entities by convention: events.json lists them, their folder defines them', () => {
    expect(Object.keys(entityDefinitions)).toEqual(createEventRegistry(appCatalogue).entities())
    // The fixture's folder is not under actions/entities, so the app's loader names what is missing.
    expect(() => loadEntityDefinitions(registry)).toThrow(
      /^events\.json lists entity widget, but actions\/entities\/widget\/definition\.ts does not load: Cannot find module/,
    )
  })
})
