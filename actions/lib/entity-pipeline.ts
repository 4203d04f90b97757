/**
 * The one pipeline every entity handler (`entities/<entity>`) runs, written once:
 * validate (the entity's joi schema of the event data, shared with ingestion) → transform (the
 * entity's transform into a CanonicalEvent) → propagate (the Propagator: the publisher action) →
 * response (the starter kit's actionSuccessResponse / actionErrorResponse shapes).
 *
 * Status semantics (they travel back through the consumer to I/O Events and Debug Tracing):
 * 400 for a malformed event (never retried), the publisher's own code when it rejects or fails,
 * 5xx when propagation fails transiently (I/O Events retries; the publisher dedupes by event id).
 */
import { eventRegistry, type EventRegistry } from './event-registry'
import { compact, validateWith, type EntityChange, type EntityDefinition } from './entity-definition'
import type { CanonicalEvent } from './canonical-event'
import { checkEntityEvent, type EntityEvent } from './event-envelope'
import type { Propagator } from './propagator'
import { createPublisherPropagator, DEFAULT_PUBLISHER_ACTION } from './propagator'
import { createRuntimeInvoker } from './action-invoker'
import { actionSuccessResponse, actionErrorResponse, type ActionError, type ActionSuccess } from './responses'
import { HttpError, ValidationError, toActionErrorResponse } from './errors'
import type { Logger } from './logger'
import { parsers, logLevelField, type ConfigSpec } from './config'
import type { Clock } from './clock'
import { defineAction, type ActionMain } from './action-entry'
import { createInProcessPropagator, fanOut } from './delivery/fanout'
import { DELIVERY_INPUT_KEYS, loadDeliveryConfig } from './delivery/delivery-config'
import { defaultDeliveryDeps, deliveryRuntime } from './delivery/action-deps'
import type { CommerceEffects } from './commerce/effect-runner'
import { COMMERCE_INPUTS, createCommerceEffectsFromParams } from './commerce/commerce-config'
import { openStateStore } from './kv-store'

/** The params an entity handler is invoked with (by the consumer); declared in event-envelope.ts. */
export type { EntityEvent }

/** What the pipeline needs from the outside world. */
export interface PipelineDeps {
  propagator: Propagator
  clock: Pick<Clock, 'now'>
  logger: Logger
  /** The Commerce step (actions/lib/commerce); undefined when COMMERCE_BASE_URL is unset. */
  commerce?: CommerceEffects
}

/** An entity's pipeline: `handle` never throws, it always answers with a starter-kit response. */
export interface EntityPipeline {
  readonly entity: string
  handle(params: Record<string, unknown>, deps: PipelineDeps): Promise<ActionSuccess | ActionError>
}

/** Most schema issues listed in one error message (the rest are counted). */
const MAX_ISSUES = 10

/** Reads the event out of the handler's params; 400 naming every problem. */
export function parseEntityEvent(params: Record<string, unknown>): EntityEvent {
  const checked = checkEntityEvent(params)
  if (!checked.ok) throw new ValidationError(`invalid event: ${checked.issues.join('; ')}`, checked.issues)
  const { type, id, data, correlationId, receivedAt } = checked.value
  return { type, id, data, correlationId, receivedAt }
}

function validationMessage(type: string, issues: string[]): string {
  const shown = issues.slice(0, MAX_ISSUES).join('; ')
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : ''
  return `invalid data for ${type}: ${shown}${more}`
}

/**
 * Checks a definition against the registry (every code events.json lists for the entity has a
 * schema and a transform, and nothing else) and returns its pipeline.
 * @throws Error naming every mismatch: a handler that could not handle one of its codes must not deploy.
 */
export function createEntityPipeline(
  definition: EntityDefinition,
  registry: EventRegistry = eventRegistry,
): EntityPipeline {
  const { entity, schemas, transforms } = definition
  const expected = registry.byEntity(entity).map((d) => d.code)
  const problems = [
    ...(expected.length ? [] : [`entity ${entity} is not in events.json`]),
    ...expected.filter((c) => !schemas[c]).map((c) => `${c} has no schema`),
    ...expected.filter((c) => !transforms[c]).map((c) => `${c} has no transform`),
    ...[...Object.keys(schemas), ...Object.keys(transforms), ...Object.keys(definition.commerce ?? {})]
      .filter((c) => !expected.includes(c))
      .map((c) => `${c} is not a ${entity} event in events.json`),
  ]
  if (problems.length) throw new Error(`entities/${entity}: ${[...new Set(problems)].join('; ')}`)

  async function run(
    params: Record<string, unknown>,
    deps: PipelineDeps,
  ): Promise<ActionSuccess | ActionError> {
    const event = parseEntityEvent(params)
    const schema = schemas[event.type]
    if (!schema) throw new ValidationError(`event type ${event.type} is not handled by entities/${entity}`)

    const checked = validateWith(schema, event.data)
    if (!checked.ok) throw new ValidationError(validationMessage(event.type, checked.issues), checked.issues)

    const change: EntityChange = transforms[event.type](checked.value)
    const canonical: CanonicalEvent = {
      id: event.id,
      type: event.type,
      entity,
      entityId: String(change.entityId),
      entityType: change.entityType ?? entity,
      fields: compact(change.fields),
      receivedAt: event.receivedAt ?? new Date(deps.clock.now()).toISOString(),
    }

    // Commerce step, before the subscribers (effects declared in <entity>/commerce.ts): a back-office
    // change is applied to Commerce first; a Commerce event echoing our own change stops here.
    const effect = definition.commerce?.[event.type]
    let applied: string | undefined
    if (effect && deps.commerce) {
      const out = await deps.commerce.apply(effect, {
        id: event.id,
        type: event.type,
        entity,
        value: checked.value,
      })
      if (out.kind === 'skipped') return actionSuccessResponse(out.message)
      if (out.kind === 'failed') return actionErrorResponse(out.statusCode, out.message)
      applied = effect.call ? out.message : undefined
    }

    const outcome = await deps.propagator.propagate(canonical)
    const logMeta = {
      type: event.type,
      entityId: canonical.entityId,
      statusCode: outcome.statusCode,
      detail: outcome.detail,
    }
    if (outcome.statusCode >= 200 && outcome.statusCode < 300) {
      deps.logger.info('event propagated', logMeta)
      return actionSuccessResponse(
        `${event.type} for ${canonical.entityType} ${canonical.entityId}: ${applied ? `${applied}; ` : ''}${outcome.message}`,
      )
    }
    const transient = outcome.statusCode === 429 || outcome.statusCode >= 500
    if (transient) deps.logger.error('propagation failed; I/O Events will retry', logMeta)
    else deps.logger.warn('propagation rejected', logMeta)
    // 1xx/3xx from a publisher make no sense here: treat them as a broken dependency (retryable).
    const statusCode = outcome.statusCode >= 400 ? outcome.statusCode : 502
    return actionErrorResponse(statusCode, `propagation failed: ${outcome.message}`)
  }

  return {
    entity,
    async handle(params, deps) {
      try {
        return await run(params, deps)
      } catch (err) {
        const status = err instanceof HttpError ? err.statusCode : 500
        if (status >= 500)
          deps.logger.error('entity handler failed', { error: (err as Error)?.stack ?? String(err) })
        else deps.logger.warn('event rejected', { statusCode: status, error: (err as Error).message })
        return toActionErrorResponse(err)
      }
    },
  }
}

/** Inputs of every entity handler action (actions/entities/actions.config.yaml); LOG_LEVEL is the layer's. */
export interface EntityHandlerConfig {
  /** `in-process` (default): the fan-out runs in this activation; `action`: invoke PUBLISHER_ACTION. */
  fanoutMode: 'in-process' | 'action'
  publisherAction: string
}

const FANOUT_MODES = ['in-process', 'action'] as const

const handlerSpec: ConfigSpec<EntityHandlerConfig> = {
  fanoutMode: {
    key: 'FANOUT_MODE',
    default: 'in-process' as const,
    parse: (raw: unknown) => {
      const mode = String(raw) as EntityHandlerConfig['fanoutMode']
      if (!FANOUT_MODES.includes(mode)) throw new Error(`expected one of ${FANOUT_MODES.join(', ')}`)
      return mode
    },
  },
  publisherAction: { key: 'PUBLISHER_ACTION', default: DEFAULT_PUBLISHER_ACTION, parse: parsers.string },
}

/** What the layer builds for each entity handler activation. */
interface EntityHandlerDeps {
  propagator: Propagator
  commerce: CommerceEffects | undefined
}

/** Input names an entity handler reads: its own, the Commerce step's and the in-process fan-out's. */
export const ENTITY_HANDLER_INPUT_KEYS: ReadonlySet<string> = new Set([
  logLevelField.key,
  ...Object.values(handlerSpec).map((f) => f.key),
  ...COMMERCE_INPUTS,
  ...DELIVERY_INPUT_KEYS,
])

/**
 * The `main` of an entity handler action: a declaration for the entry-point layer around the
 * pipeline (config, logger with the correlation id, and the webhook fan-out: in-process by
 * default, or the publisher action over openwhisk with FANOUT_MODE=action). The pipeline and its
 * registry checks are built once, at module load; the pipeline answers its own errors, the layer
 * those of the setup (inputs, invoker).
 */
export function createEntityHandler(
  definition: EntityDefinition,
): ActionMain<EntityHandlerConfig, EntityHandlerDeps, unknown> {
  const pipeline = createEntityPipeline(definition)
  return defineAction({
    name: `entities/${definition.entity}`,
    config: handlerSpec,
    correlationId: (params) =>
      typeof params.correlationId === 'string'
        ? params.correlationId
        : typeof params.id === 'string'
          ? params.id
          : undefined,
    deps: {
      propagator: ({ config, params, clock, logger, deadline }) =>
        config.fanoutMode === 'action'
          ? createPublisherPropagator(createRuntimeInvoker(), config.publisherAction)
          : createInProcessPropagator(async (event) => {
              // Inputs and State are the fan-out's: their failures are the propagation's (500/503).
              const delivery = loadDeliveryConfig(params)
              const deps = await defaultDeliveryDeps(delivery)
              return fanOut(event, deliveryRuntime(delivery, { clock, logger }, deps), deadline.at)
            }),
      commerce: ({ params, clock, logger, deadline }) =>
        createCommerceEffectsFromParams(params, {
          clock,
          logger,
          store: openStateStore,
          deadline: deadline.at,
        }),
    },
    handler: ({ params, deps, clock, logger }) => {
      if (!deps.commerce && definition.commerce?.[String(params.type)]?.call)
        logger.warn('Commerce sync is off (COMMERCE_BASE_URL unset): change not applied to Commerce')
      return pipeline.handle(params, { propagator: deps.propagator, clock, logger, commerce: deps.commerce })
    },
    errorResponse: toActionErrorResponse,
    failureMessage: 'entity handler setup failed',
  })
}
