/**
 * Builds the dependencies of the publisher and admin actions from their params (the adapters'
 * step 2). Kept apart from the core so the core never touches `process.env`, params or the State
 * client; the subscription cache lives at module scope so a warm container reuses it.
 */
import type { Clock } from '../clock'
import { systemClock } from '../clock'
import { UpstreamError, describeError } from '../errors'
import { openStateStore, type KvStore } from '../kv-store'
import { createLogger, type Logger } from '../logger'
import type { DeliveryLogStore } from '../delivery-log/log-store'
import { createStateLogStore, type IndexCache } from '../delivery-log/state-log-store'
import {
  createSubscriptionStore,
  type SubscriptionCache,
  type SubscriptionStore,
} from '../subscriptions/subscription-store'
import { defaultSubscriptionOf, loadDeliveryConfig, type DeliveryConfig } from './delivery-config'
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

/** Overrides for tests and benchmarks (any dependency can be injected). */
export type RuntimeOverrides = Partial<
  Pick<DeliveryRuntime, 'clock' | 'random' | 'logger' | 'store' | 'send'>
> & { cache?: SubscriptionCache; indexCache?: IndexCache }

/**
 * Loads config (ConfigError names bad inputs) and opens State (503 when it cannot be reached).
 */
export async function openDeliveryRuntime(
  params: Record<string, unknown>,
  actionName: string,
  overrides: RuntimeOverrides = {},
): Promise<DeliveryRuntime> {
  const config = loadDeliveryConfig(params)
  const clock = overrides.clock ?? systemClock
  const logger = overrides.logger ?? createLogger(actionName, config.logLevel)
  let store = overrides.store
  if (!store) {
    try {
      store = await openStateStore()
    } catch (err) {
      throw new UpstreamError('State is unavailable', 503, err)
    }
  }
  return {
    config,
    clock,
    random: overrides.random ?? Math.random,
    logger,
    store,
    subscriptions: createSubscriptionStore({
      store,
      now: () => clock.now(),
      defaultSubscription: defaultSubscriptionOf(config),
      cache: overrides.cache ?? warmCache,
      cacheTtlMs: config.subscriptionCacheMs,
    }),
    logs: createStateLogStore({
      store,
      now: () => clock.now(),
      retentionSeconds: config.logRetentionDays * 86_400,
      cache: overrides.indexCache ?? (overrides.store ? undefined : warmIndexCache),
    }),
    send: overrides.send ?? createFetchSender({ allowlist: config.allowlist }),
    retry: { delaysMs: config.retryScheduleMs, jitter: config.retryJitter },
    urlPolicy: { allowlist: config.allowlist },
  }
}

/**
 * The moment an activation must have answered: its own time budget, and never later than a few
 * seconds before the platform's deadline (`__OW_DEADLINE`, epoch ms, read by the adapter).
 */
export function activationDeadline(
  nowMs: number,
  budgetMs: number,
  platformDeadline?: string | number,
): number {
  const platform = Number(platformDeadline)
  const cap = Number.isFinite(platform) && platform > 0 ? platform - 5_000 : Infinity
  return Math.min(nowMs + budgetMs, cap)
}

/**
 * The adapters' one place to log a failed activation: only 5xx are logged as errors (a 4xx is
 * the caller's to fix and its message is already in the response), with the injected logger
 * when there is one, since config — and so the configured logger — may be what failed.
 */
export function logServerFailure(
  err: unknown,
  actionName: string,
  overrides: RuntimeOverrides,
  what = 'request failed',
): void {
  if (describeError(err).statusCode < 500) return
  ;(overrides.logger ?? createLogger(actionName)).error(what, {
    error: (err as Error)?.message ?? String(err),
  })
}
