/**
 * event-hub/consumer: the non-web action an I/O Events registration invokes with each
 * CloudEvent. A thin adapter: config from params, dependencies (route table built once from
 * events.json, openwhisk invoker, loop breaker over State), then the core `routeEvent`.
 */
import { eventRegistry } from '../lib/event-registry'
import { createRouteTable } from '../lib/route-table'
import { createRuntimeInvoker } from '../lib/action-invoker'
import {
  createCanonicalFingerprinter,
  createLoopBreaker,
  DEFAULT_LOOP_TTL_SECONDS,
} from '../lib/loop-breaker'
import { routeEvent, type RouterResult } from '../lib/event-router'
import { openStateStore } from '../lib/kv-store'
import { loadConfig, parsers, logLevelField, type ConfigSpec } from '../lib/config'
import { createLogger } from '../lib/logger'
import { systemClock } from '../lib/clock'
import { toErrorResponse } from '../lib/errors'
import { entityDefinitions } from '../entities/catalog'

/** The consumer's inputs (actions/consumer/actions.config.yaml). */
interface ConsumerConfig {
  logLevel: string
  /** Event codes checked by the loop breaker (`*` for all); empty turns it off. */
  loopBreakerEvents: string[]
  loopBreakerTtlSeconds: number
}

const configSpec: ConfigSpec<ConsumerConfig> = {
  logLevel: logLevelField,
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
}

// Built once per warm container.
const routes = createRouteTable(eventRegistry)
const fingerprint = createCanonicalFingerprinter(Object.values(entityDefinitions))

/** Runtime entry point. */
export async function main(params: Record<string, unknown>): Promise<RouterResult> {
  const correlationId = typeof params.id === 'string' ? params.id : undefined
  let logger = createLogger('event-hub/consumer', 'info', { correlationId })
  try {
    const config = loadConfig(params, configSpec)
    logger = createLogger('event-hub/consumer', config.logLevel, { correlationId })
    const loopBreaker = config.loopBreakerEvents.length
      ? createLoopBreaker({
          store: openStateStore,
          fingerprint,
          config: { events: config.loopBreakerEvents, ttlSeconds: config.loopBreakerTtlSeconds },
        })
      : undefined
    return await routeEvent(params, {
      routes,
      invoker: createRuntimeInvoker(),
      loopBreaker,
      clock: systemClock,
      logger,
    })
  } catch (err) {
    logger.error('consumer failed', { error: (err as Error)?.message ?? String(err) })
    return toErrorResponse(err)
  }
}
