/**
 * The entity handlers' manifest is generated from the catalogue: the committed file is what
 * `npm run manifest` writes, and a new entity (the fixture `widget`) gets its action block from
 * its events.json entry alone.
 */
import fs from 'node:fs'
import { parse } from 'yaml'
import {
  ENTITY_MANIFEST,
  expectedEntityManifest,
  renderEntityManifest,
} from '../../../scripts/entity-manifest'
import { createEventRegistry } from '../../../actions/lib/event-registry'
import { ENTITY_HANDLER_INPUT_KEYS } from '../../../actions/lib/entity-pipeline'
import appCatalogue from '../../../onboarding/config/events.json'
import widgetEvents from '../../fixtures/entities/widget/events.json'

describe('actions/entities/actions.config.yaml', () => {
  test('is up to date with the catalogue (run `npm run manifest` when this fails)', () => {
    expect(fs.readFileSync(ENTITY_MANIFEST, 'utf8')).toBe(expectedEntityManifest())
  })

  test('a new entity gets its action from its events.json entry alone', () => {
    const registry = createEventRegistry({ ...appCatalogue, ...widgetEvents }, 'fixture events.json')
    const actions = parse(renderEntityManifest(registry.entities(), ENTITY_HANDLER_INPUT_KEYS)) as Record<
      string,
      { function: string; web: string; runtime: string; inputs: Record<string, string>; annotations: object }
    >
    expect(Object.keys(actions)).toEqual([...Object.keys(appCatalogue), 'widget'])
    const inputs = Object.fromEntries([...ENTITY_HANDLER_INPUT_KEYS].map((k) => [k, `$${k}`]))
    expect(actions.widget).toEqual({
      function: './widget/index.ts',
      web: 'no',
      runtime: 'nodejs:22',
      inputs,
      annotations: { final: true },
    })
    // The anchor shares one inputs object: every entity reads exactly the handler's inputs.
    for (const a of Object.values(actions)) expect(a.inputs).toEqual(inputs)
  })

  test('refuses an empty catalogue rather than deploying no handler', () => {
    expect(() => renderEntityManifest([], ENTITY_HANDLER_INPUT_KEYS)).toThrow('the catalogue lists no entity')
  })
})
