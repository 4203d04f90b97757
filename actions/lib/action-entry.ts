/**
 * The one way to write an action's entry point (in the spirit of middy / Powertools for AWS
 * Lambda, not their code). An action declares its name, its config spec, its dependency factories
 * and its handler; `defineAction` turns that into the `main(params)` Runtime calls, and does, the
 * same way for every action:
 *
 * 1. builds the logger with the activation's correlation id (and activation id);
 * 2. reads the activation deadline (`__OW_DEADLINE`, epoch ms, set per activation by Runtime);
 * 3. runs the optional `request` step (method, size, authentication: what must be decided before
 *    configuration is even read, so an unauthenticated caller never learns about a misconfiguration);
 * 4. loads the config (`loadConfig`: every missing or malformed input named in one ConfigError);
 * 5. builds the dependencies: `container` ones once per warm container (per distinct config),
 *    the others per activation; tests replace any of them with `main.withDeps({...})`;
 * 6. calls the handler;
 * 7. maps every thrown value in one place: 5xx logged as errors with the whole `cause` chain and
 *    answered with a generic message, 4xx logged at info and answered with their message.
 *
 * Instrumentation (OpenTelemetry or anything else) hooks in around step 1–7 through
 * `installInstrumentation`; nothing is installed by default.
 */
import { createHash } from 'node:crypto'
import { systemClock, type Clock } from './clock'
import { LOG_LEVELS, loadConfig, logLevelField, type ConfigSpec } from './config'
import { causeChain, describeError, toErrorResponse } from './errors'
import { createLogger, type Logger } from './logger'

/** Raw action params as Runtime passes them (inputs, request fields, `__ow_*`). */
export type Params = Record<string, unknown>

/** The activation's time limit. */
export interface Deadline {
  /** Epoch ms at which Runtime stops the activation; undefined outside Runtime (unit tests, scripts). */
  readonly at: number | undefined
  /** Milliseconds left before `at` (never negative); `Infinity` when the deadline is unknown. */
  remainingMs(): number
}

/** What every step sees before the config is loaded. */
export interface RequestContext {
  /** The action's name, as in the logs (`ingestion/webhook`). */
  readonly action: string
  readonly params: Params
  readonly logger: Logger
  readonly deadline: Deadline
  readonly clock: Clock
  /** The id that ties this activation's logs to the event it handles, when the action has one. */
  readonly correlationId: string | undefined
}

/** What dependency factories and the handler see once the config is loaded. */
export interface ConfiguredContext<C> extends RequestContext {
  readonly config: C
}

/** Builds one dependency. */
export type Factory<C, T> = (ctx: ConfiguredContext<C>) => T | Promise<T>

/**
 * One dependency: a factory (built per activation), or `{ container: factory }` for something
 * worth keeping across warm activations (clients with connection pools, token caches, tables).
 * Container-scoped values are cached per distinct config, so a changed input builds a new one.
 */
export type DependencyDeclaration<C, T> = Factory<C, T> | { container: Factory<C, T> }

/** The handler's input: the context, the config, the dependencies and the request step's result. */
export interface HandlerInput<C, D, Q> extends ConfiguredContext<C> {
  readonly deps: D
  readonly request: Q
}

/** Declaration of one action. */
export interface ActionDefinition<C, D, Q, R> {
  /** Name used in logs and instrumentation, e.g. `event-hub/consumer`. */
  name: string
  /** The action's inputs (LOG_LEVEL is read by the layer; do not declare it). */
  config: ConfigSpec<C> | ((params: Params) => C)
  /** Dependency factories with their production defaults. */
  deps: { [K in keyof D]: DependencyDeclaration<C, D[K]> }
  /** Correlation id of an activation (e.g. the CloudEvent id); default none. */
  correlationId?: (params: Params) => string | undefined
  /** Checks and decodes the request before configuration is read; its result is `request`. */
  request?: (ctx: RequestContext) => Q | Promise<Q>
  handler: (input: HandlerInput<C, D, Q>) => Promise<R>
  /** The response for a thrown value; default `toErrorResponse` (`{error:{statusCode, body:{error}}}`). */
  errorResponse?: (err: unknown) => unknown
  /** Message of the error log line of a 5xx; default `<name> failed`. */
  failureMessage?: string
}

/** What one activation is, for instrumentation. */
export interface ActivationInfo {
  action: string
  correlationId: string | undefined
  activationId: string | undefined
}

/**
 * The instrumentation hook: wraps every activation of every action. `run` never throws (errors
 * are already mapped to responses) and must be called exactly once; its value must be returned.
 */
export interface Instrumentation {
  activation<R>(info: ActivationInfo, run: () => Promise<R>): Promise<R>
}

let instrumentation: Instrumentation | undefined

/** Installs (or with `undefined` removes) the instrumentation around every action's activations. */
export function installInstrumentation(hook: Instrumentation | undefined): void {
  instrumentation = hook
}

/** Replacement factories for some dependencies (tests: `{ kv: () => fakeKv }`); always per activation. */
export type DependencyOverrides<C, D> = { [K in keyof D]?: Factory<C, D[K]> }

/** What `withDeps` can replace besides dependencies. */
export interface EntryOptions {
  clock?: Clock
  /** Where `__OW_DEADLINE` and `__OW_ACTIVATION_ID` are read (default `process.env`). */
  env?: NodeJS.ProcessEnv
  /** Builds the activation's logger (default `createLogger`; tests capture lines with it). */
  createLogger?: typeof createLogger
}

/** The entry point Runtime calls, plus the test seam. */
export interface ActionMain<C, D, R> {
  (params: Params): Promise<unknown>
  /**
   * The same action with some dependencies replaced, a fresh container cache, and optionally
   * another clock and environment (for `__OW_DEADLINE` / `__OW_ACTIVATION_ID`).
   */
  withDeps(overrides: DependencyOverrides<C, D>, options?: EntryOptions): ActionMain<C, D, R>
}

/** The deadline from Runtime's `__OW_DEADLINE` (epoch ms), read per activation. */
function activationDeadline(env: NodeJS.ProcessEnv, clock: Clock): Deadline {
  const raw = Number(env.__OW_DEADLINE)
  const at = Number.isFinite(raw) && raw > 0 ? raw : undefined
  return {
    at,
    remainingMs: () => (at === undefined ? Infinity : Math.max(0, at - clock.now())),
  }
}

/** A valid LOG_LEVEL, or `info` (an invalid one is still reported, as a ConfigError, in step 4). */
function logLevelOf(params: Params): string {
  const raw = typeof params.LOG_LEVEL === 'string' ? params.LOG_LEVEL.trim() : ''
  return (LOG_LEVELS as readonly string[]).includes(raw) ? raw : 'info'
}

function fingerprint(config: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(config) ?? '')
    .digest('hex')
}

/** Turns a declaration into Runtime's `main`. */
export function defineAction<C, D, Q = undefined, R = unknown>(
  def: ActionDefinition<C, D, Q, R>,
): ActionMain<C, D, R> {
  return build(def, {}, { clock: systemClock, env: process.env, createLogger })
}

function build<C, D, Q, R>(
  def: ActionDefinition<C, D, Q, R>,
  overrides: DependencyOverrides<C, D>,
  options: Required<EntryOptions>,
): ActionMain<C, D, R> {
  const { clock, env } = options
  // Per warm container (module scope of the bundle): container-scoped dependencies by name + config.
  const containerCache = new Map<string, Promise<unknown>>()

  const loadActionConfig = (params: Params): C => {
    // LOG_LEVEL is every action's input; a typo is a configuration error, not silence.
    loadConfig(params, { logLevel: logLevelField })
    return typeof def.config === 'function' ? def.config(params) : loadConfig(params, def.config)
  }

  const resolveDeps = async (ctx: ConfiguredContext<C>): Promise<D> => {
    const out: Partial<D> = {}
    const key = fingerprint(ctx.config)
    for (const name of Object.keys(def.deps) as (keyof D & string)[]) {
      const override = overrides[name]
      if (override) {
        out[name] = await override(ctx)
        continue
      }
      const declared = def.deps[name]
      if (typeof declared === 'function') {
        out[name] = await declared(ctx)
        continue
      }
      const cacheKey = `${name}\u0000${key}`
      let cached = containerCache.get(cacheKey)
      if (!cached) {
        cached = Promise.resolve().then(() => declared.container(ctx))
        containerCache.set(cacheKey, cached)
        // A failed build is not cached: the next activation tries again.
        cached.catch(() => containerCache.delete(cacheKey))
      }
      out[name] = (await cached) as D[typeof name]
    }
    return out as D
  }

  const activate = async (params: Params, info: ActivationInfo): Promise<unknown> => {
    const logger = options.createLogger(def.name, logLevelOf(params), {
      ...(info.correlationId !== undefined ? { correlationId: info.correlationId } : {}),
      activationId: info.activationId,
    })
    const base: RequestContext = {
      action: def.name,
      params,
      logger,
      deadline: activationDeadline(env, clock),
      clock,
      correlationId: info.correlationId,
    }
    try {
      const request = (def.request ? await def.request(base) : undefined) as Q
      const configured: ConfiguredContext<C> = { ...base, config: loadActionConfig(params) }
      const deps = await resolveDeps(configured)
      return await def.handler({ ...configured, deps, request })
    } catch (err) {
      const { statusCode, message } = describeError(err)
      if (statusCode >= 500)
        logger.error(def.failureMessage ?? `${def.name} failed`, {
          statusCode,
          error: causeChain(err).join(' <- '),
          remainingMs: base.deadline.at === undefined ? undefined : base.deadline.remainingMs(),
        })
      else logger.info('request rejected', { statusCode, reason: message })
      return (def.errorResponse ?? toErrorResponse)(err)
    }
  }

  const main = (async (params: Params) => {
    const info: ActivationInfo = {
      action: def.name,
      correlationId: def.correlationId?.(params),
      activationId: env.__OW_ACTIVATION_ID,
    }
    const hook = instrumentation
    return hook ? hook.activation(info, () => activate(params, info)) : activate(params, info)
  }) as ActionMain<C, D, R>
  main.withDeps = (more, replaced = {}) => build(def, { ...overrides, ...more }, { ...options, ...replaced })
  return main
}
