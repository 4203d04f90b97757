/**
 * Subscriptions in aio state, one record per subscription on `sub.<id>.<version>` keys, where
 * `version` is the epoch ms of the write. Why the version is in the key:
 * - the publisher lists `sub.*` (a key listing, not a value read) and reads only values it has
 *   not cached in this warm container, so the happy path reads no stored values;
 * - there is no atomic rename: an update writes the new version first, then deletes the old
 *   ones; if the activation dies in between, readers take the highest version and the sweeper
 *   removes the stale one. A concurrent update from two admins is last-writer-wins.
 * TTL is the platform maximum (365 d); the sweeper rewrites versions older than `refreshAfterMs`
 * so configuration never silently expires.
 *
 * The default subscription (WEBHOOK_URL/SECRET/EVENTS inputs) is not stored, except its mutable
 * status (active, disabled reason, name, fields) as an overlay on `sub.default.<version>`.
 */
import { MAX_TTL_SECONDS, type KvStore } from '../kv-store'
import { DEFAULT_SUBSCRIPTION_ID, type Subscription } from './subscription'

/** Key prefix of subscription records. */
export const SUB_PREFIX = 'sub.'

/** The default subscription's definition from inputs. */
export interface DefaultSubscriptionInput {
  url: string
  /** Current secret first; a second one (rotation) also signs. */
  secrets: string[]
  eventTypes: string[]
}

/** Mutable fields of the default subscription kept in state. */
type DefaultOverlay = Partial<
  Pick<Subscription, 'active' | 'disabledAt' | 'disabledReason' | 'name' | 'fields' | 'updatedAt'>
>

/** Warm-container cache: full key → parsed record (a key's value never changes: versions are immutable). */
export type SubscriptionCache = Map<string, Subscription | DefaultOverlay>

/** Reads and writes subscriptions. */
export interface SubscriptionStore {
  /** Every subscription, the default one included (one key listing; values read only when not cached). */
  list(): Promise<Subscription[]>
  /** One subscription, or undefined. */
  get(id: string): Promise<Subscription | undefined>
  /** Writes a new version of `sub` and removes older versions. For `default`, only the overlay fields persist. */
  save(sub: Subscription): Promise<void>
  /** Removes every version; false when there was none. */
  remove(id: string): Promise<boolean>
  /** Rewrites records whose version is older than `olderThanMs` and drops superseded versions; returns how many were rewritten. */
  refresh(nowMs: number, olderThanMs: number): Promise<number>
}

/** A parsed `sub.<id>.<version>` key. */
interface SubKey {
  key: string
  id: string
  version: number
}

function parseKey(key: string): SubKey | undefined {
  const m = /^sub\.([a-z0-9-]{1,64})\.(\d{13})$/.exec(key)
  return m ? { key, id: m[1], version: Number(m[2]) } : undefined
}

function keyOf(id: string, version: number): string {
  return `${SUB_PREFIX}${id}.${String(version).padStart(13, '0')}`
}

/** Latest version per id, plus the superseded keys. */
function latest(keys: string[]): { current: Map<string, SubKey>; stale: SubKey[] } {
  const current = new Map<string, SubKey>()
  const stale: SubKey[] = []
  for (const k of keys.map(parseKey)) {
    if (!k) continue
    const seen = current.get(k.id)
    if (!seen || k.version > seen.version) {
      if (seen) stale.push(seen)
      current.set(k.id, k)
    } else stale.push(k)
  }
  return { current, stale }
}

/** Options of the store. */
export interface SubscriptionStoreOptions {
  store: KvStore
  now: () => number
  /** Present when WEBHOOK_URL is set. */
  defaultSubscription?: DefaultSubscriptionInput
  /** Shared across activations of a warm container; a fresh Map per call otherwise. */
  cache?: SubscriptionCache
}

/** Creates the store. */
export function createSubscriptionStore(options: SubscriptionStoreOptions): SubscriptionStore {
  const { store, now, defaultSubscription } = options
  const cache: SubscriptionCache = options.cache ?? new Map()

  async function load(k: SubKey): Promise<Subscription | DefaultOverlay | undefined> {
    const hit = cache.get(k.key)
    if (hit) return hit
    const raw = await store.get(k.key)
    if (raw === undefined) return undefined // expired or removed between list and get
    const value = JSON.parse(raw) as Subscription | DefaultOverlay
    cache.set(k.key, value)
    return value
  }

  function buildDefault(overlay: DefaultOverlay | undefined): Subscription | undefined {
    if (!defaultSubscription) return undefined
    const createdAt = new Date(0).toISOString()
    return {
      id: DEFAULT_SUBSCRIPTION_ID,
      name: overlay?.name ?? 'Default webhook (WEBHOOK_URL)',
      eventTypes: defaultSubscription.eventTypes,
      url: defaultSubscription.url,
      active: overlay?.active ?? true,
      secret: defaultSubscription.secrets[0],
      ...(defaultSubscription.secrets[1] ? { previousSecret: defaultSubscription.secrets[1] } : {}),
      fields: overlay?.fields ?? [],
      createdAt,
      updatedAt: overlay?.updatedAt ?? createdAt,
      ...(overlay?.disabledAt
        ? { disabledAt: overlay.disabledAt, disabledReason: overlay.disabledReason }
        : {}),
      source: 'inputs',
    }
  }

  async function currentKeys(
    match = `${SUB_PREFIX}*`,
  ): Promise<{ current: Map<string, SubKey>; stale: SubKey[] }> {
    const keys = await store.keys(match)
    const result = latest(keys)
    // Forget cached versions that are gone, so a long-lived container does not grow.
    if (match === `${SUB_PREFIX}*`) {
      const live = new Set(keys)
      for (const k of cache.keys()) if (!live.has(k)) cache.delete(k)
    }
    return result
  }

  async function toSubscription(k: SubKey | undefined, id: string): Promise<Subscription | undefined> {
    if (id === DEFAULT_SUBSCRIPTION_ID)
      return buildDefault(k ? ((await load(k)) as DefaultOverlay | undefined) : undefined)
    if (!k) return undefined
    return (await load(k)) as Subscription | undefined
  }

  return {
    async list() {
      const { current } = await currentKeys()
      const ids = new Set(current.keys())
      if (defaultSubscription) ids.add(DEFAULT_SUBSCRIPTION_ID)
      else ids.delete(DEFAULT_SUBSCRIPTION_ID)
      const subs = await Promise.all([...ids].map((id) => toSubscription(current.get(id), id)))
      return subs
        .filter((s): s is Subscription => s !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    },

    async get(id) {
      if (!/^[a-z0-9-]{1,64}$/.test(id)) return undefined
      if (id === DEFAULT_SUBSCRIPTION_ID && !defaultSubscription) return undefined
      const { current } = await currentKeys(`${SUB_PREFIX}${id}.*`)
      return toSubscription(current.get(id), id)
    },

    async save(sub) {
      const { current, stale } = await currentKeys(`${SUB_PREFIX}${sub.id}.*`)
      const previous = current.get(sub.id)
      const version = Math.max(now(), (previous?.version ?? 0) + 1)
      const value: Subscription | DefaultOverlay =
        sub.id === DEFAULT_SUBSCRIPTION_ID
          ? {
              active: sub.active,
              disabledAt: sub.disabledAt,
              disabledReason: sub.disabledReason,
              name: sub.name,
              fields: sub.fields,
              updatedAt: sub.updatedAt,
            }
          : sub
      const key = keyOf(sub.id, version)
      await store.put(key, JSON.stringify(value), MAX_TTL_SECONDS)
      cache.set(key, value)
      for (const old of [...stale, ...(previous ? [previous] : [])]) await store.delete(old.key)
    },

    async remove(id) {
      const keys = await store.keys(`${SUB_PREFIX}${id}.*`)
      const mine = keys.map(parseKey).filter((k): k is SubKey => k?.id === id)
      for (const k of mine) await store.delete(k.key)
      return mine.length > 0
    },

    async refresh(nowMs, olderThanMs) {
      const { current, stale } = await currentKeys()
      let rewritten = 0
      for (const k of current.values()) {
        if (nowMs - k.version < olderThanMs) continue
        const raw = await store.get(k.key)
        if (raw === undefined) continue
        const key = keyOf(k.id, Math.max(nowMs, k.version + 1))
        await store.put(key, raw, MAX_TTL_SECONDS)
        await store.delete(k.key)
        rewritten++
      }
      for (const k of stale) await store.delete(k.key)
      return rewritten
    },
  }
}
