/**
 * Loads app.config.yaml the way the aio CLI does (`@adobe/aio-cli-lib-app-config` `coalesce` +
 * `validate`: same `$include` resolution, same path rewriting, same JSON schema) and turns the
 * runtime manifest into the entities the local runtime serves: actions, triggers, rules.
 *
 * The aio schema is permissive (unknown keys under a package or action pass), so this module adds
 * a strict pass: anything the local runtime would not run exactly as Adobe I/O Runtime fails
 * start-up with the file and key that declared it.
 */
import path from 'node:path'
import type Joi from 'joi'
import { parseCron } from './cron'
import { substituteInputs } from './inputs'
import {
  ALARM_FEEDS,
  ENTITY_NAME,
  LIMITS,
  actionSchema,
  packageSchema,
  ruleSchema,
  triggerSchema,
  type ActionSpec,
  type AppManifest,
  type SourceRef,
  type TriggerSpec,
} from './manifest-schema'

export type {
  ActionLimits,
  ActionSpec,
  AlarmFeed,
  AppManifest,
  RuleSpec,
  SourceRef,
  TriggerSpec,
} from './manifest-schema'
export { LIMITS }

/** A start-up failure naming where in the manifest the problem is. */
class ManifestError extends Error {}

interface IncludeIndex {
  [fullKey: string]: { file: string; key: string }
}

/** Options of `loadManifest`. */
export interface LoadOptions {
  /** False to skip triggers and rules (a build needs only the actions). Default true. */
  triggers?: boolean
}

/** Loads, validates and resolves the manifest at `manifestPath`; `env` feeds `$VAR` substitution. */
export async function loadManifest(
  manifestPath: string,
  env: NodeJS.ProcessEnv,
  options: LoadOptions = {},
): Promise<AppManifest> {
  const withTriggers = options.triggers !== false
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const appConfig = require('@adobe/aio-cli-lib-app-config') as {
    coalesce(
      file: string,
      o: { absolutePaths: boolean },
    ): Promise<{ config: any; includeIndex: IncludeIndex }>
    validate(config: unknown, o: { throws: boolean }): Promise<{ valid: boolean; errors: any[] }>
  }
  const absolute = path.resolve(manifestPath)
  let coalesced: { config: any; includeIndex: IncludeIndex }
  try {
    // coalesce takes the file path (no cwd dependence), resolves $include and rewrites paths.
    coalesced = await appConfig.coalesce(absolute, { absolutePaths: true })
  } catch (err) {
    throw new ManifestError(`${absolute}: ${(err as Error).message}`)
  }
  const { config, includeIndex } = coalesced
  const where = (keys: (string | number)[]): SourceRef => locate(includeIndex, absolute, keys)
  const schemaCheck = await appConfig.validate(config, { throws: false })
  if (!schemaCheck.valid) {
    const e = schemaCheck.errors[0] as { instancePath: string; message: string }
    const keys = e.instancePath.split('/').filter(Boolean)
    throw new ManifestError(`${fmt(where(keys))}: ${e.message} (aio app.config.yaml schema)`)
  }
  const root = path.dirname(absolute)
  const manifest: AppManifest = {
    manifestPath: absolute,
    root,
    actions: new Map(),
    triggers: new Map(),
    rules: [],
    missingEnv: [],
  }
  const missing = new Set<string>()
  // `application.events` (I/O Events registrations) is the events service's business, not ours.
  // Packages come from `application` and from every extension (`extensions.<point>`, e.g. the
  // Commerce Admin UI SDK's `commerce/backend-ui/1`): aio deploys both into the one namespace, so
  // a package or action declared twice is a start-up error here rather than a silent override.
  const sources = packageSources(config)
  const packages: Record<string, any> = {}
  const packagePath = new Map<string, (string | number)[]>()
  for (const { keys, packages: pkgs } of sources) {
    for (const [pkgName, pkgRaw] of Object.entries(pkgs)) {
      if (packagePath.has(pkgName))
        throw new ManifestError(`${fmt(where([...keys, pkgName]))}: package "${pkgName}" is declared twice`)
      packages[pkgName] = pkgRaw
      packagePath.set(pkgName, [...keys, pkgName])
    }
  }
  for (const [pkgName, pkgRaw] of Object.entries(packages)) {
    const pkgKeys = packagePath.get(pkgName)!.map(String)
    const pkg = check(packageSchema, pkgRaw ?? {}, pkgKeys, where)
    const pkgParams = substituteInputs(pkg.inputs, env, missing)
    const packageName = pkgName === 'default' ? undefined : pkgName
    for (const [actionName, actionRaw] of Object.entries((pkg.actions ?? {}) as Record<string, unknown>)) {
      const keys = [...pkgKeys, 'actions', actionName]
      if (!ENTITY_NAME.test(actionName)) throw new ManifestError(`${fmt(where(keys))}: invalid action name`)
      const a = check(actionSchema, actionRaw ?? {}, keys, where)
      const spec = toActionSpec(packageName, actionName, a, pkgParams, env, missing, where(keys))
      manifest.actions.set(spec.name, spec)
    }
    for (const [triggerName, triggerRaw] of Object.entries(
      (withTriggers ? (pkg.triggers ?? {}) : {}) as Record<string, unknown>,
    )) {
      const keys = [...pkgKeys, 'triggers', triggerName]
      const t = check(triggerSchema, triggerRaw ?? {}, keys, where)
      if (manifest.triggers.has(triggerName))
        throw new ManifestError(`${fmt(where(keys))}: duplicate trigger name`)
      manifest.triggers.set(triggerName, toTriggerSpec(pkgName, triggerName, t, env, missing, where(keys)))
    }
  }
  // Rules resolve after every package is read: they name triggers and actions (aio scopes both to the package).
  for (const [pkgName, pkgRaw] of Object.entries(packages)) {
    for (const [ruleName, ruleRaw] of Object.entries(
      (withTriggers ? (pkgRaw?.rules ?? {}) : {}) as Record<string, unknown>,
    )) {
      const keys = [...packagePath.get(pkgName)!.map(String), 'rules', ruleName]
      const r = check(ruleSchema, ruleRaw ?? {}, keys, where)
      const actionName = `${pkgName === 'default' ? '' : `${pkgName}/`}${String(r.action).split('/').pop()}`
      if (!manifest.triggers.has(r.trigger))
        throw new ManifestError(`${fmt(where([...keys, 'trigger']))}: unknown trigger "${r.trigger}"`)
      if (!manifest.actions.has(actionName))
        throw new ManifestError(`${fmt(where([...keys, 'action']))}: unknown action "${r.action}"`)
      manifest.rules.push({ name: ruleName, trigger: r.trigger, action: actionName, source: where(keys) })
    }
  }
  manifest.missingEnv = [...missing].sort()
  return manifest
}

/** Where runtime packages are declared: `application` and each `extensions.<extension point>`. */
function packageSources(config: any): { keys: string[]; packages: Record<string, any> }[] {
  const out: { keys: string[]; packages: Record<string, any> }[] = [
    {
      keys: ['application', 'runtimeManifest', 'packages'],
      packages: (config.application?.runtimeManifest?.packages ?? {}) as Record<string, any>,
    },
  ]
  for (const [point, ext] of Object.entries((config.extensions ?? {}) as Record<string, any>)) {
    out.push({
      keys: ['extensions', point, 'runtimeManifest', 'packages'],
      packages: (ext?.runtimeManifest?.packages ?? {}) as Record<string, any>,
    })
  }
  return out
}

function toActionSpec(
  packageName: string | undefined,
  actionName: string,
  a: any,
  pkgParams: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  missing: Set<string>,
  source: SourceRef,
): ActionSpec {
  const annotations: Record<string, unknown> = { ...(a.annotations ?? {}) }
  // Same derivation as aio-lib-runtime returnAnnotations/processAnnotationsForWebAction.
  const truthy = (v: unknown): boolean => v === true || v === 'yes' || v === 'raw' || v === 'true'
  const webExport = truthy(a.web) || truthy(annotations['web-export'])
  const rawHttp =
    webExport && (a.web === 'raw' || annotations['web-export'] === 'raw' || annotations['raw-http'] === true)
  annotations['web-export'] = webExport
  annotations['raw-http'] = rawHttp
  // aio only keeps `final` on web actions; on others it has no effect anyway.
  if (!webExport) delete annotations.final
  const limits = a.limits ?? {}
  return {
    name: packageName ? `${packageName}/${actionName}` : actionName,
    packageName,
    actionName,
    functionPath: path.resolve(a.function),
    runtime: a.runtime,
    annotations,
    webExport,
    rawHttp,
    final: webExport && annotations.final === true,
    requireAdobeAuth: webExport && annotations['require-adobe-auth'] === true,
    webCustomOptions: annotations['web-custom-options'] === true,
    params: { ...pkgParams, ...substituteInputs(a.inputs, env, missing) },
    limits: {
      timeout: limits.timeout ?? LIMITS.timeout.default,
      memory: limits.memory ?? limits.memorySize ?? LIMITS.memory.default,
      logs: limits.logs ?? limits.logSize ?? LIMITS.logs.default,
    },
    source,
  }
}

function toTriggerSpec(
  packageName: string,
  name: string,
  t: any,
  env: NodeJS.ProcessEnv,
  missing: Set<string>,
  source: SourceRef,
): TriggerSpec {
  const inputs = substituteInputs(t.inputs, env, missing)
  const feed = ALARM_FEEDS[t.feed]
  const need = { interval: 'minutes', alarm: 'cron', once: 'date' }[feed]
  if (inputs[need] === undefined || inputs[need] === '') {
    throw new ManifestError(`${fmt(source)}.inputs: feed ${t.feed} requires "${need}"`)
  }
  if (feed === 'interval' && !(Number.isInteger(Number(inputs.minutes)) && Number(inputs.minutes) >= 1)) {
    throw new ManifestError(`${fmt(source)}.inputs.minutes: must be a whole number of minutes >= 1`)
  }
  if (feed === 'alarm') {
    try {
      parseCron(String(inputs.cron))
    } catch (err) {
      throw new ManifestError(`${fmt(source)}.inputs.cron: ${(err as Error).message}`)
    }
  }
  const date = (k: string): number | undefined => {
    const v = inputs[k]
    if (v === undefined) return undefined
    const ms = new Date(v as string | number).getTime()
    if (Number.isNaN(ms)) throw new ManifestError(`${fmt(source)}.inputs.${k}: not a date`)
    return ms
  }
  let payload: Record<string, unknown> = {}
  const raw = inputs.trigger_payload
  if (typeof raw === 'string') {
    try {
      payload = JSON.parse(raw) as Record<string, unknown>
    } catch {
      throw new ManifestError(`${fmt(source)}.inputs.trigger_payload: not a JSON object`)
    }
  } else if (raw && typeof raw === 'object') payload = raw as Record<string, unknown>
  return {
    name,
    packageName,
    feed,
    minutes: feed === 'interval' ? Number(inputs.minutes) : undefined,
    cron: feed === 'alarm' ? String(inputs.cron) : undefined,
    date: feed === 'once' ? date('date') : undefined,
    startDate: date('startDate'),
    stopDate: date('stopDate'),
    payload,
    source,
  }
}

/** Validates `value` against `schema`; the error names the file and key of the first problem. */
function check(
  schema: Joi.Schema,
  value: unknown,
  keys: string[],
  where: (k: (string | number)[]) => SourceRef,
): any {
  const { error, value: out } = schema.validate(value, { abortEarly: true, convert: true })
  if (error) {
    const d = error.details[0]
    const problem =
      d.type === 'object.unknown'
        ? 'unknown key (not supported by Adobe I/O Runtime or this emulator)'
        : d.message
    throw new ManifestError(`${fmt(where([...keys, ...d.path]))}: ${problem}`)
  }
  return out
}

/** Finds the file and in-file key for a full key path, using coalesce's include index. */
function locate(index: IncludeIndex, manifestPath: string, keys: (string | number)[]): SourceRef {
  for (let n = keys.length; n > 0; n--) {
    const hit = index[keys.slice(0, n).join('.')]
    if (hit) {
      const rest = keys.slice(n).map(String)
      return { file: path.resolve(hit.file), key: [hit.key, ...rest].filter(Boolean).join('.') }
    }
  }
  return { file: manifestPath, key: keys.join('.') }
}

function fmt(ref: SourceRef): string {
  return `${ref.file}: ${ref.key}`
}
