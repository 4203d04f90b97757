/**
 * The Commerce inputs of the entity handlers and the wiring of the Commerce step from them.
 *
 * - `COMMERCE_BASE_URL`: the store's REST base (`https://store.example.com/rest/`; `V1/…` is
 *   appended). Unset = Commerce sync off (the handler logs it and only notifies subscribers).
 * - `COMMERCE_AUTH`: `integration` or `ims`; unset = `integration` when the four
 *   `COMMERCE_CONSUMER_KEY`, `COMMERCE_CONSUMER_SECRET`, `COMMERCE_ACCESS_TOKEN`,
 *   `COMMERCE_ACCESS_TOKEN_SECRET` are set, else `ims`.
 * - IMS: the app's OAuth server-to-server credential (`OAUTH_*`, through @adobe/aio-lib-ims, cached
 *   per warm container) or the static `IO_EVENTS_ACCESS_TOKEN` (the local stack's token).
 * - `COMMERCE_TIMEOUT` (ms per attempt, default 10000), `COMMERCE_MAX_ATTEMPTS` (default 3),
 *   `COMMERCE_ECHO_WINDOW_SECONDS` (default 300).
 */
import { loadConfig, parsers, type ConfigSpec } from '../config'
import { ConfigError } from '../errors'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { KvStore } from '../kv-store'
import { createAccessTokenProvider } from '../ims-token'
import {
  createCommerceClient,
  imsAuth,
  integrationAuth,
  type CommerceAuth,
  type CommerceClient,
} from './commerce-client'
import { createEchoGuard, DEFAULT_ECHO_WINDOW_SECONDS } from './echo-guard'
import { createCommerceEffects, type CommerceEffects } from './effect-runner'

/** Every input the Commerce step reads (declared in actions/entities/actions.config.yaml). */
export const COMMERCE_INPUTS = [
  'COMMERCE_BASE_URL',
  'COMMERCE_AUTH',
  'COMMERCE_CONSUMER_KEY',
  'COMMERCE_CONSUMER_SECRET',
  'COMMERCE_ACCESS_TOKEN',
  'COMMERCE_ACCESS_TOKEN_SECRET',
  'COMMERCE_TIMEOUT',
  'COMMERCE_MAX_ATTEMPTS',
  'COMMERCE_ECHO_WINDOW_SECONDS',
  'OAUTH_CLIENT_ID',
  'OAUTH_CLIENT_SECRET',
  'OAUTH_ORG_ID',
  'OAUTH_SCOPES',
  'IO_EVENTS_ACCESS_TOKEN',
] as const

/** Parsed Commerce configuration. */
export interface CommerceConfig {
  baseUrl?: string
  auth?: 'integration' | 'ims'
  consumerKey?: string
  consumerSecret?: string
  accessToken?: string
  accessTokenSecret?: string
  timeoutMs: number
  maxAttempts: number
  echoWindowSeconds: number
  oauthClientId?: string
  oauthClientSecret?: string
  oauthOrgId?: string
  oauthScopes: string[]
  staticImsToken?: string
}

const range = (min: number, max: number) => (raw: unknown) => {
  const n = parsers.int(raw)
  if (n < min || n > max) throw new Error(`expected an integer between ${min} and ${max}`)
  return n
}

const spec: ConfigSpec<CommerceConfig> = {
  baseUrl: {
    key: 'COMMERCE_BASE_URL',
    parse: (raw) => {
      const s = String(raw).trim()
      if (!/^https?:\/\/[^/]+/i.test(s))
        throw new Error('expected an http(s) URL like https://store.example.com/rest/')
      return s
    },
  },
  auth: { key: 'COMMERCE_AUTH', parse: parsers.oneOf('integration', 'ims') },
  consumerKey: { key: 'COMMERCE_CONSUMER_KEY', parse: parsers.string },
  consumerSecret: { key: 'COMMERCE_CONSUMER_SECRET', parse: parsers.string },
  accessToken: { key: 'COMMERCE_ACCESS_TOKEN', parse: parsers.string },
  accessTokenSecret: { key: 'COMMERCE_ACCESS_TOKEN_SECRET', parse: parsers.string },
  timeoutMs: { key: 'COMMERCE_TIMEOUT', default: 10_000, parse: range(100, 60_000) },
  maxAttempts: { key: 'COMMERCE_MAX_ATTEMPTS', default: 3, parse: range(1, 10) },
  echoWindowSeconds: {
    key: 'COMMERCE_ECHO_WINDOW_SECONDS',
    default: DEFAULT_ECHO_WINDOW_SECONDS,
    parse: range(1, 86_400),
  },
  oauthClientId: { key: 'OAUTH_CLIENT_ID', parse: parsers.string },
  oauthClientSecret: { key: 'OAUTH_CLIENT_SECRET', parse: parsers.string },
  oauthOrgId: { key: 'OAUTH_ORG_ID', parse: parsers.string },
  oauthScopes: { key: 'OAUTH_SCOPES', default: [], parse: parsers.list },
  staticImsToken: { key: 'IO_EVENTS_ACCESS_TOKEN', parse: parsers.string },
}

/** Reads the Commerce inputs. @throws ConfigError naming every malformed input. */
function loadCommerceConfig(params: Record<string, unknown>): CommerceConfig {
  return loadConfig(params, spec)
}

/** The auth the config selects. @throws ConfigError naming what is missing (never a value). */
function commerceAuthFrom(config: CommerceConfig, clock: Pick<Clock, 'now'>): CommerceAuth {
  const integration = [
    config.consumerKey,
    config.consumerSecret,
    config.accessToken,
    config.accessTokenSecret,
  ]
  const mode = config.auth ?? (integration.every(Boolean) ? 'integration' : 'ims')
  if (mode === 'integration') {
    const names = [
      'COMMERCE_CONSUMER_KEY',
      'COMMERCE_CONSUMER_SECRET',
      'COMMERCE_ACCESS_TOKEN',
      'COMMERCE_ACCESS_TOKEN_SECRET',
    ]
    const missing = names.filter((_, i) => !integration[i])
    if (missing.length)
      throw new ConfigError(`Commerce integration auth needs ${missing.join(', ')}`, missing)
    return integrationAuth(
      {
        consumerKey: config.consumerKey!,
        consumerSecret: config.consumerSecret!,
        accessToken: config.accessToken!,
        accessTokenSecret: config.accessTokenSecret!,
      },
      clock.now,
    )
  }
  try {
    return imsAuth(
      createAccessTokenProvider(
        {
          staticToken: config.staticImsToken,
          oauth:
            config.oauthClientId && config.oauthClientSecret && config.oauthOrgId
              ? {
                  clientId: config.oauthClientId,
                  clientSecret: config.oauthClientSecret,
                  orgId: config.oauthOrgId,
                  scopes: config.oauthScopes,
                }
              : undefined,
        },
        { clock },
      ),
    )
  } catch (err) {
    throw new ConfigError(`Commerce IMS auth: ${(err as Error).message}`, [])
  }
}

/**
 * A Commerce client from the same inputs (also what `npm run onboard` uses to configure Commerce
 * eventing), or undefined when COMMERCE_BASE_URL is unset.
 * @throws ConfigError naming what is missing or malformed (never a value).
 */
export function createCommerceClientFromParams(
  params: Record<string, unknown>,
  deps: { clock: Pick<Clock, 'now' | 'sleep'>; logger: Logger; deadline?: number; fetch?: typeof fetch },
): CommerceClient | undefined {
  const config = loadCommerceConfig(params)
  if (!config.baseUrl) return undefined
  return createCommerceClient({
    baseUrl: config.baseUrl,
    auth: commerceAuthFrom(config, deps.clock),
    clock: deps.clock,
    logger: deps.logger,
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    deadline: deps.deadline,
    fetch: deps.fetch,
  })
}

/**
 * The pipeline's Commerce step for one activation, or undefined when COMMERCE_BASE_URL is unset.
 * `deadline` is the activation's deadline (epoch ms), so retries never outlive it.
 */
export function createCommerceEffectsFromParams(
  params: Record<string, unknown>,
  deps: {
    clock: Pick<Clock, 'now' | 'sleep'>
    logger: Logger
    store: () => Promise<KvStore>
    deadline?: number
    fetch?: typeof fetch
  },
): CommerceEffects | undefined {
  const config = loadCommerceConfig(params)
  const client = createCommerceClientFromParams(params, deps)
  if (!client) return undefined
  return createCommerceEffects({
    client,
    echo: createEchoGuard(deps.store, config.echoWindowSeconds),
    logger: deps.logger,
  })
}
