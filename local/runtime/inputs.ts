/**
 * `$VAR` / `${VAR}` substitution in manifest inputs, the way `aio app deploy` does it
 * (aio-lib-runtime `processInputs`): every string input has each `$NAME` / `${NAME}` replaced by
 * the env value or '' when unset; the type placeholders `string` / `integer` / `number` become
 * '' / 0 / 0; an object input with a `value` or `default` key collapses to that value.
 */
import { localWorkspace, type StackConfig } from '../stack-config'
import type { StackContext } from '../service'

/** Matches `$NAME`, `${NAME}` and `${ NAME }` exactly as aio-lib-runtime does. */
const ENV_REF = /(\$\{ *|\$)([a-zA-Z0-9_-]+)( *\}|)/g

/** Type placeholders aio turns into default values. */
const TYPE_DEFAULTS: Record<string, unknown> = { string: '', integer: 0, number: 0 }

/**
 * The env used for `$VAR` substitution in the local stack: `ctx.env` plus the values that point
 * actions at the local emulation. The emulation URLs and token always win (an action must never
 * reach the real Adobe services from a local run); org/project ids only fill gaps.
 * Exported so other local services (e.g. events registrations) substitute identically.
 */
export function localSubstitutionEnv(
  ctx: Pick<StackContext, 'env' | 'baseUrl'> & { config: Pick<StackConfig, 'imsOrgId' | 'imsToken'> },
): NodeJS.ProcessEnv {
  const ws = localWorkspace(ctx.env)
  const defaults: NodeJS.ProcessEnv = {
    OAUTH_ORG_ID: ctx.config.imsOrgId,
    // Locally the only accepted IMS token is bound to the local org, so that is the admin org.
    ADMIN_ALLOWED_ORGS: ctx.config.imsOrgId,
    IO_CONSUMER_ID: ws.consumerOrgId,
    IO_PROJECT_ID: ws.projectId,
    IO_WORKSPACE_ID: ws.workspaceId,
  }
  const env: NodeJS.ProcessEnv = { ...ctx.env }
  for (const [k, v] of Object.entries(defaults)) if (env[k] === undefined || env[k] === '') env[k] = v
  return {
    ...env,
    IO_EVENTS_BASE_URL: ctx.baseUrl,
    IO_EVENTS_INGRESS_URL: `${ctx.baseUrl}/ingress`,
    IO_EVENTS_ACCESS_TOKEN: ctx.config.imsToken,
  }
}

/** Replaces every env reference in one string; names of unset variables are added to `missing`. */
export function substituteString(value: string, env: NodeJS.ProcessEnv, missing?: Set<string>): string {
  return value.replace(ENV_REF, (_m, _open: string, name: string) => {
    const v = env[name]
    if (v === undefined || v === '') missing?.add(name)
    return v ?? ''
  })
}

/** Processes one manifest `inputs` object (not mutated) into the parameters the action receives. */
export function substituteInputs(
  inputs: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv,
  missing?: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(inputs ?? {})) out[key] = substituteValue(value, env, missing)
  return out
}

function substituteValue(value: unknown, env: NodeJS.ProcessEnv, missing?: Set<string>): unknown {
  if (typeof value === 'string') {
    return Object.prototype.hasOwnProperty.call(TYPE_DEFAULTS, value)
      ? TYPE_DEFAULTS[value]
      : substituteString(value, env, missing)
  }
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, env, missing))
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    // aio's "advanced parameter" form: { value: x } or { default: x } collapses to x.
    for (const k of ['value', 'default']) {
      if (Object.prototype.hasOwnProperty.call(obj, k)) {
        const v = obj[k]
        return typeof v === 'string' ? substituteString(v, env, missing) : v
      }
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(obj)) out[k] = substituteValue(v, env, missing)
    return out
  }
  return value
}
