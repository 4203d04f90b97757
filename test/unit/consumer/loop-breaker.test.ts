/**
 * The loop breaker: canonical fingerprints (noise-insensitive), per code+entity keys holding the
 * latest fingerprint, echo vs redelivery vs genuine A→B→A changes, TTL expiry, configuration.
 */
import {
  createCanonicalFingerprinter,
  createLoopBreaker,
  loopKey,
  stableStringify,
  type LoopBreakerConfig,
} from '../../../actions/lib/loop-breaker'
import { createMemoryStore } from '../../../actions/lib/kv-store'
import { entityDefinitions } from '../../../actions/entities/catalog'
import { sampleData, withField } from '../../fixtures/entity-events'

const fingerprint = createCanonicalFingerprinter(Object.values(entityDefinitions))
const SAVE = 'com.adobe.commerce.observer.catalog_product_save_commit_after'
const UPDATE = 'be-observer.catalog_product_update'

function setup(config: Partial<LoopBreakerConfig> = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z')
  const clock = { now: () => now }
  const store = createMemoryStore(clock)
  let opened = 0
  const breaker = createLoopBreaker({
    store: async () => (opened++, store),
    fingerprint,
    config: { events: [SAVE, UPDATE], ttlSeconds: 300, ...config },
  })
  return { breaker, store, advance: (s: number) => void (now += s * 1000), opened: () => opened }
}

describe('createCanonicalFingerprinter', () => {
  const fp = (code: string, data: unknown) => fingerprint(code, data)

  test('ignores timestamps, key order and number representation', () => {
    const base = sampleData(SAVE)
    const noisy = {
      value: {
        ...(withField(base, 'value.updated_at', '2026-09-09 09:09:09') as { value: object }).value,
        price: 29,
      },
      _metadata: { eventsClientVersion: '1.2' },
    }
    const reordered = {
      value: Object.fromEntries(Object.entries((base as { value: object }).value).reverse()),
    }
    expect(fp(SAVE, noisy)).toEqual(fp(SAVE, base))
    expect(fp(SAVE, reordered)).toEqual(fp(SAVE, base))
  })

  test('a meaningful change changes the digest, not the entity key', () => {
    const a = fp(SAVE, sampleData(SAVE))!
    const b = fp(SAVE, withField(sampleData(SAVE), 'value.price', '30.00'))!
    expect([a.entityKey, b.entityKey]).toEqual(['product.MS-Tee-S-Blue', 'product.MS-Tee-S-Blue'])
    expect(a.digest).not.toEqual(b.digest)
  })

  test('invalid data or an unknown code has no fingerprint', () => {
    expect([fp(SAVE, { value: {} }), fp('be-observer.nope', {})]).toEqual([undefined, undefined])
  })
})

describe('loopKey', () => {
  test('readable when the entity key is key-safe, hashed otherwise; always a valid State key', () => {
    const keys = [
      loopKey(SAVE, 'product.MS 1'),
      loopKey(SAVE, 'product.MS-1'),
      loopKey('be-observer.catalog_stock_update', `stock.${'A-'.repeat(300)}`),
    ]
    expect(keys[0]).toMatch(
      /^loop\.com\.adobe\.commerce\.observer\.catalog_product_save_commit_after\.sha\.[0-9a-f]{64}$/,
    )
    expect(keys[1]).toBe('loop.com.adobe.commerce.observer.catalog_product_save_commit_after.id.product.MS-1')
    expect(keys[2]).toMatch(/^loop\.be-observer\.catalog_stock_update\.sha\.[0-9a-f]{64}$/)
    for (const k of keys) expect(k).toMatch(/^[a-zA-Z0-9-_.]{1,1024}$/)
  })
})

describe('createLoopBreaker', () => {
  const event = (id: string, data: unknown = sampleData(SAVE), type = SAVE) => ({ type, id, data })

  test('first sighting is processed, an identical change under another id is an echo', async () => {
    const { breaker, store } = setup()
    expect(await breaker.check(event('e1'))).toEqual({ action: 'process', reason: 'first' })
    const key = `loop.${SAVE}.id.product.MS-Tee-S-Blue`
    expect([...store.dump().keys()]).toEqual([key])
    expect(await breaker.check(event('e2'))).toEqual({
      action: 'skip',
      reason: 'echo',
      key,
      firstEventId: 'e1',
    })
    expect([...store.dump().values()]).toEqual([expect.stringMatching(/^[0-9a-f]{64} e1$/)])
  })

  test('the same event id again is a redelivery and is processed', async () => {
    const { breaker } = setup()
    await breaker.check(event('e1'))
    expect(await breaker.check(event('e1'))).toEqual({ action: 'process', reason: 'redelivery' })
  })

  test('A → B → A within the TTL is three genuine changes', async () => {
    const { breaker } = setup()
    const a = sampleData(SAVE)
    const b = withField(a, 'value.price', '31.00')
    const verdicts = [
      await breaker.check(event('e1', a)),
      await breaker.check(event('e2', b)),
      await breaker.check(event('e3', a)),
    ]
    expect(verdicts.map((v) => v.action)).toEqual(['process', 'process', 'process'])
  })

  test('the same change on another entity or another code is not an echo', async () => {
    const { breaker } = setup()
    await breaker.check(event('e1'))
    const other = withField(sampleData(SAVE), 'value.sku', 'OTHER')
    expect(await breaker.check(event('e2', other))).toEqual({ action: 'process', reason: 'first' })
    expect(await breaker.check(event('e3', sampleData(UPDATE), UPDATE))).toEqual({
      action: 'process',
      reason: 'first',
    })
  })

  test('after the TTL an identical change is processed again', async () => {
    const { breaker, advance } = setup({ ttlSeconds: 60 })
    await breaker.check(event('e1'))
    advance(59)
    expect((await breaker.check(event('e2'))).action).toBe('skip')
    advance(2)
    expect(await breaker.check(event('e3'))).toEqual({ action: 'process', reason: 'first' })
  })

  test('unconfigured codes never touch the store; * configures all', async () => {
    const only = setup({ events: [UPDATE] })
    expect(await only.breaker.check(event('e1'))).toEqual({ action: 'process', reason: 'not-configured' })
    expect(only.opened()).toBe(0)
    const all = setup({ events: ['*'] })
    await all.breaker.check(event('e1'))
    expect((await all.breaker.check(event('e2'))).action).toBe('skip')
    expect(all.opened()).toBe(1)
  })

  test('invalid data is not fingerprinted (the handler answers 400)', async () => {
    const { breaker, store } = setup()
    expect(await breaker.check(event('e1', { value: { name: 'no sku' } }))).toEqual({
      action: 'process',
      reason: 'no-fingerprint',
    })
    expect(store.dump().size).toBe(0)
  })

  test('store failures propagate to the caller', async () => {
    const breaker = createLoopBreaker({
      store: async () => Promise.reject(new Error('state down')),
      fingerprint,
      config: { events: ['*'], ttlSeconds: 300 },
    })
    await expect(breaker.check(event('e1'))).rejects.toThrow('state down')
  })
})

describe('stableStringify', () => {
  test('sorted keys, undefined dropped, arrays kept in order', () => {
    expect(stableStringify({ b: [2, { d: 1, c: undefined, a: null }], a: 'x' })).toBe(
      '{"a":"x","b":[2,{"a":null,"d":1}]}',
    )
  })
})
