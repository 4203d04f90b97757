/**
 * Subscriptions in aio state: ONE document, `sub.all`, holding every stored subscription (and the
 * default subscription's mutable overlay). Why one document rather than a key per subscription:
 * - State `list` is a scan of the whole container (each call scans the next 1,000 keys, whatever
 *   the match), so finding `sub.*` keys would cost ceil(keys / 1,000) list calls on every event.
 *   One document is one point `get`, whatever the size of the delivery log.
 * - The publisher caches the document per warm container for `cacheTtlMs`
 *   (SUBSCRIPTION_CACHE_SECONDS): a change made through the admin API reaches publishing
 *   containers within that time (the documented staleness); the container that made the change
 *   sees it at once.
 * - Writers are the admin actions (a person's changes) and, rarely, the delivery path itself
 *   (a 410 deactivates; the sweeper's maintenance auto-disables and refreshes the TTL). Admin
 *   writes read the document fresh (bypassing the cache) and write it back: there is no
 *   conditional put on State, so two writes at the very same moment are last-writer-wins, and the
 *   earlier change must be made again. The size limit of a value (1 MB) bounds the number of
 *   subscriptions (MAX_SUBSCRIPTIONS).
 * TTL is the platform maximum (365 d); the sweeper rewrites the document when it is older than
 * `refreshAfterMs` so configuration never silently expires.
 *
 * The default subscription (WEBHOOK_URL/SECRET/EVENTS inputs) is not stored, except its mutable
 * status (active, disabled reason, name, fields) as an overlay in the document.
 */
import { ValidationError } from '../errors'
import { MAX_TTL_SECONDS, type KvStore } from '../kv-store'
import { DEFAULT_SUBSCRIPTION_ID, type Subscription } from './subscription'

/** Key prefix of subscription data (kept so `sub.*` selects it, e.g. to wipe it in a test). */
const SUB_PREFIX = 'sub.'

/** The key of the subscriptions document. */
export const SUBSCRIPTIONS_KEY = `${SUB_PREFIX}all`

/** Most subscriptions one document holds (each is at most a few KB; a State value is at most 1 MB). */
export const MAX_SUBSCRIPTIONS = 200

/** The default subscription's definition from inputs. */
export interface DefaultSubscriptionInput {
  url: string
  /** Current secret first; a second one (rotation) also signs. */
  secrets: string[]
  eventTypes: string[]
}

/** Mutable fields of the default subscription kept in state. */
type DefaultOverlay = Partial<
  Pick<
    Subscription,
    | 'active'
    | 'disabledAt'
    | 'disabledReason'
    | 'name'
    | 'fields'
    | 'updatedAt'
    | 'retry'
    | 'format'
    | 'filter'
  >
>

/** The stored document. */
export interface SubscriptionsDocument {
  /** Epoch ms of the last write; also tells the sweeper when to refresh the TTL. */
  writtenAt: number
  subscriptions: Subscription[]
  defaultOverlay?: DefaultOverlay
}

/** Warm-container cache: the document and when it was read (one entry, keyed by SUBSCRIPTIONS_KEY). */
export type SubscriptionCache = Map<string, { doc: SubscriptionsDocument; readAt: number }>

/** Reads and writes subscriptions. */
export interface SubscriptionStore {
  /**
   * Every subscription, the default one included: at most one point read, none while the cached
   * document is younger than the cache TTL (`fresh: true` always reads, for admin pages).
   */
  list(options?: { fresh?: boolean }): Promise<Subscription[]>
  /** One subscription (fresh read), or undefined. */
  get(id: string): Promise<Subscription | undefined>
  /** Writes `sub` into the document. For `default`, only the overlay fields persist. */
  save(sub: Subscription): Promise<void>
  /** Removes a subscription; false when there was none. */
  remove(id: string): Promise<boolean>
  /** Rewrites the document when it was written before `nowMs - olderThanMs` (TTL refresh); returns 1 when rewritten. */
  refresh(nowMs: number, olderThanMs: number): Promise<number>
}

/** Options of the store. */
export interface SubscriptionStoreOptions {
  store: KvStore
  now: () => number
  /** Present when WEBHOOK_URL is set. */
  defaultSubscription?: DefaultSubscriptionInput
  /** Shared across activations of a warm container; a fresh Map per call otherwise. */
  cache?: SubscriptionCache
  /** How long `list()` trusts the cached document (SUBSCRIPTION_CACHE_SECONDS); 0 reads every time. */
  cacheTtlMs?: number
}

const EMPTY: SubscriptionsDocument = { writtenAt: 0, subscriptions: [] }

/** Creates the store. */
export function createSubscriptionStore(options: SubscriptionStoreOptions): SubscriptionStore {
  const { store, now, defaultSubscription } = options
  const cache: SubscriptionCache = options.cache ?? (new Map() as SubscriptionCache)
  const cacheTtlMs = options.cacheTtlMs ?? 0

  async function read(fresh: boolean): Promise<SubscriptionsDocument> {
    const hit = cache.get(SUBSCRIPTIONS_KEY)
    if (!fresh && hit && now() - hit.readAt < cacheTtlMs) return hit.doc
    const raw = await store.get(SUBSCRIPTIONS_KEY)
    const doc = raw === undefined ? EMPTY : (JSON.parse(raw) as SubscriptionsDocument)
    cache.set(SUBSCRIPTIONS_KEY, { doc, readAt: now() })
    return doc
  }

  async function write(doc: SubscriptionsDocument): Promise<void> {
    const next = { ...doc, writtenAt: Math.max(now(), doc.writtenAt + 1) }
    await store.put(SUBSCRIPTIONS_KEY, JSON.stringify(next), MAX_TTL_SECONDS)
    cache.set(SUBSCRIPTIONS_KEY, { doc: next, readAt: now() })
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
      ...(overlay?.retry ? { retry: overlay.retry } : {}),
      ...(overlay?.format ? { format: overlay.format } : {}),
      ...(overlay?.filter ? { filter: overlay.filter } : {}),
      createdAt,
      updatedAt: overlay?.updatedAt ?? createdAt,
      ...(overlay?.disabledAt
        ? { disabledAt: overlay.disabledAt, disabledReason: overlay.disabledReason }
        : {}),
      source: 'inputs',
    }
  }

  function all(doc: SubscriptionsDocument): Subscription[] {
    const stored = doc.subscriptions.filter((s) => s.id !== DEFAULT_SUBSCRIPTION_ID)
    const def = buildDefault(doc.defaultOverlay)
    return [...(def ? [def] : []), ...stored].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    )
  }

  return {
    async list(options) {
      return all(await read(options?.fresh === true))
    },

    async get(id) {
      if (!/^[a-z0-9-]{1,64}$/.test(id)) return undefined
      return all(await read(true)).find((s) => s.id === id)
    },

    async save(sub) {
      const doc = await read(true)
      if (sub.id === DEFAULT_SUBSCRIPTION_ID) {
        const overlay: DefaultOverlay = {
          active: sub.active,
          disabledAt: sub.disabledAt,
          disabledReason: sub.disabledReason,
          name: sub.name,
          fields: sub.fields,
          retry: sub.retry,
          format: sub.format,
          filter: sub.filter,
          updatedAt: sub.updatedAt,
        }
        await write({ ...doc, defaultOverlay: overlay })
        return
      }
      const others = doc.subscriptions.filter((s) => s.id !== sub.id)
      if (others.length >= MAX_SUBSCRIPTIONS)
        throw new ValidationError(`at most ${MAX_SUBSCRIPTIONS} subscriptions can be stored`)
      const index = doc.subscriptions.findIndex((s) => s.id === sub.id)
      const subscriptions =
        index < 0 ? [...doc.subscriptions, sub] : doc.subscriptions.map((s, i) => (i === index ? sub : s))
      await write({ ...doc, subscriptions })
    },

    async remove(id) {
      const doc = await read(true)
      const isDefault = id === DEFAULT_SUBSCRIPTION_ID
      const had = isDefault ? doc.defaultOverlay !== undefined : doc.subscriptions.some((s) => s.id === id)
      if (!had) return false
      await write(
        isDefault
          ? { writtenAt: doc.writtenAt, subscriptions: doc.subscriptions }
          : { ...doc, subscriptions: doc.subscriptions.filter((s) => s.id !== id) },
      )
      return true
    },

    async refresh(nowMs, olderThanMs) {
      const raw = await store.get(SUBSCRIPTIONS_KEY)
      if (raw === undefined) return 0
      const doc = JSON.parse(raw) as SubscriptionsDocument
      if (nowMs - doc.writtenAt < olderThanMs) return 0
      await write(doc)
      return 1
    },
  }
}
