/** The starter-kit `commerce-event-subscribe.json` file: loading, cross-checks with events.json, the app prefix. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_CONFIG_DIR, loadOnboardingConfig } from '../../../onboarding/config-loader'
import {
  loadCommerceSubscriptions,
  prefixedCommerceCode,
  SUBSCRIBE_FILE,
  withPrefix,
} from '../../../onboarding/commerce-subscriptions'

const { registry } = loadOnboardingConfig()
const shipped = JSON.parse(fs.readFileSync(path.join(DEFAULT_CONFIG_DIR, SUBSCRIBE_FILE), 'utf8')) as any[]

/** A config dir whose subscribe file is `entries`. */
function dirWith(entries: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subs-'))
  fs.writeFileSync(path.join(dir, SUBSCRIBE_FILE), JSON.stringify(entries))
  return dir
}

describe('commerce-event-subscribe.json', () => {
  it('loads the shipped file: one subscription per Commerce code of events.json', () => {
    const subs = loadCommerceSubscriptions(DEFAULT_CONFIG_DIR, registry)
    expect(subs.map((s) => `com.adobe.commerce.${s.name}`).sort()).toEqual(
      registry
        .byProvider('commerce')
        .map((d) => d.code)
        .sort(),
    )
  })

  it.each([
    [
      'a Commerce code without a subscription',
      shipped.slice(1),
      `no subscription for com.adobe.commerce.${shipped[0].event.name} (events.json routes it)`,
    ],
    [
      'a subscription the app does not route',
      [...shipped, { event: { name: 'observer.catalog_category_save_after', fields: [{ name: 'name' }] } }],
      'com.adobe.commerce.observer.catalog_category_save_after is not a commerce code of events.json',
    ],
    [
      'a prefixed name (the prefix comes from COMMERCE_EVENT_PREFIX)',
      [{ event: { ...shipped[0].event, name: `shop.${shipped[0].event.name}` } }, ...shipped.slice(1)],
      '0.event.name: "[0].event.name" must be observer.<event>',
    ],
    ['no fields', [{ event: { ...shipped[0].event, fields: [] } }, ...shipped.slice(1)], '0.event.fields'],
    [
      'an unknown rule operator',
      [
        { event: { ...shipped[0].event, rules: [{ field: 'price', operator: 'above', value: '1' }] } },
        ...shipped.slice(1),
      ],
      '0.event.rules.0.operator',
    ],
  ])('refuses %s, naming the file', (_what, entries, message) => {
    const dir = dirWith(entries)
    expect(() => loadCommerceSubscriptions(dir, registry)).toThrow(`${path.join(dir, SUBSCRIBE_FILE)}: `)
    expect(() => loadCommerceSubscriptions(dir, registry)).toThrow(message)
  })

  it('names a missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subs-'))
    expect(() => loadCommerceSubscriptions(dir, registry)).toThrow(
      `${path.join(dir, SUBSCRIBE_FILE)}: missing (one subscription per Commerce event code of events.json)`,
    )
  })

  it('prefixes names (keeping the Commerce event as parent) and codes', () => {
    const [first] = loadCommerceSubscriptions(DEFAULT_CONFIG_DIR, registry)
    expect(withPrefix([first], 'shop1')).toEqual([
      { ...first, name: `shop1.${first.name}`, parent: first.name },
    ])
    expect(withPrefix([first], undefined)).toEqual([first])
    expect(
      ['com.adobe.commerce.observer.x', 'be-observer.x'].map((c) => [
        prefixedCommerceCode(c, 'shop1'),
        prefixedCommerceCode(c),
      ]),
    ).toEqual([
      ['com.adobe.commerce.shop1.observer.x', 'com.adobe.commerce.observer.x'],
      ['be-observer.x', 'be-observer.x'],
    ])
  })
})
