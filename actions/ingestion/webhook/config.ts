/**
 * Inputs of the ingestion webhook (actions/ingestion/actions.config.yaml). Authentication inputs
 * are read by auth.ts (the plug-in point reads `params` itself); the publishing inputs are
 * loaded here with one typed loader that names every missing key at once.
 */
import { loadConfig, logLevelField, parsers, type ConfigSpec } from '../../lib/config'
import type { EventsClientConfig } from '../../lib/io-events-ingress-client'
import type { TokenSourceConfig } from '../../lib/ims-token'

/** The authentication inputs auth.ts reads from `params` (its strategies are a plug-in point). */
const AUTH_INPUTS = [
  'INGESTION_AUTH',
  'INGESTION_SECRET',
  'INGESTION_SECRETS_PREVIOUS',
  'INGESTION_TOKEN_HEADER',
  'INGESTION_BASIC_USER',
  'INGESTION_BASIC_PASSWORD',
] as const

/** x-api-key sent with a static token when OAUTH_CLIENT_ID is unset. */
const STATIC_TOKEN_API_KEY = 'commerce-event-hub'

/** What publishing needs. */
export interface PublishingConfig {
  /** The consumer org id whose providers are listed (`IO_CONSUMER_ID`). */
  consumerOrgId: string
  imsOrgId: string
  clientId: string
  clientSecret?: string
  scopes: string[]
  technicalAccountId?: string
  technicalAccountEmail?: string
  eventsBaseUrl?: string
  eventsIngressUrl?: string
  accessToken?: string
}

const url = (raw: unknown): string => {
  const s = String(raw).trim()
  if (!/^https?:\/\/[^\s]+$/.test(s)) throw new Error('expected an http(s) URL')
  return s
}

const spec: ConfigSpec<PublishingConfig> = {
  consumerOrgId: { key: 'IO_CONSUMER_ID', required: true, parse: parsers.string },
  imsOrgId: { key: 'OAUTH_ORG_ID', required: true, parse: parsers.string },
  clientId: { key: 'OAUTH_CLIENT_ID', default: '', parse: parsers.string },
  clientSecret: { key: 'OAUTH_CLIENT_SECRET', parse: parsers.string },
  scopes: { key: 'OAUTH_SCOPES', default: [], parse: parsers.list },
  technicalAccountId: { key: 'OAUTH_TECHNICAL_ACCOUNT_ID', parse: parsers.string },
  technicalAccountEmail: { key: 'OAUTH_TECHNICAL_ACCOUNT_EMAIL', parse: parsers.string },
  eventsBaseUrl: { key: 'IO_EVENTS_BASE_URL', parse: url },
  eventsIngressUrl: { key: 'IO_EVENTS_INGRESS_URL', parse: url },
  accessToken: { key: 'IO_EVENTS_ACCESS_TOKEN', parse: parsers.string },
}

/**
 * Every input the action reads: LOG_LEVEL (the entry-point layer), the authentication inputs and
 * the publishing spec's keys. A request may not set any of them (nor `__ow_*`), see request.ts
 * `rejectInputOverrides`; test/unit/manifest.test.ts keeps this list equal to the manifest's.
 */
export const INGESTION_INPUTS: readonly string[] = [
  logLevelField.key,
  ...AUTH_INPUTS,
  ...Object.values(spec).map((f) => f.key),
]

/**
 * Loads the publishing config. Without a static access token (`IO_EVENTS_ACCESS_TOKEN`) the
 * OAuth client id, secret and scopes are required too.
 * @throws ConfigError naming every missing or malformed input
 */
export function loadPublishingConfig(params: Record<string, unknown>): PublishingConfig {
  const config = loadConfig(params, spec)
  if (!config.accessToken) {
    loadConfig(params, {
      clientId: { key: 'OAUTH_CLIENT_ID', required: true },
      clientSecret: { key: 'OAUTH_CLIENT_SECRET', required: true },
      scopes: { key: 'OAUTH_SCOPES', required: true },
    })
  }
  // I/O Events wants an x-api-key on every call; with a static token (the local stack) and no
  // client id, a fixed name is sent — Adobe's gateway would reject it, which is the right outcome.
  return { ...config, clientId: config.clientId || STATIC_TOKEN_API_KEY }
}

/** The token source of a config: the static token when set, else OAuth server-to-server. */
export function tokenSourceOf(c: PublishingConfig): TokenSourceConfig {
  return c.accessToken
    ? { staticToken: c.accessToken }
    : {
        oauth: {
          clientId: c.clientId,
          clientSecret: c.clientSecret ?? '',
          orgId: c.imsOrgId,
          scopes: c.scopes,
          technicalAccountId: c.technicalAccountId,
          technicalAccountEmail: c.technicalAccountEmail,
        },
      }
}

/** The I/O Events client config of a config. */
export function eventsClientOf(c: PublishingConfig): EventsClientConfig {
  return {
    imsOrgId: c.imsOrgId,
    apiKey: c.clientId,
    baseUrl: c.eventsBaseUrl,
    ingressUrl: c.eventsIngressUrl,
  }
}
