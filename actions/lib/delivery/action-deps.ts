/**
 * The dependencies of the publisher and admin actions, declared for the entry-point layer
 * (`defineAction`): State, the HTTP sender, randomness and the warm caches are `deps` (tests and
 * benchmarks replace them with `main.withDeps`), the config is the delivery inputs, and
 * `deliveryRuntime` assembles the stores the core works with. Kept apart from the core so the core
 * never touches `process.env`, params or the State client.
 */
import type { ActionMain, DependencyDeclaration, DependencyOverrides, EntryOptions } from '../action-entry'
import type { Clock } from '../clock'
import { UpstreamError } from '../errors'
import { openStateStore, type KvStore } from '../kv-store'
import type { Logger } from '../logger'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import { createStateLogStore, type IndexCache } from '../delivery-log/state-log-store'
import {
  createSubscriptionStore,
  type SubscriptionCache,
  type SubscriptionStore,
} from '../subscriptions/subscription-store'
import { defaultSubscriptionOf, type DeliveryConfig } from './delivery-config'
import { createFetchSender, type HttpSender } from './http-sender'
import type { RetryPolicy } from './retry-policy'
import type { UrlPolicy } from './url-policy'

/** Shared by every activation of a warm container: the subscriptions document, trusted for SUBSCRIPTION_CACHE_SECONDS. */
const warmCache: SubscriptionCache = new Map()
/** Delivery-log index documents read or written by this warm container (valid while the index head has not moved). */
const warmIndexCache: IndexCache = { v: '-', docs: new Map() }

/** What every publisher/admin action works with. */
export interface DeliveryRuntime {
  config: DeliveryConfig
  clock: Clock
  random: () => number
  logger: Logger
  store: KvStore
  subscriptions: SubscriptionStore
  logs: DeliveryLogStore
  send: HttpSender
  retry: RetryPolicy
  urlPolicy: UrlPolicy
}

/** The replaceable dependencies of a delivery action. */
export interface DeliveryDeps {
  store: KvStore
  random: () => number
  send: HttpSender
  cache: SubscriptionCache
  /** The warm index cache; undefined turns it off (a test's fresh store must not see another's documents). */
  indexCache: IndexCache | undefined
}

/** Opens State; a failure is a 503 (transient: the caller retries). */
async function openDeliveryState(): Promise<KvStore> {
  try {
    return await openStateStore()
  } catch (err) {
    throw new UpstreamError('State is unavailable', 503, err)
  }
}

/** Production defaults of `DeliveryDeps`, for `defineAction({ deps })`. */
export const deliveryDeps: {
  [K in keyof DeliveryDeps]: DependencyDeclaration<DeliveryConfig, DeliveryDeps[K]>
} = {
  store: () => openDeliveryState(),
  random: () => Math.random,
  send: ({ config }) => createFetchSender({ allowlist: config.allowlist }),
  cache: () => warmCache,
  indexCache: () => warmIndexCache,
}

/** The production dependencies outside the layer (the entity handlers' in-process fan-out). */
export async function defaultDeliveryDeps(config: DeliveryConfig): Promise<DeliveryDeps> {
  return {
    store: await openDeliveryState(),
    random: Math.random,
    send: createFetchSender({ allowlist: config.allowlist }),
    cache: warmCache,
    indexCache: warmIndexCache,
  }
}

/** Assembles the stores and policies of one activation from its config, clock, logger and deps. */
export function deliveryRuntime(
  config: DeliveryConfig,
  base: { clock: Clock; logger: Logger },
  deps: DeliveryDeps,
): DeliveryRuntime {
  const { clock, logger } = base
  const { store } = deps
  return {
    config,
    clock,
    random: deps.random,
    logger,
    store,
    subscriptions: createSubscriptionStore({
      store,
      now: () => clock.now(),
      defaultSubscription: defaultSubscriptionOf(config),
      cache: deps.cache,
      cacheTtlMs: config.subscriptionCacheMs,
    }),
    logs: createStateLogStore({
      store,
      now: () => clock.now(),
      retentionSeconds: config.logRetentionDays * 86_400,
      cache: deps.indexCache,
    }),
    send: deps.send,
    retry: { delaysMs: config.retryScheduleMs, jitter: config.retryJitter },
    urlPolicy: { allowlist: config.allowlist },
  }
}

/** Overrides for tests and benchmarks, in the shape they share (one clock, store and logger). */
export type RuntimeOverrides = Partial<
  Pick<DeliveryRuntime, 'clock' | 'random' | 'logger' | 'store' | 'send'>
> & {
  cache?: SubscriptionCache
  indexCache?: IndexCache
}

/**
 * A delivery action as `(params, overrides)`, through the layer's `withDeps`: for tests and
 * benchmarks. A replaced store turns the warm index cache off unless one is given.
 */
export function withRuntimeOverrides<R>(
  main: ActionMain<DeliveryConfig, DeliveryDeps, unknown>,
): (params: Record<string, unknown>, overrides?: RuntimeOverrides) => Promise<R> {
  return (params, o = {}) => {
    const deps: DependencyOverrides<DeliveryConfig, DeliveryDeps> = {}
    const { store, random, send, cache, logger, clock } = o
    if (store) deps.store = () => store
    if (random) deps.random = () => random
    if (send) deps.send = () => send
    if (cache) deps.cache = () => cache
    if (store || o.indexCache) deps.indexCache = () => o.indexCache
    const options: EntryOptions = {}
    if (clock) options.clock = clock
    if (logger) options.createLogger = () => logger
    return main.withDeps(deps, options)(params) as Promise<R>
  }
}

/**
 * The moment an activation must have answered: its own time budget, and never later than a few
 * seconds before the platform's deadline (`__OW_DEADLINE`, epoch ms, read by the layer).
 */
export function answerBy(nowMs: number, budgetMs: number, platformDeadline?: number): number {
  const platform = Number(platformDeadline)
  const cap = Number.isFinite(platform) && platform > 0 ? platform - 5_000 : Infinity
  return Math.min(nowMs + budgetMs, cap)
}
