/**
 * The entities the local runtime builds from app.config.yaml, and the strict schemas their
 * manifest entries must satisfy (stricter than the aio JSON schema: anything Adobe I/O Runtime
 * or this emulator would not run as written is rejected at start-up).
 */
import Joi from 'joi'

/** Where a manifest key was written (after `$include` resolution). */
export interface SourceRef {
  file: string
  key: string
}

/** Limits of one action, OpenWhisk units (ms, MB, MB). */
export interface ActionLimits {
  timeout: number
  memory: number
  logs: number
}

/** An action as the runtime serves it. */
export interface ActionSpec {
  /** `pkg/action` (just `action` for the default package). */
  name: string
  packageName: string | undefined
  actionName: string
  /** Absolute path of the source (`function:`). */
  functionPath: string
  runtime: string
  /** OpenWhisk annotations as `aio app deploy` computes them (web-export, raw-http, final, …). */
  annotations: Record<string, unknown>
  webExport: boolean
  rawHttp: boolean
  final: boolean
  requireAdobeAuth: boolean
  webCustomOptions: boolean
  /** Bound parameters: package inputs, then action inputs (later wins), after `$VAR` substitution. */
  params: Record<string, unknown>
  limits: ActionLimits
  source: SourceRef
}

/** The alarm feeds of /whisk.system/alarms. */
export type AlarmFeed = 'interval' | 'alarm' | 'once'

/** A trigger fed by an alarm. */
export interface TriggerSpec {
  name: string
  packageName: string
  feed: AlarmFeed
  minutes?: number
  cron?: string
  date?: number
  startDate?: number
  stopDate?: number
  payload: Record<string, unknown>
  source: SourceRef
}

/** A rule binding a trigger to an action (`pkg/action`). */
export interface RuleSpec {
  name: string
  trigger: string
  action: string
  source: SourceRef
}

/** The loaded app. */
export interface AppManifest {
  manifestPath: string
  /** Folder of app.config.yaml: `function:` paths and dist/ are relative to it. */
  root: string
  actions: Map<string, ActionSpec>
  triggers: Map<string, TriggerSpec>
  rules: RuleSpec[]
  /** Names of `$VAR`s referenced by inputs but unset (aio deploys them as ''). */
  missingEnv: string[]
}

/** Runtimes Adobe I/O Runtime accepts for `runtime:` (aio-lib-runtime's list, node kinds only). */
const NODE_KINDS = ['nodejs:18', 'nodejs:20', 'nodejs:22', 'nodejs:24']

/** OpenWhisk limits (Adobe I/O Runtime ranges). */
export const LIMITS = {
  timeout: { min: 100, max: 3 * 60 * 60 * 1000, default: 60_000 },
  memory: { min: 128, max: 4096, default: 256 },
  logs: { min: 0, max: 10, default: 10 },
}

export const ALARM_FEEDS: Record<string, AlarmFeed> = {
  '/whisk.system/alarms/interval': 'interval',
  '/whisk.system/alarms/alarm': 'alarm',
  '/whisk.system/alarms/once': 'once',
}

const webValue = Joi.alternatives(Joi.boolean(), Joi.string().valid('yes', 'no', 'raw', 'true', 'false'))
const inputsSchema = Joi.object().pattern(/^/, Joi.any())
const annotationsSchema = Joi.object({
  final: Joi.boolean(),
  'require-adobe-auth': Joi.boolean(),
  'web-export': webValue,
  'raw-http': Joi.boolean(),
  'web-custom-options': Joi.boolean(),
  'require-whisk-auth': Joi.alternatives(Joi.boolean(), Joi.string()),
  description: Joi.string(),
}).unknown(true)
export const actionSchema = Joi.object({
  function: Joi.string().required(),
  web: webValue,
  runtime: Joi.string()
    .valid(...NODE_KINDS)
    .required(),
  main: Joi.string().valid('main'),
  inputs: inputsSchema,
  annotations: annotationsSchema,
  limits: Joi.object({
    timeout: Joi.number().integer().min(LIMITS.timeout.min).max(LIMITS.timeout.max),
    memory: Joi.number().integer().min(LIMITS.memory.min).max(LIMITS.memory.max),
    memorySize: Joi.number().integer().min(LIMITS.memory.min).max(LIMITS.memory.max),
    logs: Joi.number().integer().min(LIMITS.logs.min).max(LIMITS.logs.max),
    logSize: Joi.number().integer().min(LIMITS.logs.min).max(LIMITS.logs.max),
    concurrency: Joi.number().integer().valid(1),
  }),
  include: Joi.array().items(Joi.array().items(Joi.string()).min(1).max(2)),
  version: Joi.string(),
  description: Joi.string(),
})
// Trigger inputs may hold `$VAR`s: their values are checked after substitution (toTriggerSpec).
const dateValue = Joi.alternatives(Joi.string(), Joi.number().integer().min(0))
export const triggerSchema = Joi.object({
  feed: Joi.string()
    .valid(...Object.keys(ALARM_FEEDS))
    .required(),
  inputs: Joi.object({
    minutes: Joi.alternatives(Joi.number().integer().min(1), Joi.string()),
    cron: Joi.string(),
    date: dateValue,
    trigger_payload: Joi.alternatives(Joi.object(), Joi.string()),
    startDate: dateValue,
    stopDate: dateValue,
    deleteAfterFire: Joi.alternatives(Joi.boolean(), Joi.string().valid('false', 'true', 'rules')),
  }).default({}),
  annotations: Joi.object(),
})
export const ruleSchema = Joi.object({ trigger: Joi.string().required(), action: Joi.string().required() })
export const packageSchema = Joi.object({
  license: Joi.string(),
  version: Joi.string(),
  public: Joi.boolean(),
  inputs: inputsSchema,
  actions: Joi.object().pattern(/^/, Joi.any()),
  triggers: Joi.object().pattern(/^/, Joi.any()),
  rules: Joi.object().pattern(/^/, Joi.any()),
})
/** OpenWhisk entity names: `\w`, then `\w@ .-`, not ending in a space. */
export const ENTITY_NAME = /^([\w]|[\w][\w@ .-]*[\w@.-]+)$/
