/**
 * Configuration of the local stack, read once from the environment (see the contract table in
 * README "The local stack" and `.env.example`).
 */
import path from 'node:path'

/** Namespace credentials: namespace name → `uuid:key`. */
export type NamespaceAuth = Map<string, string>

/** Everything the local stack's services need to know. */
export interface StackConfig {
  /** TCP port for everything (0 = pick a free one; tests do this). */
  port: number
  /** Host to bind; loopback only by default. */
  host: string
  /** Where durable data lives (SQLite files). */
  dataDir: string
  /** The app's namespace (`AIO_runtime_namespace`). */
  namespace: string
  /** The app's `uuid:key` (`AIO_runtime_auth`). */
  auth: string
  /** Every namespace the stack knows, the app's included. */
  namespaces: NamespaceAuth
  /** Bearer token the stack accepts for IMS-protected APIs (I/O Events, require-adobe-auth web actions). */
  imsToken: string
  /** IMS org id the stack accepts. */
  imsOrgId: string
  /** Max keys per State namespace (the real quota is 200,000). */
  stateMaxKeys: number
  /** Multiplier applied to platform schedules (I/O Events retries, alarms) so tests run fast; 1 = real time. */
  timeScale: number
  /** The project root (where app.config.yaml lives). */
  projectRoot: string
}

/** Default local credentials: not secrets, they only guard a loopback-bound dev server. */
export const LOCAL_DEFAULTS = {
  namespace: '1234567-eventhub-local',
  auth: '2e4dd3c4-9a2c-4c6c-9f0b-7a1de3b5a8c1:local-dev-key-9ab1c4f3d2e84b6aa0e9b7c51d3f2a86',
  imsToken: 'local-ims-token',
  imsOrgId: 'LOCALORG@AdobeOrg',
}

/** Parses `ns1=uuid:key,ns2=uuid:key`. */
export function parseNamespaces(raw: string | undefined): NamespaceAuth {
  const out: NamespaceAuth = new Map()
  for (const part of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq < 1 || !part.slice(eq + 1).includes(':')) {
      throw new Error(`LOCAL_NAMESPACES entry "${part.split('=')[0]}" must look like ns=uuid:key`)
    }
    out.set(part.slice(0, eq), part.slice(eq + 1))
  }
  return out
}

/** Builds the stack config from an environment (defaults to `process.env`), with overrides. */
export function loadStackConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<StackConfig> = {},
): StackConfig {
  // An empty variable (`PORT=` in .env) means "not set", as it does for the aio CLI.
  env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const projectRoot = overrides.projectRoot ?? path.resolve(__dirname, '..')
  const namespace = overrides.namespace ?? env.AIO_runtime_namespace ?? LOCAL_DEFAULTS.namespace
  const auth = overrides.auth ?? env.AIO_runtime_auth ?? LOCAL_DEFAULTS.auth
  // A copy: adding the app's own namespace must not change a map the caller passed in.
  const namespaces = new Map(overrides.namespaces ?? parseNamespaces(env.LOCAL_NAMESPACES))
  namespaces.set(namespace, auth)
  return {
    port: overrides.port ?? Number(env.PORT ?? 9080),
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(projectRoot, overrides.dataDir ?? env.DATA_DIR ?? '.local'),
    namespace,
    auth,
    namespaces,
    imsToken: overrides.imsToken ?? env.LOCAL_IMS_TOKEN ?? LOCAL_DEFAULTS.imsToken,
    imsOrgId: overrides.imsOrgId ?? env.LOCAL_IMS_ORG_ID ?? LOCAL_DEFAULTS.imsOrgId,
    stateMaxKeys: overrides.stateMaxKeys ?? Number(env.LOCAL_STATE_MAX_KEYS ?? 200_000),
    timeScale: overrides.timeScale ?? Number(env.LOCAL_TIME_SCALE ?? 1),
    projectRoot,
  }
}

/** The I/O Events workspace the local stack's actions, manifest registrations and onboarding share. */
export interface LocalWorkspace {
  /** Consumer org id used in management API paths (IO_CONSUMER_ID). */
  consumerOrgId: string
  projectId: string
  workspaceId: string
  /** Client id (x-api-key) of the workspace credential. */
  apiKey: string
}

/**
 * One definition of the local workspace ids, so providers onboarded locally are found by the
 * ingestion action and manifest registrations land in the same workspace. Values from `.env`
 * (IO_CONSUMER_ID, IO_PROJECT_ID, IO_WORKSPACE_ID, OAUTH_CLIENT_ID) win when set.
 */
export function localWorkspace(env: NodeJS.ProcessEnv): LocalWorkspace {
  return {
    consumerOrgId: env.IO_CONSUMER_ID || 'local-consumer',
    projectId: env.IO_PROJECT_ID || 'local-project',
    workspaceId: env.IO_WORKSPACE_ID || 'local-workspace',
    apiKey: env.OAUTH_CLIENT_ID || 'local-api-key',
  }
}
