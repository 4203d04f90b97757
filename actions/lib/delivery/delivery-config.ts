/**
 * Inputs of the publisher and admin actions (all optional, with defaults), read once per
 * activation with `loadConfig`. Every key is listed in `.env.example` ("Publisher and admin").
 */
import { loadConfig, logLevelField, parsers, type ConfigSpec } from '../config'
import { ConfigError } from '../errors'
import { eventRegistry } from '../event-registry'
import { DEFAULT_SUBSCRIPTION_ID } from '../subscriptions/subscription'
import type { DefaultSubscriptionInput } from '../subscriptions/subscription-store'
import { isValidSecret } from '../webhook-signature'
import { parseDuration } from './durations'
import { parseJitter, parseRetrySchedule } from './retry-policy'
import { checkUrl, parseAllowlist, type AllowEntry } from './url-policy'

/** The parsed configuration. */
export interface DeliveryConfig {
  logLevel: string
  /** WEBHOOK_URL: the default subscription's endpoint (none when empty). */
  webhookUrl?: string
  /** WEBHOOK_SECRET: current secret, optionally followed by the previous one (rotation). */
  webhookSecrets: string[]
  /** WEBHOOK_EVENTS: event codes of the default subscription (`*` = all). */
  webhookEvents: string[]
  allowlist: AllowEntry[]
  retryScheduleMs: readonly number[]
  retryJitter: number
  deliveryTimeoutMs: number
  concurrency: number
  inlineRetryMaxDelayMs: number
  publishTimeBudgetMs: number
  logRetentionDays: number
  failureDisableDays: number
  rotationOverlapMs: number
  sweepBatchSize: number
  sweepTimeBudgetMs: number
  /** Run subscription maintenance when the epoch minute is a multiple of this. */
  maintenanceEveryMinutes: number
  /** How long a warm container trusts its copy of the subscriptions document (0: read it for every event). */
  subscriptionCacheMs: number
  /** LOG_INDEX_EVERY_MINUTES: the sweeper's index pass (its one scan) runs when the epoch minute is a multiple of this. */
  logIndexEveryMinutes: number
}

const intIn = (min: number, max: number) => (raw: unknown) => {
  const n = parsers.int(raw)
  if (n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`)
  return n
}
const durationIn =
  (minMs: number, maxMs: number, unit: 'ms' | 's' = 'ms') =>
  (raw: unknown) => {
    const ms = parseDuration(raw, unit)
    if (ms < minMs || ms > maxMs) throw new Error(`expected a duration from ${minMs} ms to ${maxMs} ms`)
    return ms
  }

const spec: ConfigSpec<DeliveryConfig> = {
  logLevel: logLevelField,
  webhookUrl: { key: 'WEBHOOK_URL', parse: parsers.string },
  webhookSecrets: {
    key: 'WEBHOOK_SECRET',
    default: [],
    parse: (raw) =>
      String(raw)
        .split(/[\s,]+/)
        .filter(Boolean),
  },
  webhookEvents: { key: 'WEBHOOK_EVENTS', default: ['*'], parse: parsers.list },
  allowlist: { key: 'WEBHOOK_URL_ALLOWLIST', default: [], parse: parseAllowlist },
  retryScheduleMs: { key: 'RETRY_SCHEDULE', default: parseRetrySchedule(''), parse: parseRetrySchedule },
  retryJitter: { key: 'RETRY_JITTER', default: 0.1, parse: parseJitter },
  deliveryTimeoutMs: { key: 'DELIVERY_TIMEOUT', default: 15_000, parse: durationIn(100, 30_000) },
  concurrency: { key: 'DELIVERY_CONCURRENCY', default: 10, parse: intIn(1, 100) },
  inlineRetryMaxDelayMs: {
    key: 'INLINE_RETRY_MAX_DELAY',
    default: 10_000,
    parse: durationIn(0, 30_000, 's'),
  },
  publishTimeBudgetMs: {
    key: 'PUBLISH_TIME_BUDGET',
    default: 45_000,
    parse: durationIn(1_000, 3_600_000, 's'),
  },
  logRetentionDays: { key: 'LOG_RETENTION_DAYS', default: 30, parse: intIn(1, 365) },
  failureDisableDays: { key: 'SUBSCRIPTION_FAILURE_DISABLE_DAYS', default: 5, parse: intIn(1, 365) },
  rotationOverlapMs: {
    key: 'SECRET_ROTATION_OVERLAP',
    default: 24 * 3_600_000,
    parse: durationIn(0, 30 * 86_400_000, 's'),
  },
  sweepBatchSize: { key: 'SWEEP_BATCH_SIZE', default: 100, parse: intIn(1, 1000) },
  sweepTimeBudgetMs: { key: 'SWEEP_TIME_BUDGET', default: 45_000, parse: durationIn(1_000, 3_600_000, 's') },
  maintenanceEveryMinutes: { key: 'SWEEP_MAINTENANCE_EVERY_MINUTES', default: 60, parse: intIn(1, 1440) },
  subscriptionCacheMs: {
    key: 'SUBSCRIPTION_CACHE_SECONDS',
    default: 10_000,
    parse: durationIn(0, 300_000, 's'),
  },
  logIndexEveryMinutes: { key: 'LOG_INDEX_EVERY_MINUTES', default: 1, parse: intIn(1, 60) },
}

/** Input names this module reads (the admin actions use it to tell inputs from request fields). */
export const DELIVERY_INPUT_KEYS: ReadonlySet<string> = new Set(
  Object.values(spec).map((f) => (f as { key: string }).key),
)

/**
 * Loads and cross-checks the configuration.
 * @throws ConfigError naming every bad key (never the values), including a default subscription
 * whose URL breaks the URL policy or whose secret is missing/malformed.
 */
export function loadDeliveryConfig(params: Record<string, unknown>): DeliveryConfig {
  const config = loadConfig(params, spec)
  if (config.webhookUrl !== undefined) {
    const problems: string[] = []
    const check = checkUrl(config.webhookUrl, { allowlist: config.allowlist })
    if (!check.ok) problems.push(`WEBHOOK_URL: ${check.reason}`)
    if (!config.webhookSecrets.length) problems.push('WEBHOOK_SECRET: required when WEBHOOK_URL is set')
    else if (config.webhookSecrets.length > 2 || !config.webhookSecrets.every(isValidSecret)) {
      problems.push('WEBHOOK_SECRET: expected one whsec_ secret (or two, new then old, during rotation)')
    }
    const unknown = config.webhookEvents.filter((t) => t !== '*' && !eventRegistry.get(t))
    if (unknown.length)
      problems.push(`WEBHOOK_EVENTS: unknown event code(s) ${unknown.slice(0, 5).join(', ')}`)
    if (problems.length)
      throw new ConfigError(`Action configuration error: invalid inputs: ${problems.join('; ')}`)
  }
  return config
}

/** The default subscription's definition, when WEBHOOK_URL is set. */
export function defaultSubscriptionOf(config: DeliveryConfig): DefaultSubscriptionInput | undefined {
  if (!config.webhookUrl) return undefined
  return { url: config.webhookUrl, secrets: config.webhookSecrets, eventTypes: config.webhookEvents }
}

export { DEFAULT_SUBSCRIPTION_ID }
