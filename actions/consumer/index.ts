/**
 * event-hub/consumer: the non-web action an I/O Events registration invokes with each
 * CloudEvent. A declaration for the entry-point layer: config, dependencies (route table and
 * loop-breaker fingerprinter built once per warm container, openwhisk invoker per activation since
 * it reads the activation's credentials), then the core `routeEvent`.
 */
import { eventRegistry } from '../lib/event-registry'
import { createRouteTable } from '../lib/route-table'
import { createRuntimeInvoker } from '../lib/action-invoker'
import {
  createCanonicalFingerprinter,
  createLoopBreaker,
  DEFAULT_LOOP_TTL_SECONDS,
} from '../lib/loop-breaker'
import { routeEvent } from '../lib/event-router'
import { openStateStore } from '../lib/kv-store'
import { logLevelField, parsers, type ConfigSpec } from '../lib/config'
import { defineAction } from '../lib/action-entry'
import { entityDefinitions } from '../entities/catalog'
import { COMMERCE_EVENT_PREFIX_PATTERN } from '../lib/commerce-event-code'

/** The consumer's inputs (actions/consumer/actions.config.yaml); LOG_LEVEL is read by the layer. */
interface ConsumerConfig {
  /** Event codes checked by the loop breaker (`*` for all); empty turns it off. */
  loopBreakerEvents: string[]
  loopBreakerTtlSeconds: number
  /** The Commerce instance's app prefix (the starter kit's EVENT_PREFIX); empty when none. */
  commerceEventPrefix: string
}

const configSpec: ConfigSpec<ConsumerConfig> = {
  loopBreakerEvents: { key: 'LOOP_BREAKER_EVENTS', default: [], parse: parsers.list },
  loopBreakerTtlSeconds: {
    key: 'LOOP_BREAKER_TTL_SECONDS',
    default: DEFAULT_LOOP_TTL_SECONDS,
    parse: (raw) => {
      const n = parsers.int(raw)
      if (n < 1 || n > 86_400) throw new Error('expected seconds between 1 and 86400')
      return n
    },
  },
  commerceEventPrefix: {
    key: 'COMMERCE_EVENT_PREFIX',
    default: '',
    parse: (raw) => {
      const prefix = parsers.string(raw).trim()
      if (prefix && !COMMERCE_EVENT_PREFIX_PATTERN.test(prefix))
        throw new Error('expected letters, digits and underscores (at most 64)')
      return prefix
    },
  },
}

/** Every input the consumer reads (LOG_LEVEL is the layer's); the manifest test compares it. */
export const CONSUMER_INPUT_KEYS: ReadonlySet<string> = new Set([
  logLevelField.key,
  ...Object.values(configSpec).map((f) => f.key),
])

/** Runtime entry point. */
export const main = defineAction({
  name: 'event-hub/consumer',
  config: configSpec,
  correlationId: (params) => (typeof params.id === 'string' ? params.id : undefined),
  deps: {
    routes: { container: () => createRouteTable(eventRegistry) },
    fingerprint: { container: () => createCanonicalFingerprinter(Object.values(entityDefinitions)) },
    invoker: () => createRuntimeInvoker(),
    /** Opens State lazily: only an event the loop breaker checks pays for it. */
    openState: () => openStateStore,
  },
  handler: ({ params, config, deps, clock, logger }) => {
    const loopBreaker = config.loopBreakerEvents.length
      ? createLoopBreaker({
          store: deps.openState,
          fingerprint: deps.fingerprint,
          config: { events: config.loopBreakerEvents, ttlSeconds: config.loopBreakerTtlSeconds },
        })
      : undefined
    return routeEvent(params, {
      routes: deps.routes,
      invoker: deps.invoker,
      loopBreaker,
      clock,
      logger,
      commercePrefix: config.commerceEventPrefix || undefined,
    })
  },
  failureMessage: 'consumer failed',
})
